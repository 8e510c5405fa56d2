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
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Why it failed, for the caller and operators. Never contains transcript text or audio metadata.
    public var reason: String
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

    /// Errors are equal when their codes are.
    public static func == (lhs: TranscriptionError, rhs: TranscriptionError) -> Bool {
        lhs.code == rhs.code
    }
}
