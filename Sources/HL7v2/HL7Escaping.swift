// Escape sequences in text fields (HL7 v2.5 chapter 2, section 2.7 "Use of escape sequences in text
// fields"): \F\ \S\ \T\ \R\ \E\ (and \P\ for the v2.7 truncation character) stand for the delimiters,
// \Xdddd..\ for hexadecimal bytes, \.br\ for a line break. \H\ \N\ (highlighting), \Cxxyy\ \Mxxyyzz\
// (character set switches), \Z..\ (locally defined) and the other formatting commands are kept as they are.

/// Decoding and encoding of HL7 v2 escape sequences.
public enum HL7Escaping {
    /// Resolves escape sequences in raw ER7 bytes and decodes the text in `characterSet`.
    ///
    /// An unterminated or malformed escape sequence is kept literally, never dropped.
    public static func decode<C: Collection>(
        _ raw: C, delimiters: HL7Delimiters, characterSet: HL7CharacterSet
    ) -> String where C.Element == UInt8, C.Index == Int {
        let escape = delimiters.escape
        guard delimiters.hasEscape, let firstEscape = raw.firstIndex(of: escape) else {
            return characterSet.decode(raw)
        }
        var output = [UInt8]()
        output.reserveCapacity(raw.count)
        output.append(contentsOf: raw[raw.startIndex..<firstEscape])
        var position = firstEscape
        let end = raw.endIndex
        while position < end {
            let byte = raw[position]
            guard byte == escape else {
                output.append(byte)
                position += 1
                continue
            }
            guard let close = raw[(position + 1)..<end].firstIndex(of: escape) else {
                // Unterminated: keep the rest literally.
                output.append(contentsOf: raw[position..<end])
                break
            }
            let sequence = raw[(position + 1)..<close]
            if let replacement = resolve(sequence, delimiters: delimiters) {
                output.append(contentsOf: replacement)
            } else {
                output.append(contentsOf: raw[position...close])
            }
            position = close + 1
        }
        return characterSet.decode(output)
    }

    /// Resolves the body of one escape sequence; `nil` means keep it literally.
    private static func resolve<C: Collection>(_ sequence: C, delimiters: HL7Delimiters) -> [UInt8]?
    where C.Element == UInt8, C.Index == Int {
        guard let first = sequence.first else { return nil }
        if sequence.count == 1 {
            switch first {
            case UInt8(ascii: "F"): return [delimiters.field]
            case UInt8(ascii: "S"): return [delimiters.component]
            case UInt8(ascii: "T"): return delimiters.hasSubcomponentSeparator ? [delimiters.subcomponent] : nil
            case UInt8(ascii: "R"): return delimiters.encodingCharacters.count >= 2 ? [delimiters.repetition] : nil
            case UInt8(ascii: "E"): return [delimiters.escape]
            case UInt8(ascii: "P"): return delimiters.truncation.map { [$0] }
            default: return nil
            }
        }
        if first == UInt8(ascii: "X") {
            let digits = sequence.dropFirst()
            guard digits.count % 2 == 0 else { return nil }
            var bytes = [UInt8]()
            bytes.reserveCapacity(digits.count / 2)
            var iterator = digits.makeIterator()
            while let high = iterator.next(), let low = iterator.next() {
                guard let h = hexValue(high), let l = hexValue(low) else { return nil }
                bytes.append(h << 4 | l)
            }
            return bytes
        }
        if sequence.elementsEqual(".br".utf8) {
            return [HL7Byte.lineFeed]
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// Escapes text for an ER7 field: delimiters become `\F\ \S\ \T\ \R\ \E\` (`\P\`), a line break
    /// becomes `\.br\`, a lone carriage return `\X0D\` and another control character `\Xhh\`. Formatting and
    /// character-set sequences that decoding preserves (`\H\ \N\ \.sp\ \Cxxyy\ \Mxxyyzz\ \Zxx\`) are written
    /// back unchanged, so decoding and encoding a value is lossless.
    ///
    /// When MSH-2 declares no escape character (`^~`), a delimiter, line break or control character in
    /// the text cannot be written at all and becomes a space.
    public static func encode(_ text: String, delimiters: HL7Delimiters, characterSet: HL7CharacterSet = .utf8)
        -> [UInt8]
    {
        let input = characterSet.encode(text)
        guard delimiters.hasEscape else {
            let structural = Set(
                delimiters.encodingCharacters + [delimiters.field, HL7Byte.carriageReturn, HL7Byte.lineFeed])
            return input.map { structural.contains($0) || isControlCharacter($0) ? UInt8(ascii: " ") : $0 }
        }
        var output = [UInt8]()
        output.reserveCapacity(input.count + 8)
        let escape = delimiters.escape
        var position = 0
        while position < input.count {
            let byte = input[position]
            switch byte {
            case escape:
                if let close = input[(position + 1)...].firstIndex(of: escape),
                    isPreservedSequence(input[(position + 1)..<close])
                {
                    output.append(contentsOf: input[position...close])
                    position = close + 1
                    continue
                }
                output.append(contentsOf: [escape, UInt8(ascii: "E"), escape])
            case delimiters.field:
                output.append(contentsOf: [escape, UInt8(ascii: "F"), escape])
            case delimiters.component:
                output.append(contentsOf: [escape, UInt8(ascii: "S"), escape])
            case delimiters.subcomponent:
                output.append(contentsOf: [escape, UInt8(ascii: "T"), escape])
            case delimiters.repetition:
                output.append(contentsOf: [escape, UInt8(ascii: "R"), escape])
            case HL7Byte.carriageReturn:
                if position + 1 < input.count, input[position + 1] == HL7Byte.lineFeed {
                    position += 1
                    output.append(escape)
                    output.append(contentsOf: ".br".utf8)
                    output.append(escape)
                } else {
                    output.append(escape)
                    output.append(contentsOf: "X0D".utf8)
                    output.append(escape)
                }
            case HL7Byte.lineFeed:
                output.append(escape)
                output.append(contentsOf: ".br".utf8)
                output.append(escape)
            default:
                if let truncation = delimiters.truncation, byte == truncation {
                    output.append(contentsOf: [escape, UInt8(ascii: "P"), escape])
                } else if isControlCharacter(byte) {
                    // The parser refuses control characters in a field: written as hexadecimal data instead.
                    output.append(contentsOf: [
                        escape, UInt8(ascii: "X"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)], escape,
                    ])
                } else {
                    output.append(byte)
                }
            }
            position += 1
        }
        return output
    }

    /// The control characters the parser refuses inside a field (C0 but tab, and DEL; CR and LF end segments).
    static func isControlCharacter(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09) || byte == 0x7F
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Sequences that decoding keeps as they are and encoding writes back unescaped.
    static func isPreservedSequence(_ sequence: ArraySlice<UInt8>) -> Bool {
        guard let first = sequence.first else { return false }
        let body = sequence.dropFirst()
        switch first {
        case UInt8(ascii: "H"), UInt8(ascii: "N"):
            return body.isEmpty
        case UInt8(ascii: "C"):
            return body.count == 4 && body.allSatisfy { hexValue($0) != nil }
        case UInt8(ascii: "M"):
            return (body.count == 4 || body.count == 6) && body.allSatisfy { hexValue($0) != nil }
        case UInt8(ascii: "Z"):
            return !body.isEmpty && body.allSatisfy { HL7Byte.isAlphanumeric($0) }
        case UInt8(ascii: "."):
            // Formatting commands of FT fields: .sp .br .fi .nf .in .ti .sk .ce with an optional number.
            let letters = body.prefix(2)
            let known: Set<String> = ["sp", "br", "fi", "nf", "in", "ti", "sk", "ce"]
            guard letters.count == 2, known.contains(String(decoding: letters, as: UTF8.self)) else { return false }
            // `\.br\` alone is resolved by decoding (to a line break), so text that holds it literally is escaped.
            guard !body.elementsEqual("br".utf8) else { return false }
            return body.dropFirst(2).allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-")
            }
        default:
            return false
        }
    }
}
