import Foundation

/// An inbound message to commit to the journal before its acknowledgment is sent.
///
/// ``body`` is plaintext in memory only; a ``Journal`` seals it before it reaches the disk.
public struct NewJournalEntry: Sendable, Hashable {
    /// Where the message came from, e.g. `mllp://127.0.0.1:50312`. Never PHI.
    public var source: String
    /// MSH-3 + `|` + MSH-4 as received; `""` when unknown. Duplicates are detected per sender.
    public var sender: String
    /// MSH-10, the message control id; `nil` disables duplicate detection for this entry.
    public var controlID: String?
    /// The message type, e.g. `ADT^A01`.
    public var messageType: String?
    /// MSH-12, the HL7 version.
    public var version: String?
    /// When the frame was received. Stored with millisecond precision.
    public var receivedAt: Date
    /// The initial state.
    public var state: JournalState
    /// The raw message bytes.
    public var body: [UInt8]
    /// The acknowledgment bytes that will be sent (empty when none is sent); sent again for a duplicate.
    public var acknowledgment: [UInt8]
    /// The acknowledgment code (`AA`, `AE`, `AR`, `CA`, `CE`, `CR`), or `""` when none.
    public var acknowledgmentCode: String
    /// What a resend must match to be a duplicate (for HL7 v2, the message without MSH-7); `nil` compares nothing,
    /// so any repeat of the sender and control id is a duplicate. Plaintext in memory only: the journal stores a
    /// keyed digest of it.
    public var comparableContent: [UInt8]?

    /// Creates an entry.
    public init(
        source: String,
        sender: String = "",
        controlID: String? = nil,
        messageType: String? = nil,
        version: String? = nil,
        receivedAt: Date = Date(),
        state: JournalState = .received,
        body: [UInt8],
        acknowledgment: [UInt8] = [],
        acknowledgmentCode: String = "",
        comparableContent: [UInt8]? = nil
    ) {
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
        self.comparableContent = comparableContent
    }
}
