import Foundation
import Logging
import NIOCore
import PostgresNIO
import Store

/// The `/v1` notes, API keys, audit trail and webhook deliveries of a ``PostgresStore``, sealed and digested by
/// ``StoreSealing`` exactly as on SQLite. Uniqueness (a note id, one note per key and source, a key's id and hash)
/// is the database's unique indexes', so that two instances cannot both take the same value.
final class PostgresNoteStore: NoteStore, APIKeyStore, AuditLog, WebhookOutbox {
    let database: PostgresStoreDatabase
    let sealing: StoreSealing
    var logger: Logger { database.logger }

    init(database: PostgresStoreDatabase, keyring: DataKeyring) {
        self.database = database
        self.sealing = StoreSealing(keyring: keyring)
    }

    // MARK: - Notes

    func save(_ note: StoredNote, announcing delivery: WebhookDelivery?) async throws {
        let sealed = try SealedNote(note, sealing: sealing)
        try await database.transaction("save note") { connection in
            try await Self.insert(sealed, on: connection, logger: self.logger)
            if let delivery { _ = try await Self.insert(delivery, on: connection, logger: self.logger) }
        }
    }

    /// Inserts a sealed note on `connection` (in the caller's transaction); throws
    /// ``StoreError/Code/invalidArgument`` when its id is taken and ``StoreError/Code/duplicate`` when its owner has a
    /// note from the same source.
    static func insert(_ sealed: SealedNote, on connection: PostgresConnection, logger: Logger) async throws {
        let note = sealed.note
        let exists = try await connection.rows("SELECT 1 FROM notes WHERE id = \(note.id)", logger: logger)
        guard exists.isEmpty else { throw StoreError(.invalidArgument, reason: "a note with this id exists") }
        let taken = try await connection.rows(
            """
            SELECT 1 FROM notes WHERE owner_key_id = \(note.ownerKeyID) AND (lookup_key_id, source_index) IN \
            (SELECT * FROM unnest(\(sealed.sources.map(\.keyID))::text[], \(sealed.sources.map(\.digest))::text[]))
            """,
            logger: logger)
        guard taken.isEmpty else { throw StoreError(.duplicate, reason: "the key has a note from this source") }
        do {
            try await connection.rows(
                """
                INSERT INTO notes (id, owner_key_id, created_at, expires_at, specialty, template, document_sealed, \
                data_key_id, fhir_sealed, fhir_key_id, lookup_key_id, patient_index, encounter_index, \
                source_index, \
                request_index) VALUES (\(note.id), \(note.ownerKeyID), \(note.createdAt.epochMilliseconds), \
                \(note.expiresAt.epochMilliseconds), \(note.specialty), \(note.template), \
                \(sealed.document.bytes.buffer), \(sealed.document.keyID), \(sealed.fhir?.bytes.buffer), \
                \(sealed.fhir?.keyID), \(sealed.lookupKeyID), \(sealed.patient), \(sealed.encounter), \
                \(sealed.source), \(sealed.request))
                """,
                logger: logger)
        } catch  where PostgresStoreDatabase.sqlState(error) == "23505" {
            // Another instance took the id or the source between the checks and the insert.
            if PostgresStoreDatabase.constraintName(error) == "notes_pkey" {
                throw StoreError(.invalidArgument, reason: "a note with this id exists")
            }
            throw StoreError(.duplicate, reason: "the key has a note from this source")
        }
    }

    func note(ownerKeyID: String, source: String, request: String?, now: Date) async throws -> (
        note: StoredNote, sameRequest: Bool
    )? {
        let digests = sealing.lookupDigests("source", source)
        let keys = digests.map(\.keyID)
        let values = digests.map(\.digest)
        let stamp = now.epochMilliseconds
        let found = try await database.withConnection("find note by source") {
            connection -> (String, String?, String?)? in
            guard
                let row = try await connection.rows(
                    """
                    SELECT id, lookup_key_id, request_index FROM notes WHERE owner_key_id = \(ownerKeyID) \
                    AND expires_at > \(stamp) AND (lookup_key_id, source_index) IN \
                    (SELECT * FROM unnest(\(keys)::text[], \(values)::text[]))
                    """,
                    logger: self.logger
                ).first
            else { return nil }
            return (try row.value(0), try row.value(1), try row.value(2))
        }
        guard let (id, keyID, stored) = found, let note = try await self.note(id: id, now: now) else { return nil }
        var sameRequest = false
        if let request, let stored, let keyID, let digest = sealing.lookupDigest("request", request, keyID: keyID) {
            sameRequest = digest == stored
        }
        return (note, sameRequest)
    }

    private static let noteColumns = """
        id, owner_key_id, created_at, expires_at, specialty, template, document_sealed, data_key_id, fhir_sealed, \
        fhir_key_id
        """

    /// A note row as read, its documents still sealed.
    private struct NoteRow: Sendable {
        var note: StoredNote
        var document: SealedValue
        var fhir: SealedValue?

        init(_ row: PostgresRow) throws {
            let cells = row.makeRandomAccess()
            note = StoredNote(
                id: try cells[0].decode(String.self), ownerKeyID: try cells[1].decode(String.self),
                createdAt: Date(epochMilliseconds: try cells[2].decode(Int64.self)),
                expiresAt: Date(epochMilliseconds: try cells[3].decode(Int64.self)),
                specialty: try cells[4].decode(String.self), template: try cells[5].decode(String.self), document: [])
            document = SealedValue(
                keyID: try cells[7].decode(String.self), bytes: try cells[6].decode(ByteBuffer.self).bytes)
            if let bytes = try cells[8].decode(ByteBuffer?.self), let keyID = try cells[9].decode(String?.self) {
                fhir = SealedValue(keyID: keyID, bytes: bytes.bytes)
            }
        }
    }

    private func open(_ row: NoteRow) throws -> StoredNote {
        var note = row.note
        note.document = try sealing.open(row.document, for: .note(id: note.id))
        note.fhir = try row.fhir.map { try sealing.open($0, for: .noteFHIR(id: note.id)) }
        return note
    }

    func fhirNotes(_ query: NoteQuery, now: Date) async throws -> (total: Int, notes: [StoredNote]) {
        var sql = "owner_key_id = $1 AND expires_at > $2 AND fhir_sealed IS NOT NULL"
        var binds = PostgresBindings()
        binds.append(query.ownerKeyID)
        binds.append(now.epochMilliseconds)
        for (field, value) in [
            ("patient", query.lookup.patient), ("encounter", query.lookup.encounter), ("source", query.lookup.source),
        ] {
            guard let value else { continue }
            let digests = sealing.lookupDigests(field, value)
            binds.append(digests.map(\.keyID))
            binds.append(digests.map(\.digest))
            let (keys, values) = (binds.count - 1, binds.count)
            sql +=
                " AND (lookup_key_id, \(field)_index) IN (SELECT * FROM unnest($\(keys)::text[], $\(values)::text[]))"
        }
        if let from = query.createdFrom {
            binds.append(from.epochMilliseconds)
            sql += " AND created_at >= $\(binds.count)"
        }
        if let before = query.createdBefore {
            binds.append(before.epochMilliseconds)
            sql += " AND created_at < $\(binds.count)"
        }
        var page = binds
        page.append(max(0, query.limit))
        page.append(max(0, query.offset))
        let countQuery = PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM notes WHERE \(sql)", binds: binds)
        let pageQuery = PostgresQuery(
            unsafeSQL: """
                SELECT \(Self.noteColumns) FROM notes WHERE \(sql) ORDER BY created_at DESC, id \
                LIMIT $\(page.count - 1) OFFSET $\(page.count)
                """,
            binds: page)
        let (total, rows) = try await database.withConnection("search notes") { connection in
            let total = try await connection.rows(countQuery, logger: self.logger).first?.value(0, as: Int.self) ?? 0
            let rows = try await connection.rows(pageQuery, logger: self.logger).map(NoteRow.init)
            return (total, rows)
        }
        return (total, try rows.map(open))
    }

    func note(id: String, now: Date) async throws -> StoredNote? {
        let stamp = now.epochMilliseconds
        let row = try await database.withConnection("read note") { connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.noteColumns) FROM notes WHERE id = \(id) AND expires_at > \(stamp)",
                logger: self.logger
            ).first.map(NoteRow.init)
        }
        return try row.map(open)
    }

    func deleteNote(id: String) async throws -> Bool {
        try await database.withConnection("delete note") { connection in
            let deleted = try await connection.rows(
                "DELETE FROM notes WHERE id = \(id) RETURNING id", logger: self.logger)
            return !deleted.isEmpty
        }
    }

    func purgeExpiredNotes(now: Date) async throws -> Int {
        let stamp = now.epochMilliseconds
        let deleted = try await database.withConnection(
            "purge notes", statementLimit: database.maintenanceStatementLimit
        ) { connection in
            try await connection.rows(
                "DELETE FROM notes WHERE expires_at <= \(stamp) RETURNING id", logger: self.logger
            )
            .count
        }
        if deleted > 0 { logger.info("expired notes erased", metadata: ["nb.store.deleted": "\(deleted)"]) }
        return deleted
    }

    func noteCount() async throws -> Int {
        try await database.withConnection("count notes") { connection in
            try await connection.rows("SELECT COUNT(*) FROM notes", logger: self.logger).first?.value(0, as: Int.self)
                ?? 0
        }
    }

    // MARK: - API keys

    func saveKey(_ key: APIKeyRecord) async throws {
        let secret = try sealing.seal(Array(key.webhookSecret.utf8), for: .webhookSecret(keyID: key.id))
        try await database.withConnection("save API key") { connection in
            try await Self.insert(key, secret: secret, on: connection, logger: self.logger)
        }
    }

    /// The advisory lock that makes "no key yet → this one" atomic across instances (`NBFSTKEY` in ASCII).
    static let firstKeyLockKey: Int64 = 0x4E42_4653_544B_4559

    func saveFirstKey(_ key: APIKeyRecord) async throws -> Bool {
        let secret = try sealing.seal(Array(key.webhookSecret.utf8), for: .webhookSecret(keyID: key.id))
        return try await database.transaction("save first API key") { connection in
            try await connection.rows("SELECT pg_advisory_xact_lock(\(Self.firstKeyLockKey))", logger: self.logger)
            let existing = try await connection.rows("SELECT 1 FROM api_keys LIMIT 1", logger: self.logger)
            guard existing.isEmpty else { return false }
            try await Self.insert(key, secret: secret, on: connection, logger: self.logger)
            return true
        }
    }

    private static func insert(
        _ key: APIKeyRecord, secret: SealedValue, on connection: PostgresConnection, logger: Logger
    ) async throws {
        do {
            try await connection.rows(
                """
                INSERT INTO api_keys (id, name, scopes, hash, webhook_secret_sealed, data_key_id, created_at, \
                revoked_at) VALUES (\(key.id), \(key.name), \(key.scopes.joined(separator: " ")), \(key.hash), \
                \(secret.bytes.buffer), \(secret.keyID), \(key.createdAt.epochMilliseconds), \
                \(key.revokedAt?.epochMilliseconds))
                """,
                logger: logger)
        } catch  where PostgresStoreDatabase.sqlState(error) == "23505" {
            throw StoreError(.invalidArgument, reason: "an API key with this id or hash exists")
        }
    }

    private static let keyColumns = "id, name, scopes, hash, webhook_secret_sealed, data_key_id, created_at, revoked_at"

    /// A key row as read, its webhook secret still sealed.
    private struct KeyRow: Sendable {
        var record: APIKeyRecord
        var sealedSecret: SealedValue

        init(_ row: PostgresRow) throws {
            let cells = row.makeRandomAccess()
            let scopes = try cells[2].decode(String.self)
            record = APIKeyRecord(
                id: try cells[0].decode(String.self), name: try cells[1].decode(String.self),
                scopes: scopes.split(separator: " ").map(String.init), hash: try cells[3].decode(String.self),
                webhookSecret: "", createdAt: Date(epochMilliseconds: try cells[6].decode(Int64.self)),
                revokedAt: try cells[7].decode(Int64?.self).map(Date.init(epochMilliseconds:)))
            sealedSecret = SealedValue(
                keyID: try cells[5].decode(String.self), bytes: try cells[4].decode(ByteBuffer.self).bytes)
        }
    }

    private func decodeKey(_ row: KeyRow) throws -> APIKeyRecord {
        var record = row.record
        let secret = try sealing.open(row.sealedSecret, for: .webhookSecret(keyID: record.id))
        record.webhookSecret = String(decoding: secret, as: UTF8.self)
        return record
    }

    private func keyRows(_ operation: String, _ query: PostgresQuery) async throws -> [APIKeyRecord] {
        let rows = try await database.withConnection(operation) { connection in
            try await connection.rows(query, logger: self.logger).map(KeyRow.init)
        }
        return try rows.map(decodeKey)
    }

    func key(hash: String) async throws -> APIKeyRecord? {
        try await keyRows("read API key", "SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE hash = \(hash)")
            .first
    }

    func key(id: String) async throws -> APIKeyRecord? {
        try await keyRows("read API key", "SELECT \(unescaped: Self.keyColumns) FROM api_keys WHERE id = \(id)").first
    }

    func keys() async throws -> [APIKeyRecord] {
        try await keyRows(
            "list API keys", "SELECT \(unescaped: Self.keyColumns) FROM api_keys ORDER BY created_at, id")
    }

    func revokeKey(id: String, at date: Date) async throws -> Bool {
        let stamp = date.epochMilliseconds
        return try await database.withConnection("revoke API key") { connection in
            let changed = try await connection.rows(
                "UPDATE api_keys SET revoked_at = \(stamp) WHERE id = \(id) AND revoked_at IS NULL RETURNING id",
                logger: self.logger)
            return !changed.isEmpty
        }
    }

    // MARK: - Audit

    func append(_ record: AuditRecord) async throws {
        try await database.withConnection("append audit record") { connection in
            try await connection.rows(
                """
                INSERT INTO audit (recorded_at, key_id, action, note_id, status, error_code, remote_address, target, \
                affected, channel) VALUES (\(record.recordedAt.epochMilliseconds), \(record.keyID), \
                \(record.action.rawValue), \(record.noteID), \(record.status), \(record.errorCode), \
                \(record.remoteAddress), \(record.target), \(record.affected), \(record.channel))
                """,
                logger: self.logger)
        }
    }

    private static let auditColumns =
        "id, recorded_at, key_id, action, note_id, status, error_code, remote_address, target, affected, channel"

    private static func decodeAudit(_ row: PostgresRow) throws -> AuditRecord {
        let cells = row.makeRandomAccess()
        let actionName = try cells[3].decode(String.self)
        guard let action = AuditRecord.Action(rawValue: actionName) else {
            throw StoreError(.corruptEntry, reason: "audit row has unknown action \(actionName)")
        }
        return AuditRecord(
            id: try cells[0].decode(Int64.self),
            recordedAt: Date(epochMilliseconds: try cells[1].decode(Int64.self)),
            keyID: try cells[2].decode(String?.self), action: action, noteID: try cells[4].decode(String?.self),
            status: try cells[5].decode(Int.self), errorCode: try cells[6].decode(String?.self),
            remoteAddress: try cells[7].decode(String?.self), target: try cells[8].decode(String?.self),
            affected: try cells[9].decode(Int?.self), channel: try cells[10].decode(String?.self))
    }

    func auditRecords(since: Date?, until: Date?, afterID: Int64, limit: Int) async throws -> [AuditRecord] {
        let (from, to) = (since?.epochMilliseconds ?? Int64.min, until?.epochMilliseconds ?? Int64.max)
        let count = max(0, limit)
        return try await database.withConnection("read audit records") { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.auditColumns) FROM audit \
                WHERE id > \(afterID) AND recorded_at >= \(from) AND recorded_at < \(to) ORDER BY id LIMIT \(count)
                """,
                logger: self.logger
            ).map(Self.decodeAudit)
        }
    }

    func recentAuditRecords(_ cursor: KeysetCursor?, limit: Int) async throws -> [AuditRecord] {
        let count = max(0, limit)
        let query: PostgresQuery =
            switch cursor {
            case nil: "SELECT \(unescaped: Self.auditColumns) FROM audit ORDER BY id DESC LIMIT \(count)"
            case .before(let id):
                "SELECT \(unescaped: Self.auditColumns) FROM audit WHERE id < \(id) ORDER BY id DESC LIMIT \(count)"
            case .after(let id):
                "SELECT \(unescaped: Self.auditColumns) FROM audit WHERE id > \(id) ORDER BY id LIMIT \(count)"
            }
        let records = try await database.withConnection("read recent audit records") { connection in
            try await connection.rows(query, logger: self.logger).map(Self.decodeAudit)
        }
        if case .after = cursor { return Array(records.reversed()) }
        return records
    }

    // MARK: - Webhook outbox

    func enqueue(_ delivery: WebhookDelivery) async throws -> Int64 {
        try await database.withConnection("queue webhook") { connection in
            try await Self.insert(delivery, on: connection, logger: self.logger)
        }
    }

    static func insert(_ delivery: WebhookDelivery, on connection: PostgresConnection, logger: Logger)
        async throws -> Int64
    {
        let inserted = try await connection.rows(
            """
            INSERT INTO webhooks (key_id, url, event_type, payload, attempts, next_attempt_at, state, last_result, \
            created_at) VALUES (\(delivery.keyID), \(delivery.url), \(delivery.eventType), \
            \(delivery.payload.buffer), \(delivery.attempts), \(delivery.nextAttemptAt.epochMilliseconds), \
            \(delivery.state.rawValue), \(delivery.lastResult), \(delivery.createdAt.epochMilliseconds)) RETURNING id
            """,
            logger: logger)
        guard let id = try inserted.first?.value(0, as: Int64.self) else {
            throw StoreError(.database, reason: "queue webhook: no id returned")
        }
        return id
    }

    private static let webhookColumns =
        "id, key_id, url, event_type, payload, attempts, next_attempt_at, state, last_result, created_at"

    private static func decodeDelivery(_ row: PostgresRow) throws -> WebhookDelivery {
        let cells = row.makeRandomAccess()
        let stateName = try cells[7].decode(String.self)
        guard let state = WebhookDelivery.State(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "webhook row has unknown state \(stateName)")
        }
        return WebhookDelivery(
            id: try cells[0].decode(Int64.self), keyID: try cells[1].decode(String.self),
            url: try cells[2].decode(String.self), eventType: try cells[3].decode(String.self),
            payload: try cells[4].decode(ByteBuffer.self).bytes, attempts: try cells[5].decode(Int.self),
            nextAttemptAt: Date(epochMilliseconds: try cells[6].decode(Int64.self)), state: state,
            lastResult: try cells[8].decode(String?.self),
            createdAt: Date(epochMilliseconds: try cells[9].decode(Int64.self)))
    }

    /// How long rows returned by ``dueDeliveries(now:limit:)`` are held back from other instances.
    static let webhookLease: Duration = .seconds(120)

    func dueDeliveries(now: Date, limit: Int) async throws -> [WebhookDelivery] {
        let stamp = now.epochMilliseconds
        let leased = stamp + Self.webhookLease.clampedMilliseconds
        let count = max(0, limit)
        let columns = Self.webhookColumns.split(separator: ",").map {
            "due." + $0.trimmingCharacters(in: .whitespaces)
        }.joined(separator: ", ")
        // The rows as they were (their own next attempt time), while the table holds them leased; rows another
        // instance is taking at the same moment are skipped.
        let rows = try await database.transaction("take due webhooks") { connection in
            try await connection.rows(
                """
                WITH due AS (
                    SELECT \(unescaped: Self.webhookColumns) FROM webhooks WHERE state = 'pending' \
                    AND next_attempt_at <= \(stamp) ORDER BY next_attempt_at, id LIMIT \(count) FOR UPDATE SKIP LOCKED
                )
                UPDATE webhooks SET next_attempt_at = \(leased) FROM due WHERE webhooks.id = due.id \
                RETURNING \(unescaped: columns)
                """,
                logger: self.logger
            ).map(Self.decodeDelivery)
        }
        return rows.sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
    }

    func recordAttempt(id: Int64, state: WebhookDelivery.State, nextAttemptAt: Date, result: String) async throws {
        let next = nextAttemptAt.epochMilliseconds
        let changed = try await database.withConnection("record webhook attempt") { connection in
            try await connection.rows(
                """
                UPDATE webhooks SET attempts = attempts + 1, state = \(state.rawValue), next_attempt_at = \(next), \
                last_result = \(result) WHERE id = \(id) RETURNING id
                """,
                logger: self.logger
            ).count
        }
        guard changed > 0 else { throw StoreError(.entryNotFound, reason: "no webhook delivery \(id)") }
    }

    func delivery(id: Int64) async throws -> WebhookDelivery? {
        try await database.withConnection("read webhook") { connection in
            try await connection.rows(
                "SELECT \(unescaped: Self.webhookColumns) FROM webhooks WHERE id = \(id)", logger: self.logger
            ).first.map(Self.decodeDelivery)
        }
    }

    func purgeFinishedDeliveries(before: Date) async throws -> Int {
        let cutoff = before.epochMilliseconds
        return try await database.withConnection(
            "purge webhooks", statementLimit: database.maintenanceStatementLimit
        ) { connection in
            try await connection.rows(
                "DELETE FROM webhooks WHERE state != 'pending' AND created_at < \(cutoff) RETURNING id",
                logger: self.logger
            ).count
        }
    }
}
