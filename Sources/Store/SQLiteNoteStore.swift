import Foundation
import GRDB
import Logging

/// Notes, API keys, the audit trail and webhook deliveries of the `/v1` API, in the gateway's one SQLite database
/// (WAL), beside the journal and the outbox.
///
/// Note documents and webhook secrets are sealed by ``StoreSealing`` (AES-256-GCM under the data keyring, the same
/// for every backend); a note's sealed bytes are bound to its id, so a row copied over another does not open.
/// Keys are stored as SHA-256 hashes.
public final class SQLiteNoteStore: NoteStore, APIKeyStore, AuditLog, WebhookOutbox {
    /// The database file.
    public let databaseFile: URL
    private let pool: DatabasePool
    /// Sealing and lookup digests (shared by every backend).
    let sealing: StoreSealing
    private let logger: Logger
    /// Whether ``close()`` closes the pool (not when the store shares the journal's, see ``SQLiteJournal/notes``).
    private let ownsPool: Bool

    /// Opens (creating when missing) the database at `databaseFile` and migrates it to the whole schema (journal,
    /// outbox, notes, keys, audit): the gateway's one database, which another process may have open as a
    /// ``SQLiteJournal`` at the same time.
    public init(
        databaseFile: URL, keyring: DataKeyring, synchronous: SQLiteJournal.Configuration.Synchronous = .normal,
        logger: Logger = Logger(label: "notebridge.store.notes")
    ) throws {
        self.pool = try SQLitePool.open(
            databaseFile, label: "notebridge.notes", synchronous: synchronous, busyTimeout: .seconds(5),
            maximumReaderCount: 4, migrator: SQLiteJournal.databaseMigrator)
        self.databaseFile = databaseFile
        self.sealing = StoreSealing(keyring: keyring)
        self.logger = logger
        self.ownsPool = true
    }

    /// The note store over an open pool (the journal's), which it does not close.
    init(
        sharing pool: DatabasePool, databaseFile: URL, keyring: DataKeyring,
        logger: Logger = Logger(label: "notebridge.store.notes")
    ) {
        self.pool = pool
        self.databaseFile = databaseFile
        self.sealing = StoreSealing(keyring: keyring)
        self.logger = logger
        self.ownsPool = false
    }

    /// Releases the database (when this store opened it; a store sharing the journal's closes with the journal).
    public func close() throws {
        guard ownsPool else { return }
        do {
            try pool.close()
        } catch {
            throw SQLitePool.storeError(error, operation: "close \(databaseFile.path)")
        }
    }

    // MARK: - Notes

    public func save(_ note: StoredNote, announcing delivery: WebhookDelivery?) async throws {
        let sealed = try SealedNote(note, sealing: sealing)
        try await write("save note") { db in
            try Self.insert(sealed, into: db)
            if let delivery { _ = try Self.insert(delivery, into: db) }
        }
    }

    /// Inserts a sealed note; throws ``StoreError/Code/invalidArgument`` when its id is taken and
    /// ``StoreError/Code/duplicate`` when its owner has a note from the same source.
    static func insert(_ sealed: SealedNote, into db: Database) throws {
        let note = sealed.note
        let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM notes WHERE id = ?", arguments: [note.id]) ?? false
        guard !exists else { throw StoreError(.invalidArgument, reason: "a note with this id exists") }
        let sources = sealed.sources
        if !sources.isEmpty {
            let clause = sources.map { _ in "(lookup_key_id = ? AND source_index = ?)" }.joined(separator: " OR ")
            var arguments: StatementArguments = [note.ownerKeyID]
            for (id, value) in sources { arguments += [id, value] }
            let taken =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM notes WHERE owner_key_id = ? AND (\(clause))", arguments: arguments)
                ?? false
            guard !taken else { throw StoreError(.duplicate, reason: "the key has a note from this source") }
        }
        try db.execute(
            sql: """
                INSERT INTO notes (id, owner_key_id, created_at, expires_at, specialty, template, document_sealed, \
                data_key_id, fhir_sealed, fhir_key_id, lookup_key_id, patient_index, encounter_index, source_index, \
                request_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                note.id, note.ownerKeyID, note.createdAt.epochMilliseconds, note.expiresAt.epochMilliseconds,
                note.specialty, note.template, Data(sealed.document.bytes), sealed.document.keyID,
                sealed.fhir.map { Data($0.bytes) }, sealed.fhir?.keyID, sealed.lookupKeyID, sealed.patient,
                sealed.encounter, sealed.source, sealed.request,
            ])
    }

    public func note(ownerKeyID: String, source: String, request: String?, now: Date) async throws -> (
        note: StoredNote, sameRequest: Bool
    )? {
        let digests = sealing.lookupDigests("source", source).map { ($0.keyID, $0.digest) }
        var arguments: StatementArguments = [ownerKeyID, now.epochMilliseconds]
        for (id, digest) in digests { arguments += [id, digest] }
        let clause = digests.map { _ in "(lookup_key_id = ? AND source_index = ?)" }.joined(separator: " OR ")
        let matching = arguments
        let found = try await read("find note by source") { db -> (String, String?, String?)? in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT id, lookup_key_id, request_index FROM notes WHERE owner_key_id = ? AND expires_at > ? AND (\(clause))",
                arguments: matching
            ).map { ($0[0], $0[1], $0[2]) }
        }
        guard let (id, keyID, stored) = found, let note = try await self.note(id: id, now: now) else { return nil }
        // The request's digest under the key the row was written with.
        var sameRequest = false
        if let request, let stored, let keyID, let digest = sealing.lookupDigest("request", request, keyID: keyID) {
            sameRequest = digest == stored
        }
        return (note, sameRequest)
    }

    public func fhirNotes(_ query: NoteQuery, now: Date) async throws -> (total: Int, notes: [StoredNote]) {
        var conditions = ["owner_key_id = ?", "expires_at > ?", "fhir_sealed IS NOT NULL"]
        var arguments: StatementArguments = [query.ownerKeyID, now.epochMilliseconds]
        for (field, value) in [
            ("patient", query.lookup.patient), ("encounter", query.lookup.encounter), ("source", query.lookup.source),
        ] {
            guard let value else { continue }
            let digests = sealing.lookupDigests(field, value).map { ($0.keyID, $0.digest) }
            conditions.append(
                "(" + digests.map { _ in "(lookup_key_id = ? AND \(field)_index = ?)" }.joined(separator: " OR ") + ")")
            for (id, digest) in digests { arguments += [id, digest] }
        }
        if let from = query.createdFrom {
            conditions.append("created_at >= ?")
            arguments += [from.epochMilliseconds]
        }
        if let before = query.createdBefore {
            conditions.append("created_at < ?")
            arguments += [before.epochMilliseconds]
        }
        let filter = conditions.joined(separator: " AND ")
        let matching = arguments
        let limit = max(0, query.limit)
        let offset = max(0, query.offset)
        let (total, rows) = try await read("search notes") { db -> (Int, [(StoredNote, SealedValue, SealedValue)]) in
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes WHERE \(filter)", arguments: matching) ?? 0
            var page = matching
            page += [limit, offset]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, owner_key_id, created_at, expires_at, specialty, template, document_sealed, data_key_id, \
                    fhir_sealed, fhir_key_id FROM notes WHERE \(filter) ORDER BY created_at DESC, id LIMIT ? OFFSET ?
                    """,
                arguments: page)
            return (
                total,
                try rows.map { row in
                    guard let fhir = row[8] as Data?, let fhirKey = row[9] as String? else {
                        throw StoreError(.corruptEntry, reason: "a FHIR note row lacks its key id")
                    }
                    let note = StoredNote(
                        id: row[0], ownerKeyID: row[1], createdAt: Date(epochMilliseconds: row[2]),
                        expiresAt: Date(epochMilliseconds: row[3]), specialty: row[4], template: row[5], document: [])
                    return (
                        note, SealedValue(keyID: row[7], bytes: Array(row[6] as Data)),
                        SealedValue(keyID: fhirKey, bytes: Array(fhir))
                    )
                }
            )
        }
        let notes = try rows.map { row in
            var note = row.0
            note.document = try sealing.open(row.1, for: .note(id: note.id))
            note.fhir = try sealing.open(row.2, for: .noteFHIR(id: note.id))
            return note
        }
        return (total, notes)
    }

    public func note(id: String, now: Date) async throws -> StoredNote? {
        let found = try await read("read note") { db -> (StoredNote, SealedValue, SealedValue?)? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT owner_key_id, created_at, expires_at, specialty, template, document_sealed, data_key_id, \
                        fhir_sealed, fhir_key_id FROM notes WHERE id = ? AND expires_at > ?
                        """,
                    arguments: [id, now.epochMilliseconds])
            else { return nil }
            let note = StoredNote(
                id: id, ownerKeyID: row[0], createdAt: Date(epochMilliseconds: row[1]),
                expiresAt: Date(epochMilliseconds: row[2]), specialty: row[3], template: row[4], document: [])
            var fhir: SealedValue?
            if let bytes = row[7] as Data?, let keyID = row[8] as String? {
                fhir = SealedValue(keyID: keyID, bytes: Array(bytes))
            }
            return (note, SealedValue(keyID: row[6], bytes: Array(row[5] as Data)), fhir)
        }
        guard let (stored, sealed, fhir) = found else { return nil }
        var note = stored
        note.document = try sealing.open(sealed, for: .note(id: id))
        note.fhir = try fhir.map { try sealing.open($0, for: .noteFHIR(id: id)) }
        return note
    }

    public func deleteNote(id: String) async throws -> Bool {
        try await write("delete note") { db in
            try db.execute(sql: "DELETE FROM notes WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func purgeExpiredNotes(now: Date) async throws -> Int {
        let deleted = try await write("purge notes") { db in
            try db.execute(sql: "DELETE FROM notes WHERE expires_at <= ?", arguments: [now.epochMilliseconds])
            return db.changesCount
        }
        if deleted > 0 { logger.info("expired notes erased", metadata: ["nb.store.deleted": "\(deleted)"]) }
        return deleted
    }

    public func noteCount() async throws -> Int {
        try await read("count notes") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes") ?? 0 }
    }

    // MARK: - API keys

    public func saveKey(_ key: APIKeyRecord) async throws {
        let secret = try sealing.seal(Array(key.webhookSecret.utf8), for: .webhookSecret(keyID: key.id))
        try await write("save API key") { db in
            let taken =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM api_keys WHERE id = ? OR hash = ?", arguments: [key.id, key.hash]) ?? false
            guard !taken else { throw StoreError(.invalidArgument, reason: "an API key with this id or hash exists") }
            try Self.insert(key, secret: secret, into: db)
        }
    }

    public func saveFirstKey(_ key: APIKeyRecord) async throws -> Bool {
        let secret = try sealing.seal(Array(key.webhookSecret.utf8), for: .webhookSecret(keyID: key.id))
        // One writer at a time: the check and the insert are one write transaction.
        return try await write("save first API key") { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_keys") == 0 else { return false }
            try Self.insert(key, secret: secret, into: db)
            return true
        }
    }

    private static func insert(_ key: APIKeyRecord, secret: SealedValue, into db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO api_keys (id, name, scopes, hash, webhook_secret_sealed, data_key_id, created_at, \
                revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                key.id, key.name, key.scopes.joined(separator: " "), key.hash, Data(secret.bytes), secret.keyID,
                key.createdAt.epochMilliseconds, key.revokedAt?.epochMilliseconds,
            ])
    }

    private static let keyColumns =
        "id, name, scopes, hash, webhook_secret_sealed, data_key_id, created_at, revoked_at"

    /// A key row as read, its webhook secret still sealed.
    private struct KeyRow: Sendable {
        var record: APIKeyRecord
        var sealedSecret: SealedValue

        init(_ row: Row) {
            let scopes: String = row[2]
            let revoked: Int64? = row[7]
            record = APIKeyRecord(
                id: row[0], name: row[1], scopes: scopes.split(separator: " ").map(String.init), hash: row[3],
                webhookSecret: "", createdAt: Date(epochMilliseconds: row[6]),
                revokedAt: revoked.map(Date.init(epochMilliseconds:)))
            sealedSecret = SealedValue(keyID: row[5], bytes: Array(row[4] as Data))
        }
    }

    private func decodeKey(_ row: KeyRow) throws -> APIKeyRecord {
        var record = row.record
        let secret = try sealing.open(row.sealedSecret, for: .webhookSecret(keyID: record.id))
        record.webhookSecret = String(decoding: secret, as: UTF8.self)
        return record
    }

    public func key(hash: String) async throws -> APIKeyRecord? {
        let row = try await read("read API key") { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.keyColumns) FROM api_keys WHERE hash = ?"), arguments: [hash]
            ).map(KeyRow.init)
        }
        return try row.map(decodeKey)
    }

    public func key(id: String) async throws -> APIKeyRecord? {
        let row = try await read("read API key") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.keyColumns) FROM api_keys WHERE id = ?", arguments: [id]).map(
                KeyRow.init)
        }
        return try row.map(decodeKey)
    }

    public func keys() async throws -> [APIKeyRecord] {
        let rows = try await read("list API keys") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.keyColumns) FROM api_keys ORDER BY created_at, id").map(
                KeyRow.init)
        }
        return try rows.map(decodeKey)
    }

    public func revokeKey(id: String, at date: Date) async throws -> Bool {
        try await write("revoke API key") { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [date.epochMilliseconds, id])
            return db.changesCount > 0
        }
    }

    // MARK: - Audit

    public func append(_ record: AuditRecord) async throws {
        try await write("append audit record") { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO audit (recorded_at, key_id, action, note_id, status, error_code, remote_address, \
                    target, affected, channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                record.recordedAt.epochMilliseconds, record.keyID, record.action.rawValue, record.noteID, record.status,
                record.errorCode, record.remoteAddress, record.target, record.affected, record.channel,
            ])
        }
    }

    private static let auditColumns =
        "id, recorded_at, key_id, action, note_id, status, error_code, remote_address, target, affected, channel"

    private static func decodeAudit(_ row: Row) throws -> AuditRecord {
        let actionName: String = row[3]
        guard let action = AuditRecord.Action(rawValue: actionName) else {
            throw StoreError(.corruptEntry, reason: "audit row has unknown action \(actionName)")
        }
        return AuditRecord(
            id: row[0], recordedAt: Date(epochMilliseconds: row[1]), keyID: row[2], action: action, noteID: row[4],
            status: row[5], errorCode: row[6], remoteAddress: row[7], target: row[8], affected: row[9],
            channel: row[10])
    }

    public func auditRecords(since: Date?, until: Date?, afterID: Int64, limit: Int) async throws -> [AuditRecord] {
        try await read("read audit records") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.auditColumns) FROM audit \
                    WHERE id > ? AND recorded_at >= ? AND recorded_at < ? ORDER BY id LIMIT ?
                    """,
                arguments: [
                    afterID, since?.epochMilliseconds ?? Int64.min, until?.epochMilliseconds ?? Int64.max, limit,
                ]
            ).map(Self.decodeAudit)
        }
    }

    public func recentAuditRecords(_ cursor: KeysetCursor?, limit: Int) async throws -> [AuditRecord] {
        let count = max(0, limit)
        let sql =
            switch cursor {
            case nil: "SELECT \(Self.auditColumns) FROM audit ORDER BY id DESC LIMIT ?"
            case .before: "SELECT \(Self.auditColumns) FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?"
            case .after: "SELECT \(Self.auditColumns) FROM audit WHERE id > ? ORDER BY id LIMIT ?"
            }
        let arguments: StatementArguments =
            switch cursor {
            case nil: [count]
            case .before(let id), .after(let id): [id, count]
            }
        let records = try await read("read recent audit records") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.decodeAudit)
        }
        if case .after = cursor { return Array(records.reversed()) }
        return records
    }

    // MARK: - Webhook outbox

    public func enqueue(_ delivery: WebhookDelivery) async throws -> Int64 {
        try await write("queue webhook") { db in try Self.insert(delivery, into: db) }
    }

    static func insert(_ delivery: WebhookDelivery, into db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO webhooks (key_id, url, event_type, payload, attempts, next_attempt_at, state, \
                last_result, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                delivery.keyID, delivery.url, delivery.eventType, Data(delivery.payload), delivery.attempts,
                delivery.nextAttemptAt.epochMilliseconds, delivery.state.rawValue, delivery.lastResult,
                delivery.createdAt.epochMilliseconds,
            ])
        return db.lastInsertedRowID
    }

    private static let webhookColumns =
        "id, key_id, url, event_type, payload, attempts, next_attempt_at, state, last_result, created_at"

    private static func decodeDelivery(_ row: Row) throws -> WebhookDelivery {
        let stateName: String = row[7]
        guard let state = WebhookDelivery.State(rawValue: stateName) else {
            throw StoreError(.corruptEntry, reason: "webhook row has unknown state \(stateName)")
        }
        return WebhookDelivery(
            id: row[0], keyID: row[1], url: row[2], eventType: row[3], payload: Array(row[4] as Data),
            attempts: row[5], nextAttemptAt: Date(epochMilliseconds: row[6]), state: state, lastResult: row[8],
            createdAt: Date(epochMilliseconds: row[9]))
    }

    public func dueDeliveries(now: Date, limit: Int) async throws -> [WebhookDelivery] {
        let rows = try await read("read due webhooks") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.webhookColumns) FROM webhooks WHERE state = 'pending' AND next_attempt_at <= ? \
                    ORDER BY next_attempt_at, id LIMIT ?
                    """,
                arguments: [now.epochMilliseconds, limit]
            ).map(Self.decodeDelivery)
        }
        return rows
    }

    public func recordAttempt(id: Int64, state: WebhookDelivery.State, nextAttemptAt: Date, result: String) async throws
    {
        try await write("record webhook attempt") { db in
            try db.execute(
                sql: """
                    UPDATE webhooks SET attempts = attempts + 1, state = ?, next_attempt_at = ?, last_result = ? \
                    WHERE id = ?
                    """,
                arguments: [state.rawValue, nextAttemptAt.epochMilliseconds, result, id])
            guard db.changesCount > 0 else { throw StoreError(.entryNotFound, reason: "no webhook delivery \(id)") }
        }
    }

    public func delivery(id: Int64) async throws -> WebhookDelivery? {
        try await read("read webhook") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.webhookColumns) FROM webhooks WHERE id = ?", arguments: [id])
                .map(Self.decodeDelivery)
        }
    }

    public func purgeFinishedDeliveries(before: Date) async throws -> Int {
        try await write("purge webhooks") { db in
            try db.execute(
                sql: "DELETE FROM webhooks WHERE state != 'pending' AND created_at < ?",
                arguments: [before.epochMilliseconds])
            return db.changesCount
        }
    }

    /// Diagnostics and tests: runs SQL on the writer (tests use it to make writes fail with a trigger).
    func execute(sql: String) async throws {
        try await write("execute") { db in try db.execute(sql: sql) }
    }

    // MARK: - Access

    func read<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw SQLitePool.storeError(error, operation: operation)
        }
    }

    func write<T: Sendable>(_ operation: String, _ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw SQLitePool.storeError(error, operation: operation)
        }
    }

    /// The migrations of a notes database of its own (the layout before one database), to bring such a file up
    /// to date before it is merged (see ``SQLiteJournal/mergeNotesDatabase(_:into:)``).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        registerMigrations(in: &migrator)
        return migrator
    }

    /// Registers the notes, API keys, audit and webhook tables' migrations after those already in `migrator`.
    static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("notes.v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE notes (
                        id TEXT PRIMARY KEY,
                        owner_key_id TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        specialty TEXT NOT NULL,
                        template TEXT NOT NULL,
                        document_sealed BLOB NOT NULL,
                        data_key_id TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX notes_expires_at ON notes (expires_at);
                    CREATE TABLE api_keys (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        scopes TEXT NOT NULL,
                        hash TEXT NOT NULL UNIQUE,
                        webhook_secret_sealed BLOB NOT NULL,
                        data_key_id TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    );
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        recorded_at INTEGER NOT NULL,
                        key_id TEXT,
                        action TEXT NOT NULL CHECK (action IN ('create', 'read', 'delete')),
                        note_id TEXT,
                        status INTEGER NOT NULL,
                        error_code TEXT,
                        remote_address TEXT
                    );
                    CREATE INDEX audit_recorded_at ON audit (recorded_at);
                    CREATE TABLE webhooks (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        key_id TEXT NOT NULL,
                        url TEXT NOT NULL,
                        event_type TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        attempts INTEGER NOT NULL,
                        next_attempt_at INTEGER NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
                        last_result TEXT,
                        created_at INTEGER NOT NULL
                    );
                    CREATE INDEX webhooks_due ON webhooks (state, next_attempt_at);
                    """)
        }
        // The FHIR form of notes made through /fhir, and the keyed digests they are searched by.
        migrator.registerMigration("notes.v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE notes ADD COLUMN fhir_sealed BLOB;
                    ALTER TABLE notes ADD COLUMN fhir_key_id TEXT;
                    ALTER TABLE notes ADD COLUMN lookup_key_id TEXT;
                    ALTER TABLE notes ADD COLUMN patient_index TEXT;
                    ALTER TABLE notes ADD COLUMN encounter_index TEXT;
                    ALTER TABLE notes ADD COLUMN source_index TEXT;
                    CREATE INDEX notes_owner_created ON notes (owner_key_id, created_at);
                    CREATE INDEX notes_patient ON notes (owner_key_id, patient_index) WHERE patient_index IS NOT NULL;
                    CREATE INDEX notes_encounter ON notes (owner_key_id, encounter_index) WHERE encounter_index IS NOT NULL;
                    CREATE UNIQUE INDEX notes_source ON notes (owner_key_id, lookup_key_id, source_index)
                        WHERE source_index IS NOT NULL;
                    """)
        }
        // The fingerprint of the request that made a note, for Idempotency-Key replays.
        migrator.registerMigration("notes.v3") { db in
            try db.execute(sql: "ALTER TABLE notes ADD COLUMN request_index TEXT")
        }
        // Operators' actions in the audit trail (what they concerned, how many rows, from where), and the console's
        // sessions. SQLite cannot change a CHECK constraint: the audit table is copied into a new one, ids kept.
        migrator.registerMigration("notes.v4") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit_v4 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        recorded_at INTEGER NOT NULL,
                        key_id TEXT,
                        action TEXT NOT NULL CHECK (action IN ('create', 'read', 'delete', 'outbox-retry',
                            'outbox-retry-dead', 'outbox-purge', 'key-create', 'key-revoke')),
                        note_id TEXT,
                        status INTEGER NOT NULL,
                        error_code TEXT,
                        remote_address TEXT,
                        target TEXT,
                        affected INTEGER,
                        channel TEXT
                    );
                    INSERT INTO audit_v4 (id, recorded_at, key_id, action, note_id, status, error_code, remote_address)
                        SELECT id, recorded_at, key_id, action, note_id, status, error_code, remote_address FROM audit;
                    DROP TABLE audit;
                    ALTER TABLE audit_v4 RENAME TO audit;
                    CREATE INDEX audit_recorded_at ON audit (recorded_at);
                    CREATE TABLE console_sessions (
                        token_digest TEXT PRIMARY KEY,
                        key_id TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at);
                    CREATE INDEX console_sessions_key_id ON console_sessions (key_id);
                    """)
        }
    }
}
