import Foundation
import GRDB
import PostgresStore
import Testing

@testable import Store

/// What every ``Store`` must do for the operator console: audit records of operators' actions with their targets,
/// pages of the newest audit records, outbox rows and journal searches by keyset cursor, and console sessions that
/// any instance on the database accepts.
@Suite("Store conformance: the console's audit trail, pages and sessions", .postgresServer)
struct StoreConsoleConformanceTests {
    private typealias Support = StoreTestSupport

    @Test(
        "operators' actions are audit records with their target, rows and channel", arguments: StoreImplementation.all)
    func operatorAudit(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            try await store.audit.append(
                AuditRecord(recordedAt: now, keyID: "key_000000000001", action: .read, noteID: "note_1", status: 200))
            for (offset, action) in [
                AuditRecord.Action.outboxRetry, .outboxRetryDead, .outboxPurge, .keyCreate, .keyRevoke,
            ]
            .enumerated() {
                try await store.audit.append(
                    AuditRecord(
                        recordedAt: now.addingTimeInterval(Double(offset + 1)), keyID: "key_000000000001",
                        action: action, noteID: nil, status: 200, remoteAddress: "127.0.0.1",
                        target: AuditRecord.Target.outboxRow(Int64(offset + 10)), affected: offset, channel: "console"))
            }
            let records = try await store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(
                records.map(\.action) == [.read, .outboxRetry, .outboxRetryDead, .outboxPurge, .keyCreate, .keyRevoke])
            #expect(records[0].target == nil && records[0].affected == nil && records[0].channel == nil)
            #expect(records[2].target == "outbox:11")
            #expect(records[2].affected == 1)
            #expect(records[2].channel == "console")
            // The newest first, a page at a time by keyset cursor.
            let newest = try await store.audit.recentAuditRecords(nil, limit: 2)
            #expect(newest.map(\.action) == [.keyRevoke, .keyCreate])
            let older = try await store.audit.recentAuditRecords(.before(newest[1].id), limit: 2)
            #expect(older.map(\.action) == [.outboxPurge, .outboxRetryDead])
            let newer = try await store.audit.recentAuditRecords(.after(records[0].id), limit: 2)
            #expect(newer.map(\.action) == [.outboxRetryDead, .outboxRetry])
        }
    }

    @Test("outbox rows page by keyset cursor, newest first, in the states asked", arguments: StoreImplementation.all)
    func outboxPages(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let now = Date()
            var ids: [Int64] = []
            for index in 0..<5 {
                let note = OutboxNote(
                    id: "note_page\(index)", createdAt: now, expiresAt: now.addingTimeInterval(3600),
                    patientKey: "p\(index)", document: Array("{}".utf8))
                ids += try await store.outbox.commit(note, destinations: ["ehr"], processing: nil, now: now)
            }
            let other = OutboxNote(
                id: "note_other", createdAt: now, expiresAt: now.addingTimeInterval(3600), patientKey: "q",
                document: Array("{}".utf8))
            let otherID = try await store.outbox.commit(other, destinations: ["lab"], processing: nil, now: now)
            let first = try await store.outbox.items(states: [.pending], destination: "ehr", cursor: nil, limit: 2)
            #expect(first.map(\.id) == [ids[4], ids[3]])
            let second = try await store.outbox.items(
                states: [.pending], destination: "ehr", cursor: .before(ids[3]), limit: 2)
            #expect(second.map(\.id) == [ids[2], ids[1]])
            let back = try await store.outbox.items(
                states: [.pending], destination: "ehr", cursor: .after(ids[0]), limit: 2)
            #expect(back.map(\.id) == [ids[2], ids[1]])
            let every = try await store.outbox.items(states: [], destination: nil, cursor: nil, limit: 10)
            #expect(every.map(\.id) == otherID + ids.reversed())
            #expect(try await store.outbox.items(states: [.dead], destination: nil, cursor: nil, limit: 10).isEmpty)
        }
    }

    @Test("a journal search pages by keyset cursor", arguments: StoreImplementation.all)
    func journalPages(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            var ids: [Int64] = []
            for index in 0..<5 {
                let outcome = try await store.journal.record(
                    Support.entry(controlID: "PAGE-\(index)"), duplicateWindow: .seconds(60))
                guard case .recorded(let id) = outcome else {
                    Issue.record("not recorded")
                    return
                }
                ids.append(id)
            }
            var search = JournalSearch(cursor: .before(ids[3]))
            #expect(try await search.run(on: store.journal, limit: 2).entries.map(\.id) == [ids[2], ids[1]])
            search.cursor = .after(ids[1])
            #expect(try await search.run(on: store.journal, limit: 2).entries.map(\.id) == [ids[3], ids[2]])
            search.cursor = nil
            #expect(try await search.run(on: store.journal, limit: 2).entries.map(\.id) == [ids[4], ids[3]])
        }
    }

    @Test(
        "console sessions are kept by token digest, expire, and end by sign-out or key",
        arguments: StoreImplementation.all)
    func consoleSessions(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let sessions = store.consoleSessions
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func session(_ digest: String, key: String = "key_000000000001", lifetime: TimeInterval = 60)
                -> StoredConsoleSession
            {
                StoredConsoleSession(
                    tokenDigest: digest, keyID: key, createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
            }
            try await sessions.saveSession(session("d1"), now: now)
            try await sessions.saveSession(session("d2"), now: now)
            try await sessions.saveSession(session("d3", key: "key_000000000002", lifetime: 10), now: now)
            #expect(try await sessions.session(tokenDigest: "d1", now: now) == session("d1"))
            #expect(try await sessions.session(tokenDigest: "d1", now: now.addingTimeInterval(60)) == nil)
            #expect(try await sessions.session(tokenDigest: "nope", now: now) == nil)
            await #expect(throws: StoreError.self) { try await sessions.saveSession(session("d1"), now: now) }
            #expect(try await sessions.deleteSession(tokenDigest: "d1"))
            let again = try await sessions.deleteSession(tokenDigest: "d1")
            #expect(!again)
            #expect(try await sessions.deleteSessions(keyID: "key_000000000001") == 1)
            #expect(try await sessions.session(tokenDigest: "d2", now: now) == nil)
            #expect(try await sessions.purgeExpiredSessions(now: now.addingTimeInterval(10)) == 1)
            #expect(try await sessions.purgeExpiredSessions(now: now.addingTimeInterval(10)) == 0)
            // Saving sweeps the expired ones.
            try await sessions.saveSession(session("d4", lifetime: 5), now: now)
            try await sessions.saveSession(session("d5"), now: now.addingTimeInterval(6))
            #expect(try await sessions.purgeExpiredSessions(now: now.addingTimeInterval(6)) == 0)
        }
    }

    @Test("a key's sessions are trimmed to its newest, other keys' untouched", arguments: StoreImplementation.all)
    func trimmedSessions(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let sessions = store.consoleSessions
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            func session(_ index: Int, key: String = "key_000000000001") -> StoredConsoleSession {
                StoredConsoleSession(
                    tokenDigest: "\(key)-d\(index)", keyID: key, createdAt: now.addingTimeInterval(Double(index)),
                    expiresAt: now.addingTimeInterval(3600))
            }
            for index in [3, 1, 4, 2, 5] { try await sessions.saveSession(session(index), now: now) }
            try await sessions.saveSession(session(1, key: "key_000000000002"), now: now)
            #expect(try await sessions.trimSessions(keyID: "key_000000000001", keeping: 3) == 2)
            for index in 1...5 {
                let kept = try await sessions.session(tokenDigest: session(index).tokenDigest, now: now) != nil
                #expect(kept == (index >= 3), "session \(index)")
            }
            #expect(try await sessions.trimSessions(keyID: "key_000000000001", keeping: 3) == 0)
            #expect(try await sessions.session(tokenDigest: "key_000000000002-d1", now: now) != nil)
            #expect(try await sessions.trimSessions(keyID: "key_000000000002", keeping: 0) == 1)
        }
    }

    @Test(
        "an operator's action through the CLI is recorded with its channel and local actor",
        arguments: StoreImplementation.all)
    func cliAudit(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let record = AuditRecord(
                recordedAt: Date(timeIntervalSince1970: 1_800_000_000), keyID: "local:root", action: .keyRevoke,
                noteID: nil, status: 200, target: AuditRecord.Target.apiKey("key_000000000001"), channel: "cli")
            try await store.audit.append(record)
            let read = try await store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(read.count == 1)
            var expected = record
            expected.id = read.first?.id ?? 0
            #expect(read == [expected])
        }
    }
}

/// The SQLite store's migration of the audit table: rows written before operators' actions were audited keep reading.
@Suite("SQLite audit migration")
struct SQLiteAuditMigrationTests {
    @Test func auditRowsOfTheEarlierSchemaKeepReading() async throws {
        try await StoreTestSupport.withTemporaryDirectory { folder in
            let file = folder.appendingPathComponent("notebridge.sqlite")
            let queue = try DatabaseQueue(path: file.path)
            try SQLiteJournal.databaseMigrator.migrate(queue, upTo: "notes.v3")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO audit (recorded_at, key_id, action, note_id, status, error_code, remote_address) \
                        VALUES (1000, 'key_000000000001', 'read', 'note_1', 200, NULL, '10.0.0.1')
                        """)
            }
            try queue.close()
            let store = try SQLiteStore(databaseFile: file, keyring: try StoreTestSupport.keyring())
            let records = try await store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(records.map(\.action) == [.read])
            #expect(records.first?.remoteAddress == "10.0.0.1")
            #expect(records.first?.target == nil)
            try await store.audit.append(
                AuditRecord(
                    recordedAt: Date(), keyID: "key_000000000001", action: .outboxRetry, noteID: nil, status: 200,
                    target: "outbox:1", affected: 1, channel: "admin"))
            let after = try await store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(after.map(\.id) == [1, 2])
            try await store.close()
        }
    }
}
