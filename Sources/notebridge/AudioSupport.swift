import ArgumentParser
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
            decoder: AudioDecoder(limits: limits, logger: quiet),
            engine: PocketSphinxEngine(model: model, workers: threads),
            logger: quiet)
        let bar = ProgressBar(label: "transcribing")
        defer { bar.finish() }
        do {
            return try await transcriber.transcribe(file: path) { done, total in bar.show(done: done, total: total) }
        } catch let error as TranscriptionError {
            let setup: Set<TranscriptionError.Code> = [.decoderUnavailable, .engineUnavailable]
            throw CommandFailure(message: "\(path): \(error.reason)", exitCode: setup.contains(error.code) ? 2 : 1)
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
