import Foundation
import GRDB

/// Opening an SQLite database the way every NoteBridge store does: an owner-only file in an owner-only folder,
/// WAL mode, a busy timeout, the chosen `synchronous` setting, and the schema migrated.
enum SQLitePool {
    /// Opens (creating when missing) `databaseFile` and migrates it.
    static func open(
        _ databaseFile: URL, label: String, synchronous: SQLiteJournal.Configuration.Synchronous,
        busyTimeout: Duration, maximumReaderCount: Int, migrator: DatabaseMigrator
    ) throws -> DatabasePool {
        let path = databaseFile.path
        let directory = databaseFile.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.database, reason: "cannot create directory \(directory.path)")
        }
        try SecureFile.createOwnerOnlyIfMissing(path: path, code: .database)
        var configuration = GRDB.Configuration()
        configuration.label = label
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(Double(busyTimeout.clampedMilliseconds) / 1000)
        configuration.maximumReaderCount = maximumReaderCount
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets NORMAL when it enables WAL; set ours afterwards, on the one connection that commits.
            let setting = synchronous == .full ? "FULL" : "NORMAL"
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(setting)")
            }
            do {
                try refuseNewerSchema(pool, migrator: migrator, path: path)
                try migrator.migrate(pool)
            } catch {
                try? pool.close()
                throw error
            }
            return pool
        } catch {
            throw storeError(error, operation: "open \(path)")
        }
    }

    /// Throws ``StoreError/Code/newerSchema`` when the database records migrations (`grdb_migrations`) that
    /// `migrator` does not know: a newer NoteBridge wrote it, and this build would read it wrongly. The reason gives
    /// counts of migrations and this build's last one, never an identifier read from the file.
    static func refuseNewerSchema(_ pool: DatabasePool, migrator: DatabaseMigrator, path: String) throws {
        let applied = try pool.read { try migrator.appliedIdentifiers($0) }
        let known = migrator.migrations
        let unknown = applied.subtracting(known)
        guard !unknown.isEmpty else { return }
        throw StoreError(
            .newerSchema,
            reason:
                "\(path) was written by a newer NoteBridge: its schema has \(applied.count) migrations applied, "
                + "\(unknown.count) of them unknown to this build, whose schema has \(known.count) (the last "
                + "'\(known.last ?? "none")'); run that newer version, or restore a backup made with this one")
    }

    /// Maps a database error to a ``StoreError`` carrying only the SQLite result code and message (which name
    /// tables and constraints, never values). Store errors and cancellation pass through.
    static func storeError(_ error: any Error, operation: String) -> any Error {
        switch error {
        case let error as StoreError:
            return error
        case let error as CancellationError:
            return error
        case let error as DatabaseError:
            let message = error.message ?? "no message"
            // Full disk (SQLITE_FULL), a read-only file (SQLITE_READONLY) or an I/O error (SQLITE_IOERR): the
            // storage's state, not the request's, so callers can answer "retry later" rather than an internal error.
            let cannotWrite: [ResultCode] = [.SQLITE_FULL, .SQLITE_READONLY, .SQLITE_IOERR]
            return StoreError(
                cannotWrite.contains(error.resultCode) ? .cannotWrite : .database,
                reason: "\(operation): SQLite error \(error.extendedResultCode.rawValue): \(message)")
        default:
            return StoreError(.database, reason: "\(operation): \(type(of: error))")
        }
    }
}
