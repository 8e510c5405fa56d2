import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Outbox (SQLite, in the journal's database; the lease operations are in the store conformance suite)")
struct OutboxTests {
    private typealias Support = StoreTestSupport

    /// An open journal in a fresh folder, closed after `body`.
    private func withJournal(_ body: (SQLiteJournal, URL) async throws -> Void) async throws {
        try await Support.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("data/notebridge.sqlite")
            let journal = try SQLiteJournal(databaseFile: file, keyring: try Support.keyring())
            do {
                try await body(journal, file)
            } catch {
                try? await journal.close()
                throw error
            }
            try await journal.close()
        }
    }

    private func note(_ id: String, patient: String, now: Date = Date()) -> OutboxNote {
        OutboxNote(
            id: id, createdAt: now, expiresAt: now.addingTimeInterval(3600), patientKey: patient,
            document: Array("{\"note\":\"\(Support.phiMarker) says the knee hurts\"}".utf8))
    }

    @Test("commit writes the sealed note, one pending row per destination, and moves the journal entry to processed")
    func commitIsOneTransaction() async throws {
        try await withJournal { journal, file in
            guard case .recorded(let entryID) = try await journal.record(
                Support.entry(controlID: "C1"), duplicateWindow: .seconds(60))
            else { Issue.record("not recorded"); return }
            let ids = try await journal.commit(
                note("note_1", patient: "pk_a"), destinations: ["ehr", "archive"], processing: entryID, now: Date())
            #expect(ids.count == 2)
            #expect(try await journal.entry(id: entryID)?.state == .processed)
            let items = try await journal.items(state: .pending, destination: nil, afterID: nil, limit: 10)
            #expect(items.map(\.destination) == ["ehr", "archive"])
            #expect(items.allSatisfy { $0.controlID.count == 18 && $0.controlID.hasPrefix("NB") })
            #expect(Set(items.map(\.controlID)).count == 2)
            #expect(try await journal.noteDocument(id: "note_1") == note("note_1", patient: "pk_a").document)
            // The note is sealed: its text is nowhere in the database files.
            #expect(!Support.contains(Support.databaseBytes(file), Array("says the knee hurts".utf8)))
            // A second note for the same entry is refused, and nothing of it is kept.
            await #expect(throws: StoreError.self) {
                _ = try await journal.commit(
                    note("note_2", patient: "pk_a"), destinations: ["ehr"], processing: entryID, now: Date())
            }
            #expect(try await journal.noteDocument(id: "note_2") == nil)
            #expect(try await journal.items(state: nil, destination: nil, afterID: nil, limit: 10).count == 2)
        }
    }

    @Test("a batch commit numbers rows in the order given; an entry already processed fails alone")
    func batchCommit() async throws {
        try await withJournal { journal, _ in
            var entries: [Int64] = []
            for control in ["B1", "B2", "B3"] {
                guard case .recorded(let id) = try await journal.record(
                    Support.entry(controlID: control), duplicateWindow: .seconds(60))
                else { Issue.record("not recorded"); return }
                entries.append(id)
            }
            _ = try await journal.commit(note("note_0", patient: "pk_a"), destinations: ["ehr"], processing: entries[1], now: Date())
            let results = try await journal.commit(
                [
                    OutboxCommit(note: note("note_1", patient: "pk_a"), destinations: ["ehr", "archive"], processing: entries[0]),
                    OutboxCommit(note: note("note_2", patient: "pk_a"), destinations: ["ehr"], processing: entries[1]),
                    OutboxCommit(note: note("note_3", patient: "pk_a"), destinations: ["ehr"], processing: entries[2]),
                ], now: Date())
            #expect(results.count == 3)
            let first = try results[0].get()
            let third = try results[2].get()
            #expect(first.count == 2 && third.count == 1)
            #expect(try #require(first.last) < third[0])
            guard case .failure(let error) = results[1] else { Issue.record("entry 2 was committed twice"); return }
            #expect(error.code == .duplicate)
            #expect(try await journal.noteDocument(id: "note_2") == nil)
            #expect(try await journal.count(state: .accepted) == 0)
            // The rows of one patient and destination go out in the order committed: note_0, then note_1, note_3.
            let rows = try await journal.items(state: .pending, destination: "ehr", afterID: nil, limit: 10)
            #expect(rows.map(\.noteID) == ["note_0", "note_1", "note_3"])
            let claimed = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(60), now: Date())
            #expect(claimed.map(\.item.noteID) == ["note_0"])
            #expect(try await journal.complete(claimed, now: Date()).isEmpty)
            let next = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(60), now: Date())
            #expect(next.map(\.item.noteID) == ["note_1"])
            // A lease no longer held is reported, not completed.
            #expect(try await journal.complete(claimed, now: Date()) == claimed.map(\.item.id))
        }
    }

    @Test("a journal made by the release before the outbox (journal.v1 only) is migrated on open and keeps its entries")
    func migratesAnExistingJournal() async throws {
        try await Support.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("notebridge.sqlite")
            let keyring = try Support.keyring()
            let old = Support.entry(controlID: "OLD-1")
            let sealed = try Sealer(keyring: keyring, associatedData: Sealer.journalAssociatedData).seal(old.body)
            let pool = try DatabasePool(path: file.path)
            try SQLiteJournal.migrator.migrate(pool, upTo: "journal.v1")
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO journal (source, sender, control_id, message_type, version, received_at, state, \
                        body_sealed, key_id, acknowledgment, ack_code, duplicate_count, updated_at) \
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: JournalRow(inserting: old, sealedBody: sealed).insertArguments(updatedAt: 0))
            }
            try pool.close()
            let journal = try SQLiteJournal(databaseFile: file, keyring: keyring)
            let entry = try #require(try await journal.entry(id: 1))
            #expect(entry.body == old.body)
            #expect(entry.controlID == "OLD-1")
            #expect(entry.failureReason == nil)
            _ = try await journal.commit(note("note_old", patient: "pk_a"), destinations: ["ehr"], processing: 1, now: Date())
            #expect(try await journal.entry(id: 1)?.state == .processed)
            #expect(try await journal.count(state: .pending) == 1)
            try await journal.close()
        }
    }

    @Test("the patient key is a keyed digest: stable, distinct per patient, never the identifier")
    func patientKeyDigest() throws {
        let digester = PatientKeyDigester(keyring: try Support.keyring())
        let key = digester.patientKey(identifier: "MRN-77310042", authority: "GH")
        #expect(key == digester.patientKey(identifier: "MRN-77310042", authority: "GH"))
        #expect(key != digester.patientKey(identifier: "MRN-77310043", authority: "GH"))
        #expect(!key.contains("77310042"))
        #expect(key != PatientKeyDigester(keyring: try Support.keyring(fill: 9)).patientKey(
            identifier: "MRN-77310042", authority: "GH"))
    }
}
