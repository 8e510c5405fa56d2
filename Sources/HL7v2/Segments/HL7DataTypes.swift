// Composite data types read by the typed segment accessors (HL7 v2.5 chapter 2A): CE/CWE, CX, XPN, XCN,
// HD, PL. Every value is decoded (escapes resolved).

/// A coded element (CE, CWE, CNE): identifier, text, coding system.
public struct HL7CodedElement: Hashable, Sendable {
    /// Component 1, the code.
    public var identifier: String
    /// Component 2, the text.
    public var text: String
    /// Component 3, the name of the coding system (`I10`, `LN`, `HL70357`).
    public var codingSystem: String

    /// Creates a coded element.
    public init(identifier: String, text: String = "", codingSystem: String = "") {
        self.identifier = identifier
        self.text = text
        self.codingSystem = codingSystem
    }

    init(_ repetition: HL7Repetition) {
        self.init(
            identifier: repetition.component(1)?.value ?? "", text: repetition.component(2)?.value ?? "",
            codingSystem: repetition.component(3)?.value ?? "")
    }
}

/// An extended identifier (CX), such as a medical record number.
public struct HL7Identifier: Hashable, Sendable {
    /// Component 1, the identifier.
    public var id: String
    /// Component 4.1, the assigning authority's namespace.
    public var assigningAuthority: String
    /// Component 5, the identifier type (`MR`, `PI`, `AN`).
    public var typeCode: String

    /// Reads a CX repetition of any field.
    public init(_ repetition: HL7Repetition) {
        id = repetition.component(1)?.value ?? ""
        assigningAuthority = repetition.component(4)?.value ?? ""
        typeCode = repetition.component(5)?.value ?? ""
    }
}

/// A person's name (XPN).
public struct HL7PersonName: Hashable, Sendable {
    /// Component 1, the family name (its first subcomponent, the surname).
    public var family: String
    /// Component 2, the given name.
    public var given: String
    /// Component 3, further given names or initials.
    public var middle: String
    /// Component 4, the suffix.
    public var suffix: String
    /// Component 5, the prefix.
    public var prefix: String

    /// Reads an XPN repetition of any field (`offset` 1 for the name inside an XCN).
    public init(_ repetition: HL7Repetition, offset: Int = 0) {
        family = repetition.component(1 + offset)?.value ?? ""
        given = repetition.component(2 + offset)?.value ?? ""
        middle = repetition.component(3 + offset)?.value ?? ""
        suffix = repetition.component(4 + offset)?.value ?? ""
        prefix = repetition.component(5 + offset)?.value ?? ""
    }
}

/// A clinician (XCN): an identifier and a name.
public struct HL7Clinician: Hashable, Sendable {
    /// Component 1, the clinician's identifier (e.g. an NPI).
    public var id: String
    /// Components 2–6, the name.
    public var name: HL7PersonName

    /// Reads an XCN repetition of any field.
    public init(_ repetition: HL7Repetition) {
        id = repetition.component(1)?.value ?? ""
        name = HL7PersonName(repetition, offset: 1)
    }
}

/// A hierarchic designator (HD): an application or facility.
public struct HL7HierarchicDesignator: Hashable, Sendable {
    /// Component 1, the namespace ID.
    public var namespaceID: String
    /// Component 2, the universal ID.
    public var universalID: String
    /// Component 3, the universal ID type.
    public var universalIDType: String

    init(_ field: HL7Field?) {
        let repetition = field?.repetition(1)
        namespaceID = repetition?.component(1)?.value ?? ""
        universalID = repetition?.component(2)?.value ?? ""
        universalIDType = repetition?.component(3)?.value ?? ""
    }
}

/// A patient location (PL): point of care, room, bed, facility.
public struct HL7PatientLocation: Hashable, Sendable {
    /// Component 1, the point of care (nursing unit, clinic).
    public var pointOfCare: String
    /// Component 2, the room.
    public var room: String
    /// Component 3, the bed.
    public var bed: String
    /// Component 4, the facility.
    public var facility: String

    /// Reads a PL repetition of any field.
    public init(_ repetition: HL7Repetition?) {
        pointOfCare = repetition?.component(1)?.value ?? ""
        room = repetition?.component(2)?.value ?? ""
        bed = repetition?.component(3)?.value ?? ""
        facility = repetition?.component(4)?.value ?? ""
    }
}

extension HL7Segment {
    /// The decoded component of the first repetition of a field, `""` when absent.
    public func string(_ field: Int, component: Int = 1) -> String {
        self.field(field)?.repetition(1)?.component(component)?.value ?? ""
    }

    /// Every repetition of a field.
    public func repetitions(_ field: Int) -> [HL7Repetition] {
        guard let field = self.field(field), !field.isEmpty else { return [] }
        return Array(field.repetitions)
    }
}
