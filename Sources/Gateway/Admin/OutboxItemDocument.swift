import Foundation
import Store

/// An outbox row as the admin API answers it (metadata only, never the note): the fields of
/// `notebridge outbox show`, times in ISO 8601.
struct OutboxItemDocument: Encodable, Sendable {
    var id: Int64
    var noteId: String
    var destination: String
    var state: String
    var attempts: Int
    var controlId: String
    var patientKey: String
    var nextAttemptAt: String
    var lastError: String?
    var leaseExpiresAt: String?
    var createdAt: String
    var updatedAt: String
    var deliveredAt: String?
    /// What the destination reported storing (`Type/id/_history/version`); empty when it reported nothing.
    var deliveredReferences: [String]

    init(_ item: OutboxItem) {
        let format = Date.ISO8601FormatStyle()
        id = item.id
        noteId = item.noteID
        destination = item.destination
        state = item.state.rawValue
        attempts = item.attempts
        controlId = item.controlID
        patientKey = item.patientKey
        nextAttemptAt = format.format(item.nextAttemptAt)
        lastError = item.lastError
        leaseExpiresAt = item.leaseExpiresAt.map(format.format)
        createdAt = format.format(item.createdAt)
        updatedAt = format.format(item.updatedAt)
        deliveredAt = item.deliveredAt.map(format.format)
        deliveredReferences = item.deliveredReferences
    }

    /// Encodes `nil` optionals as `null`, so that every row has every key.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(noteId, forKey: .noteId)
        try container.encode(destination, forKey: .destination)
        try container.encode(state, forKey: .state)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(controlId, forKey: .controlId)
        try container.encode(patientKey, forKey: .patientKey)
        try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(lastError, forKey: .lastError)
        try container.encode(leaseExpiresAt, forKey: .leaseExpiresAt)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(deliveredAt, forKey: .deliveredAt)
        try container.encode(deliveredReferences, forKey: .deliveredReferences)
    }

    enum CodingKeys: String, CodingKey {
        case id, noteId, destination, state, attempts, controlId, patientKey, nextAttemptAt, lastError, leaseExpiresAt
        case createdAt, updatedAt, deliveredAt, deliveredReferences
    }
}
