// OBR, observation request (HL7 v2.5 chapter 4, section 4.5.3).

/// Typed access to an OBR segment.
public struct OBRSegment: Sendable {
    /// The underlying segment.
    public let segment: HL7Segment

    /// Wraps a segment named OBR.
    public init?(_ segment: HL7Segment) {
        guard segment.name == "OBR" else { return nil }
        self.segment = segment
    }

    /// OBR-1 Set ID.
    public var setID: String { segment.string(1) }
    /// OBR-2 Placer Order Number.
    public var placerOrderNumber: String { segment.string(2) }
    /// OBR-3 Filler Order Number.
    public var fillerOrderNumber: String { segment.string(3) }
    /// OBR-4 Universal Service Identifier.
    public var universalServiceID: HL7CodedElement {
        segment.field(4)?.repetition(1).map(HL7CodedElement.init) ?? HL7CodedElement(identifier: "")
    }
    /// OBR-7 Observation Date/Time, as sent.
    public var observationDateTime: String { segment.string(7) }
    /// OBR-16 Ordering Provider.
    public var orderingProviders: [HL7Clinician] { segment.repetitions(16).map(HL7Clinician.init) }
    /// OBR-25 Result Status.
    public var resultStatus: String { segment.string(25) }
}
