// HL7 v2 message delimiters (HL7 v2.5 chapter 2, section 2.5.4 "Message delimiters"):
// the field separator is MSH-1, the encoding characters are MSH-2 in the order
// component, repetition, escape, subcomponent and (v2.7+) truncation.
//
// Senders in the field also write MSH-2 with fewer than four characters (`^~\`, `^~}`, `^~`). Those are
// read the way HAPI reads them: the characters given take their positions in that order, and a position
// left out has no separator of its own. It is represented by the field separator, which never occurs inside
// a field, so nothing splits at that level and its character (an `&` after `^~\`) is data; MSH-2 is written
// back exactly as it was received, so such a message round-trips byte for byte.

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
    /// How many of component, repetition, escape and subcomponent MSH-2 declares (1 to 4); the positions
    /// after these hold the field separator and never split anything.
    public private(set) var declaredSeparatorCount: Int = 4

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

    /// Creates the delimiters MSH-1 and MSH-2 declare, with fewer than four encoding characters allowed:
    /// `encoding` lists component, repetition, escape, subcomponent and truncation in that order, as many as
    /// given (1 to 5). Returns `nil` when a character is not a usable delimiter or is used twice.
    public init?(field: UInt8, encodingCharacters encoding: [UInt8]) {
        guard (1...5).contains(encoding.count), Self.isDelimiterCandidate(field) else { return nil }
        var seen: Set<UInt8> = [field]
        for character in encoding {
            guard Self.isDelimiterCandidate(character), seen.insert(character).inserted else { return nil }
        }
        func declared(_ position: Int) -> UInt8 { position < encoding.count ? encoding[position] : field }
        self.init(
            field: field, component: declared(0), repetition: declared(1), escape: declared(2),
            subcomponent: declared(3), truncation: encoding.count == 5 ? encoding[4] : nil)
        declaredSeparatorCount = min(encoding.count, 4)
    }

    /// The encoding characters as they appear in MSH-2 (as many as were declared).
    public var encodingCharacters: [UInt8] {
        var characters = Array([component, repetition, escape, subcomponent].prefix(declaredSeparatorCount))
        if let truncation { characters.append(truncation) }
        return characters
    }

    /// Whether MSH-2 declares an escape character; without one no escape sequence is read or written.
    public var hasEscape: Bool { declaredSeparatorCount >= 3 }

    /// Whether MSH-2 declares a subcomponent separator; without one an `&` is data.
    public var hasSubcomponentSeparator: Bool { declaredSeparatorCount >= 4 }

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
        guard (1...5).contains(encoding.count) else {
            throw HL7ParseError(
                .invalidDelimiters, at: mshTwo,
                encoding.isEmpty
                    ? "MSH-2 (encoding characters) is empty"
                    : "MSH-2 holds \(encoding.count) encoding characters, at most 5 are allowed")
        }
        guard let delimiters = HL7Delimiters(field: field, encodingCharacters: encoding) else {
            throw HL7ParseError(
                .invalidDelimiters, at: mshTwo,
                "MSH-2 encoding characters must be distinct punctuation characters")
        }
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
