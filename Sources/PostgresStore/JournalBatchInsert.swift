import NIOCore
import PostgresNIO
import Store

/// The common case of a journal batch as one statement: it inserts (or locks) the batch's control-id anchors and,
/// only when every anchor was new (inserted by this statement, so no other transaction holds or held it:
/// ``PostgresJournal``) and no earlier entry of those ids is visible within the duplicate window, inserts every row.
/// It returns the new ids, or no row at all (nothing journaled, the anchors locked) when the batch must take the
/// row-by-row path.
///
/// The rows go in as one array per column (`unnest`), so the statement's text is the same for every batch size and
/// short to parse. It is deliberately not a prepared statement: a connection's cached generic plan, made while the
/// journal was nearly empty, kept scanning the whole journal for the earlier-entry check as it grew (measured with
/// `plan_cache_mode=force_generic_plan`: 600 µs of server CPU per acknowledgment against 120 µs with a plan per batch).
/// Identity values are drawn in the order the `SELECT` yields the rows (by their ordinal), so the ascending ids map
/// back to the rows in the order given.
struct JournalBatchInsert {
    static let sql = """
        WITH anchors AS (
            INSERT INTO journal_control_ids (sender, control_id)
            SELECT s, c FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(s, c, n) ORDER BY n
            ON CONFLICT (sender, control_id) DO UPDATE SET seen = journal_control_ids.seen + 1
            RETURNING seen
        )
        INSERT INTO journal (source, sender, control_id, message_type, version, received_at, state, body_sealed,
            key_id, acknowledgment, ack_code, duplicate_count, updated_at, content_digest, reuses_control_id_of)
        SELECT source, sender, control_id, message_type, version, received_at, state, body_sealed, key_id,
            acknowledgment, ack_code, duplicate_count::integer, $4, content_digest, reuses_control_id_of
        FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[],
            $12::bytea[], $13::text[], $14::bytea[], $15::text[], $16::bigint[], $17::text[], $18::bigint[])
            WITH ORDINALITY AS r(source, sender, control_id, message_type, version, received_at, state, body_sealed,
            key_id, acknowledgment, ack_code, duplicate_count, content_digest, reuses_control_id_of, ordinal)
        WHERE (SELECT COALESCE(bool_and(seen = 1), true) FROM anchors)
        AND NOT EXISTS (
            SELECT 1 FROM journal j JOIN unnest($1::text[], $2::text[]) AS k(s, c)
            ON j.sender = k.s AND j.control_id = k.c
            WHERE j.received_at >= $3 AND j.state != 'rejected'
        )
        ORDER BY ordinal
        RETURNING id
        """

    /// The anchors to insert or lock: senders and control ids, pairwise, sorted, each pair once.
    var senders: [String]
    var controlIDs: [String]
    /// Entries received at or after this time (epoch ms) count as earlier copies (the batch's earliest cutoff).
    var duplicateCutoff: Int64
    /// The rows, in arrival order.
    var rows: [JournalRow]
    /// `updated_at` of every row (epoch ms).
    var now: Int64

    /// The statement with its values bound.
    func query() throws -> PostgresQuery {
        PostgresQuery(unsafeSQL: Self.sql, binds: try bindings())
    }

    private func bindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 18)
        bindings.append(senders)
        bindings.append(controlIDs)
        bindings.append(duplicateCutoff)
        bindings.append(now)
        bindings.append(rows.map(\.source))
        bindings.append(rows.map(\.sender))
        try bindings.append(PostgresNullableArray(elements: rows.map(\.controlID)))
        try bindings.append(PostgresNullableArray(elements: rows.map(\.messageType)))
        try bindings.append(PostgresNullableArray(elements: rows.map(\.version)))
        bindings.append(rows.map(\.receivedAt))
        bindings.append(rows.map(\.state.rawValue))
        bindings.append(rows.map { ByteBuffer(bytes: $0.sealedBody.bytes) })
        bindings.append(rows.map(\.sealedBody.keyID))
        try bindings.append(
            PostgresNullableArray(
                elements: rows.map { $0.acknowledgment.isEmpty ? nil : ByteBuffer(bytes: $0.acknowledgment) }))
        bindings.append(rows.map(\.acknowledgmentCode))
        bindings.append(rows.map { Int64($0.duplicateCount) })
        try bindings.append(PostgresNullableArray(elements: rows.map(\.contentDigest)))
        try bindings.append(PostgresNullableArray(elements: rows.map(\.reusesControlIDOf)))
        return bindings
    }
}
