import Foundation
import HL7v2
import Logging
import MLLP
import Store
import TestSupport
import Testing

@testable import Gateway

/// The claim extender (``PipelineService/keepClaims()``) keeps this instance's journal claims only while the pipeline
/// works on them: a pass parked in a wait that never ends must not hold the other instances behind its claims (issue
/// 18: one instance's pass stuck after a PostgreSQL restart while its extender kept its claims alive, and the whole
/// cluster's pipeline stalled), while a note still being written on a busy machine keeps them.
@Suite("Pipeline: journal claims are kept only while the pipeline works on them")
struct PipelineClaimKeepingTests {
    /// Journals two messages and claims them as the service's claimant as if 25 s ago (lease 30 s: they expire in
    /// 5 s), then hands the journal, the service and the entries' ids to `body`.
    private func withClaims(
        _ body: (SQLiteJournal, PipelineService, [Int64], LogRecorder) async throws -> Void
    ) async throws {
        try await EncounterPipelineTests.withPipeline { journal, service, intake, recorder in
            for control in ["KEEP-1", "KEEP-2"] {
                let reply = await intake.receive(
                    EncounterPipelineTests.mdm(control, observations: EncounterPipelineTests.transcript), source: "t",
                    logger: recorder.logger())
                #expect(try HL7Message(parsing: try #require(reply.bytes))["MSA-1"] == "AA")
            }
            #expect(service.claimant.lease == .seconds(30))
            let claimed = try await journal.claimAccepted(
                messageTypes: [], afterID: nil, limit: 10, by: service.claimant, now: Date().addingTimeInterval(-25))
            #expect(claimed.count == 2)
            try await body(journal, service, claimed.map(\.id), recorder)
        }
    }

    /// What another instance sees of the claims 10 s from now: `.abandoned` when they were not extended now.
    private func seenByAnotherInstance(_ journal: SQLiteJournal) async throws -> EarlierJournalClaims {
        try await journal.earlierClaims(
            before: .max, messageTypes: [], owner: "another-instance", now: Date().addingTimeInterval(10))
    }

    @Test("a pipeline with no step ended within the lease and no note being written lets its claims expire")
    func stuckPassLetsClaimsExpire() async throws {
        try await withClaims { journal, service, _, recorder in
            var service = service
            // The last step ended two minutes ago, and no note is being written: a pass parked in a wait.
            service.progress = PipelineProgress(lastStep: .now - .seconds(120))
            #expect(await service.extendClaimsIfWorking(extendedLastTime: true) == false)
            #expect(try await seenByAnotherInstance(journal) == .abandoned)
            let warning = recorder.all.filter { $0.message.contains("left to expire") }
            #expect(warning.count == 1 && warning.first?.level == .warning)
            // Said once, not at every turn.
            #expect(await service.extendClaimsIfWorking(extendedLastTime: false) == false)
            #expect(recorder.all.filter { $0.message.contains("left to expire") }.count == 1)
            // Another instance takes the entries over.
            let other = JournalClaimant(owner: "another-instance", lease: .seconds(30))
            let taken = try await journal.claimAccepted(
                messageTypes: [], afterID: nil, limit: 10, by: other, now: Date().addingTimeInterval(10))
            #expect(taken.count == 2)
            #expect(!recorder.text.contains(EncounterPipelineTests.name))
            #expect(!recorder.text.contains(EncounterPipelineTests.marker))
        }
    }

    @Test("a note being written keeps the claims however long it takes, and a step ended within the lease does too")
    func workingPipelineKeepsClaims() async throws {
        try await withClaims { journal, service, ids, recorder async throws in
            var service = service
            let progress = PipelineProgress(lastStep: .now - .seconds(120))
            service.progress = progress
            // A long note on a busy machine: started two minutes after the last step, still being written.
            progress.begin()
            #expect(await service.extendClaimsIfWorking(extendedLastTime: false) == true)
            #expect(try await seenByAnotherInstance(journal) == .held(firstID: ids[0]))
            #expect(recorder.all.contains { $0.message.contains("making progress again") })
            // The note is done (a step ended now); nothing is running, and the step is recent.
            progress.end()
            #expect(await service.extendClaimsIfWorking(extendedLastTime: true) == true)
            #expect(try await seenByAnotherInstance(journal) == .held(firstID: ids[0]))
        }
    }

    @Test("the note-writing threads mark each job as it starts and ends")
    func threadsMarkTheirJobs() async throws {
        let progress = PipelineProgress(lastStep: .now - .seconds(120))
        let threads = PipelineThreads(count: 1, progress: progress)
        #expect(!progress.isWorking(within: .seconds(60)))
        // During the job something is running (whatever the window); after it, the job's end is the last step.
        #expect(try await threads.run { progress.isWorking(within: .zero) })
        #expect(!progress.isWorking(within: .zero))
        #expect(progress.isWorking(within: .seconds(60)))
        await threads.shutdown()
    }

    @Test("a pass marks its steps: after a pass, the pipeline counts as working")
    func passMarksItsSteps() async throws {
        try await EncounterPipelineTests.withPipeline { _, service, intake, recorder async throws in
            var service = service
            let progress = PipelineProgress(lastStep: .now - .seconds(120))
            service.progress = progress
            let reply = await intake.receive(
                EncounterPipelineTests.mdm("STEP-1", observations: EncounterPipelineTests.transcript), source: "t",
                logger: recorder.logger())
            #expect(try HL7Message(parsing: try #require(reply.bytes))["MSA-1"] == "AA")
            #expect(await service.processAccepted() == 1)
            #expect(progress.isWorking(within: .seconds(60)))
        }
    }
}
