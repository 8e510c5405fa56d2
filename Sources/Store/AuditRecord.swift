import Foundation

/// One audited event: an access to a note (or an attempt), a view of PHI in the console, or an operator's action on
/// the outbox or the API keys. Who (the API key id), what (the action, the note or other target, how many rows), when,
/// and how it ended. Holds no PHI: targets are row ids, key ids and destination names.
public struct AuditRecord: Sendable, Hashable {
    /// What was done.
    public enum Action: String, Sendable, CaseIterable {
        /// A note was made.
        case create
        /// A note, a message body or a transcript was read.
        case read
        /// A note was erased.
        case delete
        /// A dead outbox row was queued again.
        case outboxRetry = "outbox-retry"
        /// Every dead outbox row (of a destination) was queued again.
        case outboxRetryDead = "outbox-retry-dead"
        /// Delivered outbox rows were deleted.
        case outboxPurge = "outbox-purge"
        /// An API key was created.
        case keyCreate = "key-create"
        /// An API key was revoked.
        case keyRevoke = "key-revoke"

        /// Whether it is an operator's action on the gateway (the outbox, the keys) rather than an access to a note.
        public var isAdministrative: Bool {
            switch self {
            case .create, .read, .delete: false
            case .outboxRetry, .outboxRetryDead, .outboxPurge, .keyCreate, .keyRevoke: true
            }
        }
    }

    /// The row id (0 before it is stored).
    public var id: Int64
    /// When.
    public var recordedAt: Date
    /// The API key id; `local:<OS user name>` for an operator's action through the `notebridge` CLI (channel `cli`,
    /// which no key signs in); `nil` when the caller was not authenticated.
    public var keyID: String?
    /// What.
    public var action: Action
    /// The note concerned, when known.
    public var noteID: String?
    /// The HTTP status of the answer.
    public var status: Int
    /// The error code of a failed attempt (`NOT_FOUND`, `FORBIDDEN`, ...); `nil` on success.
    public var errorCode: String?
    /// The caller's network address.
    public var remoteAddress: String?
    /// What else the action concerned, as `kind:id` (``Target``): an outbox row (`outbox:12`), a journal entry
    /// (`journal:7`), an API key (`key:key_0123456789ab`), a destination (`destination:ehr`); never PHI.
    public var target: String?
    /// How many rows the action changed (outbox retries and purges).
    public var affected: Int?
    /// Where an operator's action or a console view came from: `console`, `admin` (the `/admin` API) or `cli` (the
    /// `notebridge` command on the gateway's machine); `nil` for the note API's records and those written before it
    /// was kept.
    public var channel: String?

    /// Creates a record.
    public init(
        id: Int64 = 0, recordedAt: Date, keyID: String?, action: Action, noteID: String?, status: Int,
        errorCode: String? = nil, remoteAddress: String? = nil, target: String? = nil, affected: Int? = nil,
        channel: String? = nil
    ) {
        self.id = id
        self.recordedAt = recordedAt
        self.keyID = keyID
        self.action = action
        self.noteID = noteID
        self.status = status
        self.errorCode = errorCode
        self.remoteAddress = remoteAddress
        self.target = target
        self.affected = affected
        self.channel = channel
    }

    /// Whether the access succeeded.
    public var succeeded: Bool { (200..<300).contains(status) }

    /// The ``target`` forms.
    public enum Target {
        /// `outbox:<row id>`.
        public static func outboxRow(_ id: Int64) -> String { "outbox:\(id)" }
        /// `journal:<entry id>`.
        public static func journalEntry(_ id: Int64) -> String { "journal:\(id)" }
        /// `key:<key id>`.
        public static func apiKey(_ id: String) -> String { "key:\(id)" }
        /// `destination:<name>`.
        public static func destination(_ name: String) -> String { "destination:\(name)" }
    }
}

/// The audit trail: note access, PHI views and operators' actions.
public protocol AuditLog: Sendable {
    /// Appends a record.
    func append(_ record: AuditRecord) async throws
    /// Records from `since` (inclusive) to `until` (exclusive) in time order, at most `limit`, after row `afterID`.
    func auditRecords(since: Date?, until: Date?, afterID: Int64, limit: Int) async throws -> [AuditRecord]
    /// A page of the newest records next to `cursor` (newest first in any case): with none, the newest `limit`; with
    /// ``KeysetCursor/before(_:)``, the next older ones; with ``KeysetCursor/after(_:)``, the next newer ones.
    func recentAuditRecords(_ cursor: KeysetCursor?, limit: Int) async throws -> [AuditRecord]
}
