import Foundation
import PostgresStore
import Testing

@testable import Store

/// A ``Store`` implementation the conformance suite runs against: each opens a fresh store in an empty folder.
struct StoreImplementation: Sendable, CustomTestStringConvertible {
    var name: String
    var open: @Sendable (_ folder: URL, _ keyring: DataKeyring) async throws -> any Store

    var testDescription: String { name }

    /// Every implementation. The PostgreSQL ones open a fresh database on the suite's ``PostgresTestServer``.
    static let all: [StoreImplementation] = [
        StoreImplementation(name: "SQLite") { folder, keyring in
            try SQLiteStore(databaseFile: folder.appendingPathComponent("data/notebridge.sqlite"), keyring: keyring)
        },
        StoreImplementation(name: "SQLite, synchronous=full, one-row batches") { folder, keyring in
            try SQLiteStore(
                databaseFile: folder.appendingPathComponent("data/notebridge.sqlite"), keyring: keyring,
                configuration: SQLiteJournal.Configuration(synchronous: .full, maximumBatchSize: 1))
        },
        StoreImplementation(name: "PostgreSQL") { _, keyring in
            try PostgresStore(configuration: try await PostgresTestServer.current().newDatabase(), keyring: keyring)
        },
        StoreImplementation(name: "PostgreSQL, one-row batches, one committer") { _, keyring in
            var configuration = try await PostgresTestServer.current().newDatabase()
            configuration.maximumBatchSize = 1
            configuration.commitConcurrency = 1
            return try PostgresStore(configuration: configuration, keyring: keyring)
        },
    ]
}

/// What every ``Store`` must do, whatever its database: the journal, the outbox and its leases (claim, complete,
/// fail, release), notes, keys, audit and webhooks. Backend-specific checks (file bytes, schema migrations) live in
/// the backend's own suites.
@Suite("Store conformance", .postgresServer)
struct StoreConformanceTests {
    private typealias Support = StoreTestSupport

    private func note(_ id: String, patient: String, now: Date = Date()) -> OutboxNote {
        OutboxNote(
            id: id, createdAt: now, expiresAt: now.addingTimeInterval(3600), patientKey: patient,
            document: Array("{\"note\":\"\(Support.phiMarker) says the knee hurts\"}".utf8))
    }

    private func claim(_ outbox: any Outbox, at now: Date = Date(), lease: Duration = .seconds(30)) async throws
        -> [OutboxLease]
    {
        try await outbox.claim(destination: "ehr", limit: 10, leaseDuration: lease, now: now)
    }

    private static func code(_ error: any Error) -> StoreError.Code? { (error as? StoreError)?.code }

    // MARK: - Journal

    @Test(
        "the journal records, finds duplicates by sender and control id, and lists by state",
        arguments: StoreImplementation.all)
    func journal(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let journal = store.journal
            // Each entry is stamped when it is made; an hour's window keeps the second within it however slowly a
            // loaded machine commits the first.
            guard
                case .recorded(let id) = try await journal.record(
                    Support.entry(controlID: "J1"), duplicateWindow: .seconds(3600))
            else { Issue.record("not recorded"); return }
            guard
                case .duplicate(let original) = try await journal.record(
                    Support.entry(controlID: "J1"), duplicateWindow: .seconds(3600))
            else { Issue.record("not a duplicate"); return }
            #expect(original.id == id)
            #expect(original.body == Support.message(controlID: "J1"))
            #expect(try await journal.count() == 1)
            try await journal.updateState(id: id, to: .failed, reason: "no transcript")
            let failed = try await journal.entries(state: .failed, messageTypes: [], afterID: nil, limit: 10)
            #expect(failed.map(\.id) == [id])
            #expect(failed.first?.failureReason == "no transcript")
            #expect(
                try await journal.entries(state: .failed, messageTypes: ["MDM^T02"], afterID: nil, limit: 10).isEmpty)
            await #expect { try await journal.updateState(id: 999, to: .failed) } throws: {
                Self.code($0) == .entryNotFound
            }
        }
    }

    /// Records `count` accepted entries and returns their ids.
    private func acceptedEntries(_ journal: any Journal, count: Int, prefix: String) async throws -> [Int64] {
        var ids: [Int64] = []
        for index in 0..<count {
            guard
                case .recorded(let id) = try await journal.record(
                    Support.entry(controlID: "\(prefix)\(index)"), duplicateWindow: .seconds(3600))
            else { throw StoreError(.database, reason: "not recorded") }
            ids.append(id)
        }
        return ids
    }

    @Test(
        "accepted entries are claimed by one owner at a time, in id order, and an expired claim is taken over",
        arguments: StoreImplementation.all)
    func journalClaims(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let journal = store.journal
            let ids = try await acceptedEntries(journal, count: 6, prefix: "C")
            try await journal.updateState(id: ids[5], to: .processed)
            let now = Date()
            let one = JournalClaimant(owner: "one", lease: .seconds(30))
            let two = JournalClaimant(owner: "two", lease: .seconds(30))
            let first = try await journal.claimAccepted(
                messageTypes: ["ADT^A01"], afterID: nil, limit: 2, by: one, now: now)
            #expect(first.map(\.id) == Array(ids[0..<2]))
            #expect(first.first?.body == Support.message(controlID: "C0"))
            // Another owner gets the next ones; the processed entry is never claimed; other types are not taken.
            let second = try await journal.claimAccepted(messageTypes: [], afterID: nil, limit: 10, by: two, now: now)
            #expect(second.map(\.id) == Array(ids[2..<5]))
            #expect(
                try await journal.claimAccepted(messageTypes: ["MDM^T02"], afterID: nil, limit: 10, by: one, now: now)
                    .isEmpty)
            // An owner claims its own entries again (a new pass, or a restart under the same name), after a cursor too.
            #expect(
                try await journal.claimAccepted(messageTypes: [], afterID: nil, limit: 10, by: one, now: now).map(\.id)
                    == Array(ids[0..<2]))
            #expect(
                try await journal.claimAccepted(messageTypes: [], afterID: ids[0], limit: 10, by: one, now: now)
                    .map(\.id) == [ids[1]])
            // Before its entries, "two" finds "one"'s claims held; "one" finds nothing of its own in the way.
            #expect(
                try await journal.earlierClaims(before: ids[2], messageTypes: [], owner: "two", now: now)
                    == .held(firstID: ids[0]))
            #expect(
                try await journal.earlierClaims(before: ids[5], messageTypes: [], owner: "one", now: now)
                    == .held(firstID: ids[2]))
            #expect(try await journal.earlierClaims(before: ids[2], messageTypes: [], owner: "one", now: now) == .none)
            #expect(
                try await journal.earlierClaims(before: ids[2], messageTypes: ["MDM^T02"], owner: "two", now: now)
                    == .none)
            #expect(try await journal.earlierClaims(before: ids[0], messageTypes: [], owner: "two", now: now) == .none)
            // Once processed, an entry's claim no longer counts.
            try await journal.updateState(id: ids[0], to: .processed)
            try await journal.updateState(id: ids[1], to: .failed, reason: "no transcript")
            #expect(try await journal.earlierClaims(before: ids[2], messageTypes: [], owner: "two", now: now) == .none)
            // An owner extends its claims while it works on them: "two"'s last until now + 40 s instead of 30.
            #expect(try await journal.extendClaims(by: two, now: now.addingTimeInterval(10)) == 3)
            #expect(
                try await journal.earlierClaims(
                    before: ids[5], messageTypes: [], owner: "one", now: now.addingTimeInterval(35))
                    == .held(firstID: ids[2]))
            // After the lease, "two"'s claims are abandoned and "one" takes them over.
            let later = now.addingTimeInterval(41)
            #expect(
                try await journal.earlierClaims(before: ids[5], messageTypes: [], owner: "one", now: later)
                    == .abandoned)
            #expect(
                try await journal.claimAccepted(messageTypes: [], afterID: nil, limit: 10, by: one, now: later)
                    .map(\.id) == Array(ids[2..<5]))
            #expect(
                try await journal.earlierClaims(before: ids[5], messageTypes: [], owner: "one", now: later) == .none)
            #expect(
                try await journal.earlierClaims(before: ids[5], messageTypes: [], owner: "two", now: later)
                    == .held(firstID: ids[2]))
            #expect(
                try await journal.claimAccepted(messageTypes: [], afterID: nil, limit: 0, by: two, now: later).isEmpty)
            await #expect {
                _ = try await journal.claimAccepted(
                    messageTypes: [], afterID: nil, limit: 1, by: JournalClaimant(owner: "two", lease: .zero),
                    now: later)
            } throws: { Self.code($0) == .invalidArgument }
        }
    }

    @Test(
        "an earlier accepted entry claimed by nobody stands in the way of an owner's later ones until it is claimed",
        arguments: StoreImplementation.all)
    func unclaimedEarlierEntries(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let journal = store.journal
            let ids = try await acceptedEntries(journal, count: 4, prefix: "U")
            let now = Date()
            let one = JournalClaimant(owner: "one", lease: .seconds(30))
            let two = JournalClaimant(owner: "two", lease: .seconds(30))
            // "two"'s claim passed over the first two entries (as one does while another instance's claim statement
            // holds them locked): they are claimed by nobody, and are not "two"'s to record before.
            let skipping = try await journal.claimAccepted(
                messageTypes: [], afterID: ids[1], limit: 10, by: two, now: now)
            #expect(skipping.map(\.id) == Array(ids[2..<4]))
            #expect(
                try await journal.earlierClaims(before: ids[3], messageTypes: [], owner: "two", now: now)
                    == .unclaimed(firstID: ids[0]))
            #expect(try await journal.earlierClaims(before: ids[0], messageTypes: [], owner: "two", now: now) == .none)
            // Entries of other message types do not count.
            #expect(
                try await journal.earlierClaims(before: ids[3], messageTypes: ["MDM^T02"], owner: "two", now: now)
                    == .none)
            // "one" claims the first: the second is still nobody's, and the lowest entry not "two"'s is the first.
            #expect(
                try await journal.claimAccepted(messageTypes: [], afterID: nil, limit: 1, by: one, now: now).map(\.id)
                    == [ids[0]])
            #expect(
                try await journal.earlierClaims(before: ids[2], messageTypes: [], owner: "two", now: now)
                    == .unclaimed(firstID: ids[0]))
            // Once "one"'s claim has expired, that is what counts: the next pass claims from the oldest anyway.
            let later = now.addingTimeInterval(31)
            #expect(
                try await journal.earlierClaims(before: ids[2], messageTypes: [], owner: "two", now: later)
                    == .abandoned)
            // "two"'s next pass claims from the oldest and takes the entry nobody claimed; "one"'s claim holds.
            #expect(
                try await journal.claimAccepted(messageTypes: [], afterID: nil, limit: 10, by: two, now: now).map(\.id)
                    == Array(ids[1..<4]))
            #expect(
                try await journal.earlierClaims(before: ids[3], messageTypes: [], owner: "two", now: now)
                    == .held(firstID: ids[0]))
            try await journal.updateState(id: ids[0], to: .processed)
            #expect(try await journal.earlierClaims(before: ids[3], messageTypes: [], owner: "two", now: now) == .none)
            // "one" now finds "two"'s claims before the last entry.
            #expect(
                try await journal.earlierClaims(before: ids[3], messageTypes: [], owner: "one", now: now)
                    == .held(firstID: ids[1]))
        }
    }

    @Test("concurrent journal claims by several owners never return the same entry", arguments: StoreImplementation.all)
    func concurrentJournalClaims(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let journal = store.journal
            let ids = try await acceptedEntries(journal, count: 60, prefix: "K")
            let claimed = await withTaskGroup(of: [Int64].self) { group in
                for owner in 0..<4 {
                    group.addTask {
                        let claimant = JournalClaimant(owner: "owner-\(owner)", lease: .seconds(60))
                        var mine: [Int64] = []
                        var cursor: Int64?
                        while true {
                            guard
                                let page = try? await journal.claimAccepted(
                                    messageTypes: [], afterID: cursor, limit: 4, by: claimant, now: Date()),
                                let last = page.last
                            else { return mine }
                            mine += page.map(\.id)
                            cursor = last.id
                        }
                    }
                }
                var all: [Int64] = []
                for await mine in group { all += mine }
                return all
            }
            #expect(claimed.sorted() == ids)
        }
    }

    @Test(
        "a resend with the same content is a duplicate, with other content its own flagged entry, in one batch too",
        arguments: StoreImplementation.all)
    func reusedControlID(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let journal = store.journal
            let start = Date()
            func entry(_ note: String, _ offset: TimeInterval) -> NewJournalEntry {
                ReusedControlIDTests.entry("R1", note: note, at: start + offset)
            }
            guard case .recorded(let first) = try await journal.record(entry("A", 0), duplicateWindow: .seconds(600))
            else { Issue.record("not recorded"); return }
            // Sent together (one batch where the store batches): the same content, and other content.
            async let same = journal.record(entry("A", 1), duplicateWindow: .seconds(600))
            async let other = journal.record(entry("B", 2), duplicateWindow: .seconds(600))
            let (sameOutcome, otherOutcome) = try await (same, other)
            guard case .duplicate(let original) = sameOutcome else { Issue.record("\(sameOutcome)"); return }
            #expect(original.id == first)
            guard case .reusedControlID(let second, let earlier) = otherOutcome else {
                Issue.record("\(otherOutcome)")
                return
            }
            #expect(earlier == first)
            #expect(second > first)
            guard case .duplicate(let resent) = try await journal.record(entry("B", 3), duplicateWindow: .seconds(600))
            else { Issue.record("not a duplicate of the second"); return }
            #expect(resent.id == second)
            #expect(try await journal.entries(flag: .reusedControlID, afterID: nil, limit: 10).map(\.id) == [second])
            #expect(try await journal.count() == 2)
            // A rejected entry is never matched, and is not matched by later ones.
            var rejected = entry("C", 4)
            rejected.state = .rejected
            guard case .recorded = try await journal.record(rejected, duplicateWindow: .seconds(600)) else {
                Issue.record("rejected entry not recorded")
                return
            }
            #expect(try await journal.count() == 3)
        }
    }

    // MARK: - Outbox

    @Test(
        "commit stores the note and one pending row per destination, and processes the journal entry, all or nothing",
        arguments: StoreImplementation.all)
    func commitIsOneTransaction(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let outbox = store.outbox
            guard
                case .recorded(let entryID) = try await store.journal.record(
                    Support.entry(controlID: "C1"), duplicateWindow: .seconds(60))
            else { Issue.record("not recorded"); return }
            let ids = try await outbox.commit(
                note("note_1", patient: "pk_a"), destinations: ["ehr", "archive"], processing: entryID, now: Date())
            #expect(ids.count == 2)
            #expect(try await store.journal.entry(id: entryID)?.state == .processed)
            let items = try await outbox.items(state: .pending, destination: nil, afterID: nil, limit: 10)
            #expect(items.map(\.destination) == ["ehr", "archive"])
            #expect(items.map(\.id) == ids)
            #expect(Set(items.map(\.controlID)).count == 2)
            #expect(items.allSatisfy { $0.attempts == 0 && $0.patientKey == "pk_a" && $0.noteID == "note_1" })
            #expect(try await outbox.noteDocument(id: "note_1") == note("note_1", patient: "pk_a").document)
            #expect(try await outbox.noteDocument(id: "note_missing") == nil)
            // A second note for the same entry is refused, and nothing of it is kept.
            await #expect {
                _ = try await outbox.commit(
                    note("note_2", patient: "pk_a"), destinations: ["ehr"], processing: entryID, now: Date())
            } throws: { Self.code($0) == .duplicate }
            await #expect {
                _ = try await outbox.commit(
                    note("note_3", patient: "pk_a"), destinations: ["ehr"], processing: 999, now: Date())
            } throws: { Self.code($0) == .entryNotFound }
            await #expect {
                _ = try await outbox.commit(
                    note("note_4", patient: "pk_a"), destinations: ["ehr", "ehr"], processing: nil, now: Date())
            } throws: { Self.code($0) == .invalidArgument }
            for missing in ["note_2", "note_3", "note_4"] { #expect(try await outbox.noteDocument(id: missing) == nil) }
            #expect(try await outbox.items(state: nil, destination: nil, afterID: nil, limit: 10).count == 2)
        }
    }

    @Test("concurrent claims never return the same row", arguments: StoreImplementation.all)
    func leasePreventsDoubleClaims(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let outbox = store.outbox
            for index in 0..<40 {
                _ = try await outbox.commit(
                    note("note_\(index)", patient: "pk_\(index)"), destinations: ["ehr"], processing: nil, now: Date())
            }
            let ids = await withTaskGroup(of: [Int64].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var mine: [Int64] = []
                        while true {
                            guard
                                let leases = try? await outbox.claim(
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
            #expect(ids.count == 40)
            #expect(Set(ids).count == 40)
            #expect(try await outbox.count(state: .inFlight) == 40)
        }
    }

    @Test(
        "claim takes no rows for a limit of 0 and refuses a lease that is not positive",
        arguments: StoreImplementation.all)
    func claimArguments(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            _ = try await store.outbox.commit(
                note("note_1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: Date())
            #expect(
                try await store.outbox.claim(destination: "ehr", limit: 0, leaseDuration: .seconds(1), now: Date())
                    .isEmpty)
            await #expect {
                _ = try await store.outbox.claim(destination: "ehr", limit: 1, leaseDuration: .zero, now: Date())
            } throws: { Self.code($0) == .invalidArgument }
            #expect(
                try await store.outbox.claim(destination: "other", limit: 5, leaseDuration: .seconds(1), now: Date())
                    .isEmpty)
        }
    }

    @Test(
        "an expired lease is claimed again, and its old holder can no longer complete, fail or release the row",
        arguments: StoreImplementation.all)
    func expiredLeaseIsReclaimed(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let outbox = store.outbox
            let start = Date()
            _ = try await outbox.commit(
                note("note_1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: start)
            let first = try await claim(outbox, at: start)
            #expect(first.count == 1)
            #expect(first.first?.item.state == .inFlight)
            #expect(try await claim(outbox, at: start.addingTimeInterval(29)).isEmpty)
            let second = try await claim(outbox, at: start.addingTimeInterval(31))
            #expect(second.map(\.item.id) == first.map(\.item.id))
            #expect(second.first?.token != first.first?.token)
            let stale = try #require(first.first)
            await #expect { try await outbox.complete(stale, now: Date()) } throws: { Self.code($0) == .leaseLost }
            await #expect { try await outbox.fail(stale, error: "x", retryAt: nil, now: Date()) } throws: {
                Self.code($0) == .leaseLost
            }
            await #expect { try await outbox.release(stale, now: Date()) } throws: { Self.code($0) == .leaseLost }
            let held = try #require(second.first)
            try await outbox.complete(held, now: Date())
            await #expect { try await outbox.complete(held, now: Date()) } throws: { Self.code($0) == .leaseLost }
            let item = try #require(try await outbox.item(id: stale.item.id))
            #expect(item.state == .delivered)
            #expect(item.attempts == 1)
            #expect(item.deliveredAt != nil)
            #expect(item.leaseExpiresAt == nil)
        }
    }

    @Test(
        "fail with a retry time makes the row pending until then; a patient's later rows wait behind it",
        arguments: StoreImplementation.all)
    func failAndPerPatientOrder(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let outbox = store.outbox
            let now = Date()
            _ = try await outbox.commit(
                note("note_a1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            _ = try await outbox.commit(
                note("note_a2", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            _ = try await outbox.commit(
                note("note_b1", patient: "pk_b"), destinations: ["ehr"], processing: nil, now: now)
            let first = try await claim(outbox, at: now)
            #expect(first.map(\.item.noteID) == ["note_a1", "note_b1"])
            let a1 = try #require(first.first)
            try await outbox.fail(a1, error: "no acknowledgment", retryAt: now.addingTimeInterval(10), now: now)
            #expect(try await outbox.item(id: a1.item.id)?.state == .pending)
            #expect(try await claim(outbox, at: now).isEmpty)
            let retried = try await claim(outbox, at: now.addingTimeInterval(11))
            #expect(retried.map(\.item.noteID) == ["note_a1"])
            #expect(retried.first?.item.attempts == 1)
            #expect(retried.first?.item.lastError == "no acknowledgment")
            try await outbox.complete(try #require(retried.first), now: now)
            #expect(try await claim(outbox, at: now.addingTimeInterval(11)).map(\.item.noteID) == ["note_a2"])
        }
    }

    @Test(
        "release gives a row back without an attempt; fail without a retry time is the dead letter, which retry reopens",
        arguments: StoreImplementation.all)
    func releaseDeadLetterAndRetry(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let outbox = store.outbox
            let now = Date()
            _ = try await outbox.commit(
                note("note_a1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            _ = try await outbox.commit(
                note("note_a2", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: now)
            let first = try #require(try await claim(outbox, at: now).first)
            try await outbox.release(first, now: now)
            let again = try #require(try await claim(outbox, at: now).first)
            #expect(again.item.id == first.item.id)
            #expect(again.item.attempts == 0)
            try await outbox.fail(again, error: "AE: refused", retryAt: nil, now: now)
            let dead = try await outbox.items(state: .dead, destination: "ehr", afterID: nil, limit: 10)
            #expect(dead.map(\.noteID) == ["note_a1"])
            #expect(dead.first?.lastError == "AE: refused")
            #expect(dead.first?.attempts == 1)
            // A dead row does not hold up the patient's later rows.
            let next = try await claim(outbox, at: now)
            #expect(next.map(\.item.noteID) == ["note_a2"])
            try await outbox.complete(try #require(next.first), now: now)
            let deadID = try #require(dead.first).id
            #expect(try await outbox.retry(id: deadID, now: now))
            #expect(try await outbox.retry(id: deadID, now: now) == false)
            #expect(try await outbox.item(id: deadID)?.attempts == 0)
            #expect(try await outbox.count(state: .pending) == 1)
            #expect(try await outbox.retryAllDead(destination: nil, now: now) == 0)
            try await outbox.fail(
                try #require(try await claim(outbox, at: now).first), error: "AE", retryAt: nil, now: now)
            #expect(try await outbox.retryAllDead(destination: "other", now: now) == 0)
            #expect(try await outbox.retryAllDead(destination: "ehr", now: now) == 1)
            try await outbox.complete(try #require(try await claim(outbox, at: now).first), now: now)
            #expect(try await outbox.purgeDelivered(before: now, destination: nil) == 0)
            #expect(try await outbox.purgeDelivered(before: now.addingTimeInterval(1), destination: "other") == 0)
            #expect(try await outbox.purgeDelivered(before: now.addingTimeInterval(1), destination: "ehr") == 2)
            #expect(try await outbox.items(state: nil, destination: nil, afterID: nil, limit: 10).isEmpty)
        }
    }

    @Test(
        "a delivered row keeps the references it was completed with; too many or malformed ones are refused, unwritten",
        arguments: StoreImplementation.all)
    func deliveredReferences(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let outbox = store.outbox
            let now = Date()
            for (index, patient) in ["pk_a", "pk_b", "pk_c"].enumerated() {
                _ = try await outbox.commit(
                    note("note_r\(index)", patient: patient), destinations: ["ehr"], processing: nil, now: now)
            }
            let leases = try await claim(outbox, at: now)
            #expect(leases.map(\.item.noteID) == ["note_r0", "note_r1", "note_r2"])
            #expect(leases.allSatisfy { $0.item.deliveredReferences.isEmpty })
            // Refused before anything is written: the rows stay in flight under their leases.
            let tooMany = (0...OutboxItem.maximumDeliveredReferences).map { "Condition/c\($0)" }
            await #expect { try await outbox.complete(leases[0], references: tooMany, now: now) } throws: {
                Self.code($0) == .invalidArgument
            }
            await #expect {
                try await outbox.complete(
                    [
                        OutboxDelivery(lease: leases[1], references: ["Patient/p1"]),
                        OutboxDelivery(lease: leases[2], references: ["https://ehr/fhir/Patient?identifier=X"]),
                    ],
                    now: now)
            } throws: { Self.code($0) == .invalidArgument }
            #expect(try await outbox.count(state: .inFlight) == 3)
            // One alone, then two in one batch.
            let fifty = (1...OutboxItem.maximumDeliveredReferences).map { "Condition/c\($0)/_history/1" }
            try await outbox.complete(leases[0], references: fifty, now: now)
            #expect(
                try await outbox.complete(
                    [
                        OutboxDelivery(lease: leases[1], references: ["Composition/c1/_history/2", "Patient/p1"]),
                        OutboxDelivery(lease: leases[2]),
                    ],
                    now: now
                ).isEmpty)
            let rows = try await outbox.items(state: .delivered, destination: "ehr", afterID: nil, limit: 10)
            #expect(rows.map(\.deliveredReferences) == [fifty, ["Composition/c1/_history/2", "Patient/p1"], []])
            #expect(
                try await outbox.item(id: leases[1].item.id)?.deliveredReferences == [
                    "Composition/c1/_history/2", "Patient/p1",
                ])
        }
    }

    @Test("expired notes are erased and their rows stay, without the note", arguments: StoreImplementation.all)
    func expiredNoteDocuments(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let now = Date()
            _ = try await store.outbox.commit(
                note("note_1", patient: "pk_a", now: now), destinations: ["ehr"], processing: nil, now: now)
            #expect(try await store.outbox.purgeExpiredNoteDocuments(now: now) == 0)
            #expect(try await store.outbox.purgeExpiredNoteDocuments(now: now.addingTimeInterval(3600)) == 1)
            #expect(try await store.outbox.noteDocument(id: "note_1") == nil)
            #expect(try await store.outbox.count(state: .pending) == 1)
        }
    }

    // MARK: - Notes, keys, audit, webhooks

    @Test("notes, API keys, audit records and webhook deliveries round-trip", arguments: StoreImplementation.all)
    func notesKeysAuditWebhooks(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let now = Date()
            let key = APIKeyRecord(
                id: "key_000000000001", name: "app", scopes: ["notes:write", "admin"], hash: "ab12",
                webhookSecret: "whsec_x",
                createdAt: now)
            try await store.keys.saveKey(key)
            await #expect { try await store.keys.saveKey(key) } throws: { Self.code($0) == .invalidArgument }
            #expect(try await store.keys.key(hash: "ab12")?.scopes == ["notes:write", "admin"])
            #expect(try await store.keys.key(id: key.id)?.webhookSecret == "whsec_x")
            #expect(try await store.keys.revokeKey(id: key.id, at: now))
            #expect(try await store.keys.revokeKey(id: key.id, at: now) == false)
            #expect(try await store.keys.keys().map(\.id) == [key.id])

            let stored = StoredNote(
                id: "note_" + String(repeating: "a", count: 32), ownerKeyID: key.id, createdAt: now,
                expiresAt: now.addingTimeInterval(60), specialty: "physician", template: "standard",
                document: Array("\(Support.phiMarker)".utf8), lookup: NoteLookup(source: "urn:x|1", request: "r1"))
            let delivery = WebhookDelivery(
                keyID: key.id, url: "https://hooks.example/n", eventType: "note.generated", payload: Array("{}".utf8),
                nextAttemptAt: now, createdAt: now)
            try await store.notes.save(stored, announcing: delivery)
            #expect(try await store.notes.note(id: stored.id, now: now)?.document == stored.document)
            #expect(try await store.notes.note(id: stored.id, now: now.addingTimeInterval(61)) == nil)
            let found = try #require(
                try await store.notes.note(ownerKeyID: key.id, source: "urn:x|1", request: "r1", now: now))
            #expect(found.sameRequest)
            #expect(
                try await store.notes.note(ownerKeyID: key.id, source: "urn:x|1", request: "r2", now: now)?.sameRequest
                    == false)
            let due = try await store.webhooks.dueDeliveries(now: now, limit: 10)
            #expect(due.map(\.eventType) == ["note.generated"])
            try await store.webhooks.recordAttempt(
                id: try #require(due.first).id, state: .delivered, nextAttemptAt: now, result: "200")
            #expect(try await store.webhooks.dueDeliveries(now: now, limit: 10).isEmpty)
            #expect(try await store.notes.deleteNote(id: stored.id))
            #expect(try await store.notes.noteCount() == 0)

            try await store.audit.append(
                AuditRecord(recordedAt: now, keyID: key.id, action: .read, noteID: stored.id, status: 200))
            try await store.audit.append(
                AuditRecord(
                    recordedAt: now, keyID: nil, action: .create, noteID: nil, status: 401, errorCode: "UNAUTHORIZED"))
            let records = try await store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(records.map(\.status) == [200, 401])
            #expect(records.last?.succeeded == false)
        }
    }

    @Test(
        "of many concurrent first keys exactly one is stored, and none once a key exists",
        arguments: StoreImplementation.all)
    func firstKeyOnce(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let keys = store.keys
            let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await keys.saveFirstKey(
                            APIKeyRecord(
                                id: "key_first\(index)", name: "first key", scopes: ["admin"], hash: "h\(index)",
                                webhookSecret: "whsec_\(index)", createdAt: Date()))
                    }
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(stored.filter { $0 }.count == 1)
            #expect(try await keys.keys().count == 1)
        }
    }
}
