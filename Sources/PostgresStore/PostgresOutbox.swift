import Foundation
import Logging
import NIOCore
import PostgresNIO
import Store

/// The ``Outbox`` of a ``PostgresStore``, shared by every instance on the database.
///
/// Claims lock their rows with `FOR UPDATE SKIP LOCKED`, so that instances claiming at the same time pass over each
/// other's rows instead of waiting, and stamp a lease; a row whose lease expired (its instance died) is claimable
/// again by any instance. Per-patient order holds across instances: a row is claimable only while no earlier row of
/// its patient and destination is pending or in flight, and such an earlier row, even one another claim holds
/// locked, is still visible to that check; and commits that add rows for one patient are serialized (a
/// transaction-level advisory lock per patient key), so that a patient's row ids are in commit order.
final class PostgresOutbox: Outbox {
    let database: PostgresStoreDatabase
    let sealing: StoreSealing
    private var logger: Logger { database.logger }

    static let columns = """
        id, note_id, destination, patient_key, state, attempts, next_attempt_at, last_error, control_id, \
        lease_expires_at, created_at, updated_at, delivered_at, delivered_references
        """

    /// The first key of the two-key advisory locks that serialize a patient's outbox inserts (`NBPK`).
    static let patientLockClass: Int32 = 0x4E42_504B

    /// ``columns``, each prefixed with the table's name (for a `RETURNING` after `UPDATE … FROM`).
    static let qualifiedColumns = columns.split(separator: ",").map {
        "outbox." + $0.trimmingCharacters(in: .whitespacesAndNewlines)
    }.joined(separator: ", ")

    init(database: PostgresStoreDatabase, keyring: DataKeyring) {
        self.database = database
        self.sealing = StoreSealing(keyring: keyring)
    }

    func commit(_ note: OutboxNote, destinations: [String], processing journalID: Int64?, now: Date) async throws
        -> [Int64]
    {
        let results = try await commit(
            [OutboxCommit(note: note, destinations: destinations, processing: journalID)], now: now)
        guard let result = results.first else {
            throw StoreError(.database, reason: "commit note and outbox: the transaction returned nothing")
        }
        return try result.get()
    }

    func commit(_ commits: [OutboxCommit], now: Date) async throws -> [Result<[Int64], StoreError>] {
        guard !commits.isEmpty else { return [] }
        let notes = try sealing.sealed(commits)
        let stamp = now.epochMilliseconds
        let patients = Set(notes.map(\.commit.note.patientKey)).sorted()
        return try await database.transaction("commit notes and outbox") { connection in
            // One transaction at a time adds rows for a patient (in sorted order, so that two never wait on each
            // other): a patient's rows are then committed in id order on every instance, which is the order claims
            // deliver them in. Without it, a later row committed first could be claimed before an earlier one is
            // visible.
            for patient in patients {
                try await connection.rows(
                    "SELECT pg_advisory_xact_lock(\(Self.patientLockClass), hashtext(\(patient)))", logger: self.logger)
            }
            var results: [Result<[Int64], StoreError>] = []
            results.reserveCapacity(notes.count)
            for item in notes {
                let note = item.commit.note
                if let journalID = item.commit.journalID {
                    let changed = try await connection.rows(
                        """
                        UPDATE journal SET state = 'processed', failure_reason = NULL, updated_at = \(stamp) \
                        WHERE id = \(journalID) AND state IN ('received', 'accepted') RETURNING id
                        """,
                        logger: self.logger)
                    if changed.isEmpty {
                        let exists = try await connection.rows(
                            "SELECT 1 FROM journal WHERE id = \(journalID)", logger: self.logger)
                        results.append(
                            .failure(
                                exists.isEmpty
                                    ? StoreError(.entryNotFound, reason: "no journal entry with id \(journalID)")
                                    : StoreError(
                                        .duplicate, reason: "journal entry \(journalID) is not waiting for processing"))
                        )
                        continue
                    }
                }
                try await connection.rows(
                    """
                    INSERT INTO pipeline_notes (id, journal_id, created_at, expires_at, patient_key, document_sealed, \
                    key_id) VALUES (\(note.id), \(item.commit.journalID), \(note.createdAt.epochMilliseconds), \
                    \(note.expiresAt.epochMilliseconds), \(note.patientKey), \(item.sealed.bytes.buffer), \
                    \(item.sealed.keyID))
                    """,
                    logger: self.logger)
                var ids: [Int64] = []
                for (destination, controlID) in zip(item.commit.destinations, item.controlIDs) {
                    let inserted = try await connection.rows(
                        """
                        INSERT INTO outbox (note_id, destination, patient_key, state, attempts, next_attempt_at, \
                        control_id, created_at, updated_at) VALUES (\(note.id), \(destination), \(note.patientKey), \
                        'pending', 0, \(stamp), \(controlID), \(stamp), \(stamp)) RETURNING id
                        """,
                        logger: self.logger)
                    guard let id = try inserted.first?.value(0, as: Int64.self) else {
                        throw StoreError(.database, reason: "insert outbox row: no id returned")
                    }
                    ids.append(id)
                }
                results.append(.success(ids))
            }
            return results
        }
    }

    func noteDocument(id: String) async throws -> [UInt8]? {
        let sealed = try await database.withConnection("read pipeline note") { connection -> SealedValue? in
            guard
                let row = try await connection.rows(
                    "SELECT document_sealed, key_id FROM pipeline_notes WHERE id = \(id)", logger: self.logger
                ).first
            else { return nil }
            return SealedValue(
                keyID: try row.value(1, as: String.self), bytes: try row.value(0, as: ByteBuffer.self).bytes)
        }
        return try sealed.map { try sealing.open($0, for: .pipelineNote(id: id)) }
    }

    func claim(destination: String, limit: Int, leaseDuration: Duration, now: Date) async throws -> [OutboxLease] {
        guard limit > 0 else { return [] }
        guard leaseDuration > .zero else {
            throw StoreError(.invalidArgument, reason: "the lease duration must be positive")
        }
        let stamp = now.epochMilliseconds
        let expires = stamp + leaseDuration.clampedMilliseconds
        let token = OutboxItem.newLeaseToken()
        let rows = try await database.transaction("claim outbox rows") { connection in
            // Claimable: pending and due, or in flight under an expired lease; and no earlier row of the same patient
            // to the same destination still pending or in flight (per-patient order). Rows another claim holds are
            // skipped, not waited for. One token per claim: each row is settled by its id and this token.
            try await connection.rows(
                """
                WITH claimable AS (
                    SELECT o.id FROM outbox AS o
                    WHERE o.destination = \(destination) AND o.state IN ('pending', 'in-flight') AND (
                        (o.state = 'pending' AND o.next_attempt_at <= \(stamp))
                        OR (o.state = 'in-flight' AND o.lease_expires_at <= \(stamp)))
                    AND NOT EXISTS (
                        SELECT 1 FROM outbox AS e WHERE e.destination = o.destination AND e.patient_key = o.patient_key
                        AND e.id < o.id AND e.state IN ('pending', 'in-flight'))
                    ORDER BY o.id LIMIT \(limit)
                    FOR UPDATE OF o SKIP LOCKED
                )
                UPDATE outbox SET state = 'in-flight', lease_token = \(token), lease_expires_at = \(expires), \
                updated_at = \(stamp)
                FROM claimable WHERE outbox.id = claimable.id
                RETURNING \(unescaped: Self.qualifiedColumns)
                """,
                logger: self.logger
            ).map(Self.decodeItem)
        }
        return rows.sorted { $0.id < $1.id }.map {
            OutboxLease(item: $0, token: token, expiresAt: Date(epochMilliseconds: expires))
        }
    }

    func complete(_ lease: OutboxLease, references: [String], now: Date) async throws {
        try OutboxItem.checkDeliveredReferences(references)
        let lost = try await complete([OutboxDelivery(lease: lease, references: references)], now: now)
        if !lost.isEmpty {
            throw StoreError(.leaseLost, reason: "the lease on outbox row \(lease.item.id) is no longer held")
        }
    }

    func complete(_ deliveries: [OutboxDelivery], now: Date) async throws -> [Int64] {
        guard !deliveries.isEmpty else { return [] }
        for delivery in deliveries { try OutboxItem.checkDeliveredReferences(delivery.references) }
        let stamp = now.epochMilliseconds
        return try await database.transaction("complete outbox rows") { connection in
            var lost: [Int64] = []
            for delivery in deliveries {
                let lease = delivery.lease
                let changed = try await connection.rows(
                    """
                    UPDATE outbox SET state = 'delivered', attempts = attempts + 1, last_error = NULL, \
                    lease_token = NULL, lease_expires_at = NULL, updated_at = \(stamp), delivered_at = \(stamp), \
                    delivered_references = \(OutboxItem.encodeReferences(delivery.references)) \
                    WHERE id = \(lease.item.id) AND state = 'in-flight' AND lease_token = \(lease.token) RETURNING id
                    """,
                    logger: self.logger)
                if changed.isEmpty { lost.append(lease.item.id) }
            }
            return lost
        }
    }

    func fail(_ lease: OutboxLease, error: String, retryAt: Date?, now: Date) async throws {
        let stamp = now.epochMilliseconds
        let text = String(error.prefix(500))
        let state = retryAt == nil ? OutboxState.dead.rawValue : OutboxState.pending.rawValue
        let next = (retryAt ?? now).epochMilliseconds
        try await settle(
            lease, operation: "fail outbox row",
            """
            UPDATE outbox SET state = \(state), attempts = attempts + 1, last_error = \(text), \
            next_attempt_at = \(next), \
            lease_token = NULL, lease_expires_at = NULL, updated_at = \(stamp) \
            WHERE id = \(lease.item.id) AND state = 'in-flight' AND lease_token = \(lease.token) RETURNING id
            """)
    }

    func release(_ lease: OutboxLease, now: Date) async throws {
        let stamp = now.epochMilliseconds
        try await settle(
            lease, operation: "release outbox row",
            """
            UPDATE outbox SET state = 'pending', lease_token = NULL, lease_expires_at = NULL, updated_at = \(stamp) \
            WHERE id = \(lease.item.id) AND state = 'in-flight' AND lease_token = \(lease.token) RETURNING id
            """)
    }

    /// Runs one `UPDATE … RETURNING id` under a lease; throws ``StoreError/Code/leaseLost`` when it changed no row.
    /// It runs to its end even when the calling task is cancelled (a worker shutting down still releases its leases).
    private func settle(_ lease: OutboxLease, operation: String, _ query: PostgresQuery) async throws {
        let changed = try await Task {
            try await self.database.withConnection(operation) { connection in
                try await connection.rows(query, logger: self.logger).count
            }
        }.value
        guard changed > 0 else {
            throw StoreError(.leaseLost, reason: "the lease on outbox row \(lease.item.id) is no longer held")
        }
    }

    func items(state: OutboxState?, destination: String?, afterID: Int64?, limit: Int) async throws -> [OutboxItem] {
        guard limit > 0 else { return [] }
        return try await database.withConnection("list outbox rows") { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM outbox WHERE id > \(afterID ?? Int64.min) \
                AND (\(state?.rawValue)::text IS NULL OR state = \(state?.rawValue)) \
                AND (\(destination)::text IS NULL OR destination = \(destination)) ORDER BY id LIMIT \(limit)
                """,
                logger: self.logger
            ).map(Self.decodeItem)
        }
    }

    func items(states: [OutboxState], destination: String?, cursor: KeysetCursor?, limit: Int) async throws
        -> [OutboxItem]
    {
        guard limit > 0 else { return [] }
        let names = states.map(\.rawValue)
        var (lower, upper, order) = (Int64.min, Int64.max, "DESC")
        switch cursor {
        case nil: break
        case .before(let id): upper = id
        case .after(let id): (lower, order) = (id, "ASC")
        }
        let query: PostgresQuery = """
            SELECT \(unescaped: Self.columns) FROM outbox \
            WHERE (cardinality(\(names)::text[]) = 0 OR state = ANY(\(names)::text[])) \
            AND (\(destination)::text IS NULL OR destination = \(destination)) AND id > \(lower) AND id < \(upper) \
            ORDER BY id \(unescaped: order) LIMIT \(limit)
            """
        let rows = try await database.withConnection("page outbox rows") { connection in
            try await connection.rows(query, logger: self.logger).map(Self.decodeItem)
        }
        if case .after = cursor { return Array(rows.reversed()) }
        return rows
    }

    func item(id: Int64) async throws -> OutboxItem? {
        try await database.withConnection("read outbox row") { connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM outbox WHERE id = \(id)", logger: self.logger
            ).first.map(Self.decodeItem)
        }
    }

    func retry(id: Int64, now: Date) async throws -> Bool {
        let stamp = now.epochMilliseconds
        return try await database.withConnection("retry outbox row") { connection in
            let changed = try await connection.rows(
                """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(stamp), updated_at = \(stamp) \
                WHERE id = \(id) AND state = 'dead' RETURNING id
                """,
                logger: self.logger)
            return !changed.isEmpty
        }
    }

    func retryAllDead(destination: String?, now: Date) async throws -> Int {
        let stamp = now.epochMilliseconds
        return try await database.withConnection("retry dead outbox rows") { connection in
            try await connection.rows(
                """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(stamp), updated_at = \(stamp) \
                WHERE state = 'dead' AND (\(destination)::text IS NULL OR destination = \(destination)) RETURNING id
                """,
                logger: self.logger
            ).count
        }
    }

    func count(state: OutboxState) async throws -> Int {
        try await database.withConnection("count outbox rows") { connection in
            try await connection.rows(
                "SELECT COUNT(*) FROM outbox WHERE state = \(state.rawValue)", logger: self.logger
            ).first?.value(0, as: Int.self) ?? 0
        }
    }

    func purgeExpiredNoteDocuments(now: Date) async throws -> Int {
        let stamp = now.epochMilliseconds
        return try await database.transaction(
            "purge pipeline notes", statementLimit: database.maintenanceStatementLimit
        ) { connection in
            let notes = try await connection.rows(
                "DELETE FROM pipeline_notes WHERE expires_at <= \(stamp) RETURNING id", logger: self.logger
            ).count
            // Encounter contexts from ADT messages expire with the same retention.
            try await connection.rows("DELETE FROM encounter_context WHERE expires_at <= \(stamp)", logger: self.logger)
            return notes
        }
    }

    func purgeDelivered(before deliveredBefore: Date, destination: String?) async throws -> Int {
        let cutoff = deliveredBefore.epochMilliseconds
        return try await database.withConnection(
            "purge delivered outbox rows", statementLimit: database.maintenanceStatementLimit
        ) { connection in
            try await connection.rows(
                """
                DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < \(cutoff) \
                AND (\(destination)::text IS NULL OR destination = \(destination)) RETURNING id
                """,
                logger: self.logger
            ).count
        }
    }

    static func decodeItem(_ row: PostgresRow) throws -> OutboxItem {
        let cells = row.makeRandomAccess()
        let stateName = try cells[4].decode(String.self)
        guard let state = OutboxState(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "outbox row has unknown state \(stateName)")
        }
        return OutboxItem(
            id: try cells[0].decode(Int64.self), noteID: try cells[1].decode(String.self),
            destination: try cells[2].decode(String.self), patientKey: try cells[3].decode(String.self), state: state,
            attempts: try cells[5].decode(Int.self),
            nextAttemptAt: Date(epochMilliseconds: try cells[6].decode(Int64.self)),
            lastError: try cells[7].decode(String?.self), controlID: try cells[8].decode(String.self),
            leaseExpiresAt: try cells[9].decode(Int64?.self).map(Date.init(epochMilliseconds:)),
            createdAt: Date(epochMilliseconds: try cells[10].decode(Int64.self)),
            updatedAt: Date(epochMilliseconds: try cells[11].decode(Int64.self)),
            deliveredAt: try cells[12].decode(Int64?.self).map(Date.init(epochMilliseconds:)),
            deliveredReferences: OutboxItem.decodeReferences(try cells[13].decode(String?.self)))
    }
}
