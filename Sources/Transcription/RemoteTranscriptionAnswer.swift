import Foundation

/// The answer of an OpenAI-compatible `POST /v1/audio/transcriptions` with `response_format=verbose_json`, read
/// strictly: `text` (a string) and optionally `segments`, each with numeric `start` and `end` (seconds from the start
/// of the uploaded file) and `text`. Other members (`language`, `duration`, `words`, a segment's `tokens`,
/// `avg_logprob`, ...) are ignored.
///
/// Before anything is decoded the answer must be at most ``maximumBytes`` long and nested at most ``maximumDepth``
/// levels deep; it may hold at most ``maximumSegments`` segments. A segment must not start before 0 or end before it
/// starts. Every failure is ``TranscriptionError/Code/remoteMalformedAnswer`` with a reason naming the member at
/// fault (`segments[3].start`), never a value from the answer, which is transcript text.
struct RemoteTranscriptionAnswer: Sendable, Hashable {
    /// One timed segment as the service gave it.
    struct Segment: Sendable, Hashable {
        /// Where it starts, in seconds from the start of the uploaded file.
        var start: Double
        /// Where it ends, in seconds from the start of the uploaded file.
        var end: Double
        /// What was said, with runs of white space made one space and the ends trimmed.
        var text: String
        /// Who said it, when the service tells speakers apart (a diarizing server's `speaker`).
        var speaker: String? = nil
    }

    /// The whole text, white space normalised.
    var text: String
    /// The segments with text, in the order given.
    var segments: [Segment]

    /// The largest answer read.
    static let defaultMaximumBytes = 4 << 20
    /// The deepest nesting of arrays and objects accepted (a verbose answer has 3 or 4).
    static let maximumDepth = 8
    /// The most segments accepted.
    static let maximumSegments = 100_000

    /// Reads `bytes`, refusing more than `maximumBytes`.
    init(parsing bytes: [UInt8], maximumBytes: Int = defaultMaximumBytes) throws(TranscriptionError) {
        guard bytes.count <= maximumBytes else {
            throw Self.malformed("is \(bytes.count) bytes, over the limit of \(maximumBytes)")
        }
        guard !bytes.isEmpty else { throw Self.malformed("is empty") }
        try Self.checkNesting(bytes)
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw Self.malformed(Self.describe(error))
        } catch {
            throw Self.malformed("is not JSON")
        }
        let given = wire.segments ?? []
        guard given.count <= Self.maximumSegments else {
            throw Self.malformed("has \(given.count) segments, over the limit of \(Self.maximumSegments)")
        }
        var segments: [Segment] = []
        segments.reserveCapacity(given.count)
        for (index, segment) in given.enumerated() {
            guard segment.start.isFinite, segment.start >= 0 else {
                throw Self.malformed("segments[\(index)].start is not a number of seconds from 0")
            }
            guard segment.end.isFinite, segment.end >= segment.start else {
                throw Self.malformed("segments[\(index)].end is before its start")
            }
            let text = Self.normalized(segment.text)
            let speaker = segment.speaker.map(Self.normalized).flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
            if !text.isEmpty {
                segments.append(Segment(start: segment.start, end: segment.end, text: text, speaker: speaker))
            }
        }
        self.text = Self.normalized(wire.text)
        self.segments = segments
    }

    /// The segments as transcript segments of a recording in which the uploaded file started at `offset` seconds and
    /// played `length` seconds: times moved by `offset` and kept within the file. An answer with text but no timed
    /// segments becomes one segment over the whole file.
    func transcriptSegments(offset: Double, length: Double) -> [SpeechTranscript.Segment] {
        guard !segments.isEmpty else {
            guard !text.isEmpty else { return [] }
            return [SpeechTranscript.Segment(span: AudioSpan(start: offset, end: offset + length), text: text)]
        }
        return segments.map { segment in
            let start = offset + min(segment.start, length)
            let end = offset + min(segment.end, length)
            return SpeechTranscript.Segment(
                span: AudioSpan(start: start, end: end), text: segment.text, speaker: segment.speaker)
        }
    }

    private struct Wire: Decodable {
        var text: String
        var segments: [WireSegment]?
    }

    private struct WireSegment: Decodable {
        var start: Double
        var end: Double
        var text: String
        var speaker: String?
    }

    private static func malformed(_ problem: String) -> TranscriptionError {
        TranscriptionError(.remoteMalformedAnswer, reason: "the remote speech engine's answer \(problem)")
    }

    /// `text` with control characters and runs of white space made single spaces, trimmed.
    static func normalized(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.unicodeScalars.append(" ")
                pendingSpace = false
            }
            output.unicodeScalars.append(scalar)
        }
        return output
    }

    /// Refuses arrays and objects nested deeper than ``maximumDepth``, counted outside strings, before the decoder
    /// (which recurses) sees them.
    private static func checkNesting(_ bytes: [UInt8]) throws(TranscriptionError) {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                guard depth <= maximumDepth else {
                    throw malformed("is nested deeper than \(maximumDepth) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
    }

    /// Where and how decoding failed: member paths and expectations only, never values.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += (text.isEmpty ? "" : ".") + key.stringValue
                }
            }
            return text.isEmpty ? "top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "has no \(path(context.codingPath, key))"
        case .typeMismatch(_, let context):
            return context.codingPath.isEmpty
                ? "is not a JSON object" : "has \(path(context.codingPath)) of the wrong type"
        case .valueNotFound(_, let context):
            return "has \(path(context.codingPath)) null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "is not valid JSON" : "has \(path(context.codingPath)) unreadable"
        @unknown default:
            return "cannot be read"
        }
    }
}
