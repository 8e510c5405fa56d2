import ArgumentParser
import Curl
import Foundation
import Logging
import Synchronization
import Transcription

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The audio limits `transcribe` and `note --audio` take.
struct AudioLimitOptions: ParsableArguments {
    @Option(name: .customLong("max-audio-bytes"), help: "The largest audio file accepted, in bytes.")
    var maximumBytes = TranscriptionLimits.default.maximumBytes

    @Option(name: .customLong("max-audio-seconds"), help: "The longest audio accepted, in seconds.")
    var maximumSeconds = Int(TranscriptionLimits.default.maximumDuration.components.seconds)

    @Option(
        name: .customLong("transcription-threads"), help: "Speech segments decoded at once (default: one per core).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(
        name: .customLong("speech-model"),
        help: "clinical (the project's clinical language model and dictionary) or stock (Debian's general English).")
    var speechModel: PocketSphinxEngine.Preset = .clinical

    @Option(
        name: .customLong("speech-model-dir"),
        help:
            "The folder of the clinical speech model (default: models/speech, or NOTEBRIDGE_AUDIO_SPEECH_MODEL_DIRECTORY)."
    )
    var speechModelDirectory =
        ProcessInfo.processInfo.environment["NOTEBRIDGE_AUDIO_SPEECH_MODEL_DIRECTORY"]
        ?? PocketSphinxEngine.Model.clinicalDirectory

    @Option(
        name: .customLong("speech-engine"),
        help:
            "embedded (PocketSphinx on this machine, the default) or remote (an OpenAI-compatible /v1/audio/transcriptions service at --remote-url)."
    )
    var speechEngine: SpeechEngineChoice = .embedded

    @Option(
        name: .customLong("remote-url"),
        help: "With --speech-engine remote: the service's base URL (requests go to <url>/v1/audio/transcriptions).")
    var remoteURL: String?

    @Option(name: .customLong("remote-model"), help: "The model the remote service is asked for.")
    var remoteModel = RemoteSpeechEngine.Configuration.defaultModel

    @Option(
        name: .customLong("remote-language"), help: "The spoken language as ISO-639-1 (default: the service guesses).")
    var remoteLanguage: String?

    @Option(name: .customLong("remote-key-file"), help: "A file holding the remote service's bearer key on one line.")
    var remoteKeyFile: String?

    @Option(
        name: .customLong("remote-key-variable"),
        help: "The name of an environment variable holding the remote service's bearer key.")
    var remoteKeyVariable: String?

    @Option(name: .customLong("remote-timeout"), help: "Seconds one upload to the remote service may take.")
    var remoteTimeout = 300

    @Option(
        name: .customLong("remote-ca-file"), help: "PEM CA certificates the service's certificate must chain to.")
    var remoteCAFile: String?

    @Option(
        name: .customLong("remote-client-certificate"), help: "PEM client certificate for mutual TLS with the service.")
    var remoteClientCertificate: String?

    @Option(name: .customLong("remote-client-key"), help: "PEM private key of --remote-client-certificate.")
    var remoteClientKey: String?

    @Flag(
        name: .customLong("no-fallback"),
        help:
            "With --speech-engine remote: fail when the service does (unreachable, timeout, error status) instead of transcribing on this machine."
    )
    var noFallback = false

    @Option(name: .customLong("search-beam"), help: .hidden)
    var beam: Double?

    @Option(name: .customLong("search-word-beam"), help: .hidden)
    var wordBeam: Double?

    @Option(name: .customLong("search-max-hmms"), help: .hidden)
    var maximumHMMs: Int?

    @Option(name: .customLong("search-max-words"), help: .hidden)
    var maximumWords: Int?

    @Option(name: .customLong("search-language-weight"), help: .hidden)
    var languageWeight: Double?

    @Option(name: .customLong("search-insertion-penalty"), help: .hidden)
    var insertionPenalty: Double?

    /// The model the options name, with any search setting given on the command line (for measurements).
    var model: PocketSphinxEngine.Model {
        var model = PocketSphinxEngine.Model.preset(speechModel, directory: speechModelDirectory)
        if let beam { model.search.beam = beam }
        if let wordBeam { model.search.wordBeam = wordBeam }
        if let maximumHMMs { model.search.maximumHMMsPerFrame = maximumHMMs }
        if let maximumWords { model.search.maximumWordsPerFrame = maximumWords }
        if let languageWeight { model.search.languageWeight = languageWeight }
        if let insertionPenalty { model.search.wordInsertionPenalty = insertionPenalty }
        return model
    }

    /// Transcribes `path` with the embedded engine, showing progress on a terminal; failures become a
    /// `CommandFailure` (exit 2 for a file that cannot be read or a missing decoder or model, 1 for bad audio).
    func transcribe(_ path: String) async throws -> SpeechTranscript {
        guard maximumBytes > 0, maximumSeconds > 0, threads > 0 else {
            throw CommandFailure(
                message: "--max-audio-bytes, --max-audio-seconds and --transcription-threads must be positive",
                exitCode: 2)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CommandFailure(message: "\(path): cannot read the file", exitCode: 2)
        }
        let limits = TranscriptionLimits(maximumBytes: maximumBytes, maximumDuration: .seconds(maximumSeconds))
        // The command prints the transcript; its own log would only mix into the output.
        let quiet = Logger(label: "nb.transcription") { _ in SwiftLogNoOpLogHandler() }
        let transcriber = AudioTranscriber(
            decoder: AudioDecoder(limits: limits, logger: quiet), engine: try engine(logger: quiet), logger: quiet)
        let bar = ProgressBar(label: "transcribing")
        defer { bar.finish() }
        do {
            return try await transcriber.transcribe(file: path) { done, total in bar.show(done: done, total: total) }
        } catch let error as TranscriptionError {
            let setup: Set<TranscriptionError.Code> = [
                .decoderUnavailable, .engineUnavailable, .remoteUnreachable, .remoteTimedOut, .remoteHTTPStatus,
                .remoteMalformedAnswer,
            ]
            throw CommandFailure(message: "\(path): \(error.reason)", exitCode: setup.contains(error.code) ? 2 : 1)
        }
    }
}

/// The speech engines `--speech-engine` chooses between.
enum SpeechEngineChoice: String, ExpressibleByArgument, CaseIterable {
    /// PocketSphinx on this machine.
    case embedded
    /// An OpenAI-compatible service.
    case remote
}

extension AudioLimitOptions {
    /// The engine the options name: the embedded one, or the remote one falling back to it (unless --no-fallback),
    /// a fallback being told on standard error. Options that cannot work fail with exit status 2, naming the option.
    func engine(logger: Logger) throws -> any SpeechEngine {
        let embedded = PocketSphinxEngine(model: model, workers: threads)
        let remoteOptions: [(String, Bool)] = [
            ("--remote-url", remoteURL != nil), ("--remote-language", remoteLanguage != nil),
            ("--remote-key-file", remoteKeyFile != nil), ("--remote-key-variable", remoteKeyVariable != nil),
            ("--remote-ca-file", remoteCAFile != nil), ("--remote-client-certificate", remoteClientCertificate != nil),
            ("--remote-client-key", remoteClientKey != nil), ("--no-fallback", noFallback),
        ]
        guard speechEngine == .remote else {
            if let stray = remoteOptions.first(where: \.1) {
                throw CommandFailure(message: "\(stray.0) is read only with --speech-engine remote", exitCode: 2)
            }
            return embedded
        }
        let options: [RemoteSpeechEngine.Configuration.Problem.Setting: String] = [
            .baseURL: "--remote-url", .model: "--remote-model", .language: "--remote-language",
            .keyFile: "--remote-key-file", .keyVariable: "--remote-key-variable", .caFile: "--remote-ca-file",
            .clientCertificate: "--remote-client-certificate", .clientKey: "--remote-client-key",
            .timeout: "--remote-timeout", .key: "--remote-key-file",
        ]
        do {
            guard let remoteURL else {
                throw CommandFailure(message: "--speech-engine remote needs --remote-url", exitCode: 2)
            }
            guard remoteKeyFile == nil || remoteKeyVariable == nil else {
                throw CommandFailure(
                    message: "give the key once: --remote-key-file or --remote-key-variable", exitCode: 2)
            }
            guard (1...86_400).contains(remoteTimeout) else {
                throw CommandFailure(message: "--remote-timeout must be from 1 to 86400 seconds", exitCode: 2)
            }
            var configuration = RemoteSpeechEngine.Configuration(
                baseURL: remoteURL, model: remoteModel, language: remoteLanguage, timeout: .seconds(remoteTimeout),
                tls: CurlTLSConfiguration(
                    caFile: remoteCAFile, clientCertificateFile: remoteClientCertificate,
                    clientKeyFile: remoteClientKey))
            if let remoteKeyFile {
                configuration.key = try RemoteSpeechEngine.Configuration.key(fromFile: remoteKeyFile)
            }
            if let remoteKeyVariable {
                configuration.key = try RemoteSpeechEngine.Configuration.key(
                    fromVariable: remoteKeyVariable, environment: ProcessInfo.processInfo.environment)
            }
            try configuration.check()
            let remote = RemoteSpeechEngine(configuration: configuration, logger: logger)
            guard !noFallback else { return remote }
            return FallbackSpeechEngine(primary: remote, fallback: embedded, logger: logger) { reason in
                Terminal.error("the remote speech engine failed (\(reason.rawValue)); transcribing on this machine")
            }
        } catch let problem as RemoteSpeechEngine.Configuration.Problem {
            throw CommandFailure(
                message: "\(options[problem.setting] ?? "--remote-url"): \(problem.reason)", exitCode: 2)
        }
    }
}

/// A one-line progress bar on standard error, shown only when standard error is a terminal.
final class ProgressBar: Sendable {
    private let label: String
    private let enabled: Bool
    private let shown = Mutex<Int>(-1)

    init(label: String) {
        self.label = label
        enabled = isatty(STDERR_FILENO) == 1
    }

    /// Shows `done` of `total` (seconds of audio), redrawing only when the percentage changes.
    func show(done: Double, total: Double) {
        guard enabled, total > 0 else { return }
        let percent = min(100, max(0, Int(done / total * 100)))
        let changed = shown.withLock { last -> Bool in
            guard percent != last else { return false }
            last = percent
            return true
        }
        guard changed else { return }
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r%@ [%@] %3d %% (%.0f of %.0f s)", label, bar, percent, done, total)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled, shown.withLock({ $0 >= 0 }) else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

extension SpeechTranscript {
    /// `[mm:ss.s - mm:ss.s] text`, one line per segment.
    var timestampedLines: [String] {
        segments.map { "[\(Self.clock($0.span.start)) - \(Self.clock($0.span.end))] \($0.text)" }
    }

    static func clock(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        let minutes = tenths / 600
        let rest = Double(tenths % 600) / 10
        return String(format: "%02d:%04.1f", minutes, rest)
    }
}

extension PocketSphinxEngine.Preset: ExpressibleByArgument {}
