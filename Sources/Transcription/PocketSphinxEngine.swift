import Foundation
import Synchronization

/// The embedded speech engine: CMU PocketSphinx through its C library, with no audio leaving the machine.
///
/// The speech spans are decoded on `workers` threads (default: one per core), each with its own decoder; the
/// segments keep their times in the recording.
public struct PocketSphinxEngine: SpeechEngine {
    /// The files a decoder loads, and how widely it searches.
    public struct Model: Sendable, Hashable {
        /// The acoustic model folder (`-hmm`).
        public var acousticModel: String
        /// The language model file (`-lm`, ARPA or binary).
        public var languageModel: String
        /// The pronunciation dictionary (`-dict`).
        public var dictionary: String
        /// The search settings; PocketSphinx's own defaults where nil.
        public var search: SearchSettings

        /// Creates a model description.
        public init(
            acousticModel: String, languageModel: String, dictionary: String, search: SearchSettings = SearchSettings()
        ) {
            self.acousticModel = acousticModel
            self.languageModel = languageModel
            self.dictionary = dictionary
            self.search = search
        }

        /// The largest language model file a decoder loads (PocketSphinx reads it whole into memory).
        public static let maximumLanguageModelBytes = 256 << 20
        /// The largest pronunciation dictionary a decoder loads.
        public static let maximumDictionaryBytes = 32 << 20

        /// The US English model of Debian's `pocketsphinx-en-us`: general English, 72,547 unigrams.
        public static let debianUSEnglish = Model(
            acousticModel: "/usr/share/pocketsphinx/model/en-us/en-us",
            languageModel: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin",
            dictionary: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")

        /// Where the clinical model's files are unless configured: the project's folder, relative to the working folder.
        public static let clinicalDirectory = "models/speech"

        /// The clinical adaptation in `directory` (the project's `models/speech`, built by
        /// `scripts/build-speech-model.py`): Debian's acoustic model with a trigram language model of clinical
        /// dialogues and notes and the pronunciations of its vocabulary, searched with the beams measured for it.
        public static func clinical(in directory: String) -> Model {
            let folder = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
            return Model(
                acousticModel: Model.debianUSEnglish.acousticModel,
                languageModel: folder + "/clinical-en-us.lm.bin",
                dictionary: folder + "/clinical-en-us.dict",
                search: .clinical)
        }

        /// The model `preset` names; `directory` holds the clinical model's files.
        public static func preset(_ preset: PocketSphinxEngine.Preset, directory: String) -> Model {
            switch preset {
            case .stock: .debianUSEnglish
            case .clinical: .clinical(in: directory)
            }
        }

        /// Throws ``TranscriptionError/Code/engineUnavailable`` naming the first file that is missing or larger than
        /// its limit.
        func check() throws(TranscriptionError) {
            let files = [
                ("acoustic model", acousticModel + "/mdef", Int.max),
                ("language model", languageModel, Self.maximumLanguageModelBytes),
                ("dictionary", dictionary, Self.maximumDictionaryBytes),
            ]
            for (role, path, limit) in files {
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw TranscriptionError(
                        .engineUnavailable,
                        reason:
                            "the PocketSphinx \(role) is missing at \(path) (install pocketsphinx-en-us; the clinical model is in the project's models/speech)"
                    )
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                guard size <= limit else {
                    throw TranscriptionError(
                        .engineUnavailable,
                        reason: "the PocketSphinx \(role) at \(path) is \(size) bytes, over the limit of \(limit)")
                }
            }
        }
    }

    /// The speech models an operator chooses between by name (configuration `audio.speechModel`).
    public enum Preset: String, Sendable, CaseIterable {
        /// Debian's general-English model.
        case stock
        /// The project's clinical language model and dictionary on Debian's acoustic model.
        case clinical
    }

    /// The model every decoder loads.
    public var model: Model
    /// How many decoders run at once.
    public var workers: Int
    /// The scheduling niceness of the decoding threads, 0–19 (Linux; 0 keeps the process's priority). Transcription
    /// is batch work: at the default 10, acknowledgments and HTTP answers go first on a busy machine.
    public var threadNiceness: Int32

    /// `pocketsphinx`.
    public var name: String { "pocketsphinx" }

    /// Creates the engine.
    public init(
        model: Model = .debianUSEnglish, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        threadNiceness: Int32 = 10
    ) {
        self.model = model
        self.workers = max(1, workers)
        self.threadNiceness = max(0, min(19, threadNiceness))
    }

    /// Transcribes the speech spans of `audio` in parallel.
    public func transcribe(
        _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (_ secondsDone: Double) -> Void)?
    ) async throws -> SpeechTranscript {
        try model.check()
        guard !speech.isEmpty else { return SpeechTranscript(segments: [], duration: audio.seconds) }
        let job = DecodeJob(audio: audio, spans: speech, progress: progress)
        let model = self.model
        let niceness = threadNiceness
        let workerCount = min(workers, speech.count)
        do {
            try await withTaskCancellationHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<workerCount {
                        group.addTask { try await job.runWorker(model: model, niceness: niceness) }
                    }
                    try await group.waitForAll()
                }
            } onCancel: {
                job.cancel()
            }
        } catch {
            // One worker's failure stops the others, which end as cancelled: report the failure.
            if let failure = job.failure { throw failure }
            throw error
        }
        try Task.checkCancellation()
        return SpeechTranscript(segments: job.segments, duration: audio.seconds)
    }
}

/// The shared state of one transcription's workers: the next span to take, the results, and a cancellation flag.
private final class DecodeJob: Sendable {
    private struct State {
        var next = 0
        var cancelled = false
        var secondsDone = 0.0
        var segments: [SpeechTranscript.Segment] = []
        var failure: TranscriptionError?
    }

    let audio: PCMAudio
    let spans: [AudioSpan]
    let progress: (@Sendable (Double) -> Void)?
    private let state = Mutex(State())

    init(audio: PCMAudio, spans: [AudioSpan], progress: (@Sendable (Double) -> Void)?) {
        self.audio = audio
        self.spans = spans
        self.progress = progress
    }

    var isCancelled: Bool { state.withLock { $0.cancelled } }
    var segments: [SpeechTranscript.Segment] { state.withLock { $0.segments } }

    var failure: TranscriptionError? { state.withLock { $0.failure } }

    func cancel() { state.withLock { $0.cancelled = true } }

    private func fail(_ error: TranscriptionError) {
        state.withLock { state in
            if state.failure == nil { state.failure = error }
            state.cancelled = true
        }
    }

    /// The index of the next span to decode, or nil when all are taken or the job is cancelled.
    private func take() -> Int? {
        state.withLock { state in
            guard !state.cancelled, state.next < spans.count else { return nil }
            defer { state.next += 1 }
            return state.next
        }
    }

    private func finish(_ segment: SpeechTranscript.Segment?, span: AudioSpan) {
        let done = state.withLock { state in
            if let segment, !segment.words.isEmpty { state.segments.append(segment) }
            state.secondsDone += span.length
            return state.secondsDone
        }
        progress?(done)
    }

    /// Runs one worker on its own thread (PocketSphinx blocks; the concurrency pool must not): loads a decoder, then
    /// decodes spans until none is left.
    func runWorker(model: PocketSphinxEngine.Model, niceness: Int32) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread { [self] in
                Self.lowerPriority(of: niceness)
                do throws(TranscriptionError) {
                    let decoder = try PocketSphinxDecoder(model: model)
                    while let index = take() {
                        let span = spans[index]
                        let samples = audio.samples(in: span)
                        let offset = Double(samples.startIndex) / Double(audio.sampleRate)
                        let segment = try decoder.decode(samples, span: span, offset: offset) { isCancelled }
                        if segment == nil && isCancelled { break }
                        finish(segment, span: span)
                    }
                    if isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume()
                    }
                } catch {
                    fail(error)
                    continuation.resume(throwing: error)
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Sets the calling thread's niceness: on Linux it belongs to each thread, and `PRIO_PROCESS` with `who` 0 names
    /// the calling thread only; lowering one's own priority needs no privilege.
    private static func lowerPriority(of niceness: Int32) {
        #if os(Linux)
            guard niceness > 0 else { return }
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            if getpriority(which, 0) < niceness {
                _ = setpriority(which, 0, niceness)
            }
        #endif
    }
}
