// HL7 table 0211 "Alternate character sets" (MSH-18). This parser reads ASCII, ISO 8859-1 and UTF-8.

/// The character set of a message's text, from MSH-18 (UTF-8 when MSH-18 is empty).
public enum HL7CharacterSet: String, Hashable, Sendable, CaseIterable {
    /// `ASCII`: 7-bit ASCII.
    case ascii = "ASCII"
    /// `8859/1`: ISO 8859-1 (Latin-1).
    case latin1 = "8859/1"
    /// `UNICODE UTF-8`.
    case utf8 = "UNICODE UTF-8"

    /// Reads an MSH-18 value; `nil` for a character set this parser does not support.
    public init?(msh18 value: String) {
        switch value.trimmingSpaces().uppercased() {
        case "", "UNICODE UTF-8", "UTF-8", "UTF8", "UNICODE":
            // "UNICODE" alone is deprecated in table 0211; in ER7 it can only be an 8-bit encoding, so UTF-8.
            self = .utf8
        case "ASCII", "ISO IR6", "US-ASCII":
            self = .ascii
        case "8859/1", "ISO IR100", "ISO-8859-1", "ISO8859-1", "LATIN1":
            self = .latin1
        default:
            return nil
        }
    }

    /// Decodes bytes in this character set; bytes that are not valid become U+FFFD (the parser rejects such
    /// messages up front, so this only happens for `\X..\` escapes that name invalid bytes).
    public func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .ascii, .latin1:
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
            return String(scalars)
        }
    }

    /// Encodes text in this character set. Characters the set cannot hold become `?`.
    public func encode(_ text: String) -> [UInt8] {
        switch self {
        case .utf8:
            return Array(text.utf8)
        case .ascii, .latin1:
            let limit: UInt32 = self == .ascii ? 0x7F : 0xFF
            return text.unicodeScalars.map { $0.value <= limit ? UInt8($0.value) : UInt8(ascii: "?") }
        }
    }

    /// Checks that bytes are valid in this character set; returns the offset of the first invalid byte.
    func firstInvalidByteOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        switch self {
        case .latin1:
            return nil
        case .ascii:
            return bytes.firstIndex { $0 >= 0x80 }
        case .utf8:
            return Self.firstInvalidUTF8Offset(bytes)
        }
    }

    static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
            default: return index
            }
            guard index + length <= count else { return index }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = (scalar << 6) | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) {
                return index
            }
            minimum = 0
            index += length
        }
        return nil
    }
}

extension String {
    /// The string without leading and trailing spaces (ASCII space only; HL7 pads with spaces).
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return String(view)
    }
}
