import Foundation
import GRDB
import Testing

@testable import Store

@Suite("Outbox (SQLite, in the journal's database)")
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

    @Test("concurrent workers never claim the same row")
    func leasePreventsDoubleClaims() async throws {
        try await withJournal { journal, _ in
            for index in 0..<60 {
                _ = try await journal.commit(
                    note("note_\(index)", patient: "pk_\(index)"), destinations: ["ehr"], processing: nil, now: Date())
            }
            let ids = await withTaskGroup(of: [Int64].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            guard
                                let leases = try? await journal.claim(
                                    destination: "ehr", limit: 3, leaseDuration: .seconds(60), now: Date()),
                                !leases.isEmpty
                            else { return mine }
                            mine += leases.map(\.item.id)
                        }
                    }
                }
                var all: [Int64] = []
                for await claimed in group { all += claimed }
                return all
            }
            #expect(ids.count == 60)
            #expect(Set(ids).count == 60)
            #expect(try await journal.count(state: .inFlight) == 60)
        }
    }

    @Test("an expired lease is claimed again, and the old holder can no longer settle the row")
    func expiredLeaseIsReclaimed() async throws {
        try await withJournal { journal, _ in
            let start = Date()
            _ = try await journal.commit(note("note_1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: start)
            let first = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: start)
            #expect(first.count == 1)
            // Held: nothing to claim before it expires.
            #expect(try await journal.claim(
                destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: start.addingTimeInterval(29)).isEmpty)
            let second = try await journal.claim(
                destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: start.addingTimeInterval(31))
            #expect(second.map(\.item.id) == first.map(\.item.id))
            #expect(second.first?.token != first.first?.token)
            let stale = try #require(first.first)
            await #expect { try await journal.complete(stale, now: Date()) } throws: { error in
                (error as? StoreError)?.code == .leaseLost
            }
            try await journal.complete(try #require(second.first), now: Date())
            let item = try #require(try await journal.item(id: stale.item.id))
            #expect(item.state == .delivered)
            #expect(item.attempts == 1)
            #expect(item.deliveredAt != nil)
        }
    }

    @Test("a patient's rows go out one at a time, in order; other patients are not held up")
    func perPatientOrder() async throws {
        try await withJournal { journal, _ in
            let now = Date()
            _ = try await journal.commit(note("note_a1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            _ = try await journal.commit(note("note_a2", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            _ = try await journal.commit(note("note_b1", patient: "pk_b"), destinations: ["ehr"], processing: nil, now: now)
            let first = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: now)
            #expect(first.map(\.item.noteID) == ["note_a1", "note_b1"])
            // a1 fails and waits: a2 must wait behind it.
            let a1 = try #require(first.first)
            try await journal.fail(a1, error: "no acknowledgment", retryAt: now.addingTimeInterval(10), now: now)
            #expect(try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: now).isEmpty)
            let retried = try await journal.claim(
                destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: now.addingTimeInterval(11))
            #expect(retried.map(\.item.noteID) == ["note_a1"])
            #expect(retried.first?.item.attempts == 1)
            #expect(retried.first?.item.lastError == "no acknowledgment")
            try await journal.complete(try #require(retried.first), now: now)
            let next = try await journal.claim(
                destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: now.addingTimeInterval(11))
            #expect(next.map(\.item.noteID) == ["note_a2"])
        }
    }

    @Test("a dead row does not hold up the patient's later rows, and retry makes it pending again")
    func deadLetterAndRetry() async throws {
        try await withJournal { journal, _ in
            let now = Date()
            _ = try await journal.commit(note("note_a1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            _ = try await journal.commit(note("note_a2", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            let first = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: now)
            try await journal.fail(try #require(first.first), error: "AE: refused", retryAt: nil, now: now)
            let dead = try await journal.items(state: .dead, destination: "ehr", afterID: nil, limit: 10)
            #expect(dead.map(\.noteID) == ["note_a1"])
            #expect(dead.first?.lastError == "AE: refused")
            let next = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: now)
            #expect(next.map(\.item.noteID) == ["note_a2"])
            try await journal.release(try #require(next.first), now: now)
            #expect(try await journal.item(id: try #require(next.first).item.id)?.attempts == 0)
            #expect(try await journal.retry(id: try #require(dead.first).id, now: now))
            #expect(try await journal.retry(id: try #require(dead.first).id, now: now) == false)
            #expect(try await journal.count(state: .dead) == 0)
            #expect(try await journal.count(state: .pending) == 2)
            #expect(try await journal.retryAllDead(destination: nil, now: now) == 0)
            let again = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: now)
            for lease in again { try await journal.complete(lease, now: now) }
            #expect(try await journal.purgeDelivered(before: now, destination: nil) == 0)
            #expect(try await journal.purgeDelivered(before: now.addingTimeInterval(1), destination: "other") == 0)
            #expect(try await journal.purgeDelivered(before: now.addingTimeInterval(1), destination: "ehr") == 1)
        }
    }

    @Test("a failure reason is recorded with the failed state and listed by state")
    func journalFailureReason() async throws {
        try await withJournal { journal, _ in
            guard case .recorded(let id) = try await journal.record(
                Support.entry(controlID: "F1"), duplicateWindow: .seconds(60))
            else { Issue.record("not recorded"); return }
            try await journal.updateState(id: id, to: .failed, reason: "no transcript")
            let failed = try await journal.entries(state: .failed, messageTypes: [], afterID: nil, limit: 10)
            #expect(failed.map(\.id) == [id])
            #expect(failed.first?.failureReason == "no transcript")
            #expect(try await journal.entries(state: .failed, messageTypes: ["MDM^T02"], afterID: nil, limit: 10).isEmpty)
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
