/// The element definitions of FHIR R4 (4.0.1): every resource, data type and backbone element, its elements
/// in specification order (the order XML requires), their types and cardinality. Generated from a public
/// source by `scripts/build_fhir_r4.py` (see `Generated/README.md`).
public struct R4Definitions: Sendable {
    /// What a type is.
    public enum Kind: String, Sendable {
        case resource, datatype, backbone
    }

    /// One element of a type.
    public struct Element: Hashable, Sendable {
        /// The JSON name: `status`, `valueQuantity`.
        public var name: String
        /// The FHIR type: a primitive (`code`, `dateTime`), a data type (`Coding`), a backbone
        /// (`AuditEventAgent`), or `Resource`.
        public var type: String
        /// Whether it repeats (a JSON array).
        public var isList: Bool
        /// Whether it must be present (minimum cardinality 1).
        public var isRequired: Bool
        /// The choice group of a `[x]` element (`value` for `valueQuantity`), or `nil`.
        public var choiceGroup: String?

        /// Whether its type is a primitive (a JSON string, number or boolean, with `_name` for its id and
        /// extensions).
        public var isPrimitive: Bool { R4Definitions.primitiveTypes.contains(type) }
    }

    /// One type.
    public struct TypeDefinition: Sendable {
        /// Its name: `Composition`, `Coding`, `CompositionSection`.
        public var name: String
        /// What it is.
        public var kind: Kind
        /// Its elements in specification order.
        public var elements: [Element]
        /// Element index by JSON name.
        let index: [String: Int]

        /// The element with this JSON name.
        public func element(_ name: String) -> Element? {
            index[name].map { elements[$0] }
        }
    }

    /// The FHIR primitive types.
    public static let primitiveTypes: Set<String> = [
        "boolean", "integer", "string", "decimal", "uri", "url", "canonical", "base64Binary", "instant", "date",
        "dateTime", "time", "code", "oid", "id", "markdown", "unsignedInt", "positiveInt", "uuid", "xhtml",
    ]

    /// The primitive types written as JSON numbers.
    public static let numericTypes: Set<String> = ["integer", "decimal", "unsignedInt", "positiveInt"]

    /// Every type by name.
    public let types: [String: TypeDefinition]

    /// The definitions, read once from the generated table.
    public static let r4 = R4Definitions(table: R4DefinitionsData.text)

    init(table: StaticString) {
        var types: [String: TypeDefinition] = [:]
        var current: (name: String, kind: Kind, elements: [Element])?
        func finish() {
            guard let current else { return }
            let index = Dictionary(current.elements.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            types[current.name] = TypeDefinition(name: current.name, kind: current.kind, elements: current.elements, index: index)
        }
        let text = table.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if line.first == "\t" {
                guard fields.count >= 5 else { continue }
                let flags = fields[3]
                current?.elements.append(
                    Element(
                        name: String(fields[1]), type: String(fields[2]), isList: flags.contains("L"),
                        isRequired: flags.contains("R"), choiceGroup: fields[4].isEmpty ? nil : String(fields[4])))
            } else {
                finish()
                guard fields.count >= 2, let kind = Kind(rawValue: String(fields[1])) else {
                    current = nil
                    continue
                }
                current = (String(fields[0]), kind, [])
            }
        }
        finish()
        self.types = types
    }

    /// The type with this name.
    public func type(_ name: String) -> TypeDefinition? { types[name] }
}
