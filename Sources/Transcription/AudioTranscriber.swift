import Logging

/// Audio in, transcript out: decodes (``AudioDecoder``), finds the speech (``VoiceActivityDetector``), refuses a
/// recording without any, and hands the speech to a ``SpeechEngine``.
public struct AudioTranscriber: Sendable {
    /// The decoder, with the size and duration limits.
    public var decoder: AudioDecoder
    /// The speech engine.
    public var engine: any SpeechEngine
    /// How speech is told from pauses and silence.
    public var voiceActivity: VoiceActivityDetector
    /// Where transcriptions are logged (sizes, durations, counts; never words).
    public var logger: Logger

    /// Creates a transcriber; by default the embedded PocketSphinx engine and the default limits.
    public init(
        decoder: AudioDecoder = AudioDecoder(), engine: any SpeechEngine = PocketSphinxEngine(),
        voiceActivity: VoiceActivityDetector = VoiceActivityDetector(),
        logger: Logger = Logger(label: "nb.transcription")
    ) {
        self.decoder = decoder
        self.engine = engine
        self.voiceActivity = voiceActivity
        self.logger = logger
    }

    /// Transcribes audio held in memory (an upload).
    public func transcribe(
        bytes: some Collection<UInt8> & Sendable, progress: (@Sendable (_ secondsDone: Double, _ total: Double) -> Void)? = nil
    ) async throws -> SpeechTranscript {
        let audio = try await decoder.decode(bytes: bytes)
        return try await transcribe(audio, progress: progress)
    }

    /// Transcribes an audio file on disk.
    public func transcribe(
        file path: String, progress: (@Sendable (_ secondsDone: Double, _ total: Double) -> Void)? = nil
    ) async throws -> SpeechTranscript {
        let audio = try await decoder.decode(file: path)
        return try await transcribe(audio, progress: progress)
    }

    /// Transcribes decoded audio.
    public func transcribe(
        _ audio: PCMAudio, progress: (@Sendable (_ secondsDone: Double, _ total: Double) -> Void)? = nil
    ) async throws -> SpeechTranscript {
        let speech = voiceActivity.speechSegments(in: audio)
        guard !speech.isEmpty else {
            throw TranscriptionError(
                .silentAudio, reason: "the audio (\(Int(audio.seconds.rounded())) s) holds no speech, only silence")
        }
        let total = speech.reduce(0) { $0 + $1.length }
        let started = ContinuousClock.now
        var engineProgress: (@Sendable (Double) -> Void)?
        if let progress {
            engineProgress = { done in progress(done, total) }
        }
        let transcript = try await engine.transcribe(audio, speech: speech, progress: engineProgress)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        logger.info(
            "audio transcribed",
            metadata: [
                "nb.transcription.engine": "\(engine.name)",
                "nb.audio.seconds": "\(Int(audio.seconds.rounded()))",
                "nb.transcription.segments": "\(speech.count)",
                "nb.transcription.words": "\(transcript.segments.reduce(0) { $0 + $1.words.count })",
                "nb.transcription.real_time_factor": "\(audio.seconds > 0 ? (seconds / audio.seconds * 1000).rounded() / 1000 : 0)",
            ])
        return transcript
    }
}
