// Batch protocol (HL7 v2.5 chapter 2, section 2.10.3): [FHS] { [BHS] { MSH ... } [BTS] } [FTS].

/// A batch file or a stream of messages: optional FHS/BHS headers and BTS/FTS trailers around any number
/// of messages. A file of back-to-back messages with no envelope reads the same way.
public struct HL7Batch: Sendable {
    /// One envelope segment (FHS, BHS, BTS, FTS) as received.
    public struct EnvelopeSegment: Hashable, Sendable {
        /// The segment's name.
        public var name: String
        /// The segment's bytes without the terminator.
        public var bytes: [UInt8]
    }

    /// A part of the batch, in order.
    public enum Part: Sendable {
        /// An envelope segment.
        case envelope(EnvelopeSegment)
        /// A message.
        case message(HL7Message)
    }

    /// The parts in order.
    public private(set) var parts: [Part] = []
    /// The bytes as parsed (terminators normalised to CR).
    public let bytes: [UInt8]

    /// The messages in order.
    public var messages: [HL7Message] {
        parts.compactMap { part in
            if case .message(let message) = part { return message }
            return nil
        }
    }

    /// The envelope segments in order.
    public var envelope: [EnvelopeSegment] {
        parts.compactMap { part in
            if case .envelope(let segment) = part { return segment }
            return nil
        }
    }

    /// Whether bytes begin a batch (FHS or BHS) rather than a message.
    public static func isBatch(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: Array("FHS".utf8)) || bytes.starts(with: Array("BHS".utf8))
    }

    /// Parses a batch or a run of messages. Each message is limited by `limits`; the whole input may hold up
    /// to `limits.maximumSegments` messages and `maximumTotalBytes` bytes.
    public init(
        parsing input: [UInt8], limits: HL7ParserLimits = .default, maximumTotalBytes: Int = 64 << 20
    ) throws(HL7ParseError) {
        guard input.count <= maximumTotalBytes else {
            throw HL7ParseError(
                .messageTooLarge, "input of \(input.count) bytes exceeds the limit of \(maximumTotalBytes) bytes")
        }
        var source = input
        if source.starts(with: [0xEF, 0xBB, 0xBF]) { source.removeFirst(3) }
        if source.contains(HL7Byte.lineFeed) {
            source = source.withUnsafeBufferPointer { HL7Scanner.normalizeLineFeeds($0) }
        }
        bytes = source
        var messageStart: Int?
        var position = 0
        var segmentNumber = 0
        var messageCount = 0
        func finishMessage(at end: Int) throws(HL7ParseError) {
            guard let start = messageStart else { return }
            messageCount += 1
            guard messageCount <= limits.maximumSegments else {
                throw HL7ParseError(.tooManySegments, "the batch holds more than \(limits.maximumSegments) messages")
            }
            do {
                parts.append(.message(try HL7Message(parsing: Array(source[start..<end]), limits: limits)))
            } catch {
                var located = error
                if var location = located.location {
                    location.segmentIndex += segmentNumberAtStart
                    located.location = location
                }
                throw located
            }
            messageStart = nil
        }
        var segmentNumberAtStart = 0
        while position < source.count {
            let lineEnd = source[position...].firstIndex(of: HL7Byte.carriageReturn) ?? source.count
            if lineEnd == position {
                position += 1
                continue
            }
            segmentNumber += 1
            let name = String(decoding: source[position..<min(position + 3, lineEnd)], as: UTF8.self)
            switch name {
            case "FHS", "BHS", "BTS", "FTS":
                try finishMessage(at: position)
                parts.append(.envelope(EnvelopeSegment(name: name, bytes: Array(source[position..<lineEnd]))))
            case "MSH":
                try finishMessage(at: position)
                messageStart = position
                segmentNumberAtStart = segmentNumber - 1
            default:
                guard messageStart != nil else {
                    throw HL7ParseError(
                        .invalidBatchStructure, at: HL7Location(segmentIndex: segmentNumber),
                        "a segment other than FHS, BHS, BTS or FTS stands outside a message")
                }
            }
            position = lineEnd + 1
        }
        try finishMessage(at: source.count)
        guard !parts.isEmpty else {
            throw HL7ParseError(.emptyMessage, "the input holds no segment")
        }
    }

    /// The batch re-encoded: the same bytes as parsed.
    public func encoded() -> [UInt8] { bytes }
}
