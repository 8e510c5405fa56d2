import Curl
import Foundation
import Logging
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

@testable import Transcription

/// The remote engine and the fallback against a real HTTP peer on 127.0.0.1 (an ephemeral port) that answers what
/// each test needs; the end-to-end test with a server that really transcribes is `Tests/integration/
/// test_audio_remote_engine.py`.
@Suite("RemoteSpeechEngine and FallbackSpeechEngine against a local peer")
struct RemoteSpeechEngineTests {
    static let key = "sk-test-remote-key-4711"

    /// Three seconds of audio whose speech lies at 0.5–1.5 s and 2.0–2.8 s.
    static let audio = PCMAudio(samples: [Int16](repeating: 100, count: 48_000), sampleRate: 16_000)
    static let speech = [AudioSpan(start: 0.5, end: 1.5), AudioSpan(start: 2.0, end: 2.8)]

    static func engine(
        _ server: TestHTTPServer, logger: Logger = Logger(label: "test"), timeout: Duration = .seconds(10),
        port: Int? = nil
    ) -> RemoteSpeechEngine {
        RemoteSpeechEngine(
            configuration: RemoteSpeechEngine.Configuration(
                baseURL: "http://127.0.0.1:\(port ?? server.port)", model: "tiny.en", language: "en", key: key,
                connectTimeout: .seconds(2), timeout: timeout),
            logger: logger)
    }

    static func json(_ text: String, status: Int = 200) -> Reply {
        Reply(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }

    static let answer = json(
        #"{"text":"the patient has a cough","segments":[{"start":0.1,"end":0.9,"text":" the patient"},"#
            + #"{"start":1.6,"end":9.0,"text":"has a cough "}]}"#)

    @Test("the upload is a multipart WAV of the speech with the bearer key; the segments land at their times")
    func success() async throws {
        let recorder = LogRecorder()
        try await withServer(respond: { _ in Self.answer }) { server in
            let progress = Box<[Double]>([])
            let transcript = try await Self.engine(server, logger: recorder.logger())
                .transcribe(Self.audio, speech: Self.speech) { done in progress.value.withLock { $0.append(done) } }
            #expect(transcript.text == "the patient has a cough")
            #expect(
                transcript.segments.map(\.span) == [AudioSpan(start: 0.6, end: 1.4), AudioSpan(start: 2.1, end: 2.8)])
            #expect(transcript.duration == 3)
            #expect(progress.value.withLock { $0 }.count == 1)
            #expect(abs((progress.value.withLock { $0 }.first ?? 0) - 1.8) < 1e-9)
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == "POST" && request.uri == "/v1/audio/transcriptions")
            #expect(request.headers["authorization"] == ["Bearer \(Self.key)"])
            let contentType = try #require(request.headers["content-type"].first)
            #expect(contentType.hasPrefix("multipart/form-data; boundary=NoteBridge-"))
            let body = String(decoding: request.body, as: UTF8.self)
            for field in [
                "name=\"model\"\r\n\r\ntiny.en\r\n", "name=\"response_format\"\r\n\r\nverbose_json\r\n",
                "name=\"language\"\r\n\r\nen\r\n", "name=\"file\"; filename=\"audio.wav\"\r\nContent-Type: audio/wav",
            ] {
                #expect(body.contains(field), "\(field)")
            }
            // 0.5 s to 2.8 s of 16 kHz 16-bit mono: 36,800 samples, 73,600 bytes after the 44-byte header.
            #expect(body.contains("RIFF") && request.body.count > 73_600 + 44)
        }
        #expect(!recorder.text.contains(Self.key) && !recorder.text.contains("cough"))
    }

    @Test(
        "error statuses: a refusal of the recording, or a failure of the service",
        arguments: [
            (503, TranscriptionError.Code.remoteHTTPStatus), (500, .remoteHTTPStatus), (401, .remoteHTTPStatus),
            (429, .remoteHTTPStatus), (400, .remoteRefusedAudio), (413, .remoteRefusedAudio),
            (415, .remoteRefusedAudio), (422, .remoteRefusedAudio),
        ])
    func statuses(status: Int, code: TranscriptionError.Code) async throws {
        try await withServer(respond: { _ in
            Self.json(#"{"error":{"message":"the patient said metformin"}}"#, status: status)
        }) {
            server in
            let error = try await #require(throws: TranscriptionError.self) {
                try await Self.engine(server).transcribe(Self.audio, speech: Self.speech, progress: nil)
            }
            #expect(error.code == code)
            #expect(error.reason.contains("HTTP \(status)") && !error.reason.contains("metformin"))
        }
    }

    @Test("an error status keeps the status it answered, which says whether trying again may help")
    func statusKept() {
        let overloaded = RemoteSpeechEngine.failure(status: 503)
        #expect(overloaded.code == .remoteHTTPStatus && overloaded.httpStatus == 503 && overloaded.isTransient)
        let refused = RemoteSpeechEngine.failure(status: 415)
        #expect(refused.code == .remoteRefusedAudio && refused.httpStatus == 415 && !refused.isTransient)
        let unauthorized = RemoteSpeechEngine.failure(status: 401)
        #expect(unauthorized.httpStatus == 401 && !unauthorized.isTransient)
        #expect(RemoteSpeechEngine.failure(status: 429).isTransient)
    }

    @Test("a malformed answer, a refused connection and a timeout each have their own error")
    func transferFailures() async throws {
        try await withServer(respond: { _ in Self.json("<html>metformin</html>") }) { server in
            let error = try await #require(throws: TranscriptionError.self) {
                try await Self.engine(server).transcribe(Self.audio, speech: Self.speech, progress: nil)
            }
            #expect(error.code == .remoteMalformedAnswer && !error.reason.contains("metformin"))
        }
        let closed = try await TestHTTPServer.start { _ in Reply() }
        let closedPort = closed.port
        try await closed.close()
        let refused = try await #require(throws: TranscriptionError.self) {
            try await Self.engine(closed, port: closedPort).transcribe(Self.audio, speech: Self.speech, progress: nil)
        }
        #expect(refused.code == .remoteUnreachable && refused.reason.contains("connection refused"))
        // The answer comes long after the 1 s timeout, so that the bound below holds on a loaded machine too.
        try await withServer(respond: { _ in Reply(status: 200, body: [], delay: .seconds(30)) }) { server in
            let started = ContinuousClock.now
            let error = try await #require(throws: TranscriptionError.self) {
                try await Self.engine(server, timeout: .seconds(1)).transcribe(
                    Self.audio, speech: Self.speech, progress: nil)
            }
            #expect(error.code == .remoteTimedOut && error.reason.contains("timed out"))
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    /// An engine that answers one fixed transcript and counts its calls (the stand-in for the embedded engine).
    struct StandIn: SpeechEngine {
        let calls = Box(0)
        var name: String { "stand-in" }
        func transcribe(
            _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (Double) -> Void)?
        ) async throws -> SpeechTranscript {
            calls.value.withLock { $0 += 1 }
            return SpeechTranscript(segments: [.init(span: speech[0], text: "embedded words")], duration: audio.seconds)
        }
    }

    /// A value shared with an escaping closure.
    final class Box<Value: Sendable>: Sendable {
        let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
    }

    @Test("the fallback is used on a 5xx, a malformed answer or a refused connection, not on a refusal of the audio")
    func fallback() async throws {
        let recorder = LogRecorder()
        let reasons = Box<[FallbackSpeechEngine.Reason]>([])
        let standIn = StandIn()
        let status = Box(503)
        try await withServer(respond: { _ in
            let current = status.value.withLock { $0 }
            return current == 200 ? Self.json("{]") : Self.json("{}", status: current)
        }) { server in
            let engine = FallbackSpeechEngine(
                primary: Self.engine(server, logger: recorder.logger()), fallback: standIn,
                logger: recorder.logger()
            ) { reason in reasons.value.withLock { $0.append(reason) } }
            #expect(engine.name == "remote+stand-in")
            let viaFallback = try await engine.transcribe(Self.audio, speech: Self.speech, progress: nil)
            #expect(viaFallback.text == "embedded words")
            status.value.withLock { $0 = 200 }
            _ = try await engine.transcribe(Self.audio, speech: Self.speech, progress: nil)
            status.value.withLock { $0 = 413 }
            let refused = try await #require(throws: TranscriptionError.self) {
                try await engine.transcribe(Self.audio, speech: Self.speech, progress: nil)
            }
            #expect(refused.code == .remoteRefusedAudio)
        }
        #expect(reasons.value.withLock { $0 } == [.httpStatus, .malformedAnswer])
        #expect(standIn.calls.value.withLock { $0 } == 2)
        let fallbacks = recorder.all.filter { $0.message.contains("fallback engine") }
        #expect(
            fallbacks.map { $0.metadata["nb.transcription.fallback_reason"] } == ["http_status", "malformed_answer"])
        #expect(
            fallbacks.first?.metadata["nb.transcription.error_reason"] == "the remote speech engine answered HTTP 503")
        #expect(!recorder.text.contains(Self.key) && !recorder.text.contains("embedded words"))
        #expect(FallbackSpeechEngine.Reason(CancellationError()) == nil)
        #expect(FallbackSpeechEngine.Reason(TranscriptionError(.remoteTimedOut, reason: "")) == .timeout)
        #expect(FallbackSpeechEngine.Reason(TranscriptionError(.remoteUnreachable, reason: "")) == .unreachable)
        #expect(FallbackSpeechEngine.Reason(TranscriptionError(.corruptAudio, reason: "")) == nil)
    }

    @Test("a long recording goes in pieces cut at pauses, each answer moved to its piece's place")
    func pieces() async throws {
        let audio = PCMAudio(samples: [Int16](repeating: 100, count: 16_000 * 40), sampleRate: 16_000)
        let speech = [AudioSpan(start: 1, end: 5), AudioSpan(start: 8, end: 9), AudioSpan(start: 20, end: 25)]
        try await withServer(respond: { _ in Self.json(#"{"text":"a","segments":[{"start":0.5,"end":1,"text":"a"}]}"#) }
        ) {
            server in
            var engine = Self.engine(server)
            engine.configuration.maximumChunkSeconds = 10
            let progress = Box<[Double]>([])
            let transcript = try await engine.transcribe(audio, speech: speech) { done in
                progress.value.withLock { $0.append(done) }
            }
            #expect(server.requests.count == 2)
            #expect(
                transcript.segments.map(\.span) == [AudioSpan(start: 1.5, end: 2), AudioSpan(start: 20.5, end: 21)])
            #expect(progress.value.withLock { $0 } == [5, 10])
            // 1–9 s and 20–25 s of 16-bit samples at 16 kHz, each after a 44-byte header.
            let sizes = server.requests.map(\.body.count)
            #expect(sizes[0] > 8 * 32_000 + 44 && sizes[0] < 8 * 32_000 + 1_000)
            #expect(sizes[1] > 5 * 32_000 + 44 && sizes[1] < 5 * 32_000 + 1_000)
        }
    }

    @Test("a cancelled transcription stops the upload and is not handed to the fallback engine")
    func cancellation() async throws {
        let standIn = StandIn()
        // The service would answer after 30 s; a cancelled upload returns long before, also on a loaded machine
        // (the bound says the transfer was stopped, not how fast).
        try await withServer(respond: { _ in Reply(status: 200, body: [], delay: .seconds(30)) }) { server in
            let engine = FallbackSpeechEngine(primary: Self.engine(server), fallback: standIn)
            let started = ContinuousClock.now
            let task = Task { try await engine.transcribe(Self.audio, speech: Self.speech, progress: nil) }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(ContinuousClock.now - started < .seconds(20))
        }
        #expect(standIn.calls.value.withLock { $0 } == 0)
    }

    @Test("a key is read from one line of a file or from a named environment variable, and checked")
    func keys() throws {
        let tools = try AudioTools()
        defer { tools.remove() }
        let path = tools.path("key")
        try Array("sk-from-file\n".utf8).write(to: path)
        #expect(try RemoteSpeechEngine.Configuration.key(fromFile: path) == "sk-from-file")
        try Array("two\nlines\n".utf8).write(to: path)
        let twoLines = try #require(throws: RemoteSpeechEngine.Configuration.Problem.self) {
            try RemoteSpeechEngine.Configuration.key(fromFile: path)
        }
        #expect(twoLines.setting == .keyFile && !twoLines.reason.contains("lines"))
        #expect(
            try RemoteSpeechEngine.Configuration.key(fromVariable: "STT_KEY", environment: ["STT_KEY": "sk-env"])
                == "sk-env")
        let unset = try #require(throws: RemoteSpeechEngine.Configuration.Problem.self) {
            try RemoteSpeechEngine.Configuration.key(fromVariable: "STT_KEY", environment: [:])
        }
        #expect(unset.setting == .keyVariable && unset.reason.contains("STT_KEY is not set"))
    }
}

extension Array where Element == UInt8 {
    fileprivate func write(to path: String) throws {
        try Data(self).write(to: URL(fileURLWithPath: path))
    }
}
