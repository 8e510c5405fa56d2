// HL7 v2.5.1 chapter 2A section 2.A.24, ED (encapsulated data): source application ^ type of data ^ data subtype ^
// encoding ^ data; type of data from HL7 table 0191 (AU: audio), encoding from table 0299 (Base64, as RFC 4648
// section 4 defines it).

/// An ED value, such as OBX-5 of an observation whose value type is ED: what the data is, and the data decoded.
///
/// Only Base64 encoding is read (table 0299's `A`, `Hex` and `None` are refused). The decoded size is checked against
/// a limit before anything is decoded, from the length of the encoded text. Line breaks and spaces inside the Base64
/// text are skipped; any other character outside the Base64 alphabet is an error. Errors name components, never
/// content.
public struct HL7EncapsulatedData: Sendable, Hashable {
    /// ED.1: the application that made the data (HD namespace id).
    public var sourceApplication: String
    /// ED.2: the type of data (table 0191), upper-cased: `AU` for audio.
    public var typeOfData: String
    /// ED.3: the data subtype (table 0291, or a MIME subtype), as sent: `WAV`, `MPEG`, `OGG`, `x-wav`.
    public var dataSubtype: String
    /// ED.4: the encoding (table 0299), as sent.
    public var encoding: String
    /// ED.5, decoded.
    public var data: [UInt8]

    /// Creates a value.
    public init(sourceApplication: String, typeOfData: String, dataSubtype: String, encoding: String, data: [UInt8]) {
        self.sourceApplication = sourceApplication
        self.typeOfData = typeOfData
        self.dataSubtype = dataSubtype
        self.encoding = encoding
        self.data = data
    }

    /// Whether ED.2 says audio (`AU`).
    public var isAudio: Bool { typeOfData == "AU" }

    /// Reads an ED repetition: ED.2 must be one of `types` (all when empty), ED.4 `Base64` (any case), ED.5 at most
    /// `maximumBytes` once decoded.
    public init(
        _ repetition: HL7Repetition, types: Set<String> = [], maximumBytes: Int
    ) throws(HL7EncapsulatedDataError) {
        func component(_ number: Int) -> String { repetition.component(number)?.value ?? "" }
        let typeOfData = component(2).uppercased()
        guard !typeOfData.isEmpty else {
            throw HL7EncapsulatedDataError(.missingTypeOfData, "ED.2 (type of data) is empty")
        }
        guard types.isEmpty || types.contains(typeOfData) else {
            let expected = types.sorted().joined(separator: " or ")
            throw HL7EncapsulatedDataError(
                .unsupportedTypeOfData, "ED.2 (type of data) is \(Self.quoted(typeOfData)), not \(expected)")
        }
        let encoding = component(4)
        guard encoding.lowercased() == "base64" else {
            throw HL7EncapsulatedDataError(
                .unsupportedEncoding,
                encoding.isEmpty
                    ? "ED.4 (encoding) is empty; only Base64 is read"
                    : "ED.4 (encoding) is \(Self.quoted(encoding)); only Base64 is read")
        }
        let encoded = Array((repetition.component(5)?.encodedValue ?? "").utf8)
        self.init(
            sourceApplication: component(1), typeOfData: typeOfData, dataSubtype: component(3), encoding: encoding,
            data: try Self.base64Decoded(encoded, maximumBytes: maximumBytes))
    }

    /// A short code from the message in an error reason: at most 16 characters of letters, digits, `-`, `.`, `+`
    /// and `/`, or "an unexpected value".
    static func quoted(_ code: String) -> String {
        let allowed = code.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "+")
                || $0 == UInt8(ascii: "/")
        }
        return allowed && code.utf8.count <= 16 ? "'\(code)'" : "an unexpected value"
    }

    /// The bytes of Base64 text (RFC 4648 section 4, padding optional), skipping spaces, tabs, carriage returns and
    /// line feeds; refused before decoding when the result would be larger than `maximumBytes`.
    public static func base64Decoded(
        _ text: some Collection<UInt8>, maximumBytes: Int
    ) throws(HL7EncapsulatedDataError) -> [UInt8] {
        var significant = 0
        for byte in text where !Self.isSpace(byte) { significant += 1 }
        guard significant > 0 else { throw HL7EncapsulatedDataError(.missingData, "ED.5 (data) is empty") }
        // Three bytes per four characters; at most two of them are padding: the least the text can decode to.
        guard (significant - 2) / 4 * 3 <= maximumBytes else {
            throw HL7EncapsulatedDataError(
                .tooLarge, "ED.5 (data) is larger than the limit of \(maximumBytes) bytes once decoded")
        }
        var output: [UInt8] = []
        output.reserveCapacity(significant / 4 * 3 + 2)
        var accumulator: UInt32 = 0
        var count = 0
        var padding = 0
        for byte in text where !Self.isSpace(byte) {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let value = Self.sextet(byte) else {
                throw HL7EncapsulatedDataError(
                    .invalidBase64,
                    padding == 0
                        ? "ED.5 (data) holds a character outside the Base64 alphabet"
                        : "ED.5 (data) continues after its Base64 padding")
            }
            accumulator = accumulator << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                output.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
                count = 0
            }
        }
        switch count {
        case 0:
            break
        case 2:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default:
            throw HL7EncapsulatedDataError(.invalidBase64, "ED.5 (data) is not whole Base64: its length is wrong")
        }
        guard padding <= 2, count == 0 ? padding == 0 : padding == 0 || count + padding == 4 else {
            throw HL7EncapsulatedDataError(.invalidBase64, "ED.5 (data) has misplaced Base64 padding")
        }
        guard output.count <= maximumBytes else {
            throw HL7EncapsulatedDataError(
                .tooLarge, "ED.5 (data) is larger than the limit of \(maximumBytes) bytes once decoded")
        }
        return output
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

/// Why an ED value cannot be read: an opaque code and a reason that names components, never content.
public struct HL7EncapsulatedDataError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// ED.2 (type of data) is empty.
        public static let missingTypeOfData = Code("missingTypeOfData")
        /// ED.2 is not a type the reader takes (not `AU` for audio).
        public static let unsupportedTypeOfData = Code("unsupportedTypeOfData")
        /// ED.4 (encoding) is not Base64.
        public static let unsupportedEncoding = Code("unsupportedEncoding")
        /// ED.5 (data) is empty.
        public static let missingData = Code("missingData")
        /// ED.5 is not valid Base64.
        public static let invalidBase64 = Code("invalidBase64")
        /// ED.5 decodes to more bytes than the limit.
        public static let tooLarge = Code("tooLarge")

        /// The code's stable name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// Why, naming components, never content.
    public var reason: String
    /// The file that raised the error.
    public var file: String
    /// The line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `HL7EncapsulatedDataError.<code>: <reason> (<file>:<line>)`.
    public var description: String { "HL7EncapsulatedDataError.\(code): \(reason) (\(file):\(line))" }
}

extension HL7EncapsulatedDataError: Equatable {
    /// Errors are equal when their codes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
