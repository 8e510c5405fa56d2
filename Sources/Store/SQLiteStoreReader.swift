import Foundation
import GRDB

/// Reads an embedded SQLite store's tables row by row, as they lie on disk (sealed values as sealed bytes), for
/// `notebridge store migrate` and `notebridge store check`. It holds no key: nothing it reads is opened.
///
/// The file is brought up to this build's schema on open (as the gateway does at start), so that every table of
/// ``StoreTable/all`` is there with all its columns. A missing file is an error, never created.
public final class SQLiteStoreReader: Sendable {
    /// The largest page ``rows(of:after:limit:)`` reads.
    public static let maximumPageSize = 10_000

    private let pool: DatabasePool

    /// Opens `databaseFile`; throws ``StoreError/Code/entryNotFound`` when there is no such file.
    public init(databaseFile: URL) throws {
        guard FileManager.default.fileExists(atPath: databaseFile.path) else {
            throw StoreError(.entryNotFound, reason: "\(databaseFile.path): no such SQLite store")
        }
        pool = try SQLitePool.open(
            databaseFile, label: "notebridge.store-reader", synchronous: .normal, busyTimeout: .seconds(5),
            maximumReaderCount: 2, migrator: SQLiteJournal.databaseMigrator)
    }

    /// The number of rows in `table`.
    public func count(of table: StoreTable) async throws -> Int {
        try await read("count \(table.name)") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name)") ?? 0
        }
    }

    /// The largest integer key of `table` (0 when it is empty or its key is text).
    public func maximumKey(of table: StoreTable) async throws -> Int64 {
        guard table.key.kind == .integer else { return 0 }
        return try await read("read the largest key of \(table.name)") { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(\"\(table.key.name)\"), 0) FROM \(table.name)") ?? 0
        }
    }

    /// Up to `limit` rows of `table` (its columns in order), ascending by key, after the key `after` (from the
    /// first row when `nil`).
    public func rows(of table: StoreTable, after: StoreValue?, limit: Int) async throws -> [[StoreValue]] {
        let limit = max(1, min(limit, Self.maximumPageSize))
        let columns = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let key = "\"\(table.key.name)\""
        var sql = "SELECT \(columns) FROM \(table.name)"
        var arguments: StatementArguments = []
        switch after {
        case .integer(let value):
            sql += " WHERE \(key) > ?"
            arguments += [value]
        case .text(let value):
            sql += " WHERE \(key) > ?"
            arguments += [value]
        case .bytes, .null, nil:
            break
        }
        sql += " ORDER BY \(key) LIMIT \(limit)"
        let query = sql
        let bound = arguments
        return try await read("read \(table.name)") { db in
            try Row.fetchAll(db, sql: query, arguments: bound).map { row in
                try table.columns.indices.map { index in
                    try Self.value(row[index] as DatabaseValue, kind: table.columns[index].kind, table: table)
                }
            }
        }
    }

    /// Releases the database.
    public func close() throws {
        do {
            try pool.close()
        } catch {
            throw SQLitePool.storeError(error, operation: "close the SQLite store")
        }
    }

    private static func value(_ value: DatabaseValue, kind: StoreTable.Kind, table: StoreTable) throws -> StoreValue {
        switch (value.storage, kind) {
        case (.null, _):
            return .null
        case (.int64(let integer), .integer):
            return .integer(integer)
        case (.string(let text), .text):
            return .text(text)
        case (.blob(let data), .bytes):
            return .bytes(Array(data))
        case (.string(let text), .bytes):
            return .bytes(Array(text.utf8))
        default:
            throw StoreError(.corruptEntry, reason: "\(table.name): a value of an unexpected type")
        }
    }

    private func read<T: Sendable>(_ operation: String, _ body: @Sendable @escaping (Database) throws -> T)
        async throws -> T
    {
        do {
            return try await pool.read(body)
        } catch {
            throw SQLitePool.storeError(error, operation: operation)
        }
    }
}

extension SQLiteStoreReader {
    /// The count and digest of every row of `table`, read page by page.
    public func digest(of table: StoreTable, pageSize: Int = 1000) async throws -> StoreTableDigest {
        var digest = StoreTableDigest()
        var after: StoreValue?
        while true {
            let page = try await rows(of: table, after: after, limit: pageSize)
            for row in page { digest.add(row) }
            guard page.count == max(1, min(pageSize, Self.maximumPageSize)), let last = page.last else { break }
            after = last[0]
        }
        return digest
    }
}
