import Logging

/// Transcribes with a primary engine (the remote one) and, when it fails for a reason of its own, with a fallback
/// (the embedded PocketSphinx engine), so that a recording still becomes a note while the service is down.
///
/// Falls back when the primary engine could not be reached (connection refused or reset, unknown host, TLS
/// failure), timed out, answered an HTTP status that is not about the recording (5xx; 401, 403, 404, 429 and the
/// other 4xx that say the service or its configuration is at fault), or answered something that is not a
/// transcription. Does not fall back when the service refused the recording itself (HTTP 400, 413, 415, 422:
/// ``TranscriptionError/Code/remoteRefusedAudio``), which the caller should see; nor when the task is cancelled;
/// nor on any other error.
///
/// The fallback engine transcribes the whole recording again, also when the primary one failed after some of its
/// pieces. Each fallback is logged at warning with the reason (an error code, never text) and reported to ``onFallback``
/// (the gateway counts it).
public struct FallbackSpeechEngine: SpeechEngine {
    /// Why the fallback engine was used, as a metric label.
    public enum Reason: String, Sendable, CaseIterable {
        /// The primary engine could not be reached.
        case unreachable
        /// The primary engine timed out.
        case timeout
        /// The primary engine answered an HTTP error status.
        case httpStatus = "http_status"
        /// The primary engine's answer could not be read.
        case malformedAnswer = "malformed_answer"

        /// The reason to fall back after `error`, or nil when the error should reach the caller.
        public init?(_ error: any Error) {
            guard let error = error as? TranscriptionError else { return nil }
            switch error.code {
            case .remoteUnreachable: self = .unreachable
            case .remoteTimedOut: self = .timeout
            case .remoteHTTPStatus: self = .httpStatus
            case .remoteMalformedAnswer: self = .malformedAnswer
            default: return nil
            }
        }
    }

    /// The engine tried first.
    public var primary: any SpeechEngine
    /// The engine used when the primary one fails.
    public var fallback: any SpeechEngine
    /// Where fallbacks are logged.
    public var logger: Logger
    /// Called with the reason each time the fallback engine is used.
    public var onFallback: (@Sendable (Reason) -> Void)?

    /// `<primary>+<fallback>`, e.g. `remote+pocketsphinx`.
    public var name: String { "\(primary.name)+\(fallback.name)" }

    /// Creates the engine.
    public init(
        primary: any SpeechEngine, fallback: any SpeechEngine, logger: Logger = Logger(label: "nb.transcription"),
        onFallback: (@Sendable (Reason) -> Void)? = nil
    ) {
        self.primary = primary
        self.fallback = fallback
        self.logger = logger
        self.onFallback = onFallback
    }

    /// Transcribes with the primary engine, or with the fallback one when the primary fails for a reason of its own.
    public func transcribe(
        _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (_ secondsDone: Double) -> Void)?
    ) async throws -> SpeechTranscript {
        do {
            return try await primary.transcribe(audio, speech: speech, progress: progress)
        } catch {
            guard !Task.isCancelled, let reason = Reason(error) else { throw error }
            logger.warning(
                "speech engine failed; transcribing with the fallback engine",
                metadata: [
                    "nb.transcription.engine": "\(primary.name)", "nb.transcription.fallback": "\(fallback.name)",
                    "nb.transcription.fallback_reason": "\(reason.rawValue)",
                    "nb.transcription.error": "\((error as? TranscriptionError)?.code.description ?? "unknown")",
                    "nb.transcription.error_reason": "\((error as? TranscriptionError)?.reason ?? "-")",
                ])
            onFallback?(reason)
            return try await fallback.transcribe(audio, speech: speech, progress: progress)
        }
    }
}
