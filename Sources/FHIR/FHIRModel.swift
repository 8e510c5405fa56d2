// Typed views over FHIR R4 JSON (http://hl7.org/fhir/R4/json.html): a model holds the resource's JSON object
// and reads and writes its members in place, so everything it does not touch — unknown elements, extensions,
// `_name` primitive extensions (json.html#primitive), member order, number text — is kept byte for byte.

/// The generated FHIR R4 (4.0.1) models: resources, data types and backbone elements, named as in
/// ``R4Definitions`` (`R4.Patient`, `R4.CodeableConcept`, `R4.CompositionSection`). A namespace, so that
/// `Range`, `Duration` and `Bundle` do not shadow the standard library's or Foundation's.
public enum R4 {}

/// A typed view over one FHIR element's JSON object.
///
/// Getters read members of ``json``; setters replace a member in place, insert a new one at its
/// specification-order position (unknown members stay where they are), and remove it when set to `nil` or an
/// empty list. A primitive's `_name` companion (its id and extensions) is never dropped by setting the value.
/// Equality is equality of the JSON, member order included.
public protocol FHIRElementModel: Hashable, Sendable {
    /// The FHIR type whose element order applies: `Patient`, `CompositionSection`, `Coding`.
    static var fhirType: String { get }
    /// The JSON this is a view of (an object, unless built from something else).
    var json: JSONValue { get set }
    /// A view of `json`, unchecked.
    init(json: JSONValue)
}

extension FHIRElementModel {
    /// An empty element (`{}`).
    public init() { self.init(json: .object([])) }
}

/// A typed view over a FHIR resource's JSON object.
public protocol FHIRResourceModel: FHIRElementModel {
    /// The `resourceType` this model is for: `Patient`.
    static var resourceType: String { get }
}

extension FHIRResourceModel {
    /// A resource's element order is its own type's.
    public static var fhirType: String { resourceType }

    /// A new resource with only its type: `{"resourceType": "Patient"}`.
    public init() { self.init(json: .object([JSONMember("resourceType", .string(Self.resourceType))])) }

    /// A view of `resource`, which must be a JSON object whose `resourceType` is ``resourceType``.
    /// - Throws: ``FHIRParseError/Code/wrongResourceType`` otherwise.
    public init(resource: JSONValue) throws(FHIRParseError) {
        guard case .object = resource else {
            throw FHIRParseError(
                .wrongResourceType, offset: 0,
                "a \(Self.resourceType) resource must be a JSON object, found \(resource.typeName)",
                path: Self.resourceType)
        }
        guard let found = resource.resourceType else {
            throw FHIRParseError(
                .wrongResourceType, offset: 0, "expected resourceType \(Self.resourceType), found none",
                path: "\(Self.resourceType).resourceType")
        }
        guard found == Self.resourceType else {
            // Only a known type name is quoted; anything else may be content.
            let known = R4Definitions.r4.type(found)?.kind == .resource
            throw FHIRParseError(
                .wrongResourceType, offset: 0,
                "expected resourceType \(Self.resourceType), found \(known ? found : "an unknown resource type")",
                path: "\(Self.resourceType).resourceType")
        }
        self.init(json: resource)
    }
}

extension JSONValue {
    /// The `resourceType` member's string, when this is a resource.
    public var resourceType: String? { self["resourceType"]?.string }

    /// The position of a member in `type`'s specification order: `2i` for element `i`, `2i + 1` for its `_name`
    /// companion, `-1` for `resourceType` and for an extension's `url` (first, as JSON examples and the XML
    /// attribute have it); `nil` for members the type does not define.
    static func rank(of key: String, in type: R4Definitions.TypeDefinition?) -> Int? {
        if key == "resourceType" || (key == "url" && type?.name == "Extension") { return -1 }
        let isCompanion = key.hasPrefix("_")
        let name = isCompanion ? String(key.dropFirst()) : key
        guard let type, let index = type.index[name] else { return nil }
        return 2 * index + (isCompanion ? 1 : 0)
    }

    /// Sets, replaces or (with `nil`) removes the member `key` of this object, `type` giving the
    /// specification order: an existing member is replaced in place; a new one goes right after the last member
    /// that comes before it in that order. Turns a non-object into an object (there is nothing to keep).
    mutating func setMember(_ key: String, _ value: JSONValue?, type: String) {
        var members = self.members ?? []
        if let existing = members.firstIndex(where: { $0.key == key }) {
            if let value {
                members[existing].value = value
            } else {
                members.remove(at: existing)
            }
        } else if let value {
            let definition = R4Definitions.r4.type(type)
            var position = 0
            if let rank = Self.rank(of: key, in: definition) {
                for (index, member) in members.enumerated() {
                    if let other = Self.rank(of: member.key, in: definition), other < rank { position = index + 1 }
                }
            } else {
                position = members.count
            }
            members.insert(JSONMember(key, value), at: position)
        } else {
            return
        }
        self = .object(members)
    }
}

// Typed member access for the generated accessors.
extension FHIRElementModel {
    mutating func set(_ key: String, _ value: JSONValue?) { json.setMember(key, value, type: Self.fhirType) }

    func string(_ key: String) -> String? { json[key]?.string }
    mutating func setString(_ key: String, _ value: String?) { set(key, value.map { .string($0) }) }

    func bool(_ key: String) -> Bool? {
        if case .bool(let flag) = json[key] { return flag }
        return nil
    }
    mutating func setBool(_ key: String, _ value: Bool?) { set(key, value.map { .bool($0) }) }

    func integer(_ key: String) -> Int? {
        if case .number(let text) = json[key] { return Int(text) }
        return nil
    }
    mutating func setInteger(_ key: String, _ value: Int?) { set(key, value.map { .integer($0) }) }

    func decimal(_ key: String) -> FHIRDecimal? {
        if case .number(let text) = json[key] { return FHIRDecimal(text) }
        return nil
    }
    mutating func setDecimal(_ key: String, _ value: FHIRDecimal?) { set(key, value.map { .number($0.text) }) }

    /// The strings of a list of primitives; `null` slots (an element with only an id or extensions in `_name`)
    /// are left out.
    func strings(_ key: String) -> [String] { json[key]?.array?.compactMap(\.string) ?? [] }
    mutating func setStrings(_ key: String, _ values: [String]) { setList(key, values.map { .string($0) }) }

    func booleans(_ key: String) -> [Bool] {
        json[key]?.array?.compactMap { if case .bool(let flag) = $0 { flag } else { nil } } ?? []
    }
    mutating func setBooleans(_ key: String, _ values: [Bool]) { setList(key, values.map { .bool($0) }) }

    func integers(_ key: String) -> [Int] {
        json[key]?.array?.compactMap { if case .number(let text) = $0 { Int(text) } else { nil } } ?? []
    }
    mutating func setIntegers(_ key: String, _ values: [Int]) { setList(key, values.map { .integer($0) }) }

    func decimals(_ key: String) -> [FHIRDecimal] {
        json[key]?.array?.compactMap { if case .number(let text) = $0 { FHIRDecimal(text) } else { nil } } ?? []
    }
    mutating func setDecimals(_ key: String, _ values: [FHIRDecimal]) {
        setList(key, values.map { .number($0.text) })
    }

    /// Sets a list of primitives. The values fill the list's non-`null` slots in order (an extra value is
    /// appended, a missing one removes its slot); a `null` slot (an element with only an id or extensions in
    /// `_name`) stays where it is, and the `_name` companion, when there is one, stays aligned with the slots.
    mutating func setList(_ key: String, _ values: [JSONValue]) {
        let old = json[key]?.array ?? []
        let companion = "_" + key
        let extras = json[companion]?.array
        var slots: [JSONValue] = []
        var slotExtras: [JSONValue] = []
        var next = values.makeIterator()
        for (index, item) in old.enumerated() {
            let extra = extras.flatMap { index < $0.count ? $0[index] : nil } ?? .null
            if item == .null {
                slots.append(.null)
            } else if let value = next.next() {
                slots.append(value)
            } else {
                continue
            }
            slotExtras.append(extra)
        }
        while let value = next.next() {
            slots.append(value)
            slotExtras.append(.null)
        }
        let noExtras = slotExtras.allSatisfy { $0 == .null }
        let noValues = slots.allSatisfy { $0 == .null }
        set(key, slots.isEmpty || (noValues && noExtras) ? nil : .array(slots))
        if extras != nil { set(companion, noExtras ? nil : .array(slotExtras)) }
    }

    func element<Model: FHIRElementModel>(_ key: String) -> Model? { json[key].map(Model.init(json:)) }
    mutating func setElement<Model: FHIRElementModel>(_ key: String, _ value: Model?) { set(key, value?.json) }

    func elements<Model: FHIRElementModel>(_ key: String) -> [Model] {
        json[key]?.array?.map(Model.init(json:)) ?? []
    }
    mutating func setElements<Model: FHIRElementModel>(_ key: String, _ values: [Model]) {
        set(key, values.isEmpty ? nil : .array(values.map(\.json)))
    }

    /// The `_name` companions of a list of primitives, aligned with its values (`nil` where there is none).
    func primitiveElements(_ key: String) -> [R4.Element?] {
        json[key]?.array?.map { $0 == .null ? nil : R4.Element(json: $0) } ?? []
    }
    mutating func setPrimitiveElements(_ key: String, _ values: [R4.Element?]) {
        let allNull = values.allSatisfy { $0 == nil }
        set(key, allNull ? nil : .array(values.map { $0?.json ?? .null }))
    }

    func resource(_ key: String) -> JSONValue? { json[key] }
    mutating func setResource(_ key: String, _ value: JSONValue?) { set(key, value) }

    func resources(_ key: String) -> [JSONValue] { json[key]?.array ?? [] }
    mutating func setResources(_ key: String, _ values: [JSONValue]) { set(key, values.isEmpty ? nil : .array(values)) }
}
