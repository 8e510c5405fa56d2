import Foundation
import Logging

/// The ``Store`` on one SQLite database file: a ``SQLiteJournal`` (journal, pipeline notes, outbox) and its
/// ``SQLiteJournal/notes`` (notes, API keys, audit, webhooks) over one connection pool.
public final class SQLiteStore: Store {
    /// The database.
    public let database: SQLiteJournal

    public var backend: StoreBackend { .sqlite }
    public var journal: any Journal { database }
    public var outbox: any Outbox { database }
    public var notes: any NoteStore { database.notes }
    public var keys: any APIKeyStore { database.notes }
    public var audit: any AuditLog { database.notes }
    public var webhooks: any WebhookOutbox { database.notes }
    public var consoleSessions: any ConsoleSessionStore { database.notes }
    public var audioJobs: any AudioJobStore { database.notes }

    /// Opens (creating when missing) the database at `databaseFile` and migrates it.
    public init(
        databaseFile: URL, keyring: DataKeyring, configuration: SQLiteJournal.Configuration = .init(),
        logger: Logger = Logger(label: "notebridge.store")
    ) throws {
        database = try SQLiteJournal(
            databaseFile: databaseFile, keyring: keyring, configuration: configuration, logger: logger)
    }

    /// Reads the journal (the schema was migrated on open).
    public func checkReadiness() async throws {
        _ = try await database.count()
    }

    /// Allocates and commits 64 KiB of pages in a table created and dropped within the one transaction.
    public func checkWritable() async throws {
        try await database.checkWritable()
    }

    public func close() async throws {
        try await database.close()
    }
}
