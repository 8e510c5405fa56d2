/// One HL7 v2 message in ER7 encoding: its bytes, its delimiters and the index of its structure.
///
/// Parsing never changes the bytes (except that CR LF and LF segment terminators become CR), so
/// `encoded()` returns exactly what was parsed. Values are decoded (escapes resolved, character set
/// applied) only when they are read.
public struct HL7Message: Sendable {
    final class Storage: Sendable {
        let bytes: [UInt8]
        let index: HL7Index
        let delimiters: HL7Delimiters
        let characterSet: HL7CharacterSet

        init(bytes: [UInt8], index: HL7Index, delimiters: HL7Delimiters, characterSet: HL7CharacterSet) {
            self.bytes = bytes
            self.index = index
            self.delimiters = delimiters
            self.characterSet = characterSet
        }
    }

    let storage: Storage

    /// Parses one message. Segment terminators may be CR, CR LF or LF.
    ///
    /// - Throws: `HL7ParseError` with the code and location of the first problem.
    public init(parsing bytes: [UInt8], limits: HL7ParserLimits = .default) throws(HL7ParseError) {
        var input = bytes
        if input.starts(with: [0xEF, 0xBB, 0xBF]) { input.removeFirst(3) }
        let outcome = try input.withUnsafeBufferPointer { buffer throws(HL7ParseError) in
            try HL7Scanner.scan(buffer, limits: limits)
        }
        switch outcome {
        case .scanned(let result):
            self = try Self.finish(bytes: input, result: result)
        case .needsLineFeedNormalization:
            let normalized = input.withUnsafeBufferPointer { HL7Scanner.normalizeLineFeeds($0) }
            let second = try normalized.withUnsafeBufferPointer { buffer throws(HL7ParseError) in
                try HL7Scanner.scan(buffer, limits: limits)
            }
            guard case .scanned(let result) = second else {
                throw HL7ParseError(.invalidControlCharacter, "a line feed remained after normalisation")
            }
            self = try Self.finish(bytes: normalized, result: result)
        }
    }

    /// Parses one message from text (encoded as UTF-8 unless MSH-18 says otherwise).
    public init(parsing text: String, limits: HL7ParserLimits = .default) throws(HL7ParseError) {
        try self.init(parsing: Array(text.utf8), limits: limits)
    }

    private init(storage: Storage) {
        self.storage = storage
    }

    private static func finish(bytes: [UInt8], result: HL7Scanner.Result) throws(HL7ParseError) -> HL7Message {
        let provisional = Storage(
            bytes: bytes, index: result.index, delimiters: result.delimiters, characterSet: .utf8)
        var characterSet = HL7CharacterSet.utf8
        let header = HL7Segment(storage: provisional, index: 0)
        if let first = header.field(18)?.repetition(1)?.component(1) {
            let declared = provisional.text(first.span)
            guard let parsed = HL7CharacterSet(msh18: declared) else {
                throw HL7ParseError(
                    .unsupportedCharacterSet,
                    at: HL7Location(segmentIndex: 1, segmentName: "MSH", field: 18),
                    "MSH-18 names a character set this gateway does not read (ASCII, 8859/1 and UNICODE UTF-8 are)")
            }
            characterSet = parsed
        }
        if result.sawHighBytes {
            let invalidOffset = bytes.withUnsafeBufferPointer { characterSet.firstInvalidByteOffset(in: $0) }
            if let invalidOffset {
                let location = provisional.location(ofByteOffset: invalidOffset)
                throw HL7ParseError(
                    .invalidCharacterEncoding, at: location,
                    "the bytes are not valid \(characterSet.rawValue) as MSH-18 declares")
            }
        }
        return HL7Message(
            storage: Storage(
                bytes: bytes, index: result.index, delimiters: result.delimiters, characterSet: characterSet))
    }

    /// The message's bytes in ER7, segment terminators CR.
    public var bytes: [UInt8] { storage.bytes }

    /// The message's delimiters, read from MSH-1 and MSH-2.
    public var delimiters: HL7Delimiters { storage.delimiters }

    /// The character set of the message's text, from MSH-18.
    public var characterSet: HL7CharacterSet { storage.characterSet }

    /// The message re-encoded in ER7: the same bytes as parsed.
    public func encoded() -> [UInt8] { storage.bytes }

    /// The message as ER7 text.
    public var er7: String { characterSet.decode(storage.bytes) }

    /// The segments in order.
    public var segments: HL7Segments { HL7Segments(storage: storage) }

    /// The `occurrence`-th (1-based) segment named `name`, or `nil`.
    public func segment(_ name: String, occurrence: Int = 1) -> HL7Segment? {
        guard let packed = HL7Index.packName(name), occurrence >= 1 else { return nil }
        var seen = 0
        for (position, node) in storage.index.segments.enumerated() where node.name == packed {
            seen += 1
            if seen == occurrence { return HL7Segment(storage: storage, index: position) }
        }
        return nil
    }

    /// All segments named `name`, in order.
    public func segments(named name: String) -> [HL7Segment] {
        guard let packed = HL7Index.packName(name) else { return [] }
        return storage.index.segments.indices.compactMap { position in
            storage.index.segments[position].name == packed ? HL7Segment(storage: storage, index: position) : nil
        }
    }
}

extension HL7Message.Storage {
    func text(_ span: HL7Index.Span) -> String {
        characterSet.decode(bytes[Int(span.start)..<Int(span.end)])
    }

    func decoded(_ span: HL7Index.Span) -> String {
        // Over the raw buffer: `HL7Escaping.decode` returns text without an escape character as it is.
        bytes.withUnsafeBufferPointer { buffer in
            HL7Escaping.decode(
                UnsafeBufferPointer(rebasing: buffer[Int(span.start)..<Int(span.end)]), delimiters: delimiters,
                characterSet: characterSet)
        }
    }

    /// The location (segment, field, repetition, component, subcomponent) of a byte offset.
    func location(ofByteOffset offset: Int) -> HL7Location {
        let target = UInt32(offset)
        guard
            let segmentPosition = index.segments.firstIndex(where: { $0.start <= target && target <= $0.end })
        else {
            return HL7Location(segmentIndex: max(1, index.segments.count))
        }
        let segment = index.segments[segmentPosition]
        var location = HL7Location(
            segmentIndex: segmentPosition + 1, segmentName: HL7Index.unpackName(segment.name))
        let fieldRange = Int(segment.firstField)..<Int(segment.firstField + segment.fieldCount)
        guard let fieldPosition = fieldRange.first(where: { index.fields[$0].start <= target && target <= index.fields[$0].end })
        else { return location }
        location.field = fieldPosition - fieldRange.lowerBound + 1
        let field = index.fields[fieldPosition]
        let repetitionRange = Int(field.firstChild)..<Int(field.firstChild + field.childCount)
        guard let repetitionPosition = repetitionRange.first(where: { index.repetitions[$0].start <= target && target <= index.repetitions[$0].end })
        else { return location }
        location.repetition = repetitionPosition - repetitionRange.lowerBound + 1
        let repetition = index.repetitions[repetitionPosition]
        let componentRange = Int(repetition.firstChild)..<Int(repetition.firstChild + repetition.childCount)
        guard let componentPosition = componentRange.first(where: { index.components[$0].start <= target && target <= index.components[$0].end })
        else { return location }
        location.component = componentPosition - componentRange.lowerBound + 1
        return location
    }
}
