/// Everything the gateway keeps, behind one backend: the journal of inbound messages, the outbox of written notes,
/// the `/v1` notes, API keys, the audit trail, webhook deliveries, console sessions and audio jobs.
///
/// One backend holds them all in one database, so that a commit spanning several (journal entry processed → note
/// stored → one outbox row per destination) is one transaction. The gateway opens the backend its configuration
/// names (`storage.backend`, see ``StoreBackend``) and speaks only to these protocols; sealing and lookup digests
/// are ``StoreSealing``'s, the same for every backend. Every implementation passes the store conformance suite
/// (`Tests/StoreTests/StoreConformanceTests.swift`).
public protocol Store: Sendable {
    /// The backend.
    var backend: StoreBackend { get }
    /// The journal of inbound messages.
    var journal: any Journal { get }
    /// The outbox of written notes, with its leases.
    var outbox: any Outbox { get }
    /// The `/v1` notes.
    var notes: any NoteStore { get }
    /// The API keys.
    var keys: any APIKeyStore { get }
    /// The audit trail.
    var audit: any AuditLog { get }
    /// The webhook deliveries.
    var webhooks: any WebhookOutbox { get }
    /// The console's sessions.
    var consoleSessions: any ConsoleSessionStore { get }
    /// The audio jobs of `POST /v1/note/audio` (recordings waiting to be transcribed, sealed).
    var audioJobs: any AudioJobStore { get }

    /// The per-key rate limits every instance shares, or `nil` when the backend serves one instance only (each
    /// process then counts in memory).
    var rateLimits: (any SharedRateLimits)? { get }

    /// The stream tickets every instance shares, or `nil` when the backend serves one instance only (tickets then
    /// live in that process's memory).
    var streamTickets: (any SharedStreamTickets)? { get }

    /// Runs `body` unless another instance sharing the database is running `work` now (then returns `false` at once,
    /// without waiting). The claim ends with `body`, or with the instance holding it (its connection closes), so the
    /// work moves to another instance when one dies. A backend serving one instance runs `body` every time.
    func exclusively(_ work: SingletonWork, _ body: @escaping @Sendable () async -> Void) async throws -> Bool

    /// Returns when the store can commit now; throws when it cannot (the database is unreachable, or its schema
    /// migrations are pending). What `/readyz` asks.
    func checkReadiness() async throws

    /// Returns when a small write commits now (about 64 KiB, removed again in the same transaction, so nothing is
    /// left behind); throws (``StoreError/Code/cannotWrite`` for a full disk, a read-only database or a server that
    /// cannot be reached) when it does not. What `/readyz` asks after a write failed that way.
    func checkWritable() async throws

    /// Waits for pending commits, then releases the database.
    func close() async throws
}

extension Store {
    /// None: one instance, counting in memory.
    public var rateLimits: (any SharedRateLimits)? { nil }

    /// None: one instance, keeping tickets in memory.
    public var streamTickets: (any SharedStreamTickets)? { nil }

    /// Runs `body`: one instance has nobody to share the work with.
    public func exclusively(_ work: SingletonWork, _ body: @escaping @Sendable () async -> Void) async throws -> Bool {
        await body()
        return true
    }
}

/// The kinds of ``Store`` (`storage.backend`).
public enum StoreBackend: String, Sendable, Hashable, CaseIterable {
    /// One SQLite database file in the data folder (``SQLiteStore``): the embedded default.
    case sqlite
    /// A PostgreSQL database that several instances share (`PostgresStore`, `storage.url`).
    case postgresql
}
