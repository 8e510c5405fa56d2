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
            try migrator.migrate(pool)
            return pool
        } catch {
            throw storeError(error, operation: "open \(path)")
        }
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
