import Foundation
import Testing

@testable import Store

/// What every ``Store``'s audio jobs must do, whatever its database: the job's life (queued, claimed, progress,
/// done or failed, deleted), claims under leases (one claimant at a time, an expired claim taken over, the caller's
/// own jobs left out), the note and its webhook stored with the job's end in one transaction, the audio erased.
@Suite("Audio job store conformance", .postgresServer)
struct AudioJobStoreConformanceTests {
    private typealias Support = StoreTestSupport

    private static func id(_ digit: Character) -> String { "note_" + String(repeating: digit, count: 32) }

    private static let audio = Array("RIFF \(StoreTestSupport.phiMarker) says the knee hurts".utf8)

    private func job(_ id: String, at now: Date, owner: String = "key_000000000001") -> NewAudioJob {
        NewAudioJob(
            id: id, ownerKeyID: owner, createdAt: now, expiresAt: now.addingTimeInterval(3600), audio: Self.audio,
            request: Array(#"{"options":{"specialty":"physician"}}"#.utf8))
    }

    private func note(_ id: String, at now: Date) -> StoredNote {
        StoredNote(
            id: id, ownerKeyID: "key_000000000001", createdAt: now, expiresAt: now.addingTimeInterval(3600),
            specialty: "physician", template: "standard", document: Array("{\"noteId\":\"\(id)\"}".utf8),
            lookup: NoteLookup(source: "idempotency-key|k1", request: "r1"))
    }

    private func delivery(_ type: String, at now: Date) -> WebhookDelivery {
        WebhookDelivery(
            keyID: "key_000000000001", url: "https://hooks.example/n", eventType: type, payload: Array("{}".utf8),
            nextAttemptAt: now, createdAt: now)
    }

    private static func code(_ error: any Error) -> StoreError.Code? { (error as? StoreError)?.code }

    @Test(
        "a job is queued, claimed with its audio opened, reports progress, and becomes its note and webhook at once",
        arguments: StoreImplementation.all)
    func queuedClaimedDone(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let jobs = store.audioJobs
            let now = Date()
            let worker = JournalClaimant(owner: "one", lease: .seconds(30))
            try await jobs.enqueueAudioJob(job(Self.id("a"), at: now))
            await #expect { try await jobs.enqueueAudioJob(job(Self.id("a"), at: now)) } throws: {
                Self.code($0) == .invalidArgument
            }
            let queued = try #require(try await jobs.audioJob(id: Self.id("a"), now: now))
            #expect(queued.state == .queued && queued.ownerKeyID == "key_000000000001")
            #expect(queued.secondsTranscribed == 0 && queued.secondsTotal == 0 && queued.failure == nil)
            #expect(try await jobs.audioJobCounts() == [.queued: 1])

            let claimed = try await jobs.claimAudioJobs(limit: 5, by: worker, excluding: [], now: now)
            #expect(claimed.map(\.job.id) == [Self.id("a")])
            #expect(claimed.first?.job.audio == Self.audio)
            #expect(claimed.first?.job.request == Array(#"{"options":{"specialty":"physician"}}"#.utf8))
            #expect(claimed.first?.attempts == 1)
            #expect(try await jobs.audioJob(id: Self.id("a"), now: now)?.state == .processing)

            #expect(
                try await jobs.recordAudioJobProgress(
                    id: Self.id("a"), by: worker, secondsTranscribed: 12.25, secondsTotal: 61.5, now: now))
            let running = try #require(try await jobs.audioJob(id: Self.id("a"), now: now))
            #expect(running.secondsTranscribed == 12.25 && running.secondsTotal == 61.5)

            // Another claimant's finish or report changes nothing.
            let other = JournalClaimant(owner: "two", lease: .seconds(30))
            #expect(
                try await jobs.recordAudioJobProgress(
                    id: Self.id("a"), by: other, secondsTranscribed: 1, secondsTotal: 1, now: now) == false)
            #expect(
                try await jobs.completeAudioJob(
                    id: Self.id("a"), by: other, note: note(Self.id("a"), at: now),
                    announcing: delivery("note.generated", at: now)) == false)
            #expect(try await store.notes.note(id: Self.id("a"), now: now) == nil)

            #expect(
                try await jobs.completeAudioJob(
                    id: Self.id("a"), by: worker, note: note(Self.id("a"), at: now),
                    announcing: delivery("note.generated", at: now)))
            #expect(try await jobs.audioJob(id: Self.id("a"), now: now) == nil)
            #expect(try await jobs.audioJobCounts().isEmpty)
            let stored = try #require(try await store.notes.note(id: Self.id("a"), now: now))
            #expect(stored.document == Array("{\"noteId\":\"\(Self.id("a"))\"}".utf8))
            // Found by its Idempotency-Key like a note stored directly.
            #expect(
                try await store.notes.note(
                    ownerKeyID: "key_000000000001", source: "idempotency-key|k1", request: "r1", now: now)?.sameRequest
                    == true)
            #expect(try await store.webhooks.dueDeliveries(now: now, limit: 10).map(\.eventType) == ["note.generated"])
            // Finished once: a second finish finds no job.
            #expect(
                try await jobs.completeAudioJob(
                    id: Self.id("a"), by: worker, note: note(Self.id("a"), at: now), announcing: nil) == false)
            // A job's id cannot be a note's.
            await #expect { try await jobs.enqueueAudioJob(job(Self.id("a"), at: now)) } throws: {
                Self.code($0) == .invalidArgument
            }
        }
    }

    @Test(
        "a failed job keeps its failure, not its audio, and announces it; a deleted job is gone for its worker too",
        arguments: StoreImplementation.all)
    func failedAndDeleted(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let jobs = store.audioJobs
            let now = Date()
            let worker = JournalClaimant(owner: "one", lease: .seconds(30))
            try await jobs.enqueueAudioJob(job(Self.id("b"), at: now))
            try await jobs.enqueueAudioJob(job(Self.id("c"), at: now.addingTimeInterval(0.01)))
            #expect(try await jobs.claimAudioJobs(limit: 5, by: worker, excluding: [], now: now).count == 2)
            let failure = AudioJobFailure(
                status: 422, code: "SILENT_AUDIO", message: "audio: no speech", field: "audio",
                fieldMessage: "no speech")
            #expect(
                try await jobs.failAudioJob(
                    id: Self.id("b"), by: worker, failure: failure, announcing: delivery("note.failed", at: now),
                    now: now))
            let failed = try #require(try await jobs.audioJob(id: Self.id("b"), now: now))
            #expect(failed.state == .failed && failed.failure == failure)
            #expect(try await store.webhooks.dueDeliveries(now: now, limit: 10).map(\.eventType) == ["note.failed"])
            // Never claimed again, failed twice, nor finished.
            #expect(
                try await jobs.claimAudioJobs(limit: 5, by: worker, excluding: [Self.id("c")], now: now).isEmpty)
            #expect(
                try await jobs.failAudioJob(id: Self.id("b"), by: worker, failure: failure, announcing: nil, now: now)
                    == false)
            #expect(try await jobs.audioJobCounts() == [.failed: 1, .processing: 1])

            // Deleted while it runs: its worker's next report and its finish find it gone.
            #expect(try await jobs.deleteAudioJob(id: Self.id("c")))
            #expect(try await jobs.deleteAudioJob(id: Self.id("c")) == false)
            #expect(
                try await jobs.recordAudioJobProgress(
                    id: Self.id("c"), by: worker, secondsTranscribed: 1, secondsTotal: 2, now: now) == false)
            #expect(
                try await jobs.completeAudioJob(
                    id: Self.id("c"), by: worker, note: note(Self.id("c"), at: now), announcing: nil) == false)
            #expect(try await store.notes.noteCount() == 0)

            // Expiry erases what is left.
            #expect(try await jobs.purgeExpiredAudioJobs(now: now) == 0)
            #expect(try await jobs.audioJob(id: Self.id("b"), now: now.addingTimeInterval(3600)) == nil)
            #expect(try await jobs.purgeExpiredAudioJobs(now: now.addingTimeInterval(3600)) == 1)
            #expect(try await jobs.audioJobCounts().isEmpty)
        }
    }

    @Test(
        "jobs are found by the prefix of their id, whatever their state, oldest first, not once expired",
        arguments: StoreImplementation.all)
    func foundByPrefix(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let jobs = store.audioJobs
            let now = Date()
            let prefix = "note_" + String(repeating: "7", count: 16)
            let first = prefix + String(repeating: "a", count: 16)
            let second = prefix + String(repeating: "b", count: 16)
            let other = "note_" + String(repeating: "7", count: 15) + String(repeating: "c", count: 17)
            try await jobs.enqueueAudioJob(job(second, at: now.addingTimeInterval(1)))
            try await jobs.enqueueAudioJob(job(first, at: now))
            try await jobs.enqueueAudioJob(job(other, at: now))
            #expect(try await jobs.audioJobs(idPrefix: prefix, now: now).map(\.id) == [first, second])
            #expect(try await jobs.audioJobs(idPrefix: first, now: now).map(\.id) == [first])
            #expect(try await jobs.audioJobs(idPrefix: "note_" + String(repeating: "9", count: 16), now: now).isEmpty)
            // A failed job is still found (its failure is the answer), an expired one is not.
            let worker = JournalClaimant(owner: "one", lease: .seconds(30))
            _ = try await jobs.claimAudioJobs(limit: 3, by: worker, excluding: [], now: now)
            #expect(
                try await jobs.failAudioJob(
                    id: first, by: worker, failure: AudioJobFailure(status: 422, code: "SILENT_AUDIO", message: "m"),
                    announcing: nil, now: now))
            let found = try await jobs.audioJobs(idPrefix: prefix, now: now)
            #expect(found.map(\.state) == [.failed, .processing])
            #expect(found.first?.failure?.code == "SILENT_AUDIO")
            #expect(try await jobs.audioJobs(idPrefix: prefix, now: now.addingTimeInterval(7200)).isEmpty)
        }
    }

    @Test(
        "claims: one claimant per job, the caller's running jobs left out, its own claims taken back, an expired claim taken over",
        arguments: StoreImplementation.all)
    func claimsAndLeases(_ implementation: StoreImplementation) async throws {
        try await Support.withStore(implementation) { store in
            let jobs = store.audioJobs
            let now = Date()
            let ids = ["d", "e", "f", "0", "1", "2"].map { Self.id(Character($0)) }
            for (index, id) in ids.enumerated() {
                try await jobs.enqueueAudioJob(job(id, at: now.addingTimeInterval(Double(index) / 100)))
            }
            // Concurrent claimants never get the same job.
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for index in 0..<3 {
                    group.addTask {
                        try await jobs.claimAudioJobs(
                            limit: 2, by: JournalClaimant(owner: "w\(index)", lease: .seconds(30)), excluding: [],
                            now: now
                        ).map(\.job.id)
                    }
                }
                var all: [String] = []
                for try await claimed in group { all += claimed }
                return all
            }
            #expect(claims.sorted() == ids.sorted())

            let w0 = JournalClaimant(owner: "w0", lease: .seconds(30))
            let w9 = JournalClaimant(owner: "w9", lease: .seconds(30))
            // Nothing is free for another claimant while the claims hold.
            #expect(try await jobs.claimAudioJobs(limit: 10, by: w9, excluding: [], now: now).isEmpty)
            // An owner takes its own claims back (a restart under the same name), except the jobs it runs.
            let own = try await jobs.claimAudioJobs(limit: 10, by: w0, excluding: [], now: now)
            #expect(own.count == 2)
            let running = Set(own.map(\.job.id))
            #expect(try await jobs.claimAudioJobs(limit: 10, by: w0, excluding: running, now: now).isEmpty)
            #expect(own.allSatisfy { $0.attempts == 2 })
            // After the lease, anyone takes them over, and the former holder can no longer report.
            let later = now.addingTimeInterval(31)
            let taken = try await jobs.claimAudioJobs(limit: 10, by: w9, excluding: [], now: later)
            #expect(Set(taken.map(\.job.id)) == Set(ids))
            let first = try #require(own.first)
            #expect(
                try await jobs.recordAudioJobProgress(
                    id: first.job.id, by: w0, secondsTranscribed: 1, secondsTotal: 2, now: later) == false)
            #expect(try await jobs.claimAudioJobs(limit: 0, by: w9, excluding: [], now: later).isEmpty)
            // A job given back (a shutdown) is queued again, its claim not counted, and free for anyone at once.
            #expect(try await jobs.releaseAudioJob(id: first.job.id, by: w9, now: later))
            #expect(try await jobs.releaseAudioJob(id: first.job.id, by: w9, now: later) == false)
            #expect(try await jobs.audioJob(id: first.job.id, now: later)?.state == .queued)
            let again = try await jobs.claimAudioJobs(limit: 10, by: w0, excluding: [], now: later)
            #expect(again.map(\.job.id) == [first.job.id])
            #expect(again.first?.attempts == taken.first { $0.job.id == first.job.id }?.attempts)
            await #expect {
                try await jobs.claimAudioJobs(
                    limit: 1, by: JournalClaimant(owner: "x", lease: .zero), excluding: [], now: later)
            } throws: { Self.code($0) == .invalidArgument }
        }
    }
}
