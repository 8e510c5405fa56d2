/// Everything the gateway keeps, behind one backend: the journal of inbound messages, the outbox of written notes,
/// the `/v1` notes, API keys, the audit trail and webhook deliveries.
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

    /// Returns when the store can commit now; throws when it cannot (the database is unreachable, or its schema
    /// migrations are pending). What `/readyz` asks.
    func checkReadiness() async throws

    /// Waits for pending commits, then releases the database.
    func close() async throws
}

/// The kinds of ``Store`` (`storage.backend`).
public enum StoreBackend: String, Sendable, Hashable, CaseIterable {
    /// One SQLite database file in the data folder (``SQLiteStore``): the embedded default.
    case sqlite
    /// A PostgreSQL database that several instances share (`PostgresStore`, `storage.url`).
    case postgresql
}
