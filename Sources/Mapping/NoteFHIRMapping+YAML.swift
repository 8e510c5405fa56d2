import Scribe
import Yams

/// A mapping file that cannot be used: the key at fault and why (never a value from the file).
public struct MappingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dotted key: `documentType.bySpecialty.wizard`.
    public var key: String
    /// What is wrong.
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { key.isEmpty ? reason : "\(key): \(reason)" }
}

extension NoteFHIRMapping {
    /// The largest mapping file read, bytes.
    public static let maximumYAMLBytes = 256 * 1024

    /// The statuses a Composition may be written with.
    public static let compositionStatuses = ["preliminary", "final", "amended"]

    /// Reads a mapping file (`mappings/fhir-note.yaml` is the reference): `version: 1`, `composition.status`,
    /// `documentType.default` and `documentType.bySpecialty.<specialty>`, and `sections.<part key>`, each code
    /// as `{system, code, display}` (system LOINC when left out). What the file leaves out keeps its default;
    /// unknown keys, specialties and part keys are errors.
    public init(yaml: String) throws(MappingError) {
        self.init()
        guard yaml.utf8.count <= Self.maximumYAMLBytes else {
            throw MappingError(key: "", reason: "the mapping file is larger than \(Self.maximumYAMLBytes) bytes")
        }
        // Yams builds a value for every copy an alias makes: nested aliases would cost minutes or gigabytes.
        if MappingDocument.firstPossibleAliasLine(in: yaml) != nil {
            throw MappingError(key: "", reason: "aliases are not allowed in mapping files")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw MappingError(key: "", reason: "not valid YAML")
        }
        // Yams's constructor stops the process on a mapping key that is not a plain value (`? [a, b] : c`).
        if let node, !Self.hasScalarKeys(node) {
            throw MappingError(key: "", reason: "every key must be a plain value")
        }
        let loaded = node?.any
        let root = try Self.table(loaded, key: "")
        try Self.allow(root, ["version", "composition", "documentType", "sections"], key: "")
        guard let version = root["version"] as? Int, version == 1 else {
            throw MappingError(key: "version", reason: "must be 1")
        }
        if let composition = root["composition"] {
            let table = try Self.table(composition, key: "composition")
            try Self.allow(table, ["status"], key: "composition")
            if let status = table["status"] {
                guard let text = status as? String, Self.compositionStatuses.contains(text) else {
                    throw MappingError(
                        key: "composition.status",
                        reason: "must be one of \(Self.compositionStatuses.joined(separator: ", "))")
                }
                compositionStatus = text
            }
        }
        if let types = root["documentType"] {
            let table = try Self.table(types, key: "documentType")
            try Self.allow(table, ["default", "bySpecialty"], key: "documentType")
            if let fallback = table["default"] {
                defaultDocumentType = try Self.code(fallback, key: "documentType.default")
            }
            if let bySpecialty = table["bySpecialty"] {
                documentTypes = [:]
                for (name, value) in try Self.table(bySpecialty, key: "documentType.bySpecialty") {
                    let key = "documentType.bySpecialty.\(name)"
                    guard Specialty(rawValue: name) != nil else {
                        throw MappingError(key: key, reason: "not a specialty value (GET /v1/specialties lists them)")
                    }
                    documentTypes[name] = try Self.code(value, key: key)
                }
            }
        }
        if let sections = root["sections"] {
            let known = Set(NoteTemplate.allCases.flatMap(\.partKeys))
            for (name, value) in try Self.table(sections, key: "sections") {
                let key = "sections.\(name)"
                guard known.contains(name) else {
                    throw MappingError(
                        key: key, reason: "not a note part; parts are \(known.sorted().joined(separator: ", "))")
                }
                sectionCodes[name] = try Self.code(value, key: key)
            }
        }
    }

    /// Whether every mapping key in `node` is a scalar (nesting is bounded by libyaml's limit of 1,000 levels).
    static func hasScalarKeys(_ node: Node) -> Bool {
        switch node {
        case .mapping(let mapping): mapping.allSatisfy { $0.key.scalar != nil && hasScalarKeys($0.value) }
        case .sequence(let sequence): sequence.allSatisfy(hasScalarKeys)
        case .scalar, .alias: true
        }
    }

    static func table(_ value: Any?, key: String) throws(MappingError) -> [String: Any] {
        guard let table = value as? [String: Any] else {
            throw MappingError(
                key: key, reason: key.isEmpty ? "the file must be a mapping of keys" : "must be a mapping of keys")
        }
        return table
    }

    static func allow(_ table: [String: Any], _ keys: Set<String>, key: String) throws(MappingError) {
        if let unknown = table.keys.sorted().first(where: { !keys.contains($0) }) {
            throw MappingError(
                key: key.isEmpty ? unknown : "\(key).\(unknown)",
                reason: "unknown key; expected \(keys.sorted().joined(separator: ", "))")
        }
    }

    static func code(_ value: Any, key: String) throws(MappingError) -> Code {
        let table = try table(value, key: key)
        try allow(table, ["system", "code", "display"], key: key)
        guard let code = table["code"] as? String ?? (table["code"] as? Int).map(String.init), !code.isEmpty,
            !code.contains(where: \.isWhitespace)
        else {
            throw MappingError(key: "\(key).code", reason: "must be a code without spaces")
        }
        guard let display = table["display"] as? String, !display.isEmpty else {
            throw MappingError(key: "\(key).display", reason: "must be text")
        }
        let system = table["system"] as? String ?? NoteFHIRRenderer.loinc
        guard system.hasPrefix("http://") || system.hasPrefix("https://") || system.hasPrefix("urn:") else {
            throw MappingError(key: "\(key).system", reason: "must be a URI (http, https or urn)")
        }
        return Code(code, display, system: system)
    }
}
