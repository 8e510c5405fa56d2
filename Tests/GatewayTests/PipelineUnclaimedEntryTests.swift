import Delivery
import EncounterModel
import Foundation
import HL7v2
import MLLP
import Store
import Synchronization
import TestSupport
import Testing

@testable import Gateway

/// An earlier journal entry that nobody has claimed yet holds the recording of later ones (issue 18: in one of six
/// runs of the PostgreSQL scale-out tests a patient's first visit was delivered after its later ones). On PostgreSQL
/// an instance's claim passes over the entries another instance's claim statement holds locked (`FOR UPDATE SKIP
/// LOCKED`); until that statement commits, or when it is undone because its session ended, those entries are claimed
/// by nobody, and the instance that skipped them must not record its later entries of the same patient first.
@Suite("Pipeline: an earlier entry claimed by nobody is recorded first, by whichever instance claims it")
struct PipelineUnclaimedEntryTests {
    /// The journal as this instance sees it while another instance's claim statement is in flight: the entries it
    /// holds locked (`locked`, always the oldest accepted ones, as the oldest page is what a claim statement takes)
    /// are passed over by this instance's claims, as PostgreSQL's `SKIP LOCKED` does, while they stay claimed by
    /// nobody. SQLite, with its one writer, never has a claim in flight; everything else is the SQLite journal's.
    final class ClaimInFlightJournal: Journal {
        let journal: SQLiteJournal
        let locked = Mutex<Set<Int64>>([])
        /// Whether the next look at earlier claims finds one expired (its instance died while this pass ran).
        let expireNext = Mutex(false)

        init(_ journal: SQLiteJournal) { self.journal = journal }

        func claimAccepted(
            messageTypes: [String], afterID: Int64?, limit: Int, by claimant: JournalClaimant, now: Date
        ) async throws -> [JournalEntry] {
            let skipped = locked.withLock { $0.max() }
            let after = [afterID, skipped].compactMap { $0 }.max()
            return try await journal.claimAccepted(
                messageTypes: messageTypes, afterID: after, limit: limit, by: claimant, now: now)
        }

        func record(_ entry: NewJournalEntry, duplicateWindow: Duration) async throws -> JournalRecordOutcome {
            try await journal.record(entry, duplicateWindow: duplicateWindow)
        }
        func entry(id: Int64) async throws -> JournalEntry? { try await journal.entry(id: id) }
        func entries(afterID: Int64?, limit: Int) async throws -> [JournalEntry] {
            try await journal.entries(afterID: afterID, limit: limit)
        }
        func count() async throws -> Int { try await journal.count() }
        func count(state: JournalState) async throws -> Int { try await journal.count(state: state) }
        func updateState(id: Int64, to state: JournalState) async throws {
            try await journal.updateState(id: id, to: state)
        }
        func updateState(id: Int64, to state: JournalState, reason: String?) async throws {
            try await journal.updateState(id: id, to: state, reason: reason)
        }
        func entries(state: JournalState, messageTypes: [String], afterID: Int64?, limit: Int) async throws
            -> [JournalEntry]
        {
            try await journal.entries(state: state, messageTypes: messageTypes, afterID: afterID, limit: limit)
        }
        func extendClaims(by claimant: JournalClaimant, now: Date) async throws -> Int {
            try await journal.extendClaims(by: claimant, now: now)
        }
        func earlierClaims(before id: Int64, messageTypes: [String], owner: String, now: Date) async throws
            -> EarlierJournalClaims
        {
            let expired = expireNext.withLock { expire in
                defer { expire = false }
                return expire
            }
            if expired { return .abandoned }
            return try await journal.earlierClaims(before: id, messageTypes: messageTypes, owner: owner, now: now)
        }
        func entries(flag: JournalFlag, afterID: Int64?, limit: Int) async throws -> [JournalEntry] {
            try await journal.entries(flag: flag, afterID: afterID, limit: limit)
        }
        func purge(receivedBefore: Date) async throws -> Int { try await journal.purge(receivedBefore: receivedBefore) }
        func close() async throws { try await journal.close() }
    }

    /// The journal ids of the notes queued for "ehr", in outbox row order.
    private func queuedJournalIDs(_ journal: SQLiteJournal) async throws -> [Int64] {
        var ids: [Int64] = []
        for row in try await journal.items(state: .pending, destination: "ehr", afterID: nil, limit: 100) {
            let record = try NoteRecord.decoded(from: try #require(try await journal.noteDocument(id: row.noteID)))
            ids.append(try #require(record.encounter.origin.journalID))
        }
        return ids
    }

    /// A pipeline whose journal is seen through ``ClaimInFlightJournal``, handed to `body` with the wrapper.
    private func withClaimInFlight(
        _ body: (SQLiteJournal, PipelineService, HL7Intake, LogRecorder, ClaimInFlightJournal) async throws -> Void
    ) async throws {
        var seen: ClaimInFlightJournal?
        try await EncounterPipelineTests.withPipeline(seenByPipeline: { journal in
            let wrapped = ClaimInFlightJournal(journal)
            seen = wrapped
            return wrapped
        }) { journal, service, intake, recorder in
            try await body(journal, service, intake, recorder, try #require(seen))
        }
    }

    /// Sends one visit of patient MRN-A over the intake and expects it acknowledged.
    private func accept(_ control: String, _ intake: HL7Intake, _ recorder: LogRecorder) async throws {
        let reply = await intake.receive(
            EncounterPipelineTests.mdm(control, patient: "MRN-A", repeating: 1), source: "t", logger: recorder.logger())
        #expect(try HL7Message(parsing: try #require(reply.bytes))["MSA-1"] == "AA")
    }

    @Test("a later visit of the patient is not recorded while the first one is claimed by nobody")
    func laterVisitWaitsForUnclaimedFirst() async throws {
        try await withClaimInFlight { journal, service, intake, recorder, inFlight in
            for control in ["VISIT-1", "VISIT-2"] { try await accept(control, intake, recorder) }
            let ids = try await journal.entries(afterID: nil, limit: 10).map(\.id)
            #expect(ids.count == 2)
            // Another instance's claim statement holds the first visit locked: this pass claims the second only,
            // and must not record it before the first.
            inFlight.locked.withLock { $0 = [ids[0]] }
            #expect(await service.processAccepted() == 0)
            #expect(try await journal.count(state: .accepted) == 2)
            #expect(try await queuedJournalIDs(journal).isEmpty)
            #expect(
                try await journal.earlierClaims(before: ids[1], messageTypes: [], owner: "another", now: Date())
                    == .unclaimed(firstID: ids[0]))
            #expect(recorder.all.contains { $0.message.contains("claimed by no instance") })
            // The statement was undone (its session ended): the next pass claims from the oldest, first visit first.
            inFlight.locked.withLock { $0 = [] }
            #expect(await service.processAccepted() == 2)
            #expect(try await journal.count(state: .accepted) == 0)
            #expect(try await queuedJournalIDs(journal) == ids)
            #expect(!recorder.text.contains(EncounterPipelineTests.name))
        }
    }

    @Test("a pass stopped by an earlier claim that expired starts the next pass at once, which takes the entry over")
    func expiredClaimWakesTheNextPass() async throws {
        try await withClaimInFlight { journal, service, intake, recorder, inFlight in
            try await accept("VISIT-1", intake, recorder)
            // Listening as the pipeline's loop does, after the intake's own wake.
            let (wakes, listener) = service.wakes.subscribe()
            inFlight.expireNext.withLock { $0 = true }
            #expect(await service.processAccepted() == 0)
            #expect(recorder.all.contains { $0.message.contains("claim expired") })
            listener.finish()
            var woken = 0
            for await _ in wakes { woken += 1 }
            #expect(woken == 1, "the pass that stopped did not wake the next one")
            #expect(await service.processAccepted() == 1)
            #expect(try await journal.count(state: .accepted) == 0)
        }
    }
}
