/// Why a message cannot become an encounter. The reason names fields, never their content.
public struct EncounterReadError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, compared by identity.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No OBX TX/FT/ST value or NTE comment carries text.
        public static let noTranscript = Code("noTranscript")
        /// The transcript has fewer words than the minimum.
        public static let transcriptTooShort = Code("transcriptTooShort")
        /// The transcript is longer than the maximum.
        public static let transcriptTooLong = Code("transcriptTooLong")
        /// A segment the encounter needs is missing (MSH, PID).
        public static let missingSegment = Code("missingSegment")
        /// A field the encounter needs is empty (PID-3).
        public static let missingField = Code("missingField")
        /// The ED observation that stands for the transcript is not a readable recording: not audio (ED.2 `AU`),
        /// not Base64, bad Base64, empty, or a second recording.
        public static let invalidRecording = Code("invalidRecording")
        /// The ED observation's recording is larger than the audio size limit once decoded.
        public static let recordingTooLarge = Code("recordingTooLarge")
        /// The transcript is a recording, and the caller reads only text (``HL7EncounterReader/encounter(from:journalID:)``).
        public static let recordingNotTranscribed = Code("recordingNotTranscribed")

        /// The code's name (`noTranscript`), stable for logs and tests.
        public var description: String { name }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Why, for operators (journal `failed` reason): never message content.
    public var reason: String
    /// The file that raised the error.
    public var file: String
    /// The line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `EncounterReadError.<code>: <reason>`.
    public var description: String { "EncounterReadError.\(code): \(reason) (\(file):\(line))" }
}
