import Foundation

/// One row of the outbox: a note for one destination. Holds no PHI (the patient key is a keyed digest).
public struct OutboxItem: Sendable, Hashable {
    /// The row id, ascending in commit order.
    public var id: Int64
    /// The note (`note_…`).
    public var noteID: String
    /// The destination's configured name.
    public var destination: String
    /// A keyed digest of the patient's identifier: rows of one key are delivered in order.
    public var patientKey: String
    /// The state.
    public var state: OutboxState
    /// Attempts made so far (released leases do not count).
    public var attempts: Int
    /// When the next attempt is due.
    public var nextAttemptAt: Date
    /// The last error, for operators (never PHI).
    public var lastError: String?
    /// The message control id (MSH-10) every attempt sends, so that a receiver can drop duplicates.
    public var controlID: String
    /// When the current lease expires (in flight only).
    public var leaseExpiresAt: Date?
    /// When it was queued.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// When it was delivered.
    public var deliveredAt: Date?

    /// Creates an item.
    public init(
        id: Int64, noteID: String, destination: String, patientKey: String, state: OutboxState, attempts: Int,
        nextAttemptAt: Date, lastError: String?, controlID: String, leaseExpiresAt: Date?, createdAt: Date,
        updatedAt: Date, deliveredAt: Date?
    ) {
        self.id = id
        self.noteID = noteID
        self.destination = destination
        self.patientKey = patientKey
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.controlID = controlID
        self.leaseExpiresAt = leaseExpiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deliveredAt = deliveredAt
    }
}
