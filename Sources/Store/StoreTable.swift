/// One table of a ``Store`` as it lies on disk, the same in every backend: its name, its columns in order, and the
/// key its rows are ordered and paged by. What `notebridge store migrate` copies and `notebridge store check`
/// compares; sealed columns are bytes, copied as they are and never opened.
public struct StoreTable: Sendable, Hashable {
    /// What a column holds.
    public enum Kind: Sendable, Hashable {
        /// A 64-bit integer (SQLite `INTEGER`, PostgreSQL `INTEGER` or `BIGINT`): ids, epoch milliseconds, counts.
        case integer
        /// Text (identifiers, states, digests in hex).
        case text
        /// Bytes (SQLite `BLOB`, PostgreSQL `BYTEA`): sealed bodies, notes and secrets.
        case bytes
    }

    /// One column.
    public struct Column: Sendable, Hashable {
        /// The column's name.
        public var name: String
        /// What it holds.
        public var kind: Kind
    }

    /// The table's name.
    public var name: String
    /// The columns, the key first.
    public var columns: [Column]
    /// Whether PostgreSQL generates the key (an identity column), so that a copy must insert it explicitly and move
    /// the identity past the largest copied key.
    public var generatedKey: Bool

    /// The key column (rows are ordered and paged by it).
    public var key: Column { columns[0] }

    init(_ name: String, generatedKey: Bool, _ columns: [(String, Kind)]) {
        self.name = name
        self.generatedKey = generatedKey
        self.columns = columns.map { Column(name: $0.0, kind: $0.1) }
    }

    /// Every table the store protocols keep, in an order in which a copy never refers to a row not yet copied.
    public static let all: [StoreTable] = [
        StoreTable(
            "journal", generatedKey: true,
            [
                ("id", .integer), ("source", .text), ("sender", .text), ("control_id", .text),
                ("message_type", .text), ("version", .text), ("received_at", .integer), ("state", .text),
                ("body_sealed", .bytes), ("key_id", .text), ("acknowledgment", .bytes), ("ack_code", .text),
                ("duplicate_count", .integer), ("updated_at", .integer), ("failure_reason", .text),
                ("content_digest", .text), ("reuses_control_id_of", .integer),
            ]),
        StoreTable(
            "encounter_context", generatedKey: false,
            [
                ("key", .text), ("updated_at", .integer), ("expires_at", .integer), ("document_sealed", .bytes),
                ("key_id", .text),
            ]),
        StoreTable(
            "pipeline_notes", generatedKey: false,
            [
                ("id", .text), ("journal_id", .integer), ("created_at", .integer), ("expires_at", .integer),
                ("patient_key", .text), ("document_sealed", .bytes), ("key_id", .text),
            ]),
        StoreTable(
            "outbox", generatedKey: true,
            [
                ("id", .integer), ("note_id", .text), ("destination", .text), ("patient_key", .text),
                ("state", .text), ("attempts", .integer), ("next_attempt_at", .integer), ("last_error", .text),
                ("control_id", .text), ("lease_token", .text), ("lease_expires_at", .integer),
                ("created_at", .integer), ("updated_at", .integer), ("delivered_at", .integer),
                ("delivered_references", .text),
            ]),
        StoreTable(
            "notes", generatedKey: false,
            [
                ("id", .text), ("owner_key_id", .text), ("created_at", .integer), ("expires_at", .integer),
                ("specialty", .text), ("template", .text), ("document_sealed", .bytes), ("data_key_id", .text),
                ("fhir_sealed", .bytes), ("fhir_key_id", .text), ("lookup_key_id", .text),
                ("patient_index", .text), ("encounter_index", .text), ("source_index", .text),
                ("request_index", .text),
            ]),
        StoreTable(
            "api_keys", generatedKey: false,
            [
                ("id", .text), ("name", .text), ("scopes", .text), ("hash", .text),
                ("webhook_secret_sealed", .bytes), ("data_key_id", .text), ("created_at", .integer),
                ("revoked_at", .integer),
            ]),
        StoreTable(
            "audit", generatedKey: true,
            [
                ("id", .integer), ("recorded_at", .integer), ("key_id", .text), ("action", .text),
                ("note_id", .text), ("status", .integer), ("error_code", .text), ("remote_address", .text),
                ("target", .text), ("affected", .integer), ("channel", .text),
            ]),
        StoreTable(
            "webhooks", generatedKey: true,
            [
                ("id", .integer), ("key_id", .text), ("url", .text), ("event_type", .text), ("payload", .bytes),
                ("attempts", .integer), ("next_attempt_at", .integer), ("state", .text), ("last_result", .text),
                ("created_at", .integer),
            ]),
        StoreTable(
            "audio_jobs", generatedKey: false,
            [
                ("id", .text), ("owner_key_id", .text), ("state", .text), ("created_at", .integer),
                ("updated_at", .integer), ("expires_at", .integer), ("attempts", .integer), ("audio_sealed", .bytes),
                ("audio_key_id", .text), ("request_sealed", .bytes), ("request_key_id", .text),
                ("transcribed_ms", .integer), ("total_ms", .integer), ("error_status", .integer),
                ("error_code", .text), ("error_message", .text), ("error_field", .text),
                ("error_field_message", .text),
            ]),
    ]
}

/// One value of a ``StoreTable`` row, as every backend reads it.
public enum StoreValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// An integer.
    case integer(Int64)
    /// Text.
    case text(String)
    /// Bytes (sealed values stay sealed).
    case bytes([UInt8])
}
