import Foundation
import Logging
import NIOCore
import PostgresNIO
import Store

/// The ``Journal`` (and ``EncounterContexts``) of a ``PostgresStore``.
///
/// Group commit as on SQLite, with the same ``JournalCommitQueue``: each `record` call seals its body in its own
/// task, parks on the queue and schedules one write job (``CommitJobs``); a job takes every pending record (up to
/// ``PostgresStore/Configuration/maximumBatchSize``) and commits them in one transaction, then resumes each caller,
/// so every acknowledgment waits for the commit that holds its message. Duplicates are decided by the primary key of
/// `journal_control_ids`: a batch first inserts (or locks) one row per sender and control id it holds, in sorted
/// order; a record of the same message committing on another instance waits on that index until this transaction
/// ends, then finds the committed original. Inside the lock the rules are the SQLite store's: the duplicate window,
/// rejected entries never matched, and a resend with different content (by keyed digest) kept as its own entry.
///
/// A batch is three round trips in the common case: `BEGIN`, one statement (``JournalBatchInsert``) that
/// inserts the anchors and, when every anchor was new and no earlier entry of those ids is visible, every row, then
/// `COMMIT` (an ACK waits for the `COMMIT`'s answer, so for the WAL flush). An anchor that already existed (a resend,
/// or a racing instance that held it) sends the batch down the row-by-row path with its anchors locked. An anchor is never deleted while an
/// entry of its id is journaled (``purge(receivedBefore:)`` deletes only anchors it has locked and still finds
/// orphaned), so "the anchor was new" means "no entry of this id is journaled, nor being journaled".
final class PostgresJournal: Journal, EncounterContexts {
    let database: PostgresStoreDatabase
    let sealing: StoreSealing
    private let sealer: Sealer
    private let contentDigester: MessageContentDigester
    private let queue = JournalCommitQueue()
    private let jobs: CommitJobs
    private var logger: Logger { database.logger }

    private static let columns = """
        id, source, sender, control_id, message_type, version, received_at, state, body_sealed, key_id, \
        acknowledgment, ack_code, duplicate_count, updated_at, failure_reason, content_digest, reuses_control_id_of
        """

    /// ``columns``, each of `journal` (for statements that join another relation).
    private static let qualifiedColumns = columns.split(separator: ",").map {
        "journal." + $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }.joined(separator: ", ")

    init(database: PostgresStoreDatabase, keyring: DataKeyring) {
        self.database = database
        self.sealing = StoreSealing(keyring: keyring)
        self.sealer = Sealer(keyring: keyring, associatedData: StoreSealing.Purpose.journalBody.associatedData)
        self.contentDigester = MessageContentDigester(keyring: keyring)
        self.jobs = CommitJobs(concurrency: database.configuration.commitConcurrency)
    }

    func record(_ entry: NewJournalEntry, duplicateWindow: Duration) async throws -> JournalRecordOutcome {
        guard duplicateWindow >= .zero else {
            throw StoreError(.invalidArgument, reason: "duplicate window must not be negative")
        }
        guard !queue.isClosed, !database.isClosed else {
            throw StoreError(.closed, reason: "the journal is closed")
        }
        // PostgreSQL text holds no NUL character; refused here, by this entry alone, not by its whole batch.
        for (name, value) in [
            ("source", entry.source), ("sender", entry.sender), ("control id", entry.controlID ?? ""),
            ("message type", entry.messageType ?? ""), ("version", entry.version ?? ""),
            ("acknowledgment code", entry.acknowledgmentCode),
        ] where value.utf8.contains(0) {
            throw StoreError(.invalidArgument, reason: "the \(name) contains a NUL character")
        }
        let row = JournalRow(
            inserting: entry, sealedBody: try sealer.seal(entry.body),
            contentDigest: entry.comparableContent.map(contentDigester.digest))
        return try await queue.record(
            row, duplicateWindow: duplicateWindow, sealer: sealer,
            closed: StoreError(.closed, reason: "the journal is closed")
        ) {
            jobs.schedule { await self.commitBatch() }
        }
    }

    /// Refuses new records and waits until every queued record is committed (or failed).
    func closeQueue() async {
        _ = queue.close()
        await jobs.waitUntilIdle()
    }

    /// Group-commit counters: batches committed and the largest batch (for tests and diagnostics).
    var groupCommitStatistics: (batches: Int, largestBatch: Int) { queue.statistics }

    // MARK: - Group commit

    private func commitBatch() async {
        let batch = queue.takeBatch(maximumCount: database.configuration.maximumBatchSize)
        guard !batch.isEmpty else { return }
        do {
            try await commit(batch)
        } catch  where batch.count > 1 && PostgresStoreDatabase.sqlState(error) != nil {
            // The server refused something in the batch (not a lost connection): each record on its own, so that one
            // bad record fails alone and the others are still acknowledged.
            logger.warning(
                "journal batch refused, committing its records one by one",
                metadata: [
                    "nb.store.batch_size": "\(batch.count)",
                    "nb.store.sqlstate": "\(PostgresStoreDatabase.sqlState(error) ?? "")",
                ])
            for pending in batch {
                do {
                    try await commit([pending])
                } catch {
                    fail([pending], error)
                }
            }
        } catch {
            fail(batch, error)
        }
    }

    /// Commits `batch` in one transaction and resumes each caller with its outcome; throws (resuming nobody) when
    /// the transaction fails.
    private func commit(_ batch: [JournalCommitQueue.Pending]) async throws {
        let rows = batch.map { ($0.row, $0.duplicateCutoff) }
        let outcomes = try await database.transaction("commit journal batch", mappingErrors: false) { connection in
            try await Self.apply(rows, on: connection, logger: self.logger)
        }
        logger.trace("journal batch committed", metadata: ["nb.store.batch_size": "\(batch.count)"])
        for (pending, outcome) in zip(batch, outcomes) { pending.continuation.resume(returning: outcome) }
    }

    private func fail(_ batch: [JournalCommitQueue.Pending], _ error: any Error) {
        let failure = PostgresStoreDatabase.storeError(error, operation: "commit journal batch")
        logger.error(
            "journal batch commit failed",
            metadata: ["nb.store.batch_size": "\(batch.count)", "nb.store.error": "\(failure)"])
        for pending in batch { pending.continuation.resume(throwing: failure) }
    }

    /// A sender and control id: what a batch locks before it decides about duplicates.
    private struct ControlIDKey: Hashable, Comparable {
        var sender: String
        var controlID: String
        static func < (a: Self, b: Self) -> Bool { (a.sender, a.controlID) < (b.sender, b.controlID) }
    }

    /// Locks the batch's control ids (sorted, so that two batches never wait on each other in a cycle), then applies
    /// each record in arrival order. The common case (new messages only) is one statement; a batch holding a resend,
    /// or the same control id twice, takes the row-by-row path in the same transaction.
    private static func apply(
        _ records: [(row: JournalRow, cutoff: Int64)], on connection: PostgresConnection, logger: Logger
    ) async throws -> [JournalCommitQueue.Outcome] {
        let now = Date().epochMilliseconds
        let keys = Set(
            records.compactMap { record in
                record.row.controlID.flatMap {
                    record.row.state == .rejected ? nil : ControlIDKey(sender: record.row.sender, controlID: $0)
                }
            }
        ).sorted()
        let keyedCount = records.filter { $0.row.controlID != nil && $0.row.state != .rejected }.count
        if keyedCount == keys.count {
            if let ids = try await insertAllIfNew(records, keys: keys, on: connection, now: now, logger: logger) {
                return ids.map { .recorded(id: $0) }
            }
        } else {
            // The same control id twice in the batch: one anchor row each (an upsert may touch a row only once).
            try await connection.rows(
                """
                INSERT INTO journal_control_ids (sender, control_id)
                SELECT s, c FROM unnest(\(keys.map(\.sender))::text[], \(keys.map(\.controlID))::text[]) \
                WITH ORDINALITY AS k(s, c, n) ORDER BY n
                ON CONFLICT (sender, control_id) DO UPDATE SET seen = journal_control_ids.seen + 1
                """,
                logger: logger)
        }
        var outcomes: [JournalCommitQueue.Outcome] = []
        outcomes.reserveCapacity(records.count)
        for (row, cutoff) in records {
            outcomes.append(try await apply(row, cutoff: cutoff, on: connection, now: now, logger: logger))
        }
        return outcomes
    }

    private static func apply(
        _ row: JournalRow, cutoff: Int64, on connection: PostgresConnection, now: Int64, logger: Logger
    ) async throws -> JournalCommitQueue.Outcome {
        if let controlID = row.controlID, row.state != .rejected {
            let earlier = try await connection.rows(
                """
                SELECT \(unescaped: columns) FROM journal
                WHERE sender = \(row.sender) AND control_id = \(controlID) AND received_at >= \(cutoff)
                AND state != 'rejected' ORDER BY received_at DESC, id DESC LIMIT 64
                """,
                logger: logger
            ).map(decodeRow)
            let match = earlier.first { candidate in
                guard let digest = row.contentDigest, let candidateDigest = candidate.contentDigest else { return true }
                return digest == candidateDigest
            }
            if let latest = earlier.first, match == nil {
                var reusing = row
                reusing.reusesControlIDOf = latest.id
                return .reusedControlID(
                    id: try await insert(reusing, on: connection, now: now, logger: logger), earlierID: latest.id)
            }
            if var original = match {
                try await connection.rows(
                    """
                    UPDATE journal SET duplicate_count = duplicate_count + 1, updated_at = \(now)
                    WHERE id = \(original.id)
                    """,
                    logger: logger)
                original.duplicateCount += 1
                original.updatedAt = now
                return .duplicate(original)
            }
        }
        return .recorded(id: try await insert(row, on: connection, now: now, logger: logger))
    }

    /// The common case in one statement (``JournalBatchInsert``): the ids of `records` in the order given, or `nil`
    /// (nothing journaled, the anchors locked) when the batch must take the row-by-row path.
    private static func insertAllIfNew(
        _ records: [(row: JournalRow, cutoff: Int64)], keys: [ControlIDKey], on connection: PostgresConnection,
        now: Int64, logger: Logger
    ) async throws -> [Int64]? {
        let statement = JournalBatchInsert(
            senders: keys.map(\.sender), controlIDs: keys.map(\.controlID),
            duplicateCutoff: records.map(\.cutoff).min() ?? Int64.min, rows: records.map(\.row), now: now)
        let ids = try await connection.rows(try statement.query(), logger: logger).map {
            try $0.value(0, as: Int64.self)
        }
        if ids.isEmpty { return nil }
        guard ids.count == records.count else {
            throw StoreError(.database, reason: "insert journal entries: \(ids.count) ids for \(records.count) rows")
        }
        return ids.sorted()
    }

    private static func insert(_ row: JournalRow, on connection: PostgresConnection, now: Int64, logger: Logger)
        async throws -> Int64
    {
        let acknowledgment: ByteBuffer? = row.acknowledgment.isEmpty ? nil : row.acknowledgment.buffer
        let inserted = try await connection.rows(
            """
            INSERT INTO journal (source, sender, control_id, message_type, version, received_at, state, body_sealed, \
            key_id, acknowledgment, ack_code, duplicate_count, updated_at, content_digest, reuses_control_id_of)
            VALUES (\(row.source), \(row.sender), \(row.controlID), \(row.messageType), \(row.version), \
            \(row.receivedAt), \(row.state.rawValue), \(row.sealedBody.bytes.buffer), \(row.sealedBody.keyID), \
            \(acknowledgment), \(row.acknowledgmentCode), \(row.duplicateCount), \(now), \(row.contentDigest), \
            \(row.reusesControlIDOf)) RETURNING id
            """,
            logger: logger)
        guard let id = try inserted.first?.value(0, as: Int64.self) else {
            throw StoreError(.database, reason: "insert journal entry: no id returned")
        }
        return id
    }

    static func decodeRow(_ row: PostgresRow) throws -> JournalRow {
        let cells = row.makeRandomAccess()
        let stateName = try cells[7].decode(String.self)
        guard let state = JournalState(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "journal row has unknown state \(stateName)")
        }
        return JournalRow(
            id: try cells[0].decode(Int64.self), source: try cells[1].decode(String.self),
            sender: try cells[2].decode(String.self), controlID: try cells[3].decode(String?.self),
            messageType: try cells[4].decode(String?.self), version: try cells[5].decode(String?.self),
            receivedAt: try cells[6].decode(Int64.self), state: state,
            sealedBody: SealedValue(
                keyID: try cells[9].decode(String.self), bytes: try cells[8].decode(ByteBuffer.self).bytes),
            acknowledgment: try cells[10].decode(ByteBuffer?.self)?.bytes ?? [],
            acknowledgmentCode: try cells[11].decode(String.self), duplicateCount: try cells[12].decode(Int.self),
            updatedAt: try cells[13].decode(Int64.self), failureReason: try cells[14].decode(String?.self),
            contentDigest: try cells[15].decode(String?.self), reusesControlIDOf: try cells[16].decode(Int64?.self))
    }

    // MARK: - Reads and updates

    private func journalRows(_ operation: String, _ query: PostgresQuery) async throws -> [JournalEntry] {
        let rows = try await database.withConnection(operation) { connection in
            try await connection.rows(query, logger: self.logger).map(Self.decodeRow)
        }
        return try rows.map { try $0.entry(opening: sealer) }
    }

    func entry(id: Int64) async throws -> JournalEntry? {
        try await journalRows("read journal entry", "SELECT \(unescaped: Self.columns) FROM journal WHERE id = \(id)")
            .first
    }

    func entries(afterID: Int64?, limit: Int) async throws -> [JournalEntry] {
        guard limit >= 0 else { throw StoreError(.invalidArgument, reason: "limit must not be negative") }
        guard limit > 0 else { return [] }
        return try await journalRows(
            "list journal entries",
            """
            SELECT \(unescaped: Self.columns) FROM journal WHERE id > \(afterID ?? Int64.min) ORDER BY id \
            LIMIT \(limit)
            """
        )
    }

    func entries(state: JournalState, messageTypes: [String], afterID: Int64?, limit: Int) async throws
        -> [JournalEntry]
    {
        guard limit > 0 else { return [] }
        let typed = !messageTypes.isEmpty
        return try await journalRows(
            "list journal entries by state",
            """
            SELECT \(unescaped: Self.columns) FROM journal WHERE state = \(state.rawValue) \
            AND id > \(afterID ?? Int64.min) AND (NOT \(typed) OR message_type = ANY(\(messageTypes)::text[])) \
            ORDER BY id LIMIT \(limit)
            """)
    }

    /// Claims with one `UPDATE`: the entries are chosen `FOR UPDATE SKIP LOCKED` in a materialized CTE (evaluated
    /// once, as the outbox claims: as an `IN (subquery)` the planner may run the locking subquery again while it
    /// updates), so an instance claiming at the same moment takes other entries instead of waiting for these.
    func claimAccepted(messageTypes: [String], afterID: Int64?, limit: Int, by claimant: JournalClaimant, now: Date)
        async throws -> [JournalEntry]
    {
        guard limit > 0 else { return [] }
        guard claimant.lease > .zero else {
            throw StoreError(.invalidArgument, reason: "the claim lease must be positive")
        }
        let stamp = now.epochMilliseconds
        let expires = stamp + claimant.lease.clampedMilliseconds
        let typed = !messageTypes.isEmpty
        let entries = try await journalRows(
            "claim journal entries",
            """
            WITH claimable AS MATERIALIZED (
                SELECT id FROM journal WHERE state = 'accepted' AND id > \(afterID ?? Int64.min) \
                AND (NOT \(typed) OR message_type = ANY(\(messageTypes)::text[])) \
                AND (claim_owner IS NULL OR claim_owner = \(claimant.owner) OR claim_expires_at <= \(stamp)) \
                ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            )
            UPDATE journal SET claim_owner = \(claimant.owner), claim_expires_at = \(expires) \
            FROM claimable WHERE journal.id = claimable.id \
            RETURNING \(unescaped: Self.qualifiedColumns)
            """)
        return entries.sorted { $0.id < $1.id }
    }

    func extendClaims(by claimant: JournalClaimant, now: Date) async throws -> Int {
        let expires = now.epochMilliseconds + claimant.lease.clampedMilliseconds
        return try await database.withConnection("extend journal claims") { connection in
            try await connection.rows(
                """
                UPDATE journal SET claim_expires_at = \(expires) \
                WHERE state = 'accepted' AND claim_owner = \(claimant.owner) RETURNING id
                """,
                logger: self.logger
            ).count
        }
    }

    func earlierClaims(before id: Int64, messageTypes: [String], owner: String, now: Date) async throws
        -> EarlierJournalClaims
    {
        let typed = !messageTypes.isEmpty
        // An entry claimed by nobody counts, one that another instance's claim statement holds locked (and this
        // statement, which does not wait for locks, sees as it was before that claim) too.
        let (lowest, expired, unclaimed) = try await database.withConnection("read earlier journal claims") {
            connection -> (Int64?, Bool, Bool) in
            guard
                let row = try await connection.rows(
                    """
                    SELECT MIN(id), \
                    COALESCE(bool_or(claim_owner IS NOT NULL AND claim_expires_at <= \(now.epochMilliseconds)), \
                    false), COALESCE(bool_or(claim_owner IS NULL), false) \
                    FROM journal WHERE state = 'accepted' AND id < \(id) \
                    AND (claim_owner IS NULL OR claim_owner <> \(owner)) \
                    AND (NOT \(typed) OR message_type = ANY(\(messageTypes)::text[]))
                    """,
                    logger: self.logger
                ).first
            else { return (nil, false, false) }
            return (try row.value(0, as: Int64?.self), try row.value(1, as: Bool.self), try row.value(2, as: Bool.self))
        }
        guard let lowest else { return .none }
        if expired { return .abandoned }
        return unclaimed ? .unclaimed(firstID: lowest) : .held(firstID: lowest)
    }

    func entries(flag: JournalFlag, afterID: Int64?, limit: Int) async throws -> [JournalEntry] {
        guard limit > 0 else { return [] }
        let condition =
            switch flag {
            case .reusedControlID: "reuses_control_id_of IS NOT NULL"
            }
        return try await journalRows(
            "list flagged journal entries",
            """
            SELECT \(unescaped: Self.columns) FROM journal WHERE \(unescaped: condition) \
            AND id > \(afterID ?? Int64.min) ORDER BY id LIMIT \(limit)
            """)
    }

    func count() async throws -> Int {
        try await database.withConnection("count journal entries") { connection in
            try await connection.rows("SELECT COUNT(*) FROM journal", logger: self.logger).first?.value(0, as: Int.self)
                ?? 0
        }
    }

    func count(state: JournalState) async throws -> Int {
        try await database.withConnection("count journal entries by state") { connection in
            try await connection.rows(
                "SELECT COUNT(*) FROM journal WHERE state = \(state.rawValue)", logger: self.logger
            ).first?.value(0, as: Int.self) ?? 0
        }
    }

    func updateState(id: Int64, to state: JournalState) async throws {
        try await updateState(id: id, to: state, reason: nil)
    }

    func updateState(id: Int64, to state: JournalState, reason: String?) async throws {
        let now = Date().epochMilliseconds
        let text = reason.map { String($0.prefix(500)) }
        let changed = try await database.withConnection("update journal state") { connection in
            try await connection.rows(
                """
                UPDATE journal SET state = \(state.rawValue), failure_reason = \(text), updated_at = \(now) \
                WHERE id = \(id) RETURNING id
                """,
                logger: self.logger
            ).count
        }
        guard changed > 0 else { throw StoreError(.entryNotFound, reason: "no journal entry with id \(id)") }
    }

    func purge(receivedBefore: Date) async throws -> Int {
        let cutoff = receivedBefore.epochMilliseconds
        var deleted = 0
        while true {
            let chunk = try await database.withConnection(
                "purge journal", statementLimit: database.maintenanceStatementLimit
            ) { connection in
                try await connection.rows(
                    """
                    DELETE FROM journal WHERE id IN \
                    (SELECT id FROM journal WHERE received_at < \(cutoff) ORDER BY received_at LIMIT 5000) RETURNING id
                    """,
                    logger: self.logger
                ).count
            }
            deleted += chunk
            if chunk < 5000 { break }
        }
        if deleted > 0 {
            // The control-id anchors of messages no longer journaled (only an anchor: a later record re-creates it).
            // An anchor a batch holds is skipped, and the rest are deleted only if still orphaned as seen after they
            // are locked: a batch that journaled an id before the lock is seen, and one that comes after waits for
            // this transaction and then finds no anchor and no entry. The journal's one-statement fast path relies
            // on it: an anchor is never deleted while an entry of its id is journaled.
            try await database.transaction(
                "purge journal control ids", statementLimit: database.maintenanceStatementLimit
            ) { connection in
                let orphans = try await connection.rows(
                    """
                    SELECT sender, control_id FROM journal_control_ids c WHERE NOT EXISTS \
                    (SELECT 1 FROM journal j WHERE j.sender = c.sender AND j.control_id = c.control_id) \
                    FOR UPDATE SKIP LOCKED
                    """,
                    logger: self.logger)
                guard !orphans.isEmpty else { return }
                let senders = try orphans.map { try $0.value(0, as: String.self) }
                let controlIDs = try orphans.map { try $0.value(1, as: String.self) }
                try await connection.rows(
                    """
                    DELETE FROM journal_control_ids c USING unnest(\(senders)::text[], \(controlIDs)::text[]) AS k(s, i) \
                    WHERE c.sender = k.s AND c.control_id = k.i AND NOT EXISTS \
                    (SELECT 1 FROM journal j WHERE j.sender = c.sender AND j.control_id = c.control_id)
                    """,
                    logger: self.logger)
            }
            logger.info("journal purged", metadata: ["nb.store.deleted": "\(deleted)"])
        }
        return deleted
    }

    func close() async throws {
        await closeQueue()
    }

    // MARK: - Encounter contexts

    func keepContext(key: String, document: [UInt8], expiresAt: Date, now: Date) async throws {
        let sealed = try sealing.seal(document, for: .encounterContext(key: key))
        let (stamp, expiry) = (now.epochMilliseconds, expiresAt.epochMilliseconds)
        try await database.withConnection("keep encounter context") { connection in
            try await connection.rows(
                """
                INSERT INTO encounter_context (key, updated_at, expires_at, document_sealed, key_id) \
                VALUES (\(key), \(stamp), \(expiry), \(sealed.bytes.buffer), \(sealed.keyID)) \
                ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at, expires_at = excluded.expires_at, \
                document_sealed = excluded.document_sealed, key_id = excluded.key_id
                """,
                logger: self.logger)
        }
    }

    func context(key: String, now: Date) async throws -> [UInt8]? {
        let stamp = now.epochMilliseconds
        let sealed = try await database.withConnection("read encounter context") { connection -> SealedValue? in
            guard
                let row = try await connection.rows(
                    """
                    SELECT document_sealed, key_id FROM encounter_context WHERE key = \(key) AND expires_at > \(stamp)
                    """,
                    logger: self.logger
                ).first
            else { return nil }
            return SealedValue(
                keyID: try row.value(1, as: String.self), bytes: try row.value(0, as: ByteBuffer.self).bytes)
        }
        return try sealed.map { try sealing.open($0, for: .encounterContext(key: key)) }
    }
}
