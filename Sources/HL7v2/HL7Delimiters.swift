// HL7 v2 message delimiters (HL7 v2.5 chapter 2, section 2.5.4 "Message delimiters"):
// the field separator is MSH-1, the encoding characters are MSH-2 in the order
// component, repetition, escape, subcomponent and (v2.7+) truncation.

/// The delimiters of one HL7 v2 message, read from MSH-1 and MSH-2, never assumed.
public struct HL7Delimiters: Hashable, Sendable {
    /// The field separator (MSH-1), usually `|`.
    public var field: UInt8
    /// The component separator, usually `^`.
    public var component: UInt8
    /// The repetition separator, usually `~`.
    public var repetition: UInt8
    /// The escape character, usually `\`.
    public var escape: UInt8
    /// The subcomponent separator, usually `&`.
    public var subcomponent: UInt8
    /// The truncation character (HL7 v2.7 and later), usually `#`; `nil` when MSH-2 has four characters.
    public var truncation: UInt8?

    /// The delimiters every HL7 v2 example uses: `|^~\&`.
    public static let standard = HL7Delimiters(
        field: UInt8(ascii: "|"),
        component: UInt8(ascii: "^"),
        repetition: UInt8(ascii: "~"),
        escape: UInt8(ascii: "\\"),
        subcomponent: UInt8(ascii: "&"),
        truncation: nil
    )

    /// Creates a set of delimiters.
    public init(
        field: UInt8, component: UInt8, repetition: UInt8, escape: UInt8, subcomponent: UInt8,
        truncation: UInt8? = nil
    ) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// The encoding characters as they appear in MSH-2.
    public var encodingCharacters: [UInt8] {
        var characters = [component, repetition, escape, subcomponent]
        if let truncation { characters.append(truncation) }
        return characters
    }

    /// Reads the delimiters from the bytes that follow a header segment name (`MSH`, `FHS`, `BHS`):
    /// the field separator and the encoding characters up to the next field separator or the end of the segment.
    ///
    /// - Returns: the delimiters and the number of bytes MSH-1 and MSH-2 take.
    static func read(
        from bytes: UnsafeBufferPointer<UInt8>, at start: Int, segmentIndex: Int, segmentName: String
    ) throws(HL7ParseError) -> (HL7Delimiters, Int) {
        let location = HL7Location(segmentIndex: segmentIndex, segmentName: segmentName, field: 1)
        guard start < bytes.count, Self.isDelimiterCandidate(bytes[start]) else {
            throw HL7ParseError(.invalidDelimiters, at: location, "MSH-1 is missing or is not a valid field separator")
        }
        let field = bytes[start]
        var end = start + 1
        while end < bytes.count, bytes[end] != field, bytes[end] != HL7Byte.carriageReturn {
            end += 1
        }
        let encoding = Array(bytes[(start + 1)..<end])
        let mshTwo = HL7Location(segmentIndex: segmentIndex, segmentName: segmentName, field: 2)
        guard encoding.count == 4 || encoding.count == 5 else {
            throw HL7ParseError(
                .invalidDelimiters, at: mshTwo,
                "MSH-2 must hold 4 encoding characters (5 with the truncation character), found \(encoding.count)")
        }
        var seen: Set<UInt8> = [field]
        for character in encoding {
            guard Self.isDelimiterCandidate(character), seen.insert(character).inserted else {
                throw HL7ParseError(
                    .invalidDelimiters, at: mshTwo,
                    "MSH-2 encoding characters must be distinct punctuation characters")
            }
        }
        let delimiters = HL7Delimiters(
            field: field, component: encoding[0], repetition: encoding[1], escape: encoding[2],
            subcomponent: encoding[3], truncation: encoding.count == 5 ? encoding[4] : nil)
        return (delimiters, end - start)
    }

    /// Whether a byte can serve as a delimiter: printable ASCII, not a letter, digit or space.
    static func isDelimiterCandidate(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte < 0x7F else { return false }
        return !HL7Byte.isAlphanumeric(byte)
    }
}

/// Byte constants and classes used by the ER7 scanner.
enum HL7Byte {
    static let carriageReturn: UInt8 = 0x0D
    static let lineFeed: UInt8 = 0x0A

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    static func isSegmentNameCharacter(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
    }
}
