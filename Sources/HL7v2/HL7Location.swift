/// A position inside an HL7 v2 message, as HL7's ERR-2 (ERL data type) describes it.
///
/// Positions are 1-based. A location names places, never content, so it is safe to log.
public struct HL7Location: Hashable, Sendable, CustomStringConvertible {
    /// The 1-based position of the segment in the message.
    public var segmentIndex: Int
    /// The segment's name (`PID`), when it could be read.
    public var segmentName: String?
    /// The 1-based field position (`5` in `PID-5`).
    public var field: Int?
    /// The 1-based repetition of the field.
    public var repetition: Int?
    /// The 1-based component.
    public var component: Int?
    /// The 1-based subcomponent.
    public var subcomponent: Int?

    /// Creates a location.
    public init(
        segmentIndex: Int, segmentName: String? = nil, field: Int? = nil, repetition: Int? = nil,
        component: Int? = nil, subcomponent: Int? = nil
    ) {
        self.segmentIndex = segmentIndex
        self.segmentName = segmentName
        self.field = field
        self.repetition = repetition
        self.component = component
        self.subcomponent = subcomponent
    }

    /// A short human description: `segment 3 (PID) field 5 repetition 1 component 2`.
    public var description: String {
        var text = "segment \(segmentIndex)"
        if let segmentName { text += " (\(segmentName))" }
        if let field { text += " field \(field)" }
        if let repetition { text += " repetition \(repetition)" }
        if let component { text += " component \(component)" }
        if let subcomponent { text += " subcomponent \(subcomponent)" }
        return text
    }

    /// The location as an ERR-2 (ERL) value: segment ID, segment sequence, field position,
    /// field repetition, component number, subcomponent number.
    public var errorLocationComponents: [String] {
        [
            segmentName ?? "",
            String(segmentIndex),
            field.map(String.init) ?? "",
            repetition.map(String.init) ?? "",
            component.map(String.init) ?? "",
            subcomponent.map(String.init) ?? "",
        ]
    }
}
