import Foundation
import GRDB
import Logging

/// The gateway's one SQLite database: the journal, the pipeline's notes and the outbox, and the `/v1` notes, API
/// keys, audit trail and webhook deliveries, so that every commit that spans them is one transaction.
extension SQLiteJournal {
    /// The whole schema: the journal's migrations, then the notes store's, then the audio jobs' (which only the one
    /// database has).
    static var databaseMigrator: DatabaseMigrator {
        var migrator = SQLiteJournal.migrator
        SQLiteNoteStore.registerMigrations(in: &migrator)
        // Recordings accepted for transcription (POST /v1/note/audio answered 202), sealed until transcribed.
        migrator.registerMigration("audio-jobs.v1") { db in
            try db.execute(sql: SQLiteNoteStore.audioJobsTable)
        }
        return migrator
    }

    /// What ``mergeNotesDatabase(_:into:)`` moved.
    public struct NotesDatabaseMerge: Sendable, Hashable {
        /// Notes moved.
        public var notes: Int
        /// API keys moved.
        public var keys: Int
        /// Audit records moved.
        public var auditRecords: Int
        /// Webhook deliveries moved.
        public var webhookDeliveries: Int
    }

    /// Moves a separate notes database (the data folder's layout before one database: `notebridge.sqlite` for the
    /// journal and outbox, `notes.sqlite` for notes, API keys, audit and webhooks) into `databaseFile`, then deletes
    /// it.
    ///
    /// The old file is first brought up to its last schema, then every row is copied with its id in one
    /// transaction (sealed values as they are: they are bound to their note or key id, not to the file), so that a
    /// crash leaves either both files as they were or every row in the one database; rows already there (a merge
    /// that committed but could not delete the old file) are kept, not doubled. Returns `nil` when there is no
    /// such file.
    public static func mergeNotesDatabase(
        _ notesFile: URL, into databaseFile: URL,
        synchronous: Configuration.Synchronous = .normal, logger: Logger? = nil
    ) throws -> NotesDatabaseMerge? {
        guard FileManager.default.fileExists(atPath: notesFile.path) else { return nil }
        // The old file at its last schema (a file made before notes.v2 lacks the FHIR and lookup columns).
        let legacy = try SQLitePool.open(
            notesFile, label: "notebridge.notes-merge", synchronous: synchronous, busyTimeout: .seconds(5),
            maximumReaderCount: 1, migrator: SQLiteNoteStore.migrator)
        do {
            try legacy.close()
        } catch {
            throw SQLitePool.storeError(error, operation: "close \(notesFile.path)")
        }
        let pool = try SQLitePool.open(
            databaseFile, label: "notebridge.merge", synchronous: synchronous, busyTimeout: .seconds(5),
            maximumReaderCount: 1, migrator: databaseMigrator)
        let merged: NotesDatabaseMerge
        do {
            merged = try pool.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS legacy", arguments: [notesFile.path])
                defer { try? db.execute(sql: "DETACH DATABASE legacy") }
                var counts: [Int] = []
                try db.inTransaction(.immediate) {
                    counts = []
                    for table in mergedTables {
                        let columns = try db.columns(in: table, in: "legacy").map(\.name)
                        let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
                        try db.execute(
                            sql: "INSERT OR IGNORE INTO main.\(table) (\(list)) SELECT \(list) FROM legacy.\(table)")
                        counts.append(db.changesCount)
                    }
                    return .commit
                }
                return NotesDatabaseMerge(
                    notes: counts[0], keys: counts[1], auditRecords: counts[2], webhookDeliveries: counts[3])
            }
            try pool.close()
        } catch {
            try? pool.close()
            throw SQLitePool.storeError(error, operation: "merge \(notesFile.path) into \(databaseFile.path)")
        }
        for suffix in ["", "-wal", "-shm"] {
            let path = notesFile.path + suffix
            guard FileManager.default.fileExists(atPath: path) else { continue }
            do {
                try FileManager.default.removeItem(atPath: path)
            } catch {
                throw StoreError(.database, reason: "merged \(notesFile.path) but cannot delete \(path)")
            }
        }
        logger?.notice(
            "notes database merged into the one database",
            metadata: [
                "nb.store.path": "\(databaseFile.path)", "nb.store.merged_notes": "\(merged.notes)",
                "nb.store.merged_keys": "\(merged.keys)", "nb.store.merged_audit": "\(merged.auditRecords)",
                "nb.store.merged_webhooks": "\(merged.webhookDeliveries)",
            ])
        return merged
    }

    /// The tables of a notes database, in the order ``NotesDatabaseMerge`` counts them.
    private static let mergedTables = ["notes", "api_keys", "audit", "webhooks"]
}
