import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

@testable import PostgresStore
@testable import Store

/// `notebridge store migrate` and `store check` below the CLI: ``StoreTable/all`` names every column of both
/// schemas, and ``PostgresStoreImport`` copies a SQLite store's rows byte for byte (sealed values unopened), resumes
/// after an interruption without doubling a row, and leaves a database the PostgreSQL store reads and writes on.
@Suite("SQLite to PostgreSQL copy", .postgresServer)
struct StoreMigrationTests {
    private typealias Support = StoreTestSupport
    private let logger = Logger(label: "test.store-migration", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test("the copied tables and columns are exactly those of the SQLite and PostgreSQL schemas")
    func tablesMatchBothSchemas() async throws {
        let server = try PostgresTestServer.current()
        let configuration = try await server.newDatabase()
        let store = try PostgresStore(configuration: configuration, keyring: try Support.keyring())
        try await store.migrate()
        try await store.close()
        let postgres = try await server.withClient(database: configuration.database) { client in
            var columns: [String: Set<String>] = [:]
            let rows = try await client.query(
                """
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = current_schema()
                """
            ).collect()
            for row in rows {
                let (table, column) = try row.decode((String, String).self)
                columns[table, default: []].insert(column)
            }
            return columns
        }
        try await Support.withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("notebridge.sqlite")
            try await SQLiteStore(databaseFile: file, keyring: try Support.keyring()).close()
            let queue = try DatabaseQueue(path: file.path)
            let sqlite = try await queue.read { db in
                var columns: [String: Set<String>] = [:]
                for table in try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                where table != "grdb_migrations" {
                    columns[table] = Set(try db.columns(in: table).map(\.name))
                }
                return columns
            }
            try queue.close()
            var copied: [String: Set<String>] = [:]
            for table in StoreTable.all { copied[table.name] = Set(table.columns.map(\.name)) }
            // The state of running instances is not copied: the pipeline's claims on accepted entries (a copied
            // entry is claimed afresh by the instances of the new store).
            let claims: Set<String> = ["claim_owner", "claim_expires_at"]
            // Nor the console's sessions (operators sign in again on the new store).
            let sessions: Set<String> = ["console_sessions"]
            #expect(copied == sqlite.filter { !sessions.contains($0.key) }.mapValues { $0.subtracting(claims) })
            // PostgreSQL's own tables beside them: the schema versions and the duplicate anchors (rebuilt by the
            // copy), and what instances share while they run (rate-limit buckets, stream tickets).
            let own: Set<String> = [
                "notebridge_schema", "journal_control_ids", "rate_limits", "stream_tickets", "console_sessions",
            ]
            #expect(copied == postgres.filter { !own.contains($0.key) }.mapValues { $0.subtracting(claims) })
        }
    }

    @Test("every row is copied byte for byte, an interrupted copy resumes without doubling, the store reads it")
    func copyResumeAndRead() async throws {
        let server = try PostgresTestServer.current()
        let configuration = try await server.newDatabase()
        let keyring = try Support.keyring()
        try await Support.withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("notebridge.sqlite")
            // 120 journal entries through the store (sealed), and other tables' rows written as they lie on disk,
            // NULLs and odd bytes included.
            let sqlite = try SQLiteStore(databaseFile: file, keyring: keyring)
            var ids: [Int64] = []
            for index in 0..<120 {
                let outcome = try await sqlite.journal.record(
                    Support.entry(controlID: "MIG-\(index)", note: Support.phiMarker), duplicateWindow: .seconds(3600))
                guard case .recorded(let id) = outcome else { throw StoreError(.database, reason: "not recorded") }
                ids.append(id)
            }
            try await sqlite.database.pool.write { db in
                for index in 0..<40 {
                    try db.execute(
                        sql: """
                            INSERT INTO audit (recorded_at, key_id, action, note_id, status, error_code, remote_address)
                            VALUES (?, ?, 'read', ?, 200, NULL, ?)
                            """,
                        arguments: [index, index % 3 == 0 ? nil : "key-\(index)", "n-\(index)", "10.0.0.\(index)"])
                    try db.execute(
                        sql: """
                            INSERT INTO encounter_context (key, updated_at, expires_at, document_sealed, key_id)
                            VALUES (?, ?, ?, ?, 'k1')
                            """,
                        arguments: ["ctx-\(index)", index, Int64.max - Int64(index), Data([0, 255, UInt8(index), 0])])
                }
                try db.execute(
                    sql: """
                        INSERT INTO webhooks (key_id, url, event_type, payload, attempts, next_attempt_at, state,
                            last_result, created_at) VALUES ('k', 'https://ehr.example/hook', 'note.generated', ?, 2, 5,
                            'pending', 'HTTP 503 ünïcode', 1)
                        """, arguments: [Data([1, 2, 3])])
            }
            try await sqlite.close()

            let reader = try SQLiteStoreReader(databaseFile: file)
            // Interrupted part-way through the journal (the task cancelled from its progress callback).
            let first = try PostgresStoreImport(configuration: configuration, logger: logger)
            let interrupted = Task {
                try await first.copy(from: reader, batchSize: 7) { progress in
                    if progress.table == "journal", progress.copied >= 35 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            }
            await #expect(throws: (any Error).self) { try await interrupted.value }
            await first.close()
            let partial = try await server.withClient(database: configuration.database) { client in
                try await client.query("SELECT COUNT(*) FROM journal").collect().first?.decode(Int.self)
            }
            #expect(partial.map { (35..<120).contains($0) } == true)
            // The journal's identity is already past every source id: a row written meanwhile takes none of them.
            let next = try await server.withClient(database: configuration.database) { client in
                try await client.query("SELECT nextval(pg_get_serial_sequence('journal', 'id'))").collect().first?
                    .decode(Int64.self)
            }
            #expect((next ?? 0) > (ids.max() ?? 0))

            let second = try PostgresStoreImport(configuration: configuration, logger: logger)
            let tables = try await second.copy(from: reader, batchSize: 7) { _ in }
            #expect(tables.first { $0.table == "journal" }?.copied == 120)
            #expect(tables.allSatisfy { $0.finished })
            for table in StoreTable.all {
                let source = try await reader.digest(of: table, pageSize: 13)
                let target = try await second.digest(of: table, pageSize: 11)
                #expect(source == target, "\(table.name)")
            }
            #expect(try await reader.digest(of: StoreTable.all[0]).count == 120)
            // A third run finds everything copied and changes nothing.
            _ = try await second.copy(from: reader, batchSize: 500) { _ in }
            #expect(try await second.digest(of: StoreTable.all[0]).count == 120)
            await second.close()
            try reader.close()

            // The PostgreSQL store opens what was sealed in SQLite, finds the copied messages as duplicates, and
            // numbers a new one after them.
            let store = try PostgresStore(configuration: configuration, keyring: keyring)
            do {
                let entry = try await store.journal.entry(id: ids[5])
                #expect(entry?.body == Support.message(controlID: "MIG-5", note: Support.phiMarker))
                let again = try await store.journal.record(
                    Support.entry(controlID: "MIG-7", note: Support.phiMarker), duplicateWindow: .seconds(3600))
                guard case .duplicate(let original) = again else {
                    Issue.record("a copied message is not found as a duplicate: \(again)")
                    return
                }
                #expect(original.id == ids[7])
                let new = try await store.journal.record(
                    Support.entry(controlID: "MIG-NEW"), duplicateWindow: .seconds(3600))
                #expect(new == .recorded(id: (ids.max() ?? 0) + 1))
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    @Test("a database with NoteBridge rows no copy put there is refused")
    func nonEmptyTargetIsRefused() async throws {
        let server = try PostgresTestServer.current()
        let configuration = try await server.newDatabase()
        let keyring = try Support.keyring()
        let store = try PostgresStore(configuration: configuration, keyring: keyring)
        _ = try await store.journal.record(Support.entry(controlID: "LIVE-1"), duplicateWindow: .seconds(60))
        try await store.close()
        try await Support.withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("notebridge.sqlite")
            try await SQLiteStore(databaseFile: file, keyring: keyring).close()
            let reader = try SQLiteStoreReader(databaseFile: file)
            let copy = try PostgresStoreImport(configuration: configuration, logger: logger)
            let refused = await #expect(throws: StoreError.self) {
                _ = try await copy.copy(from: reader, batchSize: 10) { _ in }
            }
            #expect(refused?.code == .invalidArgument)
            await copy.close()
            try reader.close()
        }
        let missing = #expect(throws: StoreError.self) {
            _ = try SQLiteStoreReader(databaseFile: URL(fileURLWithPath: "/nonexistent/notebridge.sqlite"))
        }
        #expect(missing?.code == .entryNotFound)
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
    }
}
