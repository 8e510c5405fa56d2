import Transcription

/// One timed piece of a recording's transcript, as a note's `transcript_segments` lists it: where its words are in
/// the note's `transcript` (Unicode scalars, `start` the first, `end` one past the last), when it was said (seconds
/// from the start of the recording), and who said it when the engine tells speakers apart.
public struct TranscriptSegment: Codable, Sendable, Hashable {
    /// The first Unicode scalar of its words in the transcript.
    public var start: Int
    /// One past the last.
    public var end: Int
    /// When it starts, in seconds from the start of the recording (milliseconds precision).
    public var startSeconds: Double
    /// When it ends.
    public var endSeconds: Double
    /// What was said.
    public var text: String
    /// Who said it, when the engine marks speaker turns.
    public var speaker: String?

    /// The segment of a placed speech segment.
    init(_ placed: SpeechTranscript.MarkedText.Placed) {
        start = placed.range.lowerBound
        end = placed.range.upperBound
        startSeconds = Self.milliseconds(placed.segment.span.start)
        endSeconds = Self.milliseconds(placed.segment.span.end)
        text = placed.segment.text
        speaker = placed.segment.speaker
    }

    /// Seconds rounded to the millisecond.
    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    /// When the transcript range `range` was said: from the start of the first segment it overlaps to the end of the
    /// last; nil when it overlaps none (a speaker's label).
    static func time(of range: Range<Int>, in segments: [TranscriptSegment]) -> (start: Double, end: Double)? {
        let overlapping = segments.filter { $0.start < range.upperBound && range.lowerBound < $0.end }
        guard let first = overlapping.first, let last = overlapping.last else { return nil }
        return (first.startSeconds, last.endSeconds)
    }
}
