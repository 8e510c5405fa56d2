/// One problem found in a resource, as an OperationOutcome issue.
public struct FHIRIssue: Hashable, Sendable {
    /// `error` or `warning`.
    public enum Severity: String, Sendable {
        case error, warning
    }

    /// How bad.
    public var severity: Severity
    /// The OperationOutcome issue type (http://hl7.org/fhir/issue-type): `structure`, `required`, `value`,
    /// `invalid`, `not-supported`.
    public var code: String
    /// The FHIRPath-style location: `Patient.name[0].given[1]`.
    public var expression: String
    /// What is wrong. Never quotes the value (it may be PHI).
    public var message: String

    /// Creates an issue.
    public init(_ severity: Severity, code: String, expression: String, message: String) {
        self.severity = severity
        self.code = code
        self.expression = expression
        self.message = message
    }
}

/// Validates a resource (in its JSON form) against the FHIR R4 base specification: known resource type and
/// elements, cardinality (required elements, single or list), one choice per `[x]` group, JSON kinds, the
/// formats of primitive values, `_name` forms, and contained and bundled resources recursively.
public struct FHIRValidator: Sendable {
    let definitions = R4Definitions.r4

    /// Creates a validator.
    public init() {}

    /// The issues of `resource`; empty when it is valid.
    public func validate(_ resource: JSONValue) -> [FHIRIssue] {
        var issues: [FHIRIssue] = []
        validateResource(resource, path: nil, into: &issues)
        return issues
    }

    /// An OperationOutcome for `issues` (an `information` issue when there are none).
    public static func operationOutcome(_ issues: [FHIRIssue]) -> JSONValue {
        let list: [JSONValue] =
            issues.isEmpty
            ? [
                .object([
                    JSONMember("severity", .string("information")), JSONMember("code", .string("informational")),
                    JSONMember("diagnostics", .string("No issues: the resource is valid against the FHIR R4 base specification.")),
                ])
            ]
            : issues.map { issue in
                .object([
                    JSONMember("severity", .string(issue.severity.rawValue)), JSONMember("code", .string(issue.code)),
                    JSONMember("diagnostics", .string(issue.message)),
                    JSONMember("expression", .array([.string(issue.expression)])),
                ])
            }
        return .object([JSONMember("resourceType", .string("OperationOutcome")), JSONMember("issue", .array(list))])
    }

    func validateResource(_ value: JSONValue, path: String?, into issues: inout [FHIRIssue]) {
        guard value.members != nil else {
            issues.append(FHIRIssue(.error, code: "structure", expression: path ?? "Resource", message: "a resource must be a JSON object"))
            return
        }
        guard let type = value["resourceType"]?.string else {
            issues.append(FHIRIssue(.error, code: "required", expression: path ?? "Resource", message: "resourceType is missing"))
            return
        }
        guard let definition = definitions.type(type), definition.kind == .resource,
            !["Resource", "DomainResource", "MetadataResource"].contains(type)
        else {
            issues.append(
                FHIRIssue(.error, code: "not-supported", expression: path ?? "Resource", message: "not a FHIR R4 resource type"))
            return
        }
        let here = path.map { "\($0)" } ?? type
        validateObject(value, definition: definition, path: here, into: &issues)
        if type == "Bundle" {
            for (index, entry) in (value["entry"]?.array ?? []).enumerated() {
                if let resource = entry["resource"] {
                    validateResource(resource, path: "\(here).entry[\(index)].resource", into: &issues)
                }
            }
        }
    }

    func validateObject(
        _ value: JSONValue, definition: R4Definitions.TypeDefinition, path: String, into issues: inout [FHIRIssue]
    ) {
        guard let members = value.members else {
            issues.append(FHIRIssue(.error, code: "structure", expression: path, message: "must be a JSON object"))
            return
        }
        var present: Set<String> = []
        var choices: [String: [String]] = [:]
        for member in members where member.key != "resourceType" || definition.kind != .resource {
            let isExtra = member.key.hasPrefix("_")
            let name = isExtra ? String(member.key.dropFirst()) : member.key
            let memberPath = "\(path).\(member.key)"
            guard let element = definition.element(name) else {
                issues.append(
                    FHIRIssue(.error, code: "structure", expression: memberPath, message: "not an element of \(definition.name)"))
                continue
            }
            present.insert(name)
            if let group = element.choiceGroup, !isExtra { choices[group, default: []].append(name) }
            if isExtra {
                guard element.isPrimitive else {
                    issues.append(FHIRIssue(.error, code: "structure", expression: memberPath, message: "only primitives have a _ form"))
                    continue
                }
                validateExtras(member.value, element: element, path: memberPath, into: &issues)
                continue
            }
            let items: [(JSONValue, String)]
            if element.isList {
                guard let list = member.value.array else {
                    issues.append(FHIRIssue(.error, code: "structure", expression: memberPath, message: "must be an array"))
                    continue
                }
                if list.isEmpty {
                    issues.append(FHIRIssue(.error, code: "structure", expression: memberPath, message: "an array must not be empty"))
                }
                items = list.enumerated().map { ($1, "\(memberPath)[\($0)]") }
            } else {
                if member.value.array != nil {
                    issues.append(FHIRIssue(.error, code: "structure", expression: memberPath, message: "must not be an array (at most one)"))
                    continue
                }
                items = [(member.value, memberPath)]
            }
            for (item, itemPath) in items {
                if element.type == "Resource" {
                    validateResource(item, path: itemPath, into: &issues)
                } else if element.isPrimitive {
                    if item == .null, element.isList, members.contains(where: { $0.key == "_" + name }) { continue }
                    if let problem = PrimitiveFormat.problem(item, type: element.type) {
                        issues.append(FHIRIssue(.error, code: "value", expression: itemPath, message: problem))
                    }
                } else if let type = definitions.type(element.type) {
                    validateObject(item, definition: type, path: itemPath, into: &issues)
                }
            }
        }
        for element in definition.elements where element.isRequired && element.choiceGroup == nil {
            if !present.contains(element.name) {
                issues.append(
                    FHIRIssue(.error, code: "required", expression: "\(path).\(element.name)", message: "is required (minimum cardinality 1)"))
            }
        }
        for (group, names) in choices where names.count > 1 {
            issues.append(
                FHIRIssue(.error, code: "structure", expression: "\(path).\(group)[x]", message: "only one of \(names.joined(separator: ", ")) may be present"))
        }
    }

    func validateExtras(_ value: JSONValue, element: R4Definitions.Element, path: String, into issues: inout [FHIRIssue]) {
        let items = element.isList ? (value.array ?? []) : [value]
        if element.isList, value.array == nil {
            issues.append(FHIRIssue(.error, code: "structure", expression: path, message: "must be an array"))
            return
        }
        guard let elementType = definitions.type("Element") else { return }
        for (index, item) in items.enumerated() where item != .null {
            validateObject(item, definition: elementType, path: element.isList ? "\(path)[\(index)]" : path, into: &issues)
        }
    }
}

/// The lexical formats of FHIR R4 primitive values (http://hl7.org/fhir/R4/datatypes.html).
enum PrimitiveFormat {
    /// What is wrong with `value` as a `type`, or `nil`.
    static func problem(_ value: JSONValue, type: String) -> String? {
        switch type {
        case "boolean":
            if case .bool = value { return nil }
            return "must be true or false"
        case "integer", "unsignedInt", "positiveInt":
            guard case .number(let text) = value, let number = Int64(text) else { return "must be a whole number" }
            guard number >= Int64(Int32.min), number <= Int64(Int32.max) else { return "must fit in 32 bits" }
            if type == "unsignedInt", number < 0 { return "must not be negative" }
            if type == "positiveInt", number < 1 { return "must be 1 or more" }
            return nil
        case "decimal":
            if case .number = value { return nil }
            return "must be a number"
        default:
            guard let text = value.string else { return "must be a string" }
            if text.isEmpty { return "must not be empty" }
            if text.unicodeScalars.first.map({ $0.properties.isWhitespace }) == true && type != "string" && type != "markdown" && type != "xhtml" {
                return "must not start with white space"
            }
            return format(text, type: type)
        }
    }

    static func format(_ text: String, type: String) -> String? {
        let bytes = Array(text.utf8)
        switch type {
        case "id":
            guard bytes.count <= 64, bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
            else { return "must be 1 to 64 letters, digits, '-' or '.'" }
        case "code":
            if text.hasSuffix(" ") || text.contains("  ") || bytes.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                return "a code has no leading, trailing or repeated white space"
            }
        case "uri", "url", "canonical":
            if bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) { return "a URI has no white space" }
        case "oid":
            guard text.hasPrefix("urn:oid:"), isOID(text.dropFirst(8)) else { return "must be urn:oid: and a dotted number" }
        case "uuid":
            guard text.hasPrefix("urn:uuid:"), isUUID(Array(text.utf8.dropFirst(9))) else { return "must be urn:uuid: and a lowercase UUID" }
        case "date":
            guard isDate(bytes[...]) else { return "must be YYYY, YYYY-MM or YYYY-MM-DD" }
        case "dateTime":
            guard isDateTime(bytes, requireTime: false) else { return "must be a date, or a date and time with a time zone" }
        case "instant":
            guard isDateTime(bytes, requireTime: true) else { return "must be a date and time to the second with a time zone" }
        case "time":
            guard isTime(bytes[...]) else { return "must be hh:mm:ss" }
        case "base64Binary":
            let data = bytes.filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
            guard data.count % 4 == 0, data.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "=") })
            else { return "must be base64" }
        default:
            break
        }
        return nil
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    static func digits(_ bytes: ArraySlice<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= bytes.endIndex else { return nil }
        var value = 0
        for index in start..<(start + count) {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return value
    }

    static func isOID(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, let first = parts.first, ["0", "1", "2"].contains(first) else { return false }
        return parts.dropFirst().allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy(isDigit) && (part == "0" || part.first != "0")
        }
    }

    static func isUUID(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !(isDigit(byte) || (0x61...0x66).contains(byte)) {
                return false
            }
        }
        return true
    }

    /// YYYY, YYYY-MM or YYYY-MM-DD with a real month and day range.
    static func isDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        let start = bytes.startIndex
        guard let year = digits(bytes, start, 4), year >= 1 else { return false }
        if bytes.count == 4 { return true }
        guard bytes.count >= 7, bytes[start + 4] == UInt8(ascii: "-"), let month = digits(bytes, start + 5, 2), (1...12).contains(month)
        else { return false }
        if bytes.count == 7 { return true }
        guard bytes.count == 10, bytes[start + 7] == UInt8(ascii: "-"), let day = digits(bytes, start + 8, 2), (1...31).contains(day)
        else { return false }
        return true
    }

    /// hh:mm:ss(.fraction).
    static func isTime(_ bytes: ArraySlice<UInt8>) -> Bool {
        let start = bytes.startIndex
        guard bytes.count >= 8, let hour = digits(bytes, start, 2), hour <= 23, bytes[start + 2] == UInt8(ascii: ":"),
            let minute = digits(bytes, start + 3, 2), minute <= 59, bytes[start + 5] == UInt8(ascii: ":"),
            let second = digits(bytes, start + 6, 2), second <= 60
        else { return false }
        if bytes.count == 8 { return true }
        guard bytes[start + 8] == UInt8(ascii: "."), bytes.count > 9 else { return false }
        return bytes[(start + 9)...].allSatisfy(isDigit)
    }

    /// A dateTime (a partial date alone, or a full date with a time and a zone); an instant needs the time.
    static func isDateTime(_ bytes: [UInt8], requireTime: Bool) -> Bool {
        guard let t = bytes.firstIndex(of: UInt8(ascii: "T")) else {
            return !requireTime && isDate(bytes[...])
        }
        guard t == 10, isDate(bytes[..<t]) else { return false }
        var rest = bytes[(t + 1)...]
        // The zone: Z or ±hh:mm.
        if rest.last == UInt8(ascii: "Z") {
            rest = rest.dropLast()
        } else {
            guard rest.count > 6 else { return false }
            let zone = rest.suffix(6)
            let z = zone.startIndex
            guard zone[z] == UInt8(ascii: "+") || zone[z] == UInt8(ascii: "-"), let hours = digits(zone, z + 1, 2), hours <= 14,
                zone[z + 3] == UInt8(ascii: ":"), let minutes = digits(zone, z + 4, 2), minutes <= 59
            else { return false }
            rest = rest.dropLast(6)
        }
        return isTime(rest)
    }
}
