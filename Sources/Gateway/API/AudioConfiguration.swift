import Logging
import Transcription

/// How the `/v1` API decodes and transcribes uploaded recordings.
public struct AudioConfiguration: Sendable {
    /// The size and duration limits of a recording.
    public var limits = TranscriptionLimits.default
    /// The ffmpeg executable.
    public var ffmpeg = "ffmpeg"
    /// Where the private scratch folders of decodes are made; the system's temporary folder when nil.
    public var temporaryDirectory: String?
    /// The speech engine.
    public var engine: any SpeechEngine = PocketSphinxEngine()
    /// The model of the embedded engine: setting it makes ``engine`` the embedded PocketSphinx engine with that
    /// model; nil when ``engine`` is another engine.
    public var speechModel: PocketSphinxEngine.Model? {
        get { (engine as? PocketSphinxEngine)?.model }
        set {
            guard let newValue else { return }
            var embedded = (engine as? PocketSphinxEngine) ?? PocketSphinxEngine()
            embedded.model = newValue
            engine = embedded
        }
    }
    /// Recordings transcribed at once (each one decodes on every core).
    public var concurrentTranscriptions = 2
    /// Uploads that may wait for a transcription slot; more are answered 503 at once.
    public var queuedTranscriptions = 8

    /// The defaults: 100 MB, 2 hours, the embedded PocketSphinx engine.
    public init() {}

    /// A transcriber with these settings, logging to `logger`.
    func transcriber(logger: Logger) -> AudioTranscriber {
        AudioTranscriber(
            decoder: AudioDecoder(
                ffmpeg: ffmpeg, limits: limits, temporaryDirectory: temporaryDirectory, logger: logger),
            engine: engine, logger: logger)
    }
}
