import Foundation
import GRDB
import Testing

@testable import Store

@Suite("SQLiteJournal: encounter contexts from ADT messages")
struct EncounterContextTests {
    private typealias Support = StoreTestSupport

    @Test("a context is kept sealed, replaced by a later one, unreadable once expired and purged with the notes")
    func keepReplaceExpire() async throws {
        try await Support.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("j.sqlite")
            let journal = try SQLiteJournal(databaseFile: file, keyring: try Support.keyring())
            let now = Date(timeIntervalSince1970: 1_736_000_000)
            let first = Array("{\"location\":\"PTGYM-MARKER-1\"}".utf8)
            let second = Array("{\"location\":\"PTGYM-MARKER-2\"}".utf8)
            try await journal.keepContext(key: "pk_visit", document: first, expiresAt: now + 3600, now: now)
            #expect(try await journal.context(key: "pk_visit", now: now + 1) == first)
            try await journal.keepContext(key: "pk_visit", document: second, expiresAt: now + 3600, now: now + 2)
            #expect(try await journal.context(key: "pk_visit", now: now + 3) == second)
            #expect(try await journal.context(key: "pk_other", now: now + 3) == nil)
            #expect(try await journal.context(key: "pk_visit", now: now + 3601) == nil)
            _ = try await journal.purgeExpiredNoteDocuments(now: now + 3601)
            #expect(try await journal.context(key: "pk_visit", now: now) == nil)
            try await journal.close()
            let bytes = Support.databaseBytes(file)
            #expect(!Support.contains(bytes, Array("PTGYM-MARKER".utf8)))
        }
    }

    @Test("a context sealed under one key cannot be read under another")
    func boundToKey() async throws {
        try await Support.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("j.sqlite")
            let journal = try SQLiteJournal(databaseFile: file, keyring: try Support.keyring())
            let now = Date(timeIntervalSince1970: 1_736_000_000)
            try await journal.keepContext(key: "pk_a", document: Array("a".utf8), expiresAt: now + 60, now: now)
            try await journal.close()
            // Move the sealed value to another key: opening it fails (the key is the associated data).
            let pool = try DatabasePool(path: file.path)
            try await pool.write { db in try db.execute(sql: "UPDATE encounter_context SET key = 'pk_b'") }
            try pool.close()
            let reopened = try SQLiteJournal(databaseFile: file, keyring: try Support.keyring())
            await #expect(throws: (any Error).self) { try await reopened.context(key: "pk_b", now: now) }
            try await reopened.close()
        }
    }
}
