/// What a speech engine heard: segments in time order, each with its words where the engine gives them.
///
/// Its `description` names counts and times only, never the words, so that a transcript interpolated into a log
/// message or an error by mistake leaks nothing.
public struct SpeechTranscript: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One recognised word with its place in the audio.
    public struct Word: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The word as the engine spells it (lower case for PocketSphinx).
        public var text: String
        /// Where it starts and ends in the recording.
        public var span: AudioSpan

        /// Creates a word.
        public init(text: String, span: AudioSpan) {
            self.text = text
            self.span = span
        }

        /// A redacted description: the word's time only.
        public var description: String { "Word(\(span.start)–\(span.end) s)" }
    }

    /// One stretch of speech between pauses.
    public struct Segment: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Where the segment starts and ends in the recording.
        public var span: AudioSpan
        /// What was said, words separated by single spaces; empty when nothing was recognised.
        public var text: String
        /// The words with their times, when the engine gives them.
        public var words: [Word]
        /// The speaker, when the engine tells speakers apart.
        public var speaker: String?

        /// Creates a segment.
        public init(span: AudioSpan, text: String, words: [Word] = [], speaker: String? = nil) {
            self.span = span
            self.text = text
            self.words = words
            self.speaker = speaker
        }

        /// A redacted description: the segment's time and word count only.
        public var description: String { "Segment(\(span.start)–\(span.end) s, \(words.count) words)" }
    }

    /// The segments in time order.
    public var segments: [Segment]
    /// The length of the recording in seconds.
    public var duration: Double

    /// Creates a transcript.
    public init(segments: [Segment], duration: Double) {
        self.segments = segments.sorted { $0.span.start < $1.span.start }
        self.duration = duration
    }

    /// The whole text: the non-empty segments joined by spaces.
    public var text: String {
        segments.map(\.text).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// A redacted description: counts and duration only.
    public var description: String {
        "SpeechTranscript(\(segments.count) segments, \(duration) s)"
    }
}
