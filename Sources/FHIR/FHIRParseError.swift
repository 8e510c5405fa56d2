/// Why a FHIR document could not be read: an opaque code, where (byte offset or element path) and a reason that
/// never quotes the document's content.
public struct FHIRParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, compared by identity.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The input is not well-formed JSON.
        public static let malformedJSON = Code("malformedJSON")
        /// The input is larger than the limit.
        public static let tooLarge = Code("tooLarge")
        /// Objects and arrays are nested deeper than the limit.
        public static let tooDeep = Code("tooDeep")
        /// An XML element carries more attributes than the limit.
        public static let tooManyAttributes = Code("tooManyAttributes")
        /// Bytes that are not UTF-8.
        public static let notUTF8 = Code("notUTF8")
        /// An object has the same member twice.
        public static let duplicateMember = Code("duplicateMember")
        /// The input is not well-formed XML.
        public static let malformedXML = Code("malformedXML")
        /// The XML has a document type declaration (refused: it is how external entities get in).
        public static let doctypeRefused = Code("doctypeRefused")
        /// The content does not have the structure FHIR defines (unknown resource type or element, wrong
        /// namespace, a value of the wrong kind).
        public static let invalidStructure = Code("invalidStructure")
        /// A typed model was given JSON that is not its resource: not an object, or another `resourceType`.
        public static let wrongResourceType = Code("wrongResourceType")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The byte offset in the input where it went wrong (XML: the line; structure errors: 0, see `path`).
    public var offset: Int
    /// The element path at fault (`Patient.name[0].given`), when known.
    public var path: String?
    /// What went wrong, in words.
    public var reason: String

    /// Creates an error.
    public init(_ code: Code, offset: Int, _ reason: String, path: String? = nil) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.path = path
    }

    /// `malformedJSON at byte 12: expected ':' after a member name`, or `invalidStructure at Patient.gender: ...`.
    public var description: String {
        if let path { return "\(code) at \(path): \(reason)" }
        return "\(code) at byte \(offset): \(reason)"
    }
}
