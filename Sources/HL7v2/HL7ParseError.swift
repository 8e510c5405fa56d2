/// A failure to read an HL7 v2 message: an opaque code, the location, and a reason that never quotes content.
public struct HL7ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; compare codes, not reasons.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String

        init(_ name: String) { self.name = name }

        /// The description is the stable name.
        public var description: String { name }

        /// The input holds no segment at all.
        public static let emptyMessage = Code("emptyMessage")
        /// The first segment is not MSH (or FHS/BHS for a batch).
        public static let missingHeader = Code("missingHeader")
        /// MSH-1 or MSH-2 does not hold usable delimiters.
        public static let invalidDelimiters = Code("invalidDelimiters")
        /// A segment name is not three upper-case letters or digits followed by the field separator.
        public static let invalidSegmentName = Code("invalidSegmentName")
        /// The message is larger than the configured limit.
        public static let messageTooLarge = Code("messageTooLarge")
        /// The message has more segments than the configured limit.
        public static let tooManySegments = Code("tooManySegments")
        /// A segment has more fields than the configured limit.
        public static let tooManyFields = Code("tooManyFields")
        /// A field has more repetitions than the configured limit.
        public static let tooManyRepetitions = Code("tooManyRepetitions")
        /// A repetition has more components than the configured limit.
        public static let tooManyComponents = Code("tooManyComponents")
        /// A component has more subcomponents than the configured limit.
        public static let tooManySubcomponents = Code("tooManySubcomponents")
        /// The bytes are not valid in the character set MSH-18 declares.
        public static let invalidCharacterEncoding = Code("invalidCharacterEncoding")
        /// MSH-18 names a character set this parser does not read.
        public static let unsupportedCharacterSet = Code("unsupportedCharacterSet")
        /// A NUL or other control byte that HL7 does not allow inside a message.
        public static let invalidControlCharacter = Code("invalidControlCharacter")
        /// A batch header or trailer is out of place.
        public static let invalidBatchStructure = Code("invalidBatchStructure")
        /// A terser path does not follow the `SEG(n)-f(r).c.s` syntax.
        public static let invalidPath = Code("invalidPath")
    }

    /// What went wrong.
    public var code: Code
    /// Where it went wrong, when a place could be named.
    public var location: HL7Location?
    /// A sentence that says what is wrong without echoing content.
    public var reason: String
    /// The source file that raised the error.
    public var file: String
    /// The source line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(
        _ code: Code, at location: HL7Location? = nil, _ reason: String, file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.location = location
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// One line: the code, the location and the reason.
    public var description: String {
        if let location {
            return "\(code) at \(location): \(reason)"
        }
        return "\(code): \(reason)"
    }

    /// The HL7 table 0357 code an acknowledgment reports for this error.
    public var acknowledgmentErrorCode: HL7ErrorCode {
        switch code {
        case .missingHeader, .emptyMessage, .invalidSegmentName, .tooManySegments, .invalidBatchStructure:
            return .segmentSequenceError
        default:
            return .dataTypeError
        }
    }

    public static func == (lhs: HL7ParseError, rhs: HL7ParseError) -> Bool {
        lhs.code == rhs.code && lhs.location == rhs.location && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(location)
        hasher.combine(reason)
    }
}
