/// Validates resources against profiles: the differential of each StructureDefinition (constraint) that applies —
/// cardinality (`min`, `max`), `fixed[x]` and `pattern[x]` values, `required` bindings to the value sets it was
/// given (explicit `compose.include.concept` lists), reference targets (`type.targetProfile`), and invariants of
/// the form `a.exists() or b.exists()`. A profile applies to a resource that names it in `meta.profile`, or to
/// every resource of its type when asked (`enforced`); a versioned canonical (`url|6.1.0`) selects the profile of
/// that URL, whatever the version. Resources inside Bundles and `contained` are validated too.
///
/// What is not checked, and says so nowhere in the issues: slices (`sliceName` elements), bindings to value sets
/// that were not given (US Core's all-LOINC document types), other invariants. The base specification is checked by
/// ``FHIRValidator``; ``validate(_:)`` runs both.
public struct FHIRProfileValidator: Sendable {
    /// One differential element, as the validator uses it.
    struct Rule: Sendable {
        var path: [String]
        var id: String
        var min: Int?
        var max: String?
        var fixed: JSONValue?
        var pattern: JSONValue?
        var requiredValueSet: String?
        var targetTypes: [String]
        var anyOf: [[String]]
        var invariant: String?
    }

    /// A profile: its URL, the resource type it constrains, and its rules.
    public struct Profile: Sendable {
        public var url: String
        public var type: String
        let rules: [Rule]
    }

    /// The profiles by URL.
    public let profiles: [String: Profile]
    /// Codes by value set URL: `system|code`.
    let valueSets: [String: Set<String>]
    /// Profile URLs applied to every resource of their type, whether it names them or not.
    public var enforced: Set<String> = []
    let base = FHIRValidator()

    /// The profiles and value sets shipped in `profiles/` (US Core DocumentReference, the NoteBridge SOAP note).
    public static let bundled: FHIRProfileValidator = {
        let resources = ProfilesData.resources.compactMap { text in
            text.withUTF8Buffer { try? JSONReader().read(Array($0)) }
        }
        return (try? FHIRProfileValidator(resources: resources)) ?? FHIRProfileValidator(empty: ())
    }()

    private init(empty: Void) {
        profiles = [:]
        valueSets = [:]
    }

    /// Reads StructureDefinitions (derivation `constraint`) and ValueSets; throws on anything else.
    public init(resources: [JSONValue]) throws(FHIRParseError) {
        var profiles: [String: Profile] = [:]
        var valueSets: [String: Set<String>] = [:]
        for (index, resource) in resources.enumerated() {
            let path = "resources[\(index)]"
            guard let url = resource["url"]?.string else {
                throw FHIRParseError(.invalidStructure, offset: 0, "a conformance resource needs a url", path: path)
            }
            switch resource["resourceType"]?.string {
            case "ValueSet":
                var codes: Set<String> = []
                for include in resource["compose"]?["include"]?.array ?? [] {
                    let system = include["system"]?.string ?? ""
                    for concept in include["concept"]?.array ?? [] {
                        if let code = concept["code"]?.string { codes.insert("\(system)|\(code)") }
                    }
                }
                valueSets[url] = codes
            case "StructureDefinition":
                guard let type = resource["type"]?.string, resource["derivation"]?.string == "constraint" else {
                    throw FHIRParseError(
                        .invalidStructure, offset: 0, "only constraint StructureDefinitions with a type are read", path: path)
                }
                profiles[url] = Profile(url: url, type: type, rules: try Self.rules(resource, type: type, path: path))
            default:
                throw FHIRParseError(.invalidStructure, offset: 0, "not a StructureDefinition or ValueSet", path: path)
            }
        }
        self.profiles = profiles
        self.valueSets = valueSets
    }

    static func rules(_ definition: JSONValue, type: String, path: String) throws(FHIRParseError) -> [Rule] {
        var rules: [Rule] = []
        for element in definition["differential"]?["element"]?.array ?? [] {
            // Slices are not checked (their discriminators would be needed).
            guard element["sliceName"] == nil, let elementPath = element["path"]?.string,
                let id = element["id"]?.string, !id.contains(":")
            else { continue }
            var segments = elementPath.split(separator: ".").map(String.init)
            guard segments.first == type else {
                throw FHIRParseError(.invalidStructure, offset: 0, "element \(elementPath) is not in \(type)", path: path)
            }
            segments.removeFirst()
            var rule = Rule(
                path: segments, id: id, min: nil, max: element["max"]?.string, fixed: nil, pattern: nil,
                requiredValueSet: nil, targetTypes: [], anyOf: [], invariant: nil)
            if case .number(let text)? = element["min"] { rule.min = Int(text) }
            for member in element.members ?? [] {
                if member.key.hasPrefix("fixed") { rule.fixed = member.value }
                if member.key.hasPrefix("pattern") { rule.pattern = member.value }
            }
            if element["binding"]?["strength"]?.string == "required" {
                rule.requiredValueSet = element["binding"]?["valueSet"]?.string
            }
            for type in element["type"]?.array ?? [] where type["code"]?.string == "Reference" {
                rule.targetTypes += (type["targetProfile"]?.array ?? []).compactMap { $0.string.flatMap(resourceType(ofProfile:)) }
            }
            for constraint in element["constraint"]?.array ?? [] {
                guard constraint["severity"]?.string == "error", let expression = constraint["expression"]?.string else { continue }
                // `a.exists() or b.exists()`: the only invariant form read.
                let terms = expression.split(separator: " or ").map { $0.split(separator: " ").joined() }
                if terms.allSatisfy({ $0.hasSuffix(".exists()") }) {
                    rule.anyOf = terms.map { $0.dropLast(".exists()".count).split(separator: ".").map(String.init) }
                    rule.invariant = constraint["key"]?.string
                }
            }
            rules.append(rule)
        }
        return rules
    }

    /// The resource type a profile URL constrains: the last path part of a base definition
    /// (`.../StructureDefinition/Patient`) or of a US Core profile (`us-core-practitionerrole` → PractitionerRole).
    static func resourceType(ofProfile url: String) -> String? {
        guard let last = url.split(separator: "/").last.map(String.init) else { return nil }
        if R4Definitions.r4.type(last)?.kind == .resource { return last }
        let name = last.replacingPrefix("us-core-")
        return R4Definitions.r4.types.values.first { $0.kind == .resource && $0.name.lowercased() == name }?.name
    }

    /// The base specification's issues, then every applicable profile's.
    public func validate(_ resource: JSONValue) -> [FHIRIssue] {
        var issues = base.validate(resource)
        validateProfiles(resource, path: resource["resourceType"]?.string ?? "Resource", bundle: [:], into: &issues)
        return issues
    }

    /// Every profile URL checked in a resource and the resources inside it, in order of first use.
    public func checkedProfiles(_ resource: JSONValue) -> [String] {
        var urls = applicable(to: resource).filter { profiles[$0] != nil }
        let inner = (resource["entry"]?.array ?? []).compactMap { $0["resource"] } + (resource["contained"]?.array ?? [])
        for item in inner {
            for url in checkedProfiles(item) where !urls.contains(url) { urls.append(url) }
        }
        return urls
    }

    /// An OperationOutcome of `issues` for `resource`; when there are none, it names the profiles checked.
    public func operationOutcome(_ issues: [FHIRIssue], for resource: JSONValue) -> JSONValue {
        guard issues.isEmpty else { return FHIRValidator.operationOutcome(issues) }
        let profiles = checkedProfiles(resource)
        let text =
            "No issues: the resource is valid against the FHIR R4 base specification"
            + (profiles.isEmpty ? "." : " and the profiles \(profiles.joined(separator: ", ")).")
        return .make([
            "resourceType": "OperationOutcome",
            "issue": [.make(["severity": "information", "code": "informational", "diagnostics": .string(text)])],
        ])
    }

    /// The profile URLs a resource is checked against.
    public func applicable(to resource: JSONValue) -> [String] {
        guard let type = resource["resourceType"]?.string else { return [] }
        // A canonical may carry a version (`url|8.0.0`): the profile of that URL is checked, whichever version.
        let declared = (resource["meta"]?["profile"]?.array ?? []).compactMap { $0.string?.split(separator: "|").first.map(String.init) }
        let forced = enforced.filter { profiles[$0]?.type == type }.sorted()
        return (declared + forced).reduce(into: [String]()) { list, url in if !list.contains(url) { list.append(url) } }
    }

    func validateProfiles(_ resource: JSONValue, path: String, bundle: [String: String], into issues: inout [FHIRIssue]) {
        guard let type = resource["resourceType"]?.string else { return }
        // The fullUrls of a Bundle's entries resolve references made between them.
        var resolved = bundle
        if type == "Bundle" {
            for entry in resource["entry"]?.array ?? [] {
                if let url = entry["fullUrl"]?.string, let entryType = entry["resource"]?["resourceType"]?.string {
                    resolved[url] = entryType
                }
            }
        }
        for url in applicable(to: resource) {
            guard let profile = profiles[url] else {
                issues.append(
                    FHIRIssue(.warning, code: "not-supported", expression: path, message: "profile \(url) is not known; not checked"))
                continue
            }
            guard profile.type == type else {
                issues.append(
                    FHIRIssue(.error, code: "invalid", expression: path, message: "profile \(url) constrains \(profile.type), not \(type)"))
                continue
            }
            for rule in profile.rules {
                check(rule, profile: profile, in: resource, path: path, references: resolved, into: &issues)
            }
        }
        for (index, entry) in (resource["entry"]?.array ?? []).enumerated() {
            if let inner = entry["resource"] {
                validateProfiles(inner, path: "\(path).entry[\(index)].resource", bundle: resolved, into: &issues)
            }
        }
        for (index, inner) in (resource["contained"]?.array ?? []).enumerated() {
            validateProfiles(inner, path: "\(path).contained[\(index)]", bundle: resolved, into: &issues)
        }
    }

    /// The nodes at `segments` below `node`, with their paths (a `[x]` segment matches each typed name).
    static func nodes(_ segments: ArraySlice<String>, in node: JSONValue, path: String) -> [(JSONValue, String)] {
        guard let segment = segments.first else { return [(node, path)] }
        var matches: [(String, JSONValue)] = []
        if segment.hasSuffix("[x]") {
            let stem = String(segment.dropLast(3))
            matches = (node.members ?? []).filter { $0.key.hasPrefix(stem) && $0.key.count > stem.count && $0.key.dropFirst(stem.count).first?.isUppercase == true }
                .map { ($0.key, $0.value) }
        } else if let value = node[segment] {
            matches = [(segment, value)]
        }
        var found: [(JSONValue, String)] = []
        for (name, value) in matches {
            if case .array(let items) = value {
                for (index, item) in items.enumerated() {
                    found += nodes(segments.dropFirst(), in: item, path: "\(path).\(name)[\(index)]")
                }
            } else {
                found += nodes(segments.dropFirst(), in: value, path: "\(path).\(name)")
            }
        }
        return found
    }

    func check(
        _ rule: Rule, profile: Profile, in resource: JSONValue, path: String, references: [String: String],
        into issues: inout [FHIRIssue]
    ) {
        let short = profile.url.split(separator: "/").last.map(String.init) ?? profile.url
        func issue(_ code: String, _ at: String, _ message: String) {
            issues.append(FHIRIssue(.error, code: code, expression: at, message: "\(message) (profile \(short), \(rule.id))"))
        }
        let parents = rule.path.isEmpty ? [(resource, path)] : Self.nodes(rule.path.dropLast(), in: resource, path: path)
        let name = rule.path.last ?? ""
        for (parent, parentPath) in parents {
            let children = rule.path.isEmpty ? [(resource, path)] : Self.nodes([name], in: parent, path: parentPath)
            if let min = rule.min, children.count < min {
                issue("required", "\(parentPath).\(name)", "at least \(min) required")
            }
            if let max = rule.max, max != "*", let limit = Int(max), children.count > limit {
                issue("structure", "\(parentPath).\(name)", limit == 0 ? "not allowed" : "at most \(limit) allowed")
            }
            for (child, childPath) in children {
                if let fixed = rule.fixed, child != fixed {
                    issue("value", childPath, "must be the fixed value")
                }
                if let pattern = rule.pattern, !Self.matches(child, pattern: pattern) {
                    issue("value", childPath, "does not match the required pattern")
                }
                if let url = rule.requiredValueSet, let codes = valueSets[url], !Self.isMember(child, of: codes) {
                    issue("code-invalid", childPath, "not in the required value set \(url)")
                }
                if !rule.targetTypes.isEmpty, let reference = child["reference"]?.string,
                    let target = Self.referencedType(reference, bundle: references), !rule.targetTypes.contains(target)
                {
                    issue("value", childPath + ".reference", "must reference \(rule.targetTypes.joined(separator: " or ")), not \(target)")
                }
                if !rule.anyOf.isEmpty, !rule.anyOf.contains(where: { !Self.nodes($0[...], in: child, path: "").isEmpty }) {
                    issue(
                        "invariant", childPath,
                        "\(rule.invariant ?? "invariant"): one of \(rule.anyOf.map { $0.joined(separator: ".") }.joined(separator: ", ")) is required")
                }
            }
        }
    }

    /// Whether `value` holds everything `pattern` has: objects member by member, arrays item by item (each
    /// pattern item matched by some value item), primitives equal.
    static func matches(_ value: JSONValue, pattern: JSONValue) -> Bool {
        switch (value, pattern) {
        case (.object, .object(let wanted)):
            return wanted.allSatisfy { member in value[member.key].map { matches($0, pattern: member.value) } ?? false }
        case (.array(let items), .array(let wanted)):
            return wanted.allSatisfy { item in items.contains { matches($0, pattern: item) } }
        default:
            return value == pattern
        }
    }

    /// Whether a code, Coding or CodeableConcept is in a value set (`system|code`; a bare code matches any system).
    static func isMember(_ value: JSONValue, of codes: Set<String>) -> Bool {
        if let code = value.string { return codes.contains { $0.hasSuffix("|" + code) } }
        if let code = value["code"]?.string { return codes.contains("\(value["system"]?.string ?? "")|\(code)") }
        if let codings = value["coding"]?.array {
            return codings.contains { isMember($0, of: codes) }
        }
        return false
    }

    /// The resource type a literal reference names (`Patient/1`, `https://x/fhir/Patient/1`, a Bundle fullUrl), or
    /// `nil` when it cannot be told (`#contained`, an unresolved `urn:uuid:`).
    static func referencedType(_ reference: String, bundle: [String: String]) -> String? {
        bundle[reference] ?? FHIRReference.parse(reference)?.type
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
