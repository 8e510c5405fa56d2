/// An error raised by the `Transcription` module: the audio was refused, could not be decoded, or the speech engine
/// failed.
///
/// The ``code`` is opaque and stable: compare codes, never ``reason`` strings. Two errors are equal when their codes
/// are. The reason names the problem in terms of the audio's container, size and duration only; it never contains
/// transcript text, file names given by a caller, or the decoder's own messages (which may quote metadata such as
/// titles or comments, which can hold PHI).
public struct TranscriptionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, compared by identity.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case unsupportedContainer
            case corruptAudio
            case silentAudio
            case tooLarge
            case tooLong
            case decoderUnavailable
            case engineUnavailable
            case engineFailed
            case remoteUnreachable
            case remoteTimedOut
            case remoteHTTPStatus
            case remoteMalformedAnswer
            case remoteRefusedAudio
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The bytes are not one of the accepted containers (MP3, M4A/MP4, WAV, OGG, WebM/Matroska, FLAC), judged by
        /// their first bytes.
        public static let unsupportedContainer = Code(.unsupportedContainer)
        /// The container was recognised but its audio could not be decoded (truncated, damaged, or no audio stream).
        public static let corruptAudio = Code(.corruptAudio)
        /// The audio decoded but holds no speech: digital silence or a level too low to carry speech.
        public static let silentAudio = Code(.silentAudio)
        /// The audio is larger than ``TranscriptionLimits/maximumBytes``.
        public static let tooLarge = Code(.tooLarge)
        /// The audio plays longer than ``TranscriptionLimits/maximumDuration``.
        public static let tooLong = Code(.tooLong)
        /// The audio decoder (ffmpeg) could not be started: not installed, or not executable.
        public static let decoderUnavailable = Code(.decoderUnavailable)
        /// The speech engine could not be set up: its acoustic model, language model or dictionary is missing or
        /// unreadable.
        public static let engineUnavailable = Code(.engineUnavailable)
        /// The speech engine failed while decoding.
        public static let engineFailed = Code(.engineFailed)
        /// The remote speech engine could not be reached: the connection was refused or reset, its host name did not
        /// resolve, or the TLS handshake failed.
        public static let remoteUnreachable = Code(.remoteUnreachable)
        /// The remote speech engine did not answer within its connect or total timeout.
        public static let remoteTimedOut = Code(.remoteTimedOut)
        /// The remote speech engine answered an HTTP status that is not about the recording: 5xx, or a 4xx such as
        /// 401, 403, 404 or 429 that says the service or its configuration is at fault.
        public static let remoteHTTPStatus = Code(.remoteHTTPStatus)
        /// The remote speech engine's answer is not the JSON of a transcription: not JSON, too large, nested too
        /// deeply, or a field missing or of the wrong type.
        public static let remoteMalformedAnswer = Code(.remoteMalformedAnswer)
        /// The remote speech engine refused this recording (HTTP 400, 413, 415 or 422): the answer is about the audio,
        /// so another engine is not tried.
        public static let remoteRefusedAudio = Code(.remoteRefusedAudio)

        /// A stable, human-readable name of the code.
        public var description: String {
            switch base {
            case .unsupportedContainer: "unsupportedContainer"
            case .corruptAudio: "corruptAudio"
            case .silentAudio: "silentAudio"
            case .tooLarge: "tooLarge"
            case .tooLong: "tooLong"
            case .decoderUnavailable: "decoderUnavailable"
            case .engineUnavailable: "engineUnavailable"
            case .engineFailed: "engineFailed"
            case .remoteUnreachable: "remoteUnreachable"
            case .remoteTimedOut: "remoteTimedOut"
            case .remoteHTTPStatus: "remoteHTTPStatus"
            case .remoteMalformedAnswer: "remoteMalformedAnswer"
            case .remoteRefusedAudio: "remoteRefusedAudio"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Why it failed, for the caller and operators. Never contains transcript text or audio metadata.
    public var reason: String
    /// The HTTP status the remote engine answered, for ``Code/remoteHTTPStatus`` and ``Code/remoteRefusedAudio``.
    public var httpStatus: Int?
    /// The file that raised the error.
    public var file: String
    /// The line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(_ code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `TranscriptionError.<code>: <reason> (<file>:<line>)`.
    public var description: String {
        "TranscriptionError.\(code): \(reason) (\(file):\(line))"
    }

    /// Whether trying the same recording again later may succeed: the remote engine could not be reached, timed out,
    /// answered something unreadable, or answered a status that says it is overloaded or failing (408, 425, 429,
    /// 5xx). The recording's own problems (not audio, corrupt, silent, too large or long, refused by the service), a
    /// missing decoder or engine, and the remote engine's configuration errors (401, 403, 404, ...) are not.
    public var isTransient: Bool {
        switch code {
        case .remoteUnreachable, .remoteTimedOut, .remoteMalformedAnswer:
            return true
        case .remoteHTTPStatus:
            guard let status = httpStatus else { return true }
            return status >= 500 || status == 408 || status == 425 || status == 429
        default:
            return false
        }
    }

    /// Errors are equal when their codes are.
    public static func == (lhs: TranscriptionError, rhs: TranscriptionError) -> Bool {
        lhs.code == rhs.code
    }
}
