import Foundation
import GRDB

/// The outbox lives in the journal's database, so that "journal entry processed → note stored → one row per
/// destination" commits in one transaction.
extension SQLiteJournal: Outbox {
    static let outboxColumns = """
        id, note_id, destination, patient_key, state, attempts, next_attempt_at, last_error, control_id, \
        lease_expires_at, created_at, updated_at, delivered_at, delivered_references
        """

    public func commit(_ note: OutboxNote, destinations: [String], processing journalID: Int64?, now: Date)
        async throws -> [Int64]
    {
        let results = try await commit(
            [OutboxCommit(note: note, destinations: destinations, processing: journalID)], now: now)
        guard let result = results.first else {
            throw StoreError(.database, reason: "commit note and outbox: the transaction returned nothing")
        }
        return try result.get()
    }

    public func commit(_ commits: [OutboxCommit], now: Date) async throws -> [Result<[Int64], StoreError>] {
        guard !commits.isEmpty else { return [] }
        let notes = try sealing.sealed(commits)
        let stamp = now.epochMilliseconds
        return try await outboxWrite("commit notes and outbox") { db in
            var results: [Result<[Int64], StoreError>] = []
            results.reserveCapacity(notes.count)
            for item in notes {
                let note = item.commit.note
                if let journalID = item.commit.journalID {
                    try db.cachedStatement(
                        sql: """
                            UPDATE journal SET state = 'processed', failure_reason = NULL, updated_at = ? \
                            WHERE id = ? AND state IN ('received', 'accepted')
                            """
                    ).execute(arguments: [stamp, journalID])
                    if db.changesCount == 0 {
                        let exists =
                            try Bool.fetchOne(db, sql: "SELECT 1 FROM journal WHERE id = ?", arguments: [journalID])
                            ?? false
                        results.append(
                            .failure(
                                exists
                                    ? StoreError(
                                        .duplicate, reason: "journal entry \(journalID) is not waiting for processing")
                                    : StoreError(.entryNotFound, reason: "no journal entry with id \(journalID)")))
                        continue
                    }
                }
                try db.cachedStatement(
                    sql: """
                        INSERT INTO pipeline_notes (id, journal_id, created_at, expires_at, patient_key, \
                        document_sealed, key_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(
                    arguments: [
                        note.id, item.commit.journalID, note.createdAt.epochMilliseconds,
                        note.expiresAt.epochMilliseconds, note.patientKey, Data(item.sealed.bytes), item.sealed.keyID,
                    ])
                var ids: [Int64] = []
                for (destination, controlID) in zip(item.commit.destinations, item.controlIDs) {
                    try db.cachedStatement(
                        sql: """
                            INSERT INTO outbox (note_id, destination, patient_key, state, attempts, next_attempt_at, \
                            control_id, created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)
                            """
                    ).execute(arguments: [note.id, destination, note.patientKey, stamp, controlID, stamp, stamp])
                    ids.append(db.lastInsertedRowID)
                }
                results.append(.success(ids))
            }
            return results
        }
    }

    public func noteDocument(id: String) async throws -> [UInt8]? {
        let sealed = try await read("read pipeline note") { db -> SealedValue? in
            try Row.fetchOne(
                db, sql: "SELECT document_sealed, key_id FROM pipeline_notes WHERE id = ?", arguments: [id]
            ).map { SealedValue(keyID: $0[1], bytes: Array($0[0] as Data)) }
        }
        return try sealed.map { try sealing.open($0, for: .pipelineNote(id: id)) }
    }

    public func noteDocuments(ids: [String]) async throws -> [String: [UInt8]] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        var sealed: [(id: String, value: SealedValue)] = []
        // A few hundred ids at most per statement, well under SQLite's limit on bound parameters.
        for start in stride(from: 0, to: unique.count, by: 256) {
            let chunk = Array(unique[start..<min(start + 256, unique.count)])
            let sql =
                "SELECT id, document_sealed, key_id FROM pipeline_notes WHERE id IN ("
                + chunk.map { _ in "?" }.joined(separator: ", ") + ")"
            sealed += try await read("read pipeline notes") { db in
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(chunk)).map {
                    (id: $0[0], value: SealedValue(keyID: $0[2], bytes: Array($0[1] as Data)))
                }
            }
        }
        var documents: [String: [UInt8]] = [:]
        for (id, value) in sealed { documents[id] = try sealing.open(value, for: .pipelineNote(id: id)) }
        return documents
    }

    public func claim(destination: String, limit: Int, leaseDuration: Duration, now: Date) async throws
        -> [OutboxLease]
    {
        guard limit > 0 else { return [] }
        guard leaseDuration > .zero else {
            throw StoreError(.invalidArgument, reason: "the lease duration must be positive")
        }
        let stamp = now.epochMilliseconds
        let expires = stamp + leaseDuration.clampedMilliseconds
        return try await outboxWrite("claim outbox rows") { db in
            // Claimable: pending and due, or in flight under an expired lease; and no earlier row of the same patient
            // to the same destination still pending or in flight (per-patient order).
            // The state condition is spelled as the partial indexes' (outbox_active, outbox_active_patient), so that
            // the walk in id order and the check for an earlier row of the patient touch only rows still to deliver.
            let select = try db.cachedStatement(
                sql: """
                    SELECT \(Self.outboxColumns) FROM outbox AS o
                    WHERE o.destination = ? AND o.state IN ('pending', 'in-flight') AND (
                        (o.state = 'pending' AND o.next_attempt_at <= ?)
                        OR (o.state = 'in-flight' AND o.lease_expires_at <= ?))
                    AND NOT EXISTS (
                        SELECT 1 FROM outbox AS e WHERE e.destination = o.destination AND e.patient_key = o.patient_key
                        AND e.id < o.id AND e.state IN ('pending', 'in-flight'))
                    ORDER BY o.id LIMIT ?
                    """)
            let rows = try Row.fetchAll(select, arguments: [destination, stamp, stamp, limit])
            let update = try db.cachedStatement(
                sql: """
                    UPDATE outbox SET state = 'in-flight', lease_token = ?, lease_expires_at = ?, updated_at = ? \
                    WHERE id = ?
                    """)
            var leases: [OutboxLease] = []
            for row in rows {
                var item = try Self.decodeItem(row)
                let token = OutboxItem.newLeaseToken()
                try update.execute(arguments: [token, expires, stamp, item.id])
                item.state = .inFlight
                item.leaseExpiresAt = Date(epochMilliseconds: expires)
                item.updatedAt = Date(epochMilliseconds: stamp)
                leases.append(OutboxLease(item: item, token: token, expiresAt: Date(epochMilliseconds: expires)))
            }
            return leases
        }
    }

    public func complete(_ lease: OutboxLease, references: [String], now: Date) async throws {
        try OutboxItem.checkDeliveredReferences(references)
        let stamp = now.epochMilliseconds
        let stored = OutboxItem.encodeReferences(references)
        try await settle(lease, operation: "complete outbox row") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, last_error = NULL, lease_token = NULL, \
                    lease_expires_at = NULL, updated_at = ?, delivered_at = ?, delivered_references = ? \
                    WHERE id = ? AND state = 'in-flight' AND lease_token = ?
                    """,
                arguments: [stamp, stamp, stored, lease.item.id, lease.token])
        }
    }

    public func complete(_ deliveries: [OutboxDelivery], now: Date) async throws -> [Int64] {
        guard !deliveries.isEmpty else { return [] }
        for delivery in deliveries { try OutboxItem.checkDeliveredReferences(delivery.references) }
        let stamp = now.epochMilliseconds
        return try await outboxWrite("complete outbox rows") { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, last_error = NULL, lease_token = NULL, \
                    lease_expires_at = NULL, updated_at = ?, delivered_at = ?, delivered_references = ? \
                    WHERE id = ? AND state = 'in-flight' AND lease_token = ?
                    """)
            var lost: [Int64] = []
            for delivery in deliveries {
                let lease = delivery.lease
                try statement.execute(
                    arguments: [
                        stamp, stamp, OutboxItem.encodeReferences(delivery.references), lease.item.id, lease.token,
                    ])
                if db.changesCount == 0 { lost.append(lease.item.id) }
            }
            return lost
        }
    }

    public func fail(_ lease: OutboxLease, error: String, retryAt: Date?, now: Date) async throws {
        let stamp = now.epochMilliseconds
        let text = String(error.prefix(500))
        try await settle(lease, operation: "fail outbox row") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, \
                    lease_token = NULL, lease_expires_at = NULL, updated_at = ? \
                    WHERE id = ? AND state = 'in-flight' AND lease_token = ?
                    """,
                arguments: [
                    retryAt == nil ? OutboxState.dead.rawValue : OutboxState.pending.rawValue, text,
                    (retryAt ?? now).epochMilliseconds, stamp, lease.item.id, lease.token,
                ])
        }
    }

    public func release(_ lease: OutboxLease, now: Date) async throws {
        let stamp = now.epochMilliseconds
        try await settle(lease, operation: "release outbox row") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', lease_token = NULL, lease_expires_at = NULL, updated_at = ? \
                    WHERE id = ? AND state = 'in-flight' AND lease_token = ?
                    """,
                arguments: [stamp, lease.item.id, lease.token])
        }
    }

    public func items(state: OutboxState?, destination: String?, afterID: Int64?, limit: Int) async throws
        -> [OutboxItem]
    {
        guard limit > 0 else { return [] }
        var conditions = ["id > ?"]
        var arguments: StatementArguments = [afterID ?? Int64.min]
        if let state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if let destination {
            conditions.append("destination = ?")
            arguments += [destination]
        }
        arguments += [limit]
        let filter = conditions.joined(separator: " AND ")
        let matching = arguments
        return try await read("list outbox rows") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE \(filter) ORDER BY id LIMIT ?",
                arguments: matching
            ).map(Self.decodeItem)
        }
    }

    public func items(states: [OutboxState], destination: String?, cursor: KeysetCursor?, limit: Int) async throws
        -> [OutboxItem]
    {
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if !states.isEmpty {
            conditions.append("state IN (" + states.map { _ in "?" }.joined(separator: ", ") + ")")
            for state in states { arguments += [state.rawValue] }
        }
        if let destination {
            conditions.append("destination = ?")
            arguments += [destination]
        }
        var order = "DESC"
        if let (condition, bound, ascending) = cursor?.condition(on: "id") {
            conditions.append(condition)
            arguments += [bound]
            if ascending { order = "ASC" }
        }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let (matching, ordered) = (arguments, order)
        let rows = try await read("page outbox rows") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.outboxColumns) FROM outbox \(filter) ORDER BY id \(ordered) LIMIT ?",
                arguments: matching
            ).map(Self.decodeItem)
        }
        return order == "ASC" ? Array(rows.reversed()) : rows
    }

    public func item(id: Int64) async throws -> OutboxItem? {
        try await read("read outbox row") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE id = ?", arguments: [id])
                .map(Self.decodeItem)
        }
    }

    public func retry(id: Int64, now: Date) async throws -> Bool {
        let stamp = now.epochMilliseconds
        return try await outboxWrite("retry outbox row") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? \
                    WHERE id = ? AND state = 'dead'
                    """,
                arguments: [stamp, stamp, id])
            return db.changesCount > 0
        }
    }

    public func retryAllDead(destination: String?, now: Date) async throws -> Int {
        let stamp = now.epochMilliseconds
        return try await outboxWrite("retry dead outbox rows") { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? \
                    WHERE state = 'dead' AND (? IS NULL OR destination = ?)
                    """,
                arguments: [stamp, stamp, destination, destination])
            return db.changesCount
        }
    }

    public func count(state: OutboxState) async throws -> Int {
        try await read("count outbox rows") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = ?", arguments: [state.rawValue]) ?? 0
        }
    }

    /// Erases notes that expired at `now` and returns how many (their outbox rows stay, for operators).
    public func purgeExpiredNoteDocuments(now: Date) async throws -> Int {
        try await outboxWrite("purge pipeline notes") { db in
            try db.execute(sql: "DELETE FROM pipeline_notes WHERE expires_at <= ?", arguments: [now.epochMilliseconds])
            let notes = db.changesCount
            // Encounter contexts from ADT messages expire with the same retention.
            try db.execute(
                sql: "DELETE FROM encounter_context WHERE expires_at <= ?", arguments: [now.epochMilliseconds])
            return notes
        }
    }

    public func purgeDelivered(before deliveredBefore: Date, destination: String?) async throws -> Int {
        let cutoff = deliveredBefore.epochMilliseconds
        return try await outboxWrite("purge delivered outbox rows") { db in
            try db.execute(
                sql: """
                    DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ? AND (? IS NULL OR destination = ?)
                    """,
                arguments: [cutoff, destination, destination])
            return db.changesCount
        }
    }

    // MARK: - Helpers

    /// Runs one statement under a lease and throws ``StoreError/Code/leaseLost`` when it changed no row.
    private func settle(
        _ lease: OutboxLease, operation: String, _ update: @escaping @Sendable (Database) throws -> Void
    ) async throws {
        let id = lease.item.id
        try await outboxWrite(operation) { db in
            try update(db)
            guard db.changesCount > 0 else {
                throw StoreError(.leaseLost, reason: "the lease on outbox row \(id) is no longer held")
            }
        }
    }

    /// A write transaction on the journal's serial writer that runs to its end even when the calling task is
    /// cancelled (a worker shutting down must still release its leases).
    func outboxWrite<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T)
        async throws -> T
    {
        guard !queue.isClosed else {
            throw StoreError(.closed, reason: "the journal is closed")
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            pool.asyncWriteWithoutTransaction { db in
                do {
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(db)
                        return .commit
                    }
                    guard let result else {
                        throw StoreError(.database, reason: "\(operation): the transaction returned nothing")
                    }
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: SQLitePool.storeError(error, operation: operation))
                }
            }
        }
    }

    static func decodeItem(_ row: Row) throws -> OutboxItem {
        let stateName: String = row[4]
        guard let state = OutboxState(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "outbox row has unknown state \(stateName)")
        }
        let lease: Int64? = row[9]
        let delivered: Int64? = row[12]
        let references: String? = row[13]
        return OutboxItem(
            id: row[0], noteID: row[1], destination: row[2], patientKey: row[3], state: state, attempts: row[5],
            nextAttemptAt: Date(epochMilliseconds: row[6]), lastError: row[7], controlID: row[8],
            leaseExpiresAt: lease.map(Date.init(epochMilliseconds:)), createdAt: Date(epochMilliseconds: row[10]),
            updatedAt: Date(epochMilliseconds: row[11]), deliveredAt: delivered.map(Date.init(epochMilliseconds:)),
            deliveredReferences: OutboxItem.decodeReferences(references))
    }
}
