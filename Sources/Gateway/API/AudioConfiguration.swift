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
    /// Accepted recordings that may wait in the store for a worker; more uploads are answered 503
    /// (`TRANSCRIPTION_BUSY`) at once.
    public var queuedTranscriptions = 100
    /// How long `POST /v1/note/audio` waits for its note before it answers 202 with the job's status URL
    /// (`audio.syncWaitSeconds`); zero answers 202 at once.
    public var syncWait: Duration = .seconds(30)
    /// How long a worker's claim on an audio job holds without a report (it reports every
    /// ``progressInterval``); after that another worker, or instance, takes the job over.
    public var jobLease: Duration = .seconds(30)
    /// How often a worker records its job's progress and extends its claim.
    public var progressInterval: Duration = .seconds(1)
    /// How often the store is asked for jobs when nothing wakes the worker (jobs of other instances, or left by a
    /// stopped one).
    public var jobPollInterval: Duration = .seconds(2)
    /// Claims of one job before it is given up (a recording whose transcription kills the process is not tried for
    /// ever).
    public var maximumJobAttempts = 3

    /// How many times an audio job's transcription is tried again after a transient engine failure (the remote
    /// engine unreachable, timed out, overloaded or failing: ``TranscriptionError/isTransient``, once the fallback
    /// rules have had their say) before the job fails (`audio.retry.attempts`); 0 fails it at once. The recording's
    /// own problems (corrupt, silent) fail it at once whatever this says.
    public var transientRetries = 3
    /// The wait before the first retry (`audio.retry.backoffSeconds`), doubled before each next one up to
    /// ``transientRetryMaximumBackoff``. The job's claim is kept while it waits.
    public var transientRetryBackoff: Duration = .seconds(2)
    /// The longest wait between two retries (`audio.retry.maxBackoffSeconds`).
    public var transientRetryMaximumBackoff: Duration = .seconds(60)

    /// The wait before retry number `retry` (1 for the first).
    func transientRetryDelay(before retry: Int) -> Duration {
        var delay = transientRetryBackoff
        for _ in 1..<max(1, retry) {
            guard delay < transientRetryMaximumBackoff else { break }
            delay = delay * 2
        }
        return min(delay, transientRetryMaximumBackoff)
    }

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
