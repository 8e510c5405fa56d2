/// A speech-to-text engine: the embedded PocketSphinx engine (``PocketSphinxEngine``), or a remote
/// OpenAI-compatible service (``RemoteSpeechEngine``), possibly behind a ``FallbackSpeechEngine``.
///
/// The caller has already decoded the audio and found where the speech is; an engine that decodes pieces (the
/// embedded one) transcribes `speech` one span at a time, one that takes a whole recording (a remote service) may
/// send the audio whole and ignore it. Either way the transcript's times are from the start of the recording.
public protocol SpeechEngine: Sendable {
    /// A short name for logs and metrics (`pocketsphinx`, `remote`).
    var name: String { get }

    /// Transcribes `audio`, whose speech lies in `speech` (in time order, not overlapping). `progress` is called
    /// with the seconds of audio transcribed so far, from any thread, as the work goes on.
    func transcribe(
        _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (_ secondsDone: Double) -> Void)?
    ) async throws -> SpeechTranscript
}
