// ER7 encoding rules (HL7 v2.5 chapter 2, section 2.6 "Message construction rules"): segments end with a
// carriage return; fields, repetitions, components and subcomponents are separated by the delimiters of
// MSH-1 and MSH-2; MSH-1 and MSH-2 themselves are literal.

/// The single-pass ER7 scanner that builds an `HL7Index`.
struct HL7Scanner {
    /// The outcome of a scan: the index, the delimiters, and whether any byte was 0x80 or above.
    struct Result {
        var index: HL7Index
        var delimiters: HL7Delimiters
        var sawHighBytes: Bool
    }

    /// Thrown inside the scanner when the input holds a line feed and needs normalising first.
    enum Outcome {
        case scanned(Result)
        case needsLineFeedNormalization
    }

    private enum ByteClass: UInt8 {
        case ordinary = 0
        case subcomponent
        case component
        case repetition
        case field
        case carriageReturn
        case lineFeed
        case control
        case high
    }

    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, limits: HL7ParserLimits
    ) throws(HL7ParseError) -> Outcome {
        let count = bytes.count
        guard count <= limits.maximumMessageBytes, count < Int(UInt32.max) else {
            throw HL7ParseError(
                .messageTooLarge, "message of \(count) bytes exceeds the limit of \(limits.maximumMessageBytes) bytes")
        }
        var position = 0
        while position < count, bytes[position] == HL7Byte.carriageReturn { position += 1 }
        guard position < count else {
            throw HL7ParseError(.emptyMessage, "the message holds no segment")
        }
        guard position + 3 <= count,
            HL7Index.packName(bytes[position], bytes[position + 1], bytes[position + 2]) == HL7Index.msh
        else {
            throw HL7ParseError(
                .missingHeader, at: HL7Location(segmentIndex: 1), "the first segment of a message must be MSH")
        }
        let (delimiters, _) = try HL7Delimiters.read(
            from: bytes, at: position + 3, segmentIndex: 1, segmentName: "MSH")

        var table = [UInt8](repeating: ByteClass.ordinary.rawValue, count: 256)
        for byte in 0..<0x20 { table[byte] = ByteClass.control.rawValue }
        table[0x09] = ByteClass.ordinary.rawValue
        table[0x7F] = ByteClass.control.rawValue
        for byte in 0x80..<0x100 { table[byte] = ByteClass.high.rawValue }
        table[Int(HL7Byte.carriageReturn)] = ByteClass.carriageReturn.rawValue
        table[Int(HL7Byte.lineFeed)] = ByteClass.lineFeed.rawValue
        table[Int(delimiters.subcomponent)] = ByteClass.subcomponent.rawValue
        table[Int(delimiters.component)] = ByteClass.component.rawValue
        table[Int(delimiters.repetition)] = ByteClass.repetition.rawValue
        table[Int(delimiters.field)] = ByteClass.field.rawValue

        var index = HL7Index()
        let estimate = count / 8
        index.segments.reserveCapacity(max(4, count / 80))
        index.fields.reserveCapacity(estimate / 2)
        index.repetitions.reserveCapacity(estimate / 2)
        index.components.reserveCapacity(estimate)
        index.subcomponents.reserveCapacity(estimate)
        var sawHighBytes = false
        let fieldSeparator = delimiters.field

        return try table.withUnsafeBufferPointer { classes throws(HL7ParseError) -> Outcome in
            var segmentNumber = 0
            while position < count {
                if bytes[position] == HL7Byte.carriageReturn {
                    position += 1
                    continue
                }
                segmentNumber += 1
                guard segmentNumber <= limits.maximumSegments else {
                    throw HL7ParseError(
                        .tooManySegments, at: HL7Location(segmentIndex: segmentNumber),
                        "the message has more than \(limits.maximumSegments) segments")
                }
                let segmentStart = position
                guard position + 3 <= count,
                    HL7Byte.isSegmentNameCharacter(bytes[position]),
                    HL7Byte.isSegmentNameCharacter(bytes[position + 1]),
                    HL7Byte.isSegmentNameCharacter(bytes[position + 2])
                else {
                    if bytes[position] == HL7Byte.lineFeed { return .needsLineFeedNormalization }
                    throw HL7ParseError(
                        .invalidSegmentName, at: HL7Location(segmentIndex: segmentNumber),
                        "a segment name must be three upper-case letters or digits")
                }
                let name = HL7Index.packName(bytes[position], bytes[position + 1], bytes[position + 2])
                position += 3
                if position < count {
                    let next = bytes[position]
                    if next == HL7Byte.lineFeed { return .needsLineFeedNormalization }
                    guard next == fieldSeparator || next == HL7Byte.carriageReturn else {
                        throw HL7ParseError(
                            .invalidSegmentName,
                            at: HL7Location(segmentIndex: segmentNumber, segmentName: HL7Index.unpackName(name)),
                            "a segment name must be followed by the field separator or the segment terminator")
                    }
                }
                let isHeader = name == HL7Index.msh || name == HL7Index.fhs || name == HL7Index.bhs
                let firstField = index.fields.count
                if isHeader, position < count, bytes[position] == fieldSeparator {
                    // MSH-1: the field separator itself; MSH-2: the encoding characters, both literal.
                    appendLiteralField(&index, start: position, end: position + 1)
                    var end = position + 1
                    while end < count, bytes[end] != fieldSeparator, bytes[end] != HL7Byte.carriageReturn {
                        if bytes[end] == HL7Byte.lineFeed { return .needsLineFeedNormalization }
                        end += 1
                    }
                    appendLiteralField(&index, start: position + 1, end: end)
                    position = end
                }
                while position < count, bytes[position] == fieldSeparator {
                    position += 1
                    guard index.fields.count - firstField < limits.maximumFieldsPerSegment else {
                        throw HL7ParseError(
                            .tooManyFields,
                            at: HL7Location(segmentIndex: segmentNumber, segmentName: HL7Index.unpackName(name)),
                            "the segment has more than \(limits.maximumFieldsPerSegment) fields")
                    }
                    // One field: split on repetition, component and subcomponent separators.
                    var open = OpenElements(at: position, in: index)
                    scanning: while position < count {
                        let byte = bytes[position]
                        switch classes[Int(byte)] {
                        case ByteClass.ordinary.rawValue:
                            break
                        case ByteClass.subcomponent.rawValue:
                            open.closeSubcomponent(at: position, in: &index)
                            if index.subcomponents.count - open.firstSubcomponent >= limits.maximumSubcomponentsPerComponent {
                                throw limitError(
                                    .tooManySubcomponents, segmentNumber, name, index.fields.count - firstField + 1,
                                    "a component has more than \(limits.maximumSubcomponentsPerComponent) subcomponents")
                            }
                        case ByteClass.component.rawValue:
                            open.closeComponent(at: position, in: &index)
                            if index.components.count - open.firstComponent >= limits.maximumComponentsPerRepetition {
                                throw limitError(
                                    .tooManyComponents, segmentNumber, name, index.fields.count - firstField + 1,
                                    "a field has more than \(limits.maximumComponentsPerRepetition) components")
                            }
                        case ByteClass.repetition.rawValue:
                            open.closeRepetition(at: position, in: &index)
                            if index.repetitions.count - open.firstRepetition >= limits.maximumRepetitionsPerField {
                                throw limitError(
                                    .tooManyRepetitions, segmentNumber, name, index.fields.count - firstField + 1,
                                    "a field has more than \(limits.maximumRepetitionsPerField) repetitions")
                            }
                        case ByteClass.field.rawValue, ByteClass.carriageReturn.rawValue:
                            break scanning
                        case ByteClass.lineFeed.rawValue:
                            return .needsLineFeedNormalization
                        case ByteClass.high.rawValue:
                            sawHighBytes = true
                        default:
                            throw limitError(
                                .invalidControlCharacter, segmentNumber, name, index.fields.count - firstField + 1,
                                "the field holds a control character that HL7 does not allow")
                        }
                        position += 1
                    }
                    open.closeField(at: position, in: &index)
                }
                index.segments.append(
                    .init(
                        start: UInt32(segmentStart), end: UInt32(position), firstField: UInt32(firstField),
                        fieldCount: UInt32(index.fields.count - firstField), name: name, isHeader: isHeader))
                // `position` is at the terminator (or the end); step over it.
                position += 1
            }
            return .scanned(Result(index: index, delimiters: delimiters, sawHighBytes: sawHighBytes))
        }
    }

    /// The start and first child of each element of the field being scanned that is still open.
    private struct OpenElements {
        let fieldStart: Int
        let firstRepetition: Int
        var repetitionStart: Int
        var firstComponent: Int
        var componentStart: Int
        var firstSubcomponent: Int
        var subcomponentStart: Int

        init(at position: Int, in index: HL7Index) {
            fieldStart = position
            firstRepetition = index.repetitions.count
            repetitionStart = position
            firstComponent = index.components.count
            componentStart = position
            firstSubcomponent = index.subcomponents.count
            subcomponentStart = position
        }

        @inline(__always)
        mutating func closeSubcomponent(at end: Int, in index: inout HL7Index) {
            index.subcomponents.append(.init(start: UInt32(subcomponentStart), end: UInt32(end)))
            subcomponentStart = end + 1
        }

        @inline(__always)
        mutating func closeComponent(at end: Int, in index: inout HL7Index) {
            closeSubcomponent(at: end, in: &index)
            index.components.append(
                .init(
                    start: UInt32(componentStart), end: UInt32(end), firstChild: UInt32(firstSubcomponent),
                    childCount: UInt32(index.subcomponents.count - firstSubcomponent)))
            firstSubcomponent = index.subcomponents.count
            componentStart = end + 1
        }

        @inline(__always)
        mutating func closeRepetition(at end: Int, in index: inout HL7Index) {
            closeComponent(at: end, in: &index)
            index.repetitions.append(
                .init(
                    start: UInt32(repetitionStart), end: UInt32(end), firstChild: UInt32(firstComponent),
                    childCount: UInt32(index.components.count - firstComponent)))
            firstComponent = index.components.count
            repetitionStart = end + 1
        }

        mutating func closeField(at end: Int, in index: inout HL7Index) {
            closeRepetition(at: end, in: &index)
            index.fields.append(
                .init(
                    start: UInt32(fieldStart), end: UInt32(end), firstChild: UInt32(firstRepetition),
                    childCount: UInt32(index.repetitions.count - firstRepetition)))
        }
    }

    private static func appendLiteralField(_ index: inout HL7Index, start: Int, end: Int) {
        let span = HL7Index.Span(start: UInt32(start), end: UInt32(end))
        index.subcomponents.append(span)
        index.components.append(
            .init(start: span.start, end: span.end, firstChild: UInt32(index.subcomponents.count - 1), childCount: 1))
        index.repetitions.append(
            .init(start: span.start, end: span.end, firstChild: UInt32(index.components.count - 1), childCount: 1))
        index.fields.append(
            .init(start: span.start, end: span.end, firstChild: UInt32(index.repetitions.count - 1), childCount: 1))
    }

    private static func limitError(
        _ code: HL7ParseError.Code, _ segmentNumber: Int, _ name: UInt32, _ field: Int, _ reason: String
    ) -> HL7ParseError {
        HL7ParseError(
            code,
            at: HL7Location(segmentIndex: segmentNumber, segmentName: HL7Index.unpackName(name), field: field),
            reason)
    }

    /// Replaces CR LF and lone LF segment terminators with CR.
    static func normalizeLineFeeds(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var normalized = [UInt8]()
        normalized.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == HL7Byte.carriageReturn, index + 1 < bytes.count, bytes[index + 1] == HL7Byte.lineFeed {
                normalized.append(HL7Byte.carriageReturn)
                index += 2
                continue
            }
            normalized.append(byte == HL7Byte.lineFeed ? HL7Byte.carriageReturn : byte)
            index += 1
        }
        return normalized
    }
}
