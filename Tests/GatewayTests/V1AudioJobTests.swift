import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Synchronization
import TestSupport
import Testing
import Transcription

@testable import Gateway

/// `POST /v1/note/audio` past its wait: 202 with the job's status URL, progress on `GET /v1/note/{id}`, then the note
/// or the failure; cancellation by DELETE; jobs left by a stopped process finished at start. The recordings are
/// synthesized speech decoded by ffmpeg; the speech engine is a stand-in the test holds and releases, so that each
/// state can be seen.
@Suite("/v1/note/audio jobs")
struct V1AudioJobTests {
    typealias F = V1APIFixture
    typealias A = V1AudioNoteTests

    /// A speech engine that reports half its speech transcribed, then waits for ``release()`` (or its
    /// cancellation), then answers ``V1AudioNoteTests/dictation`` as one segment.
    final class HeldEngine: SpeechEngine {
        private let state = Mutex((released: false, started: 0, cancelled: 0))
        var name: String { "held" }

        func release() { state.withLock { $0.released = true } }
        var started: Int { state.withLock { $0.started } }
        var cancelled: Int { state.withLock { $0.cancelled } }

        func transcribe(
            _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (Double) -> Void)?
        ) async throws -> SpeechTranscript {
            state.withLock { $0.started += 1 }
            let total = speech.reduce(0) { $0 + $1.length }
            progress?(total / 2)
            while !state.withLock({ $0.released }) {
                do {
                    try await Task.sleep(for: .milliseconds(20))
                } catch {
                    state.withLock { $0.cancelled += 1 }
                    throw error
                }
            }
            progress?(total)
            return SpeechTranscript(
                segments: [.init(span: AudioSpan(start: 0, end: audio.seconds), text: A.dictation)],
                duration: audio.seconds)
        }
    }

    static func fixture(
        _ tools: AudioTools, engine: HeldEngine, wait: Duration = .zero, callback: String? = nil
    ) async throws -> V1APIFixture {
        let scratch = tools.path("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var configuration = V1Routes.Configuration()
        configuration.audio.temporaryDirectory = scratch
        configuration.audio.engine = engine
        configuration.audio.syncWait = wait
        configuration.audio.progressInterval = .milliseconds(50)
        configuration.audio.jobPollInterval = .milliseconds(200)
        configuration.callbackURL = callback
        return try await V1APIFixture(configuration: configuration)
    }

    /// Reads `GET /v1/note/{id}` until `done` says so (or 20 s pass), returning the last answer.
    static func poll(
        _ client: some TestClientProtocol, _ fixture: V1APIFixture, _ id: String,
        until done: (TestResponse) -> Bool
    ) async throws -> TestResponse {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let response = try await client.execute(
                uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
            if done(response) || ContinuousClock.now > deadline { return response }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func recording(_ tools: AudioTools) async throws -> [UInt8] {
        try AudioTools.bytes(try await tools.convert(try await tools.speech(A.dictation), to: "ogg"))
    }

    @Test("past the wait: 202 with Location, progress while it runs, then the note; only its key reads it")
    func acceptedThenDone() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            let fixture = try await Self.fixture(tools, engine: engine, callback: "http://127.0.0.1:9/hook")
            let recording = try await Self.recording(tools)
            try await fixture.application().test(.router) { client in
                let accepted = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: A.headers(fixture),
                    body: A.multipart(
                        fields: [("specialty", "physician"), ("include_transcript", "true")],
                        files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                #expect(accepted.status == .accepted, "\(F.json(accepted.body))")
                let body = F.json(accepted.body)
                let id = try #require(body["noteId"] as? String)
                #expect(V1Routes.isNoteID(id))
                #expect(body["status"] as? String == "processing")
                #expect(accepted.headers[.location] == "/v1/note/\(id)")
                #expect(body["status_url"] as? String == "/v1/note/\(id)")

                let halfway = try await Self.poll(client, fixture, id) { response in
                    let progress = F.json(response.body)["progress"] as? [String: Double]
                    return (progress?["seconds_transcribed"] ?? 0) > 0
                }
                #expect(halfway.status == .accepted)
                let progress = try #require(F.json(halfway.body)["progress"] as? [String: Double])
                let total = try #require(progress["seconds_total"])
                #expect(total > 3 && total < 30, "\(progress)")
                #expect((progress["seconds_transcribed"] ?? 0) < total)
                let stranger = try await fixture.key(scopes: APIScope.allCases)
                let other = try await client.execute(
                    uri: "/v1/note/\(id)", method: .get, headers: F.headers(stranger))
                #expect(other.status == .notFound)

                engine.release()
                let done = try await Self.poll(client, fixture, id) { $0.status == .ok }
                #expect(done.status == .ok)
                let note = F.json(done.body)
                #expect(note["noteId"] as? String == id)
                #expect(note["specialty"] as? String == "physician")
                #expect((note["transcript"] as? String)?.contains("fluids") == true)
                #expect(note["status"] == nil)
                #expect(try await fixture.store.audioJobCounts().isEmpty)
                // The recording was sealed while it waited, and is erased now.
                let middle = Array(recording[(recording.count / 2)..<(recording.count / 2 + 256)])
                #expect(!(try fixture.databaseBytes().contains(bytes: middle)))
                let events = try await fixture.store.dueDeliveries(now: Date().addingTimeInterval(3600), limit: 10)
                #expect(events.map(\.eventType) == ["note.generated"])
                let payload = String(decoding: events.first?.payload ?? [], as: UTF8.self)
                #expect(payload.contains(id))
            }
            #expect(A.leftovers(tools).isEmpty)
            // The transcript's words are in no log line.
            #expect(!fixture.recorder.text.contains("fluids"))
            #expect(!fixture.recorder.text.contains("cough"))
        }
    }

    @Test(
        "a retry with the same Idempotency-Key while the first job runs is that job (any multipart framing); another request under the key is refused"
    )
    func idempotentRetryJoinsTheRunningJob() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            let fixture = try await Self.fixture(tools, engine: engine, callback: "http://127.0.0.1:9/hook")
            let recording = try await Self.recording(tools)
            try await fixture.application().test(.router) { client in
                func upload(boundary: String, specialty: String) async throws -> TestResponse {
                    var headers = A.headers(fixture, boundary: boundary)
                    headers[.idempotencyKey] = "visit-2026-11-01-a"
                    return try await client.execute(
                        uri: "/v1/note/audio", method: .post, headers: headers,
                        body: A.multipart(
                            boundary: boundary, fields: [("specialty", specialty)],
                            files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                }
                let first = try await upload(boundary: "first-boundary-1", specialty: "physician")
                #expect(first.status == .accepted, "\(F.json(first.body))")
                let id = try #require(F.json(first.body)["noteId"] as? String)
                let deadline = ContinuousClock.now + .seconds(20)
                while engine.started == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                #expect(engine.started == 1)

                // The same request again (another client process: another boundary) while the job runs: that job.
                let retry = try await upload(boundary: "second-boundary-2", specialty: "physician")
                #expect(retry.status == .accepted, "\(F.json(retry.body))")
                #expect(F.json(retry.body)["noteId"] as? String == id)
                #expect(retry.headers[.location] == "/v1/note/\(id)")
                #expect(retry.headers[.idempotentReplayed] == "true")
                // Another request under the same key: the idempotency conflict, and no second job.
                let other = try await upload(boundary: "first-boundary-1", specialty: "psychiatrist")
                #expect(other.status == .unprocessableContent)
                #expect((F.json(other.body)["error"] as? [String: Any])?["code"] as? String == "IDEMPOTENCY_KEY_REUSED")
                #expect(try await fixture.store.audioJobCounts().values.reduce(0, +) == 1)

                engine.release()
                let done = try await Self.poll(client, fixture, id) { $0.status == .ok }
                #expect(done.status == .ok)
                // After the job: the stored note, as before; still the conflict for the other request.
                let after = try await upload(boundary: "third-boundary-3", specialty: "physician")
                #expect(after.status == .ok)
                #expect(F.json(after.body)["noteId"] as? String == id)
                #expect(after.headers[.idempotentReplayed] == "true")
                let otherAfter = try await upload(boundary: "first-boundary-1", specialty: "psychiatrist")
                #expect(otherAfter.status == .unprocessableContent)
                #expect(engine.started == 1)
                // One note, announced once; no job ended DUPLICATE.
                let events = try await fixture.store.dueDeliveries(now: Date().addingTimeInterval(3600), limit: 10)
                #expect(events.map(\.eventType) == ["note.generated"])
            }
        }
    }

    /// A speech engine that fails its first ``failures`` calls with `error`, then answers the dictation.
    final class FlakyEngine: SpeechEngine {
        private let calls = Mutex(0)
        let failures: Int
        let error: TranscriptionError
        var name: String { "flaky" }
        var count: Int { calls.withLock { $0 } }

        init(failures: Int, error: TranscriptionError) {
            self.failures = failures
            self.error = error
        }

        func transcribe(
            _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (Double) -> Void)?
        ) async throws -> SpeechTranscript {
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call <= failures { throw error }
            return SpeechTranscript(
                segments: [.init(span: AudioSpan(start: 0, end: audio.seconds), text: A.dictation)],
                duration: audio.seconds)
        }
    }

    @Test(
        "a transient engine failure is tried again with backoff up to audio.retry.attempts; a permanent one fails at once"
    )
    func transientFailuresRetried() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let recording = try await Self.recording(tools)
            var unavailable = TranscriptionError(.remoteHTTPStatus, reason: "the remote speech engine answered HTTP 503")
            unavailable.httpStatus = 503
            var forbidden = TranscriptionError(.remoteHTTPStatus, reason: "the remote speech engine answered HTTP 403")
            forbidden.httpStatus = 403
            let cases: [(FlakyEngine, retries: Int, status: HTTPResponse.Status, calls: Int)] = [
                (FlakyEngine(failures: 2, error: unavailable), 2, .ok, 3),
                (FlakyEngine(failures: 3, error: unavailable), 2, .badGateway, 3),
                (FlakyEngine(failures: 1, error: TranscriptionError(.remoteTimedOut, reason: "timed out")), 1, .ok, 2),
                (FlakyEngine(failures: 1, error: forbidden), 3, .badGateway, 1),
                (FlakyEngine(failures: 1, error: TranscriptionError(.silentAudio, reason: "no speech")), 3,
                 .unprocessableContent, 1),
            ]
            for (engine, retries, status, calls) in cases {
                let scratch = tools.path("scratch")
                try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
                var configuration = V1Routes.Configuration()
                configuration.audio.temporaryDirectory = scratch
                configuration.audio.engine = engine
                configuration.audio.syncWait = .seconds(30)
                configuration.audio.progressInterval = .milliseconds(50)
                configuration.audio.jobPollInterval = .milliseconds(200)
                configuration.audio.transientRetries = retries
                configuration.audio.transientRetryBackoff = .milliseconds(100)
                let fixture = try await V1APIFixture(configuration: configuration)
                try await fixture.application().test(.router) { client in
                    let started = ContinuousClock.now
                    let response = try await client.execute(
                        uri: "/v1/note/audio", method: .post, headers: A.headers(fixture),
                        body: A.multipart(files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                    #expect(response.status == status, "\(F.json(response.body))")
                    #expect(engine.count == calls)
                    // The waits between the tries were taken (100 ms, then 200 ms).
                    if calls == 3 { #expect(ContinuousClock.now - started >= .milliseconds(300)) }
                }
                let retried = fixture.recorder.text.components(
                    separatedBy: "audio job transcription failed for a transient reason; trying again"
                ).count - 1
                #expect(retried == calls - 1)
                #expect(!fixture.recorder.text.contains("fluids"))
            }
        }
    }

    @Test("within the wait the answer is the note, with 200, as before")
    func doneWithinTheWait() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            engine.release()
            let fixture = try await Self.fixture(tools, engine: engine, wait: .seconds(30))
            let recording = try await Self.recording(tools)
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: A.headers(fixture),
                    body: A.multipart(files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                #expect(response.status == .ok, "\(F.json(response.body))")
                let id = try #require(F.json(response.body)["noteId"] as? String)
                let read = try await client.execute(
                    uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
                #expect(read.status == .ok)
                #expect(Array(read.body.readableBytesView) == Array(response.body.readableBytesView))
                // Prefer: respond-async answers 202 at once even so.
                var headers = A.headers(fixture)
                headers[.prefer] = "respond-async, wait=10"
                let async = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: headers,
                    body: A.multipart(files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                #expect(async.status == .accepted)
            }
        }
    }

    @Test("a job that fails is read as failed with its error, and announced with its id; the audio is gone")
    func failed() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            let fixture = try await Self.fixture(tools, engine: engine, callback: "http://127.0.0.1:9/hook")
            let silence = try AudioTools.bytes(try await tools.convert(try await tools.silence(seconds: 3), to: "flac"))
            try await fixture.application().test(.router) { client in
                let accepted = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: A.headers(fixture),
                    body: A.multipart(files: [("audio", "quiet.flac", "audio/flac", silence)]))
                #expect(accepted.status == .accepted)
                let id = try #require(F.json(accepted.body)["noteId"] as? String)
                let read = try await Self.poll(client, fixture, id) { $0.status != .accepted }
                #expect(read.status == .ok)
                let body = F.json(read.body)
                #expect(body["status"] as? String == "failed")
                let error = try #require(body["error"] as? [String: Any])
                #expect(error["code"] as? String == "SILENT_AUDIO")
                #expect((error["details"] as? [[String: Any]])?.first?["field"] as? String == "audio")
                #expect(try await fixture.store.audioJobCounts() == [.failed: 1])
                let events = try await fixture.store.dueDeliveries(now: Date().addingTimeInterval(3600), limit: 10)
                #expect(events.map(\.eventType) == ["note.failed"])
                let payload = String(decoding: events.first?.payload ?? [], as: UTF8.self)
                #expect(payload.contains(id) && payload.contains("SILENT_AUDIO"))
                // Deleting it erases the failure too.
                let deleted = try await client.execute(
                    uri: "/v1/note/\(id)", method: .delete, headers: F.headers(fixture.key))
                #expect(deleted.status == .ok)
                let gone = try await client.execute(
                    uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
                #expect(gone.status == .notFound)
            }
            #expect(engine.started == 0)
            #expect(A.leftovers(tools).isEmpty)
        }
    }

    @Test("DELETE of a running job cancels its transcription and erases the recording")
    func deleteCancels() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            let fixture = try await Self.fixture(tools, engine: engine)
            let recording = try await Self.recording(tools)
            try await fixture.application().test(.router) { client in
                let accepted = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: A.headers(fixture),
                    body: A.multipart(files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                let id = try #require(F.json(accepted.body)["noteId"] as? String)
                _ = try await Self.poll(client, fixture, id) { _ in engine.started > 0 }
                let deleted = try await client.execute(
                    uri: "/v1/note/\(id)", method: .delete, headers: F.headers(fixture.key))
                #expect(deleted.status == .ok)
                #expect(F.json(deleted.body)["deleted"] as? Bool == true)
                let deadline = ContinuousClock.now + .seconds(10)
                while engine.cancelled == 0 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(engine.cancelled == 1)
                let gone = try await client.execute(
                    uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
                #expect(gone.status == .notFound)
                #expect(try await fixture.store.noteCount() == 0)
                #expect(try await fixture.store.audioJobCounts().isEmpty)
            }
            #expect(A.leftovers(tools).isEmpty)
        }
    }

    @Test("a shutdown cancels the running transcription and gives its job back to the queue, uncounted")
    func shutdownReleases() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            let fixture = try await Self.fixture(tools, engine: engine)
            let recording = try await Self.recording(tools)
            let id = try await fixture.application().test(.router) { client in
                let accepted = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: A.headers(fixture),
                    body: A.multipart(files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                let id = try #require(F.json(accepted.body)["noteId"] as? String)
                _ = try await Self.poll(client, fixture, id) { _ in engine.started > 0 }
                return id
            }
            #expect(engine.cancelled == 1)
            #expect(try await fixture.store.audioJob(id: id, now: Date())?.state == .queued)
            let next = try await fixture.store.claimAudioJobs(
                limit: 1, by: JournalClaimant(owner: "embedded", lease: .seconds(30)), excluding: [], now: Date())
            #expect(next.map(\.job.id) == [id])
            #expect(next.first?.attempts == 1)
            #expect(A.leftovers(tools).isEmpty)
        }
    }

    @Test("jobs a stopped process left are finished at start; one that keeps failing its workers is given up")
    func resumedAtStart() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            engine.release()
            let fixture = try await Self.fixture(tools, engine: engine)
            let recording = try await Self.recording(tools)
            let request = try AudioJobRequest(options: NoteRequestBody(), idempotencySource: nil, fingerprint: nil)
                .encoded()
            let now = Date()
            let left = "note_" + String(repeating: "1", count: 32)
            let doomed = "note_" + String(repeating: "2", count: 32)
            for id in [left, doomed] {
                try await fixture.store.enqueueAudioJob(
                    NewAudioJob(
                        id: id, ownerKeyID: fixture.key.record.id, createdAt: now,
                        expiresAt: now.addingTimeInterval(3600), audio: recording, request: request))
            }
            // The stopped process had claimed the first once, the second as often as a job is tried.
            let embedded = JournalClaimant(owner: "embedded", lease: .seconds(30))
            _ = try await fixture.store.claimAudioJobs(limit: 2, by: embedded, excluding: [], now: now)
            for _ in 1..<fixture.configuration.audio.maximumJobAttempts {
                _ = try await fixture.store.claimAudioJobs(limit: 1, by: embedded, excluding: [left], now: now)
            }
            try await fixture.application().test(.router) { client in
                let done = try await Self.poll(client, fixture, left) { $0.status == .ok }
                #expect(done.status == .ok)
                #expect(F.json(done.body)["noteId"] as? String == left)
                #expect(F.json(done.body)["subjective"] is String, "\(F.json(done.body))")
                let failed = try await Self.poll(client, fixture, doomed) { $0.status != .accepted }
                let error = F.json(failed.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "TRANSCRIPTION_FAILED", "\(F.json(failed.body))")
            }
        }
    }

    @Test("an upload whose job another instance on the same database finishes is answered its note within the wait")
    func finishedByAnotherInstance() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = HeldEngine()
            engine.release()
            let fixture = try await Self.fixture(tools, engine: engine, wait: .seconds(20))
            let recording = try await Self.recording(tools)
            // This instance's routes without their worker; the other instance's worker runs the job.
            let router = Router(context: APIRequestContext.self)
            V1Routes(
                store: fixture.store, signal: fixture.signal, configuration: fixture.configuration,
                logger: fixture.logger
            )
            .register(on: router)
            let application = Application(
                router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                logger: fixture.logger)
            let other = V1Routes(
                keys: fixture.store, notes: fixture.store, audit: fixture.store, webhooks: fixture.store,
                audioJobs: fixture.store, signal: fixture.signal, configuration: fixture.configuration,
                audioJobOwner: "other-host/0a1b2c", logger: fixture.logger)
            try await application.test(.router) { client in
                async let answer = client.execute(
                    uri: "/v1/note/audio", method: .post, headers: A.headers(fixture),
                    body: A.multipart(files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                var claimed: [AudioJob] = []
                let deadline = ContinuousClock.now + .seconds(10)
                while claimed.isEmpty && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                    claimed = try await fixture.store.claimAudioJobs(
                        limit: 1, by: other.audioJobRunner.claimant, excluding: [], now: Date())
                }
                let job = try #require(claimed.first)
                let started = ContinuousClock.now
                await other.audioJobRunner.run(job)
                let response = try await answer
                #expect(response.status == .ok, "\(F.json(response.body))")
                #expect(F.json(response.body)["noteId"] as? String == job.job.id)
                #expect(ContinuousClock.now - started < .seconds(5))
            }
        }
    }

    @Test("Prefer: respond-async and wait= shorten the wait, never lengthen it; anything else is ignored")
    func preferences() {
        func wait(_ values: [String]) -> Duration {
            var fields = HTTPFields()
            for value in values { fields.append(HTTPField(name: .prefer, value: value)) }
            let request = Request(
                head: HTTPRequest(
                    method: .post, scheme: "http", authority: "x", path: "/v1/note/audio", headerFields: fields),
                body: RequestBody(buffer: ByteBuffer()))
            return V1Routes.syncWait(request, configured: .seconds(30))
        }
        #expect(wait([]) == .seconds(30))
        #expect(wait(["respond-async"]) == .zero)
        #expect(wait(["wait=5"]) == .seconds(5))
        #expect(wait(["wait=500"]) == .seconds(30))
        #expect(wait(["handling=lenient", "return=minimal; x=1, Wait = 7"]) == .seconds(7))
        #expect(wait(["wait=-1", "wait=abc", "wait=99999999999999999999", "respond-async-ish"]) == .seconds(30))
    }
}
