import Dispatch
import Foundation
import GRDB
import Logging

/// The ``Journal`` on an SQLite database file (GRDB `DatabasePool`, WAL mode).
///
/// Bodies are sealed with the keyring's active key before they reach the database. Concurrent
/// ``record(_:duplicateWindow:)`` calls are group-committed: each call seals its body in its own task, parks on a
/// queue, and schedules one job on the database's serial writer; the first job to run takes every pending record
/// (up to ``Configuration/maximumBatchSize``) and commits them all in one `BEGIN IMMEDIATE` transaction, then
/// resumes each caller with its outcome. Later jobs find their records already committed and return at once. There
/// is no background task: the writer is GRDB's serial queue, and it runs only while records are pending.
public final class SQLiteJournal: Journal {
    /// The database file.
    public let databaseFile: URL
    /// The tuning in effect.
    public let configuration: Configuration

    /// The notes, API keys, audit trail and webhook deliveries in the same database (one writer, one file).
    public let notes: SQLiteNoteStore

    let pool: DatabasePool
    /// Sealing (shared by every backend).
    let sealing: StoreSealing
    /// ``sealing`` for journal bodies.
    let sealer: Sealer
    let contentDigester: MessageContentDigester
    let queue = JournalCommitQueue()
    let logger: Logger

    private static let insertSQL = """
        INSERT INTO journal (source, sender, control_id, message_type, version, received_at, state, \
        body_sealed, key_id, acknowledgment, ack_code, duplicate_count, updated_at, content_digest, \
        reuses_control_id_of) \
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    private static let duplicateLookupSQL = """
        SELECT \(JournalRow.columns) FROM journal \
        WHERE sender = ? AND control_id = ? AND received_at >= ? AND state != 'rejected' \
        ORDER BY received_at DESC, id DESC LIMIT 64
        """
    private static let duplicateCountSQL = """
        UPDATE journal SET duplicate_count = duplicate_count + 1, updated_at = ? WHERE id = ?
        """
    private static let purgeChunkSize = 5_000

    /// Opens (creating when missing) the journal database at `databaseFile`, creating its parent directories
    /// (mode 0700) and the file itself with mode 0600, and migrates the schema.
    ///
    /// - Parameters:
    ///   - databaseFile: e.g. `./data/notebridge.sqlite`.
    ///   - keyring: seals new bodies with its active key and opens old ones with any of its keys.
    ///   - configuration: durability and tuning.
    ///   - logger: receives lifecycle and failure events; never message content.
    public init(
        databaseFile: URL,
        keyring: DataKeyring,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "notebridge.store.journal")
    ) throws {
        guard configuration.maximumBatchSize >= 1 else {
            throw StoreError(.invalidArgument, reason: "maximumBatchSize must be at least 1")
        }
        guard configuration.maximumReaderCount >= 1 else {
            throw StoreError(.invalidArgument, reason: "maximumReaderCount must be at least 1")
        }
        guard configuration.busyTimeout >= .zero else {
            throw StoreError(.invalidArgument, reason: "busyTimeout must not be negative")
        }
        let path = databaseFile.path
        self.pool = try SQLitePool.open(
            databaseFile, label: "notebridge.journal", synchronous: configuration.synchronous,
            busyTimeout: configuration.busyTimeout, maximumReaderCount: configuration.maximumReaderCount,
            migrator: Self.databaseMigrator)
        self.notes = SQLiteNoteStore(
            sharing: pool, databaseFile: databaseFile, keyring: keyring,
            logger: logger)
        self.databaseFile = databaseFile
        self.configuration = configuration
        self.sealing = StoreSealing(keyring: keyring)
        self.sealer = Sealer(keyring: keyring, associatedData: StoreSealing.Purpose.journalBody.associatedData)
        self.contentDigester = MessageContentDigester(keyring: keyring)
        self.logger = logger
        logger.info(
            "journal opened",
            metadata: [
                "nb.store.path": "\(path)",
                "nb.store.synchronous": "\(configuration.synchronous.rawValue)",
                "nb.store.key_id": "\(keyring.activeKeyID)",
            ]
        )
    }

    /// Commits `entry` (group-committed with concurrent calls) or recognizes it as a duplicate.
    ///
    /// The body is sealed in the calling task, outside the write transaction. Duplicates inside one batch are
    /// detected too: records are applied in arrival order inside the transaction. The call is not cancellable once
    /// queued: the entry is committed either way and the outcome is returned.
    public func record(_ entry: NewJournalEntry, duplicateWindow: Duration) async throws -> JournalRecordOutcome {
        guard duplicateWindow >= .zero else {
            throw StoreError(.invalidArgument, reason: "duplicate window must not be negative")
        }
        guard !queue.isClosed else {
            throw Self.closedError()
        }
        let row = JournalRow(
            inserting: entry, sealedBody: try sealer.seal(entry.body),
            contentDigest: entry.comparableContent.map(contentDigester.digest))
        return try await queue.record(row, duplicateWindow: duplicateWindow, sealer: sealer, closed: Self.closedError())
        {
            pool.asyncWriteWithoutTransaction { db in
                self.commitBatch(db)
            }
        }
    }

    /// The entry with this id, body opened, or `nil`.
    public func entry(id: Int64) async throws -> JournalEntry? {
        let row = try await read("read journal entry") { db in
            let statement = try db.cachedStatement(sql: "SELECT \(JournalRow.columns) FROM journal WHERE id = ?")
            return try Row.fetchOne(statement, arguments: [id]).map(JournalRow.init(row:))
        }
        return try row?.entry(opening: sealer)
    }

    /// Up to `limit` entries after `afterID`, ascending by id, bodies opened.
    public func entries(afterID: Int64?, limit: Int) async throws -> [JournalEntry] {
        guard limit >= 0 else {
            throw StoreError(.invalidArgument, reason: "limit must not be negative")
        }
        guard limit > 0 else {
            return []
        }
        let rows = try await read("list journal entries") { db in
            let statement = try db.cachedStatement(
                sql: "SELECT \(JournalRow.columns) FROM journal WHERE id > ? ORDER BY id LIMIT ?"
            )
            return try Row.fetchAll(statement, arguments: [afterID ?? Int64.min, limit]).map(JournalRow.init(row:))
        }
        return try rows.map { try $0.entry(opening: sealer) }
    }

    /// Up to `limit` entries in `state` after `afterID`, ascending by id, of the given message types (all when
    /// empty), bodies opened.
    public func entries(state: JournalState, messageTypes: [String], afterID: Int64?, limit: Int) async throws
        -> [JournalEntry]
    {
        guard limit > 0 else { return [] }
        var sql = "SELECT \(JournalRow.columns) FROM journal WHERE state = ? AND id > ?"
        var arguments: StatementArguments = [state.rawValue, afterID ?? Int64.min]
        if !messageTypes.isEmpty {
            sql += " AND message_type IN (" + messageTypes.map { _ in "?" }.joined(separator: ", ") + ")"
            for type in messageTypes { arguments += [type] }
        }
        sql += " ORDER BY id LIMIT ?"
        arguments += [limit]
        let (query, matching) = (sql, arguments)
        let rows = try await read("list journal entries by state") { db in
            try Row.fetchAll(db, sql: query, arguments: matching).map(JournalRow.init(row:))
        }
        return try rows.map { try $0.entry(opening: sealer) }
    }

    /// Up to `limit` entries carrying `flag` after `afterID`, ascending by id, bodies opened.
    public func entries(flag: JournalFlag, afterID: Int64?, limit: Int) async throws -> [JournalEntry] {
        guard limit > 0 else { return [] }
        let condition =
            switch flag {
            case .reusedControlID: "reuses_control_id_of IS NOT NULL"
            }
        let sql = "SELECT \(JournalRow.columns) FROM journal WHERE \(condition) AND id > ? ORDER BY id LIMIT ?"
        let rows = try await read("list flagged journal entries") { db in
            try Row.fetchAll(db, sql: sql, arguments: [afterID ?? Int64.min, limit]).map(JournalRow.init(row:))
        }
        return try rows.map { try $0.entry(opening: sealer) }
    }

    /// The number of rows.
    public func count() async throws -> Int {
        try await read("count journal entries") { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM journal")) ?? 0
        }
    }

    /// The number of rows in `state`.
    public func count(state: JournalState) async throws -> Int {
        try await read("count journal entries by state") { db in
            let statement = try db.cachedStatement(sql: "SELECT COUNT(*) FROM journal WHERE state = ?")
            return try Int.fetchOne(statement, arguments: [state.rawValue]) ?? 0
        }
    }

    /// Moves the entry to `state` and stamps its update time.
    public func updateState(id: Int64, to state: JournalState) async throws {
        try await updateState(id: id, to: state, reason: nil)
    }

    /// Moves the entry to `state`, records `reason` (or clears it), and stamps its update time.
    public func updateState(id: Int64, to state: JournalState, reason: String?) async throws {
        let now = Date().epochMilliseconds
        let text = reason.map { String($0.prefix(500)) }
        try await write("update journal state") { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE journal SET state = ?, failure_reason = ?, updated_at = ? WHERE id = ?")
            try statement.execute(arguments: [state.rawValue, text, now, id])
            guard db.changesCount > 0 else {
                throw StoreError(.entryNotFound, reason: "no journal entry with id \(id)")
            }
        }
    }

    /// Deletes rows received before `receivedBefore`, in transactions of at most 5,000 rows so that concurrent
    /// commits are not held up, and returns how many were deleted.
    public func purge(receivedBefore: Date) async throws -> Int {
        let cutoff = receivedBefore.epochMilliseconds
        var deleted = 0
        while true {
            let chunk = try await write("purge journal") { db in
                let statement = try db.cachedStatement(
                    sql: """
                        DELETE FROM journal WHERE id IN \
                        (SELECT id FROM journal WHERE received_at < ? ORDER BY received_at LIMIT ?)
                        """
                )
                try statement.execute(arguments: [cutoff, Self.purgeChunkSize])
                return db.changesCount
            }
            deleted += chunk
            if chunk < Self.purgeChunkSize {
                break
            }
        }
        if deleted > 0 {
            logger.info("journal purged", metadata: ["nb.store.deleted": "\(deleted)"])
        }
        return deleted
    }

    /// Refuses new records, waits until every queued record is committed, then closes the database.
    public func close() async throws {
        guard queue.close() else {
            return
        }
        // The writer queue is serial and every accepted record scheduled its job before the queue closed, so this
        // job runs after all of them.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pool.asyncWriteWithoutTransaction { _ in
                continuation.resume()
            }
        }
        do {
            try pool.close()
        } catch {
            throw Self.storeError(error, operation: "close \(databaseFile.path)")
        }
        logger.info("journal closed", metadata: ["nb.store.path": "\(databaseFile.path)"])
    }

    /// Group-commit counters: batches committed and the largest batch (for tests and diagnostics).
    var groupCommitStatistics: (batches: Int, largestBatch: Int) {
        queue.statistics
    }

    /// How many records are queued and not yet taken by a write job.
    var pendingRecordCount: Int {
        queue.pendingCount
    }

    /// Diagnostics and tests: the `synchronous` setting of the connection that commits (1 NORMAL, 2 FULL).
    func writerSynchronousSetting() async throws -> Int {
        try await pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
    }

    /// Diagnostics and tests: occupies the writer with a job that blocks until the returned closure is called, so
    /// that records queued meanwhile are committed together in the next batch. Returns once the job is running.
    func holdWriter() async -> @Sendable () -> Void {
        let release = DispatchSemaphore(value: 0)
        await withCheckedContinuation { (started: CheckedContinuation<Void, Never>) in
            pool.asyncWriteWithoutTransaction { _ in
                started.resume()
                release.wait()
            }
        }
        return { release.signal() }
    }

    // MARK: - Group commit

    /// A write job: commits every pending record (up to the batch bound) in one transaction. Runs on the writer.
    private func commitBatch(_ db: Database) {
        let batch = queue.takeBatch(maximumCount: configuration.maximumBatchSize)
        guard !batch.isEmpty else {
            return
        }
        let now = Date().epochMilliseconds
        var outcomes: [JournalCommitQueue.Outcome] = []
        outcomes.reserveCapacity(batch.count)
        do {
            try db.inTransaction(.immediate) {
                outcomes.removeAll(keepingCapacity: true)
                for pending in batch {
                    outcomes.append(try Self.apply(pending, in: db, now: now))
                }
                return .commit
            }
        } catch {
            let failure = Self.storeError(error, operation: "commit journal batch")
            logger.error(
                "journal batch commit failed",
                metadata: ["nb.store.batch_size": "\(batch.count)", "nb.store.error": "\(failure)"]
            )
            for pending in batch {
                pending.continuation.resume(throwing: failure)
            }
            return
        }
        logger.trace("journal batch committed", metadata: ["nb.store.batch_size": "\(batch.count)"])
        for (pending, outcome) in zip(batch, outcomes) {
            pending.continuation.resume(returning: outcome)
        }
    }

    /// Inserts one record, or bumps the duplicate count of its original, inside the batch transaction.
    ///
    /// An earlier row of the same sender and control id is the original when either has no content digest or the
    /// digests are equal; when every such row's content differs, the record is inserted as its own row that reuses
    /// the control id of the latest of them.
    private static func apply(
        _ pending: JournalCommitQueue.Pending,
        in db: Database,
        now: Int64
    ) throws -> JournalCommitQueue.Outcome {
        let row = pending.row
        if let controlID = row.controlID, row.state != .rejected {
            let lookup = try db.cachedStatement(sql: duplicateLookupSQL)
            let earlier = try Row.fetchAll(lookup, arguments: [row.sender, controlID, pending.duplicateCutoff])
                .map(JournalRow.init(row:))
            let match = earlier.first { candidate in
                guard let digest = row.contentDigest, let candidateDigest = candidate.contentDigest else { return true }
                return digest == candidateDigest
            }
            if let latest = earlier.first, match == nil {
                var reusing = row
                reusing.reusesControlIDOf = latest.id
                let insert = try db.cachedStatement(sql: insertSQL)
                try insert.execute(arguments: reusing.insertArguments(updatedAt: now) + reusing.resendArguments)
                return .reusedControlID(id: db.lastInsertedRowID, earlierID: latest.id)
            }
            if var original = match {
                let bump = try db.cachedStatement(sql: duplicateCountSQL)
                try bump.execute(arguments: [now, original.id])
                original.duplicateCount += 1
                original.updatedAt = now
                return .duplicate(original)
            }
        }
        let insert = try db.cachedStatement(sql: insertSQL)
        try insert.execute(arguments: row.insertArguments(updatedAt: now) + row.resendArguments)
        return .recorded(id: db.lastInsertedRowID)
    }

    /// Commits a transaction that creates a table, writes 64 KiB into it and drops it: pages are allocated and the
    /// commit reaches the write-ahead log, so a full disk (or `max_page_count`) or a read-only file fails it, and
    /// nothing is left behind.
    public func checkWritable() async throws {
        try await write("check that the database takes writes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notebridge_write_probe (filler BLOB);
                    INSERT INTO notebridge_write_probe VALUES (randomblob(65536));
                    DROP TABLE notebridge_write_probe;
                    """)
        }
    }

    // MARK: - Access helpers

    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        guard !queue.isClosed else {
            throw Self.closedError()
        }
        do {
            return try await pool.read(body)
        } catch {
            throw queue.isClosed ? Self.closedError() : Self.storeError(error, operation: operation)
        }
    }

    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        guard !queue.isClosed else {
            throw Self.closedError()
        }
        do {
            return try await pool.write(body)
        } catch {
            throw queue.isClosed ? Self.closedError() : Self.storeError(error, operation: operation)
        }
    }

    private static func closedError(file: String = #fileID, line: Int = #line) -> StoreError {
        StoreError(.closed, reason: "the journal is closed", file: file, line: line)
    }

    private static func storeError(_ error: any Error, operation: String) -> any Error {
        SQLitePool.storeError(error, operation: operation)
    }
}
