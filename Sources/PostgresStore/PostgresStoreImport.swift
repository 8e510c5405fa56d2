import Foundation
import Logging
import PostgresNIO
import Store
import Synchronization

/// Copies an embedded SQLite store into a PostgreSQL database (`notebridge store migrate`) and compares the two
/// (`notebridge store check`).
///
/// Rows move as they lie on disk: sealed bodies, notes and secrets are copied as bytes and never opened (this type
/// holds no key), ids are kept (identities moved past the largest copied id). The copy goes table by table in key
/// order, one transaction per page, and each page's transaction also records how far the copy got in
/// `notebridge_store_import`; a second run after an interruption starts after the last committed page, and a row
/// copied twice is ignored (`ON CONFLICT DO NOTHING`), so nothing is ever doubled. A database that already holds
/// NoteBridge rows not put there by a copy is refused.
public final class PostgresStoreImport: Sendable {
    /// How far the copy of one table got.
    public struct Progress: Sendable, Hashable {
        /// The table.
        public var table: String
        /// Rows of the table copied so far (by this run and earlier ones).
        public var copied: Int
        /// Rows the source table holds.
        public var total: Int
        /// Whether the table is done.
        public var finished: Bool
    }

    /// The largest page one transaction copies.
    public static let maximumBatchSize = 2000

    private let database: PostgresStoreDatabase
    private let pool: Mutex<Task<Void, Never>?>

    /// Starts a connection pool for `configuration`; nothing is sent before the first operation.
    public init(configuration: PostgresStore.Configuration, logger: Logger) throws {
        database = try PostgresStoreDatabase(configuration: configuration, logger: logger)
        let client = database.client
        pool = Mutex(Task { await client.run() })
    }

    /// Copies every table of ``StoreTable/all`` from `source`, `batchSize` rows per transaction, calling `progress`
    /// after each page; returns each table's final progress.
    public func copy(
        from source: SQLiteStoreReader, batchSize: Int, progress: @Sendable (Progress) -> Void
    ) async throws -> [Progress] {
        let batchSize = max(1, min(batchSize, Self.maximumBatchSize))
        let resumed = try await prepare()
        var done: [Progress] = []
        for table in StoreTable.all {
            let total = try await source.count(of: table)
            var state = resumed[table.name] ?? ImportState(lastKey: nil, copied: 0, finished: false)
            progress(Progress(table: table.name, copied: state.copied, total: total, finished: state.finished))
            if table.generatedKey, !state.finished {
                // The identity moves past the source's ids before the first page, so that a row another writer
                // adds meanwhile (the copy expects none, but an operator may start a gateway too early)
                // can never take an id a copied row needs.
                let largest = try await source.maximumKey(of: table)
                try await database.transaction(
                    "reserve \(table.name) ids", statementLimit: database.maintenanceStatementLimit
                ) { connection in
                    try await connection.rows(
                        PostgresQuery(
                            unsafeSQL: """
                                SELECT setval(pg_get_serial_sequence('\(table.name)', '\(table.key.name)'), \
                                GREATEST(\(largest), COALESCE(MAX(\(table.key.name)), 0)) + 1, false) FROM \(table.name)
                                """), logger: self.database.logger)
                }
            }
            while !state.finished {
                let page = try await source.rows(of: table, after: state.lastKey, limit: batchSize)
                let last = page.last?[0] ?? state.lastKey
                let finished = page.count < batchSize
                let copied = state.copied + page.count
                try await database.transaction(
                    "copy \(table.name)", statementLimit: database.maintenanceStatementLimit
                ) { connection in
                    try await Self.insert(page, into: table, on: connection, logger: self.database.logger)
                    if finished, table.generatedKey {
                        try await connection.rows(
                            PostgresQuery(
                                unsafeSQL: """
                                    SELECT setval(pg_get_serial_sequence('\(table.name)', '\(table.key.name)'), \
                                    COALESCE(MAX(\(table.key.name)), 0) + 1, false) FROM \(table.name)
                                    """), logger: self.database.logger)
                    }
                    if finished, table.name == "journal" {
                        // The duplicate-detection anchors the PostgreSQL journal keeps beside its rows.
                        try await connection.rows(
                            """
                            INSERT INTO journal_control_ids (sender, control_id, seen)
                            SELECT sender, control_id, COUNT(*) FROM journal
                            WHERE control_id IS NOT NULL AND state <> 'rejected' GROUP BY sender, control_id
                            ON CONFLICT (sender, control_id) DO NOTHING
                            """, logger: self.database.logger)
                    }
                    let key = Self.keyText(last)
                    try await connection.rows(
                        """
                        INSERT INTO notebridge_store_import (table_name, last_key, copied, finished)
                        VALUES (\(table.name), \(key), \(copied), \(finished))
                        ON CONFLICT (table_name) DO UPDATE SET last_key = EXCLUDED.last_key, \
                        copied = EXCLUDED.copied, finished = EXCLUDED.finished, updated_at = now()
                        """, logger: self.database.logger)
                }
                state = ImportState(lastKey: last, copied: copied, finished: finished)
                progress(Progress(table: table.name, copied: copied, total: total, finished: finished))
            }
            done.append(Progress(table: table.name, copied: state.copied, total: total, finished: true))
        }
        return done
    }

    /// The count and digest of every row of `table` in the PostgreSQL database.
    public func digest(of table: StoreTable, pageSize: Int = 1000) async throws -> StoreTableDigest {
        let pageSize = max(1, min(pageSize, Self.maximumBatchSize))
        var digest = StoreTableDigest()
        var after: StoreValue?
        let columns = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let key = "\"\(table.key.name)\""
        // Text keys page in byte order (COLLATE "C"), whatever the database's collation.
        let ordered = table.key.kind == .text ? "\(key) COLLATE \"C\"" : key
        while true {
            var bindings = PostgresBindings()
            var sql = "SELECT \(columns) FROM \(table.name)"
            switch after {
            case .integer(let value):
                sql += " WHERE \(key) > $1"
                bindings.append(value)
            case .text(let value):
                sql += " WHERE \(ordered) > $1"
                bindings.append(value)
            case .bytes, .null, nil:
                break
            }
            sql += " ORDER BY \(ordered) LIMIT \(pageSize)"
            let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
            // Read-only: no migration on the way (an empty database stays empty; see schemaVersions()).
            let page = try await database.run(
                "read \(table.name)", statementLimit: database.maintenanceStatementLimit
            ) { connection in
                try await connection.rows(query, logger: self.database.logger).map { row in
                    try Self.values(row, of: table)
                }
            }
            for row in page { digest.add(row) }
            guard page.count == pageSize, let last = page.last else { break }
            after = last[0]
        }
        return digest
    }

    /// The schema versions the database has applied (empty when no NoteBridge schema is there), without migrating.
    public func schemaVersions() async throws -> [Int] {
        try await database.run("read schema versions") { connection in
            try await PostgresSchema.appliedVersions(connection, logger: self.database.logger)
        }
    }

    /// Stops the connection pool.
    public func close() async {
        guard database.markClosed() else { return }
        let task = pool.withLock { task -> Task<Void, Never>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
    }

    private struct ImportState: Sendable {
        var lastKey: StoreValue?
        var copied: Int
        var finished: Bool
    }

    /// Creates the progress table, reads how far an earlier copy got, and refuses a database with NoteBridge rows
    /// that no copy put there.
    private func prepare() async throws -> [String: ImportState] {
        try await database.transaction(
            "prepare the copy", statementLimit: database.maintenanceStatementLimit
        ) { connection in
            let logger = self.database.logger
            try await connection.rows(
                """
                CREATE TABLE IF NOT EXISTS notebridge_store_import (
                    table_name TEXT PRIMARY KEY, last_key TEXT, copied BIGINT NOT NULL, finished BOOLEAN NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """, logger: logger)
            var states: [String: ImportState] = [:]
            let rows = try await connection.rows(
                "SELECT table_name, last_key, copied, finished FROM notebridge_store_import", logger: logger)
            for row in rows {
                let (name, key, copied, finished) = try row.decode((String, String?, Int64, Bool).self)
                guard let table = StoreTable.all.first(where: { $0.name == name }) else { continue }
                states[name] = ImportState(
                    lastKey: key.map { Self.keyValue($0, kind: table.key.kind) }, copied: Int(copied),
                    finished: finished)
            }
            if states.isEmpty {
                for table in StoreTable.all {
                    let holds = try await connection.rows(
                        PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table.name) LIMIT 1"), logger: logger)
                    if !holds.isEmpty {
                        throw StoreError(
                            .invalidArgument,
                            reason:
                                "the PostgreSQL database already holds NoteBridge data (table \(table.name)) that no "
                                + "store migrate put there; migrate into an empty database")
                    }
                }
            }
            return states
        }
    }

    private static func insert(
        _ rows: [[StoreValue]], into table: StoreTable, on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !rows.isEmpty else { return }
        // At most 65,535 bound values per statement: split wide pages.
        let perStatement = max(1, 30_000 / table.columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var bindings = PostgresBindings(capacity: chunk.count * table.columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            var index = 0
            for row in chunk {
                var placeholders: [String] = []
                for value in row {
                    index += 1
                    placeholders.append("$\(index)")
                    switch value {
                    case .null:
                        // Untyped: the server takes the column's type.
                        bindings.appendNull()
                    case .integer(let integer): bindings.append(integer)
                    case .text(let text): bindings.append(text)
                    case .bytes(let bytes): bindings.append(bytes.buffer)
                    }
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            let columns = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            let overriding = table.generatedKey ? " OVERRIDING SYSTEM VALUE" : ""
            let sql =
                "INSERT INTO \(table.name) (\(columns))\(overriding) VALUES "
                + tuples.joined(separator: ", ") + " ON CONFLICT DO NOTHING"
            try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            start += chunk.count
        }
    }

    private static func values(_ row: PostgresRow, of table: StoreTable) throws -> [StoreValue] {
        let cells = row.makeRandomAccess()
        return try table.columns.indices.map { index in
            switch table.columns[index].kind {
            case .integer:
                return try cells[index].decode(Int64?.self).map(StoreValue.integer) ?? .null
            case .text:
                return try cells[index].decode(String?.self).map(StoreValue.text) ?? .null
            case .bytes:
                return try cells[index].decode(ByteBuffer?.self).map { StoreValue.bytes($0.bytes) } ?? .null
            }
        }
    }

    private static func keyText(_ key: StoreValue?) -> String? {
        switch key {
        case .integer(let value): String(value)
        case .text(let value): value
        case .bytes, .null, nil: nil
        }
    }

    private static func keyValue(_ text: String, kind: StoreTable.Kind) -> StoreValue {
        switch kind {
        case .integer: Int64(text).map(StoreValue.integer) ?? .null
        case .text, .bytes: .text(text)
        }
    }
}
