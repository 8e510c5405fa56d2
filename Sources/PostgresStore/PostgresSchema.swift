import Logging
import PostgresNIO
import Store

/// The versioned schema of a ``PostgresStore``: numbered migrations, applied in order, each once, recorded in
/// `notebridge_schema`, all inside one transaction that holds a transaction-level advisory lock, so that instances
/// starting together migrate once (the others wait for the lock, then find every version applied).
///
/// Times are epoch milliseconds (`BIGINT`) and sealed values `BYTEA`, as in the SQLite store, so that rows move
/// between the two unchanged.
enum PostgresSchema {
    struct Migration: Sendable {
        var version: Int
        var name: String
        var statements: [String]
    }

    /// The advisory lock key the migrations hold (`NBSCHEMA` in ASCII).
    static let migrationLockKey: Int64 = 0x4E42_5343_4845_4D41

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    static let migrations: [Migration] = [
        Migration(
            version: 1, name: "journal",
            statements: [
                """
                CREATE TABLE journal (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    source TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    control_id TEXT,
                    message_type TEXT,
                    version TEXT,
                    received_at BIGINT NOT NULL,
                    state TEXT NOT NULL
                        CHECK (state IN ('received', 'accepted', 'rejected', 'processed', 'failed')),
                    body_sealed BYTEA NOT NULL,
                    key_id TEXT NOT NULL,
                    acknowledgment BYTEA,
                    ack_code TEXT NOT NULL,
                    duplicate_count INTEGER NOT NULL DEFAULT 0,
                    updated_at BIGINT NOT NULL,
                    failure_reason TEXT,
                    content_digest TEXT,
                    reuses_control_id_of BIGINT
                )
                """,
                "CREATE INDEX journal_sender_control_id ON journal (sender, control_id, received_at)",
                "CREATE INDEX journal_received_at ON journal (received_at)",
                "CREATE INDEX journal_state ON journal (state, id)",
                "CREATE INDEX journal_reused_control_id ON journal (id) WHERE reuses_control_id_of IS NOT NULL",
                // One row per sender and control id: its primary key is where concurrent records of the same message
                // (on any instance) meet. The first inserts it; the others wait on the unique index until that
                // transaction ends, then lock the row and find the committed original.
                """
                CREATE TABLE journal_control_ids (
                    sender TEXT NOT NULL,
                    control_id TEXT NOT NULL,
                    seen BIGINT NOT NULL DEFAULT 1,
                    PRIMARY KEY (sender, control_id)
                )
                """,
                """
                CREATE TABLE encounter_context (
                    key TEXT PRIMARY KEY,
                    updated_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    document_sealed BYTEA NOT NULL,
                    key_id TEXT NOT NULL
                )
                """,
                "CREATE INDEX encounter_context_expires_at ON encounter_context (expires_at)",
            ]),
        Migration(
            version: 2, name: "outbox",
            statements: [
                """
                CREATE TABLE pipeline_notes (
                    id TEXT PRIMARY KEY,
                    journal_id BIGINT UNIQUE,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    patient_key TEXT NOT NULL,
                    document_sealed BYTEA NOT NULL,
                    key_id TEXT NOT NULL
                )
                """,
                "CREATE INDEX pipeline_notes_expires_at ON pipeline_notes (expires_at)",
                """
                CREATE TABLE outbox (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    note_id TEXT NOT NULL,
                    destination TEXT NOT NULL,
                    patient_key TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'in-flight', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at BIGINT NOT NULL,
                    last_error TEXT,
                    control_id TEXT NOT NULL,
                    lease_token TEXT,
                    lease_expires_at BIGINT,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    delivered_at BIGINT,
                    delivered_references TEXT,
                    UNIQUE (note_id, destination)
                )
                """,
                "CREATE INDEX outbox_active ON outbox (destination, id) WHERE state IN ('pending', 'in-flight')",
                """
                CREATE INDEX outbox_active_patient ON outbox (destination, patient_key, id) \
                WHERE state IN ('pending', 'in-flight')
                """,
                "CREATE INDEX outbox_state ON outbox (state, id)",
                "CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE state = 'delivered'",
            ]),
        Migration(
            version: 3, name: "notes",
            statements: [
                """
                CREATE TABLE notes (
                    id TEXT PRIMARY KEY,
                    owner_key_id TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    specialty TEXT NOT NULL,
                    template TEXT NOT NULL,
                    document_sealed BYTEA NOT NULL,
                    data_key_id TEXT NOT NULL,
                    fhir_sealed BYTEA,
                    fhir_key_id TEXT,
                    lookup_key_id TEXT,
                    patient_index TEXT,
                    encounter_index TEXT,
                    source_index TEXT,
                    request_index TEXT
                )
                """,
                "CREATE INDEX notes_expires_at ON notes (expires_at)",
                "CREATE INDEX notes_owner_created ON notes (owner_key_id, created_at)",
                """
                CREATE INDEX notes_patient ON notes (owner_key_id, patient_index) WHERE patient_index IS NOT NULL
                """,
                """
                CREATE INDEX notes_encounter ON notes (owner_key_id, encounter_index) \
                WHERE encounter_index IS NOT NULL
                """,
                """
                CREATE UNIQUE INDEX notes_source ON notes (owner_key_id, lookup_key_id, source_index) \
                WHERE source_index IS NOT NULL
                """,
                """
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE,
                    webhook_secret_sealed BYTEA NOT NULL,
                    data_key_id TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    revoked_at BIGINT
                )
                """,
                """
                CREATE TABLE audit (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    recorded_at BIGINT NOT NULL,
                    key_id TEXT,
                    action TEXT NOT NULL CHECK (action IN ('create', 'read', 'delete')),
                    note_id TEXT,
                    status INTEGER NOT NULL,
                    error_code TEXT,
                    remote_address TEXT
                )
                """,
                "CREATE INDEX audit_recorded_at ON audit (recorded_at)",
                """
                CREATE TABLE webhooks (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    key_id TEXT NOT NULL,
                    url TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    payload BYTEA NOT NULL,
                    attempts INTEGER NOT NULL,
                    next_attempt_at BIGINT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
                    last_result TEXT,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX webhooks_due ON webhooks (state, next_attempt_at)",
            ]),
        Migration(
            version: 4, name: "shared instance state",
            statements: [
                // Which instance writes the note of an accepted entry, and until when its claim holds.
                "ALTER TABLE journal ADD COLUMN claim_owner TEXT, ADD COLUMN claim_expires_at BIGINT",
                "CREATE INDEX journal_accepted ON journal (id) WHERE state = 'accepted'",
                // One token bucket per API key, shared by every instance (no PHI: key ids and counts).
                """
                CREATE TABLE rate_limits (
                    key TEXT PRIMARY KEY,
                    tokens DOUBLE PRECISION NOT NULL,
                    allowed BOOLEAN NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                // Single-use stream tickets: the ticket's SHA-256, the request it was issued for (sealed), its expiry.
                """
                CREATE TABLE stream_tickets (
                    ticket_digest TEXT PRIMARY KEY,
                    key_id TEXT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    request_sealed BYTEA NOT NULL,
                    seal_key_id TEXT NOT NULL
                )
                """,
                "CREATE INDEX stream_tickets_expires_at ON stream_tickets (expires_at)",
            ]),
        Migration(
            version: 5, name: "operator audit and console sessions",
            statements: [
                // Operators' actions in the audit trail: what they concerned, how many rows, from where.
                """
                ALTER TABLE audit DROP CONSTRAINT IF EXISTS audit_action_check, \
                ADD COLUMN target TEXT, ADD COLUMN affected INTEGER, ADD COLUMN channel TEXT, \
                ADD CONSTRAINT audit_action_check CHECK (action IN ('create', 'read', 'delete', 'outbox-retry', \
                'outbox-retry-dead', 'outbox-purge', 'key-create', 'key-revoke'))
                """,
                // Console sessions under their token's SHA-256, so that every instance accepts them.
                """
                CREATE TABLE console_sessions (
                    token_digest TEXT PRIMARY KEY,
                    key_id TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX console_sessions_expires_at ON console_sessions (expires_at)",
                "CREATE INDEX console_sessions_key_id ON console_sessions (key_id)",
            ]),
        Migration(
            version: 6, name: "audio jobs",
            statements: [
                // Recordings accepted for transcription (POST /v1/note/audio answered 202), sealed until transcribed;
                // claimed under a lease by the instance that transcribes them.
                """
                CREATE TABLE audio_jobs (
                    id TEXT PRIMARY KEY,
                    owner_key_id TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'failed')),
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    audio_sealed BYTEA,
                    audio_key_id TEXT,
                    request_sealed BYTEA,
                    request_key_id TEXT,
                    transcribed_ms BIGINT NOT NULL DEFAULT 0,
                    total_ms BIGINT NOT NULL DEFAULT 0,
                    claim_owner TEXT,
                    claim_expires_at BIGINT,
                    error_status INTEGER,
                    error_code TEXT,
                    error_message TEXT,
                    error_field TEXT,
                    error_field_message TEXT
                )
                """,
                "CREATE INDEX audio_jobs_claimable ON audio_jobs (created_at, id) WHERE state != 'failed'",
                "CREATE INDEX audio_jobs_expires_at ON audio_jobs (expires_at)",
            ]),
    ]

    /// Applies the migrations `connection`'s database lacks, under the advisory lock, in one transaction; returns
    /// the versions applied (empty when another instance, or an earlier start, applied them).
    /// With `wait` false, a lock another instance holds is not waited for: the call throws at once that migrations
    /// are pending (what a readiness probe wants).
    static func migrate(_ connection: PostgresConnection, wait: Bool = true, logger: Logger) async throws -> [Int] {
        try await connection.inTransaction(logger: logger) { connection in
            if wait {
                try await connection.rows("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
            } else {
                let locked = try await connection.rows(
                    "SELECT pg_try_advisory_xact_lock(\(migrationLockKey))", logger: logger
                ).first?.value(0, as: Bool.self)
                guard locked == true else {
                    throw StoreError(
                        .database, reason: "schema migrations are pending: another instance holds the migration lock")
                }
            }
            try await connection.rows(
                """
                CREATE TABLE IF NOT EXISTS notebridge_schema (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """,
                logger: logger)
            var applied = Set<Int>()
            for row in try await connection.rows("SELECT version FROM notebridge_schema", logger: logger) {
                applied.insert(try row.value(0, as: Int.self))
            }
            if let newest = applied.max(), newest > latestVersion {
                throw StoreError(
                    .newerSchema,
                    reason:
                        "the PostgreSQL database was written by a newer NoteBridge: its schema is at version "
                        + "\(newest), this build's at \(latestVersion); run that newer version, or restore a backup "
                        + "made with this one")
            }
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.rows(
                    "INSERT INTO notebridge_schema (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                done.append(migration.version)
            }
            return done
        }
    }

    /// The versions applied to `connection`'s database (empty before the first start).
    static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        let exists = try await connection.rows(
            "SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'notebridge_schema'",
            logger: logger)
        guard !exists.isEmpty else { return [] }
        return try await connection.rows("SELECT version FROM notebridge_schema ORDER BY version", logger: logger)
            .map { try $0.value(0, as: Int.self) }
    }
}
