import Foundation
import HTTPTypes
import Logging
import Testing
import Transcription

@testable import Gateway

@Suite("Audio configuration: the speech model, the remote engine and its errors")
struct AudioConfigurationTests {
    @Test("the clinical model by default, the stock model by choice, the folder configurable, a bad name refused")
    func speechModel() throws {
        let defaults = try GatewayConfiguration.load(file: nil, environment: [:])
        #expect(defaults.api.audio.speechModel == .clinical(in: "models/speech"))
        let stock = try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_AUDIO_SPEECH_MODEL": "stock"])
        #expect(stock.api.audio.speechModel == .debianUSEnglish)
        let moved = try GatewayConfiguration.load(
            file: nil, environment: ["NOTEBRIDGE_AUDIO_SPEECH_MODEL_DIRECTORY": "/opt/notebridge/models/speech"])
        #expect(moved.api.audio.speechModel?.languageModel == "/opt/notebridge/models/speech/clinical-en-us.lm.bin")
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_AUDIO_SPEECH_MODEL": "whisper"])
        }
    }

    @Test("audio.syncWaitSeconds: 30 by default, 0 to answer 202 at once, out of range refused with the key named")
    func syncWait() throws {
        #expect(try GatewayConfiguration.load(file: nil, environment: [:]).api.audio.syncWait == .seconds(30))
        let never = try GatewayConfiguration.load(
            file: nil, environment: ["NOTEBRIDGE_AUDIO_SYNC_WAIT_SECONDS": "0"])
        #expect(never.api.audio.syncWait == .zero)
        for bad in ["-1", "3601", "soon"] {
            #expect {
                try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_AUDIO_SYNC_WAIT_SECONDS": bad])
            } throws: { ($0 as? ConfigurationError)?.key == "audio.syncWaitSeconds" }
        }
    }

    @Test("audio.retry.*: 3 retries from 2 s doubling to 60 s by default; configurable; out of range refused")
    func transientRetries() throws {
        let defaults = try GatewayConfiguration.load(file: nil, environment: [:]).api.audio
        #expect(defaults.transientRetries == 3)
        #expect(
            (1...7).map { defaults.transientRetryDelay(before: $0) }
                == [.seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(32), .seconds(60), .seconds(60)])
        let set = try GatewayConfiguration.load(
            file: nil,
            environment: [
                "NOTEBRIDGE_AUDIO_RETRY_ATTEMPTS": "0", "NOTEBRIDGE_AUDIO_RETRY_BACKOFF_SECONDS": "5",
                "NOTEBRIDGE_AUDIO_RETRY_MAX_BACKOFF_SECONDS": "7",
            ]
        ).api.audio
        #expect(set.transientRetries == 0)
        #expect([1, 2, 3].map { set.transientRetryDelay(before: $0) } == [.seconds(5), .seconds(7), .seconds(7)])
        for (variable, key, bad) in [
            ("NOTEBRIDGE_AUDIO_RETRY_ATTEMPTS", "audio.retry.attempts", "21"),
            ("NOTEBRIDGE_AUDIO_RETRY_BACKOFF_SECONDS", "audio.retry.backoffSeconds", "-1"),
            ("NOTEBRIDGE_AUDIO_RETRY_MAX_BACKOFF_SECONDS", "audio.retry.maxBackoffSeconds", "0"),
        ] {
            #expect {
                try GatewayConfiguration.load(file: nil, environment: [variable: bad])
            } throws: { ($0 as? ConfigurationError)?.key == key }
        }
    }

    @Test("transient: unreachable, timed out, unreadable, 408/425/429/5xx; never the recording's own problems")
    func transientErrors() {
        func status(_ code: Int) -> TranscriptionError {
            var error = TranscriptionError(.remoteHTTPStatus, reason: "the remote speech engine answered HTTP \(code)")
            error.httpStatus = code
            return error
        }
        #expect(TranscriptionError(.remoteUnreachable, reason: "r").isTransient)
        #expect(TranscriptionError(.remoteTimedOut, reason: "r").isTransient)
        #expect(TranscriptionError(.remoteMalformedAnswer, reason: "r").isTransient)
        #expect([500, 502, 503, 504, 408, 425, 429].allSatisfy { status($0).isTransient })
        #expect(![401, 403, 404, 410].contains { status($0).isTransient })
        for code in [
            TranscriptionError.Code.corruptAudio, .silentAudio, .unsupportedContainer, .tooLarge, .tooLong,
            .engineFailed, .engineUnavailable, .decoderUnavailable, .remoteRefusedAudio,
        ] {
            #expect(!TranscriptionError(code, reason: "r").isTransient)
        }
    }

    @Test("setting the model keeps the embedded engine's other settings")
    func modelKeepsEngine() {
        var audio = AudioConfiguration()
        audio.engine = PocketSphinxEngine(workers: 3, threadNiceness: 5)
        audio.speechModel = .clinical(in: "m")
        let engine = audio.engine as? PocketSphinxEngine
        #expect(engine?.workers == 3)
        #expect(engine?.threadNiceness == 5)
        #expect(engine?.model.dictionary == "m/clinical-en-us.dict")
    }

    static let remote = [
        "NOTEBRIDGE_AUDIO_ENGINE": "remote", "NOTEBRIDGE_AUDIO_REMOTE_URL": "https://stt.example.org:8443",
    ]

    @Test("audio.engine remote reads audio.remote.*; the engine falls back to the embedded one unless told not to")
    func remoteEngine() throws {
        let environment = Self.remote.merging([
            "NOTEBRIDGE_AUDIO_REMOTE_MODEL": "Systran/faster-whisper-small", "NOTEBRIDGE_AUDIO_REMOTE_LANGUAGE": "en",
            "NOTEBRIDGE_AUDIO_REMOTE_KEY_VARIABLE": "STT_KEY", "STT_KEY": "sk-configured-9",
            "NOTEBRIDGE_AUDIO_REMOTE_TIMEOUT_SECONDS": "45", "NOTEBRIDGE_AUDIO_REMOTE_CONNECT_TIMEOUT_SECONDS": "3",
            "NOTEBRIDGE_AUDIO_REMOTE_MAX_RESPONSE_BYTES": "65536", "NOTEBRIDGE_AUDIO_REMOTE_MAX_CHUNK_SECONDS": "120",
        ]) { $1 }
        let loaded = try GatewayConfiguration.load(file: nil, environment: environment)
        let remote = try #require(loaded.api.audio.remote?.configuration)
        #expect(remote.endpoint == "https://stt.example.org:8443/v1/audio/transcriptions")
        #expect(remote.model == "Systran/faster-whisper-small" && remote.language == "en")
        #expect(remote.key == "sk-configured-9")
        #expect(remote.timeout == .seconds(45) && remote.connectTimeout == .seconds(3))
        #expect(remote.maximumResponseBytes == 65_536 && remote.maximumChunkSeconds == 120)
        #expect(loaded.api.audio.fallbackToEmbedded)
        let engine = loaded.api.audio.speechEngine(logger: Logger(label: "test"))
        #expect(engine.name == "remote+pocketsphinx")
        var strict = loaded.api.audio
        strict.fallbackToEmbedded = false
        #expect(strict.speechEngine(logger: Logger(label: "test")).name == "remote")
        let embedded = try GatewayConfiguration.load(file: nil, environment: [:])
        #expect(embedded.api.audio.remote == nil)
        #expect(embedded.api.audio.speechEngine(logger: Logger(label: "test")).name == "pocketsphinx")
    }

    @Test(
        "remote settings that cannot work are refused at start with the key named, never the bearer key",
        arguments: [
            (["NOTEBRIDGE_AUDIO_ENGINE": "whisper"], "audio.engine"),
            (["NOTEBRIDGE_AUDIO_ENGINE": "remote"], "audio.remote.url"),
            (["NOTEBRIDGE_AUDIO_REMOTE_URL": "http://127.0.0.1:8000"], "audio.remote.url"),
            (["NOTEBRIDGE_AUDIO_REMOTE_FALLBACK": "false"], "audio.remote.fallback"),
            (remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_URL": "stt.example.org"]) { $1 }, "audio.remote.url"),
            (remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_MODEL": "two words"]) { $1 }, "audio.remote.model"),
            (remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_LANGUAGE": "English"]) { $1 }, "audio.remote.language"),
            (remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_KEY_FILE": "/nonexistent/key"]) { $1 }, "audio.remote.keyFile"),
            (
                remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_KEY_VARIABLE": "UNSET_STT_KEY"]) { $1 },
                "audio.remote.keyVariable"
            ),
            (
                remote.merging([
                    "NOTEBRIDGE_AUDIO_REMOTE_KEY_VARIABLE": "STT_KEY", "STT_KEY": "sk secret with spaces",
                ]) { $1 }, "audio.remote.keyVariable"
            ),
            (remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_TIMEOUT_SECONDS": "0"]) { $1 }, "audio.remote.timeoutSeconds"),
            (remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_CA_FILE": "/nonexistent/ca.pem"]) { $1 }, "audio.remote.caFile"),
            (remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_FALLBACK": "sometimes"]) { $1 }, "audio.remote.fallback"),
            (
                remote.merging(["NOTEBRIDGE_AUDIO_REMOTE_MAX_CHUNK_SECONDS": "5"]) { $1 },
                "audio.remote.maxChunkSeconds"
            ),
        ])
    func remoteRefused(environment: [String: String], key: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(file: nil, environment: environment)
        }
        #expect(error.key == key, "\(error)")
        #expect(!error.description.contains("secret"))
    }

    @Test("the console's settings show the remote engine without its key")
    func settingsHideTheKey() throws {
        let loaded = try GatewayConfiguration.load(
            file: nil,
            environment: Self.remote.merging([
                "NOTEBRIDGE_AUDIO_REMOTE_KEY_VARIABLE": "STT_KEY", "STT_KEY": "sk-console-secret",
            ]) { $1 })
        let rows = SettingsView(loaded).groups.flatMap(\.rows)
        #expect(rows.contains { $0.key == "audio.engine" && $0.value == "remote" })
        #expect(rows.contains { $0.key == "audio.remote.url" && $0.value == "https://stt.example.org:8443" })
        #expect(rows.contains { $0.key == "audio.remote.key" && $0.value == "<redacted>" })
        #expect(!rows.contains { $0.value.contains("sk-console-secret") })
        #expect(!"\(loaded.api.audio.remote.map { "\($0)" } ?? "")".contains("sk-console-secret"))
    }

    @Test(
        "remote engine failures become specific /v1 errors naming what happened",
        arguments: [
            (TranscriptionError.Code.remoteUnreachable, 502, "REMOTE_TRANSCRIPTION_FAILED"),
            (.remoteHTTPStatus, 502, "REMOTE_TRANSCRIPTION_FAILED"),
            (.remoteMalformedAnswer, 502, "REMOTE_TRANSCRIPTION_FAILED"),
            (.remoteTimedOut, 504, "REMOTE_TRANSCRIPTION_TIMEOUT"),
            (.remoteRefusedAudio, 422, "REMOTE_TRANSCRIPTION_REFUSED"),
        ])
    func remoteErrors(code: TranscriptionError.Code, status: Int, apiCode: String) {
        let error = APIError.audio(TranscriptionError(code, reason: "the remote speech engine answered HTTP 503"))
        #expect(error.status.code == status && error.code == apiCode)
        #expect(error.message.contains("answered HTTP 503"))
        #expect(error.details.first?.field == "audio")
    }

    @Test("every audio.remote key is documented and read")
    func documented() {
        let documented = Set(ConfigurationKey.all.map(\.path).filter { $0.hasPrefix("audio.remote.") })
        #expect(documented.count == 13)
        #expect(documented.contains("audio.remote.keyFile") && documented.contains("audio.remote.fallback"))
    }
}
