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

    /// The text a note is written from, with where each segment lies in it.
    public struct MarkedText: Sendable, Hashable {
        /// One segment and its Unicode-scalar range in ``text``.
        public struct Placed: Sendable, Hashable {
            /// Where the segment's words are in ``MarkedText/text`` (Unicode scalars, end exclusive).
            public var range: Range<Int>
            /// The segment.
            public var segment: Segment
        }

        /// The text.
        public var text: String
        /// The non-empty segments, in order, each with its range.
        public var segments: [Placed]
    }

    /// The text a note is written from, with each segment's place in it: the non-empty segments joined by spaces (as
    /// ``text``) when the engine tells no speakers apart; when it does, each change of speaker starts a new line with
    /// the speaker's label (`Doctor: ...`), the way a labelled dialogue is written, so that dictation and dialogue
    /// are decided as for a typed transcript.
    public var markedText: MarkedText {
        let speakers = segments.contains { $0.speaker != nil }
        var text = ""
        var scalars = 0
        var placed: [MarkedText.Placed] = []
        var previous: String?
        for segment in segments where !segment.text.isEmpty {
            let turn = speakers && (placed.isEmpty || segment.speaker != previous)
            if !placed.isEmpty {
                text += turn ? "\n" : " "
                scalars += 1
            }
            if turn, let label = segment.speaker.flatMap(Self.speakerLabel) {
                let prefix = label + ": "
                text += prefix
                scalars += prefix.unicodeScalars.count
            }
            let count = segment.text.unicodeScalars.count
            placed.append(MarkedText.Placed(range: scalars..<(scalars + count), segment: segment))
            text += segment.text
            scalars += count
            previous = segment.speaker
        }
        return MarkedText(text: text, segments: placed)
    }

    /// A speaker's label as a turn label: letters, digits, spaces, `_` and `-` (at most 32), or nil when none is
    /// left.
    static func speakerLabel(_ speaker: String) -> String? {
        let allowed = speaker.unicodeScalars.filter {
            $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == " " || $0 == "_" || $0 == "-"
        }
        let kept = Array(allowed.drop { $0 == " " }.prefix(32).reversed().drop { $0 == " " }.reversed())
        return kept.isEmpty ? nil : String(String.UnicodeScalarView(kept))
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
