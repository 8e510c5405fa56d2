import Foundation

/// A committed journal row, with its body opened (plaintext in memory).
public struct JournalEntry: Sendable, Hashable {
    /// The row id, ascending in commit order.
    public var id: Int64
    /// Where the message came from, e.g. `mllp://127.0.0.1:50312`.
    public var source: String
    /// MSH-3 + `|` + MSH-4 as received; `""` when unknown.
    public var sender: String
    /// MSH-10, the message control id.
    public var controlID: String?
    /// The message type, e.g. `ADT^A01`.
    public var messageType: String?
    /// MSH-12, the HL7 version.
    public var version: String?
    /// When the frame was received (millisecond precision).
    public var receivedAt: Date
    /// The current state.
    public var state: JournalState
    /// The raw message bytes, opened.
    public var body: [UInt8]
    /// The acknowledgment bytes that were sent (empty when none).
    public var acknowledgment: [UInt8]
    /// The acknowledgment code, or `""` when none.
    public var acknowledgmentCode: String
    /// The id of the data key that sealed the body at rest.
    public var keyID: String
    /// How many duplicates of this message were received after it.
    public var duplicateCount: Int
    /// When the row last changed (millisecond precision).
    public var updatedAt: Date
    /// Why processing failed (state `failed`), for operators; never PHI.
    public var failureReason: String?
    /// The earlier entry whose control id this one reused for different content (flag `reused-control-id`).
    public var reusesControlIDOf: Int64?

    /// The flags an operator sees on the entry.
    public var flags: [JournalFlag] { reusesControlIDOf == nil ? [] : [.reusedControlID] }

    /// Creates an entry.
    public init(
        id: Int64,
        source: String,
        sender: String,
        controlID: String?,
        messageType: String?,
        version: String?,
        receivedAt: Date,
        state: JournalState,
        body: [UInt8],
        acknowledgment: [UInt8],
        acknowledgmentCode: String,
        keyID: String,
        duplicateCount: Int,
        updatedAt: Date,
        failureReason: String? = nil,
        reusesControlIDOf: Int64? = nil
    ) {
        self.id = id
        self.source = source
        self.sender = sender
        self.controlID = controlID
        self.messageType = messageType
        self.version = version
        self.receivedAt = receivedAt
        self.state = state
        self.body = body
        self.acknowledgment = acknowledgment
        self.acknowledgmentCode = acknowledgmentCode
        self.keyID = keyID
        self.duplicateCount = duplicateCount
        self.updatedAt = updatedAt
        self.failureReason = failureReason
        self.reusesControlIDOf = reusesControlIDOf
    }
}
