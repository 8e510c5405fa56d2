import Foundation
import GRDB
import Testing

@testable import Store

@Suite("One database: merging a separate notes database")
struct NotesDatabaseMergeTests {
    private typealias Support = StoreTestSupport

    /// A notes database of the two-file layout, written with that layout's migrations up to `migration`, holding
    /// one note, one key and one audit record.
    private func makeNotesFile(_ file: URL, keyring: DataKeyring, upTo migration: String = "notes.v3") async throws {
        let pool = try DatabasePool(path: file.path)
        try SQLiteNoteStore.migrator.migrate(pool, upTo: migration)
        let store = SQLiteNoteStore(sharing: pool, databaseFile: file, keyring: keyring)
        if migration == "notes.v3" {
            try await store.save(
                StoredNote(
                    id: "note_" + String(repeating: "b", count: 32), ownerKeyID: "key_000000000001", createdAt: Date(),
                    expiresAt: Date().addingTimeInterval(3600), specialty: "physician", template: "standard",
                    document: Array(Support.phiMarker.utf8), lookup: NoteLookup(source: "urn:x|1")))
        } else {
            // The first release's columns only.
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO notes (id, owner_key_id, created_at, expires_at, specialty, template, \
                        document_sealed, data_key_id) VALUES (?, 'key_000000000001', 0, ?, 'physician', 'standard', ?, ?)
                        """,
                    arguments: [
                        "note_" + String(repeating: "b", count: 32), Date().addingTimeInterval(3600).epochMilliseconds,
                        Data(try StoreSealing(keyring: keyring).seal(
                            Array(Support.phiMarker.utf8), for: .note(id: "note_" + String(repeating: "b", count: 32))).bytes),
                        keyring.activeKeyID,
                    ])
            }
        }
        try await store.saveKey(
            APIKeyRecord(id: "key_000000000001", name: "app", scopes: ["notes:read"], hash: "cafe", webhookSecret: "whsec_1", createdAt: Date()))
        // The audit columns of that layout (the operator columns came with notes.v4).
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit (recorded_at, key_id, action, note_id, status) \
                    VALUES (?, 'key_000000000001', 'create', NULL, 200)
                    """,
                arguments: [Date().epochMilliseconds])
        }
        try pool.close()
    }

    @Test("the rows move with their ids into the one database, the file is deleted, and they open there", arguments: ["notes.v1", "notes.v3"])
    func merge(upTo migration: String) async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyring = try Support.keyring()
            let notesFile = directory.appendingPathComponent("notes.sqlite")
            let databaseFile = directory.appendingPathComponent("notebridge.sqlite")
            try await makeNotesFile(notesFile, keyring: keyring, upTo: migration)
            // A journal of the two-file layout beside it.
            let journal = try SQLiteJournal(databaseFile: databaseFile, keyring: keyring)
            _ = try await journal.record(Support.entry(controlID: "OLD-1"), duplicateWindow: .seconds(60))
            try await journal.close()

            let merged = try #require(try SQLiteJournal.mergeNotesDatabase(notesFile, into: databaseFile))
            #expect(merged == .init(notes: 1, keys: 1, auditRecords: 1, webhookDeliveries: 0))
            #expect(!FileManager.default.fileExists(atPath: notesFile.path))
            #expect(try SQLiteJournal.mergeNotesDatabase(notesFile, into: databaseFile) == nil)

            let reopened = try SQLiteJournal(databaseFile: databaseFile, keyring: keyring)
            let note = try #require(try await reopened.notes.note(id: "note_" + String(repeating: "b", count: 32), now: Date()))
            #expect(note.document == Array(Support.phiMarker.utf8))
            #expect(try await reopened.notes.key(hash: "cafe")?.webhookSecret == "whsec_1")
            #expect(try await reopened.notes.auditRecords(since: nil, until: nil, afterID: 0, limit: 10).count == 1)
            #expect(try await reopened.entries(afterID: nil, limit: 10).map(\.controlID) == ["OLD-1"])
            try await reopened.close()
        }
    }

    @Test("a merge that committed but left the old file is not doubled when it runs again")
    func mergeTwice() async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyring = try Support.keyring()
            let notesFile = directory.appendingPathComponent("notes.sqlite")
            let copy = directory.appendingPathComponent("copy.sqlite")
            let databaseFile = directory.appendingPathComponent("notebridge.sqlite")
            try await makeNotesFile(notesFile, keyring: keyring)
            try FileManager.default.copyItem(at: notesFile, to: copy)
            _ = try SQLiteJournal.mergeNotesDatabase(notesFile, into: databaseFile)
            try FileManager.default.moveItem(at: copy, to: notesFile)
            let again = try #require(try SQLiteJournal.mergeNotesDatabase(notesFile, into: databaseFile))
            #expect(again == .init(notes: 0, keys: 0, auditRecords: 0, webhookDeliveries: 0))
            let store = try SQLiteNoteStore(databaseFile: databaseFile, keyring: keyring)
            #expect(try await store.noteCount() == 1)
            #expect(try await store.keys().count == 1)
            try store.close()
        }
    }
}
