/// Builds an HL7 v2 message in code, escaping every value, or edits a parsed one.
///
/// ```swift
/// var builder = HL7MessageBuilder()
/// try builder.set("NOTEBRIDGE", at: "MSH-3")
/// try builder.set("ACK", at: "MSH-9.1")
/// try builder.set("AA", at: "MSA-1")
/// let message = try builder.build()
/// ```
public struct HL7MessageBuilder: Sendable {
    /// One segment under construction; leaves hold ER7 text that is already escaped.
    struct Segment: Sendable {
        var name: String
        /// fields[0] is field 1; each field: repetitions → components → subcomponents.
        var fields: [[[[[UInt8]]]]]
    }

    /// The delimiters the message is written with.
    public let delimiters: HL7Delimiters
    /// The character set values are encoded in (MSH-18 is not set automatically).
    public let characterSet: HL7CharacterSet
    var segments: [Segment] = []

    /// Starts an empty message with an MSH segment whose MSH-1 and MSH-2 come from `delimiters`.
    public init(delimiters: HL7Delimiters = .standard, characterSet: HL7CharacterSet = .utf8) {
        self.delimiters = delimiters
        self.characterSet = characterSet
        segments.append(Self.headerSegment("MSH", delimiters: delimiters))
    }

    /// Starts from a parsed message: every element is kept as received.
    public init(message: HL7Message) {
        self.delimiters = message.delimiters
        self.characterSet = message.characterSet
        let bytes = message.bytes
        for segment in message.segments {
            var fields: [[[[[UInt8]]]]] = []
            for field in segment.fields {
                fields.append(
                    field.repetitions.map { repetition in
                        repetition.components.map { component in
                            let node = message.storage.index.components[component.index]
                            return (0..<Int(node.childCount)).map { offset in
                                let span = message.storage.index.subcomponents[Int(node.firstChild) + offset]
                                return Array(bytes[Int(span.start)..<Int(span.end)])
                            }
                        }
                    })
            }
            segments.append(Segment(name: segment.name, fields: fields))
        }
    }

    private static func headerSegment(_ name: String, delimiters: HL7Delimiters) -> Segment {
        Segment(name: name, fields: [[[[[delimiters.field]]]], [[[delimiters.encodingCharacters]]]])
    }

    /// Appends an empty segment (for MSH, FHS and BHS, with MSH-1 and MSH-2 filled in).
    public mutating func append(segment name: String) throws(HL7ParseError) {
        guard name.utf8.count == 3, name.utf8.allSatisfy(HL7Byte.isSegmentNameCharacter) else {
            throw HL7ParseError(.invalidSegmentName, "a segment name must be three upper-case letters or digits")
        }
        if ["MSH", "FHS", "BHS"].contains(name) {
            segments.append(Self.headerSegment(name, delimiters: delimiters))
        } else {
            segments.append(Segment(name: name, fields: []))
        }
    }

    /// Sets the value at a terser path, escaping it. A missing segment occurrence is appended.
    public mutating func set(_ value: String, at path: String) throws(HL7ParseError) {
        try set(value, at: HL7TerserPath(parsing: path))
    }

    /// Sets the value at a path, escaping it. Without a component the value goes to component 1 and the
    /// rest of the repetition is cleared.
    public mutating func set(_ value: String, at path: HL7TerserPath) throws(HL7ParseError) {
        try setEncoded(HL7Escaping.encode(value, delimiters: delimiters, characterSet: characterSet), at: path)
    }

    /// Sets HL7's null `""` at a path.
    public mutating func setNull(at path: HL7TerserPath) throws(HL7ParseError) {
        try setEncoded([0x22, 0x22], at: path)
    }

    /// Sets already-encoded ER7 bytes at a path (they may hold delimiters, e.g. a whole `XPN` value).
    public mutating func setEncoded(_ er7: [UInt8], at path: HL7TerserPath) throws(HL7ParseError) {
        let header = ["MSH", "FHS", "BHS"].contains(path.segment)
        if header, path.field <= 2 {
            throw HL7ParseError(.invalidPath, "MSH-1 and MSH-2 are set by the builder's delimiters")
        }
        let position = try segmentPosition(path.segment, occurrence: path.occurrence)
        var segment = segments[position]
        while segment.fields.count < path.field { segment.fields.append([[[[]]]]) }
        var field = segment.fields[path.field - 1]
        while field.count < path.repetition { field.append([[[]]]) }
        if let componentNumber = path.component {
            var repetition = field[path.repetition - 1]
            while repetition.count < componentNumber { repetition.append([[]]) }
            if let subcomponentNumber = path.subcomponent {
                var component = repetition[componentNumber - 1]
                while component.count < subcomponentNumber { component.append([]) }
                component[subcomponentNumber - 1] = er7
                repetition[componentNumber - 1] = component
            } else {
                repetition[componentNumber - 1] = [er7]
            }
            field[path.repetition - 1] = repetition
        } else {
            field[path.repetition - 1] = [[er7]]
        }
        segment.fields[path.field - 1] = field
        segments[position] = segment
    }

    private mutating func segmentPosition(_ name: String, occurrence: Int) throws(HL7ParseError) -> Int {
        var seen = 0
        for (position, segment) in segments.enumerated() where segment.name == name {
            seen += 1
            if seen == occurrence { return position }
        }
        while seen < occurrence {
            try append(segment: name)
            seen += 1
        }
        return segments.count - 1
    }

    /// The ER7 bytes, each segment followed by CR.
    public func encoded() -> [UInt8] {
        var output = [UInt8]()
        for segment in segments {
            output.append(contentsOf: segment.name.utf8)
            let isHeader = ["MSH", "FHS", "BHS"].contains(segment.name)
            for (offset, field) in segment.fields.enumerated() {
                if isHeader && offset == 0 { output.append(delimiters.field); continue }
                if !(isHeader && offset == 1) { output.append(delimiters.field) }
                for (repetitionOffset, repetition) in field.enumerated() {
                    if repetitionOffset > 0 { output.append(delimiters.repetition) }
                    for (componentOffset, component) in repetition.enumerated() {
                        if componentOffset > 0 { output.append(delimiters.component) }
                        for (subOffset, leaf) in component.enumerated() {
                            if subOffset > 0 { output.append(delimiters.subcomponent) }
                            output.append(contentsOf: leaf)
                        }
                    }
                }
            }
            output.append(HL7Byte.carriageReturn)
        }
        return output
    }

    /// Parses the built bytes into a message.
    public func build(limits: HL7ParserLimits = .default) throws(HL7ParseError) -> HL7Message {
        try HL7Message(parsing: encoded(), limits: limits)
    }
}

extension HL7Message {
    /// A copy of the message with the value at `path` replaced (escaped); everything else is kept as received.
    public func setting(_ value: String, at path: HL7TerserPath) throws(HL7ParseError) -> HL7Message {
        var builder = HL7MessageBuilder(message: self)
        try builder.set(value, at: path)
        return try builder.build()
    }
}
