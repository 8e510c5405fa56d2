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
    /// The embedded speech engine: the only one, or the fallback of ``remote``.
    public var engine: any SpeechEngine = PocketSphinxEngine()
    /// The remote engine (`audio.engine: remote`), tried first; nil transcribes with ``engine`` only.
    public var remote: RemoteSpeechEngine?
    /// Whether a recording the remote engine fails to transcribe (unreachable, timed out, an error status, an
    /// unreadable answer; not a refusal of the recording) is transcribed by ``engine`` instead
    /// (`audio.remote.fallback`).
    public var fallbackToEmbedded = true
    /// Called with the reason each time ``engine`` stands in for the remote engine (the gateway counts it).
    public var onFallback: (@Sendable (FallbackSpeechEngine.Reason) -> Void)?
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

    /// The engine that transcribes, logging to `logger`: the embedded one; the remote one; or the remote one falling
    /// back to the embedded one.
    func speechEngine(logger: Logger) -> any SpeechEngine {
        guard var remote else { return engine }
        remote.logger = logger
        guard fallbackToEmbedded else { return remote }
        return FallbackSpeechEngine(primary: remote, fallback: engine, logger: logger, onFallback: onFallback)
    }

    /// A transcriber with these settings, logging to `logger`.
    func transcriber(logger: Logger) -> AudioTranscriber {
        AudioTranscriber(
            decoder: AudioDecoder(
                ffmpeg: ffmpeg, limits: limits, temporaryDirectory: temporaryDirectory, logger: logger),
            engine: speechEngine(logger: logger), logger: logger)
    }
}
