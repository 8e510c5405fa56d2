import Foundation
import GRDB

/// A journal row as stored: body sealed, times in epoch milliseconds.
package struct JournalRow: Sendable, Hashable {
    /// The columns of `journal`, in the order ``init(row:)`` decodes them.
    static let columns = """
        id, source, sender, control_id, message_type, version, received_at, state, \
        body_sealed, key_id, acknowledgment, ack_code, duplicate_count, updated_at, failure_reason, \
        content_digest, reuses_control_id_of
        """

    package var id: Int64
    package var source: String
    package var sender: String
    package var controlID: String?
    package var messageType: String?
    package var version: String?
    package var receivedAt: Int64
    package var state: JournalState
    package var sealedBody: SealedValue
    package var acknowledgment: [UInt8]
    package var acknowledgmentCode: String
    package var duplicateCount: Int
    package var updatedAt: Int64
    package var failureReason: String?
    /// The keyed digest of the entry's comparable content (``MessageContentDigester``), when it had one.
    package var contentDigest: String?
    /// The earlier row whose control id this one reused for different content.
    package var reusesControlIDOf: Int64?

    /// A row to insert: `entry` with its body already sealed; the id and update time are set on insert.
    package init(inserting entry: NewJournalEntry, sealedBody: SealedValue, contentDigest: String? = nil) {
        self.id = 0
        self.source = entry.source
        self.sender = entry.sender
        self.controlID = entry.controlID
        self.messageType = entry.messageType
        self.version = entry.version
        self.receivedAt = entry.receivedAt.epochMilliseconds
        self.state = entry.state
        self.sealedBody = sealedBody
        self.acknowledgment = entry.acknowledgment
        self.acknowledgmentCode = entry.acknowledgmentCode
        self.duplicateCount = 0
        self.updatedAt = 0
        self.failureReason = nil
        self.contentDigest = contentDigest
        self.reusesControlIDOf = nil
    }

    /// A row as read from a database other than SQLite, every column given.
    package init(
        id: Int64, source: String, sender: String, controlID: String?, messageType: String?, version: String?,
        receivedAt: Int64, state: JournalState, sealedBody: SealedValue, acknowledgment: [UInt8],
        acknowledgmentCode: String, duplicateCount: Int, updatedAt: Int64, failureReason: String?,
        contentDigest: String?, reusesControlIDOf: Int64?
    ) {
        self.id = id
        self.source = source
        self.sender = sender
        self.controlID = controlID
        self.messageType = messageType
        self.version = version
        self.receivedAt = receivedAt
        self.state = state
        self.sealedBody = sealedBody
        self.acknowledgment = acknowledgment
        self.acknowledgmentCode = acknowledgmentCode
        self.duplicateCount = duplicateCount
        self.updatedAt = updatedAt
        self.failureReason = failureReason
        self.contentDigest = contentDigest
        self.reusesControlIDOf = reusesControlIDOf
    }

    /// Decodes a row selected with ``columns``.
    init(row: Row) throws {
        let stateName = try row.decode(String.self, atIndex: 7)
        guard let state = JournalState(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "journal row has unknown state \(stateName)")
        }
        self.id = try row.decode(Int64.self, atIndex: 0)
        self.source = try row.decode(String.self, atIndex: 1)
        self.sender = try row.decode(String.self, atIndex: 2)
        self.controlID = try row.decode(String?.self, atIndex: 3)
        self.messageType = try row.decode(String?.self, atIndex: 4)
        self.version = try row.decode(String?.self, atIndex: 5)
        self.receivedAt = try row.decode(Int64.self, atIndex: 6)
        self.state = state
        let sealedBytes = try row.decode(Data?.self, atIndex: 8) ?? Data()
        let keyID = try row.decode(String.self, atIndex: 9)
        self.sealedBody = SealedValue(keyID: keyID, bytes: Array(sealedBytes))
        self.acknowledgment = Array(try row.decode(Data?.self, atIndex: 10) ?? Data())
        self.acknowledgmentCode = try row.decode(String.self, atIndex: 11)
        self.duplicateCount = try row.decode(Int.self, atIndex: 12)
        self.updatedAt = try row.decode(Int64.self, atIndex: 13)
        self.failureReason = try row.decode(String?.self, atIndex: 14)
        self.contentDigest = try row.decode(String?.self, atIndex: 15)
        self.reusesControlIDOf = try row.decode(Int64?.self, atIndex: 16)
    }

    /// The arguments of the `INSERT` in ``SQLiteJournal``: every column but `id`, in ``columns`` order.
    func insertArguments(updatedAt: Int64) -> StatementArguments {
        [
            source, sender, controlID, messageType, version, receivedAt, state.rawValue,
            Data(sealedBody.bytes), sealedBody.keyID,
            acknowledgment.isEmpty ? nil : Data(acknowledgment), acknowledgmentCode, duplicateCount, updatedAt,
        ]
    }

    /// The arguments of the columns the resend comparison added (`content_digest`, `reuses_control_id_of`), which
    /// follow ``insertArguments(updatedAt:)`` in the `INSERT`.
    var resendArguments: StatementArguments { [contentDigest, reusesControlIDOf] }

    /// The public entry, with the body opened by `sealer`.
    package func entry(opening sealer: Sealer) throws -> JournalEntry {
        JournalEntry(
            id: id,
            source: source,
            sender: sender,
            controlID: controlID,
            messageType: messageType,
            version: version,
            receivedAt: Date(epochMilliseconds: receivedAt),
            state: state,
            body: try sealer.open(sealedBody),
            acknowledgment: acknowledgment,
            acknowledgmentCode: acknowledgmentCode,
            keyID: sealedBody.keyID,
            duplicateCount: duplicateCount,
            updatedAt: Date(epochMilliseconds: updatedAt),
            failureReason: failureReason,
            reusesControlIDOf: reusesControlIDOf
        )
    }
}
