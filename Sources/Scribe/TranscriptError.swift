/// Why a transcript cannot be used: an opaque code, the field at fault and a reason that never quotes the
/// transcript.
public struct TranscriptError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Hashable, Sendable {
        /// Nothing but white space.
        case empty
        /// Fewer characters than the minimum.
        case tooShort
        /// More characters than the maximum.
        case tooLong
        /// Control characters or bytes that are not text.
        case notText
        /// Not one letter: only punctuation, symbols, digits or emoji, from which no note can be written.
        case noWords
    }

    /// What went wrong.
    public var code: Code
    /// The input field at fault (`transcript`).
    public var field: String
    /// A sentence that says what is wrong.
    public var reason: String

    /// Creates an error.
    public init(_ code: Code, field: String = "transcript", _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    /// `transcript: too short (12 characters; at least 50 are needed)`.
    public var description: String { "\(field): \(reason)" }
}
