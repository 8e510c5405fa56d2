// Typed views over FHIR R4 JSON (http://hl7.org/fhir/R4/json.html): a model holds the resource's JSON object
// and reads and writes its members in place, so everything it does not touch — unknown elements, extensions,
// `_name` primitive extensions (json.html#primitive), member order, number text — is kept byte for byte.

/// The generated FHIR R4 (4.0.1) models: resources, data types and backbone elements, named as in
/// ``R4Definitions`` (`R4.Patient`, `R4.CodeableConcept`, `R4.CompositionSection`). A namespace, so that
/// `Range`, `Duration` and `Bundle` do not shadow the standard library's or Foundation's.
///
/// ```swift
/// var document = try R4.DocumentReference(resource: JSONReader().read(bytes))
/// let type = document.content.first?.attachment?.contentType  // String?
/// document.docStatus = "final"                                // inserted after `status` (and `_status`)
/// document.statusElement?.extension                          // the extensions in `_status`
/// let written = JSONWriter.write(document.json)               // everything else as it was read
/// ```
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
    @inline(never)
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

// Typed member access for the generated accessors: `type` is the FHIR type whose order applies to a new member.
// Non-generic (but for the element models) and never inlined: copied into each of the ~1,600 accessors by the
// optimizer, they made a release build of this module twice as slow.
extension JSONValue {
    @inline(never)
    func memberString(_ key: String) -> String? { self[key]?.string }

    @inline(never)
    mutating func setString(_ key: String, _ value: String?, type: String) {
        setMember(key, value.map { .string($0) }, type: type)
    }

    @inline(never)
    func memberBool(_ key: String) -> Bool? {
        if case .bool(let flag) = self[key] { return flag }
        return nil
    }

    @inline(never)
    mutating func setBool(_ key: String, _ value: Bool?, type: String) {
        setMember(key, value.map { .bool($0) }, type: type)
    }

    @inline(never)
    func memberInteger(_ key: String) -> Int? {
        if case .number(let text) = self[key] { return Int(text) }
        return nil
    }

    @inline(never)
    mutating func setInteger(_ key: String, _ value: Int?, type: String) {
        setMember(key, value.map { .integer($0) }, type: type)
    }

    @inline(never)
    func memberDecimal(_ key: String) -> FHIRDecimal? {
        if case .number(let text) = self[key] { return FHIRDecimal(text) }
        return nil
    }

    @inline(never)
    mutating func setDecimal(_ key: String, _ value: FHIRDecimal?, type: String) {
        setMember(key, value.map { .number($0.text) }, type: type)
    }

    /// The strings of a list of primitives; `null` slots (an element with only an id or extensions in `_name`)
    /// are left out.
    @inline(never)
    func memberStrings(_ key: String) -> [String] { self[key]?.array?.compactMap(\.string) ?? [] }

    @inline(never)
    mutating func setStrings(_ key: String, _ values: [String], type: String) {
        setList(key, values.map { .string($0) }, type: type)
    }

    @inline(never)
    func memberBooleans(_ key: String) -> [Bool] {
        self[key]?.array?.compactMap { if case .bool(let flag) = $0 { flag } else { nil } } ?? []
    }

    @inline(never)
    mutating func setBooleans(_ key: String, _ values: [Bool], type: String) {
        setList(key, values.map { .bool($0) }, type: type)
    }

    @inline(never)
    func memberIntegers(_ key: String) -> [Int] {
        self[key]?.array?.compactMap { if case .number(let text) = $0 { Int(text) } else { nil } } ?? []
    }

    @inline(never)
    mutating func setIntegers(_ key: String, _ values: [Int], type: String) {
        setList(key, values.map { .integer($0) }, type: type)
    }

    @inline(never)
    func memberDecimals(_ key: String) -> [FHIRDecimal] {
        self[key]?.array?.compactMap { if case .number(let text) = $0 { FHIRDecimal(text) } else { nil } } ?? []
    }

    @inline(never)
    mutating func setDecimals(_ key: String, _ values: [FHIRDecimal], type: String) {
        setList(key, values.map { .number($0.text) }, type: type)
    }

    /// Sets a list of primitives. The values fill the list's non-`null` slots in order (an extra value is
    /// appended, a missing one removes its slot); a `null` slot (an element with only an id or extensions in
    /// `_name`) stays where it is, and the `_name` companion, when there is one, stays aligned with the slots.
    @inline(never)
    mutating func setList(_ key: String, _ values: [JSONValue], type: String) {
        let old = self[key]?.array ?? []
        let companion = "_" + key
        let extras = self[companion]?.array
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
        setMember(key, slots.isEmpty || (noValues && noExtras) ? nil : .array(slots), type: type)
        if extras != nil { setMember(companion, noExtras ? nil : .array(slotExtras), type: type) }
    }

    @inline(never)
    func memberElement<Model: FHIRElementModel>(_ key: String) -> Model? { self[key].map(Model.init(json:)) }

    @inline(never)
    mutating func setElement(_ key: String, _ value: (some FHIRElementModel)?, type: String) {
        setMember(key, value?.json, type: type)
    }

    @inline(never)
    func memberElements<Model: FHIRElementModel>(_ key: String) -> [Model] {
        self[key]?.array?.map(Model.init(json:)) ?? []
    }

    @inline(never)
    mutating func setElements(_ key: String, _ values: [some FHIRElementModel], type: String) {
        setMember(key, values.isEmpty ? nil : .array(values.map(\.json)), type: type)
    }

    /// The `_name` companions of a list of primitives, aligned with its values (`nil` where there is none).
    @inline(never)
    func memberPrimitiveElements(_ key: String) -> [R4.Element?] {
        self[key]?.array?.map { $0 == .null ? nil : R4.Element(json: $0) } ?? []
    }

    @inline(never)
    mutating func setPrimitiveElements(_ key: String, _ values: [R4.Element?], type: String) {
        let allNull = values.allSatisfy { $0 == nil }
        setMember(key, allNull ? nil : .array(values.map { $0?.json ?? .null }), type: type)
    }

    @inline(never)
    func memberResources(_ key: String) -> [JSONValue] { self[key]?.array ?? [] }

    @inline(never)
    mutating func setResources(_ key: String, _ values: [JSONValue], type: String) {
        setMember(key, values.isEmpty ? nil : .array(values), type: type)
    }
}

// Short forms for the generated accessors (each inlined to one call of the functions above).
extension FHIRElementModel {
    func string(_ key: String) -> String? { json.memberString(key) }
    mutating func setString(_ key: String, _ value: String?) { json.setString(key, value, type: Self.fhirType) }
    func bool(_ key: String) -> Bool? { json.memberBool(key) }
    mutating func setBool(_ key: String, _ value: Bool?) { json.setBool(key, value, type: Self.fhirType) }
    func integer(_ key: String) -> Int? { json.memberInteger(key) }
    mutating func setInteger(_ key: String, _ value: Int?) { json.setInteger(key, value, type: Self.fhirType) }
    func decimal(_ key: String) -> FHIRDecimal? { json.memberDecimal(key) }
    mutating func setDecimal(_ key: String, _ value: FHIRDecimal?) { json.setDecimal(key, value, type: Self.fhirType) }
    func strings(_ key: String) -> [String] { json.memberStrings(key) }
    mutating func setStrings(_ key: String, _ values: [String]) { json.setStrings(key, values, type: Self.fhirType) }
    func booleans(_ key: String) -> [Bool] { json.memberBooleans(key) }
    mutating func setBooleans(_ key: String, _ values: [Bool]) { json.setBooleans(key, values, type: Self.fhirType) }
    func integers(_ key: String) -> [Int] { json.memberIntegers(key) }
    mutating func setIntegers(_ key: String, _ values: [Int]) { json.setIntegers(key, values, type: Self.fhirType) }
    func decimals(_ key: String) -> [FHIRDecimal] { json.memberDecimals(key) }
    mutating func setDecimals(_ key: String, _ values: [FHIRDecimal]) {
        json.setDecimals(key, values, type: Self.fhirType)
    }
    func element<Model: FHIRElementModel>(_ key: String) -> Model? { json.memberElement(key) }
    mutating func setElement(_ key: String, _ value: (some FHIRElementModel)?) {
        json.setElement(key, value, type: Self.fhirType)
    }
    func elements<Model: FHIRElementModel>(_ key: String) -> [Model] { json.memberElements(key) }
    mutating func setElements(_ key: String, _ values: [some FHIRElementModel]) {
        json.setElements(key, values, type: Self.fhirType)
    }
    func primitiveElements(_ key: String) -> [R4.Element?] { json.memberPrimitiveElements(key) }
    mutating func setPrimitiveElements(_ key: String, _ values: [R4.Element?]) {
        json.setPrimitiveElements(key, values, type: Self.fhirType)
    }
    func resource(_ key: String) -> JSONValue? { json[key] }
    mutating func setResource(_ key: String, _ value: JSONValue?) { json.setMember(key, value, type: Self.fhirType) }
    func resources(_ key: String) -> [JSONValue] { json.memberResources(key) }
    mutating func setResources(_ key: String, _ values: [JSONValue]) {
        json.setResources(key, values, type: Self.fhirType)
    }
}
