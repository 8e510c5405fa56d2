import Foundation
import Logging
import PostgresNIO
import Store
import Synchronization

/// The ``Store`` on a PostgreSQL database that several NoteBridge instances share (`storage.backend: postgresql`).
///
/// PostgreSQL sees only what the SQLite store's file holds: bodies, notes and secrets sealed by ``StoreSealing``
/// (AES-256-GCM under the keyring every instance is given) and keyed digests, never PHI in the clear. The schema is
/// brought up to date before the first operation (``PostgresSchema``, under an advisory lock), and again after a
/// start that could not reach the server, so an instance started before its database recovers by itself;
/// ``checkReadiness()`` fails while the server is unreachable or migrations are pending.
///
/// The connection pool (PostgresNIO's `PostgresClient`) runs in a task the store owns from
/// ``init(configuration:keyring:logger:)`` to ``close()``.
public final class PostgresStore: Store {
    /// The connection settings in effect.
    public let configuration: Configuration
    let database: PostgresStoreDatabase
    let journalStore: PostgresJournal
    let outboxStore: PostgresOutbox
    let noteStore: PostgresNoteStore
    private let pool: Mutex<Task<Void, Never>?>

    public var backend: StoreBackend { .postgresql }
    public var journal: any Journal { journalStore }
    public var outbox: any Outbox { outboxStore }
    public var notes: any NoteStore { noteStore }
    public var keys: any APIKeyStore { noteStore }
    public var audit: any AuditLog { noteStore }
    public var webhooks: any WebhookOutbox { noteStore }
    public var consoleSessions: any ConsoleSessionStore { noteStore }
    public var audioJobs: any AudioJobStore { noteStore }
    public var rateLimits: (any SharedRateLimits)? { rateLimitStore }
    let rateLimitStore: PostgresRateLimits
    public var streamTickets: (any SharedStreamTickets)? { streamTicketStore }
    let streamTicketStore: PostgresStreamTickets

    /// Starts the connection pool for `configuration`; nothing is sent to the server until the first operation (or
    /// ``migrate()``). Throws ``StoreError/Code/invalidArgument`` for a setting out of range.
    public init(
        configuration: Configuration, keyring: DataKeyring, logger: Logger = Logger(label: "notebridge.store")
    ) throws {
        let database = try PostgresStoreDatabase(configuration: configuration, logger: logger)
        self.configuration = configuration
        self.database = database
        self.journalStore = PostgresJournal(database: database, keyring: keyring)
        self.outboxStore = PostgresOutbox(database: database, keyring: keyring)
        self.noteStore = PostgresNoteStore(database: database, keyring: keyring)
        self.rateLimitStore = PostgresRateLimits(database: database)
        self.streamTicketStore = PostgresStreamTickets(database: database, keyring: keyring)
        let client = database.client
        self.pool = Mutex(Task { await client.run() })
        logger.info(
            "PostgreSQL store opened",
            metadata: [
                "nb.store.url": "\(configuration.redactedDescription)",
                "nb.store.pool_size": "\(configuration.poolSize)",
                "nb.store.key_id": "\(keyring.activeKeyID)",
            ])
    }

    /// Brings the schema up to date now (under the advisory lock); the first operation does it otherwise.
    public func migrate() async throws {
        try await database.migrateIfNeeded()
    }

    /// The schema versions the database has applied, ascending.
    public func appliedSchemaVersions() async throws -> [Int] {
        try await database.run("read schema versions") { connection in
            try await PostgresSchema.appliedVersions(connection, logger: self.database.logger)
        }
    }

    /// The schema version this build migrates to.
    public static var schemaVersion: Int { PostgresSchema.latestVersion }

    /// Brings the schema up to date when it is not (without waiting for another instance's migration: that is
    /// reported as pending), then asks the server a trivial query; throws when either fails or takes longer than two
    /// seconds (or the connect timeout, when shorter).
    public func checkReadiness() async throws {
        let limit = min(configuration.connectTimeout, .seconds(2))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await self.database.migrateIfNeeded(wait: false)
                _ = try await self.database.withConnection("check readiness") { connection in
                    try await connection.rows("SELECT 1", logger: self.database.logger).count
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                throw StoreError(.database, reason: "check readiness: no answer from PostgreSQL within \(limit)")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Commits a transaction that writes 64 KiB into a temporary table dropped at commit (its catalog rows are
    /// logged): refused in a read-only transaction (25006), by a full disk, or when the server cannot be reached.
    public func checkWritable() async throws {
        _ = try await database.transaction("check that the database takes writes") { connection in
            let logger = self.database.logger
            try await connection.rows(
                "CREATE TEMPORARY TABLE notebridge_write_probe (filler BYTEA) ON COMMIT DROP", logger: logger)
            try await connection.rows(
                "INSERT INTO notebridge_write_probe VALUES (decode(repeat('00', 65536), 'hex'))", logger: logger)
            return 0
        }
    }

    /// Runs `body` while this instance holds the session-level advisory lock of `work`, on a connection kept for
    /// that long: `pg_try_advisory_lock` does not wait, and the server drops the lock with the connection when the
    /// instance dies, so another instance's next attempt gets it.
    public func exclusively(_ work: SingletonWork, _ body: @escaping @Sendable () async -> Void) async throws -> Bool {
        let key = Self.lockKey(work)
        let logger = database.logger
        return try await database.withConnection("run \(work.rawValue)") { connection in
            let locked = try await connection.rows("SELECT pg_try_advisory_lock(\(key))", logger: logger).first?
                .value(0, as: Bool.self)
            guard locked == true else { return false }
            await body()
            _ = try? await connection.rows("SELECT pg_advisory_unlock(\(key))", logger: logger)
            return true
        }
    }

    /// The advisory lock key of `work`: `NBSINGL` in ASCII and the work's number.
    static func lockKey(_ work: SingletonWork) -> Int64 {
        let base: Int64 = 0x4E42_5349_4E47_4C00
        return base + Int64(SingletonWork.allCases.firstIndex(of: work) ?? 0)
    }

    public func close() async throws {
        await journalStore.closeQueue()
        guard database.markClosed() else { return }
        let task = pool.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
        database.logger.info("PostgreSQL store closed")
    }

    /// Group-commit counters of the journal: batches committed and the largest batch (for tests and diagnostics).
    public var groupCommitStatistics: (batches: Int, largestBatch: Int) { journalStore.groupCommitStatistics }
}
