// OBX, observation/result (HL7 v2.5 chapter 7, section 7.4.2).

/// Typed access to an OBX segment.
public struct OBXSegment: Sendable {
    /// The underlying segment.
    public let segment: HL7Segment

    /// Wraps a segment named OBX.
    public init?(_ segment: HL7Segment) {
        guard segment.name == "OBX" else { return nil }
        self.segment = segment
    }

    /// OBX-1 Set ID.
    public var setID: String { segment.string(1) }
    /// OBX-2 Value Type (`TX`, `FT`, `NM`, `CE`, `ED`, ...).
    public var valueType: String { segment.string(2) }
    /// OBX-3 Observation Identifier.
    public var observationIdentifier: HL7CodedElement {
        segment.field(3)?.repetition(1).map(HL7CodedElement.init) ?? HL7CodedElement(identifier: "")
    }
    /// OBX-4 Observation Sub-ID.
    public var subID: String { segment.string(4) }
    /// OBX-5 Observation Value: each repetition decoded whole (for text types, components are part of the text).
    public var values: [String] {
        segment.repetitions(5).map { repetition in
            repetition.components.map { $0.subcomponents.joined(separator: "&") }.joined(separator: "^")
        }
    }
    /// OBX-5 joined: the repetitions of a TX or FT value are lines of one text.
    public var text: String { values.joined(separator: "\n") }
    /// OBX-6 Units.
    public var units: HL7CodedElement {
        segment.field(6)?.repetition(1).map(HL7CodedElement.init) ?? HL7CodedElement(identifier: "")
    }
    /// OBX-7 Reference Range.
    public var referenceRange: String { segment.string(7) }
    /// OBX-8 Abnormal Flags.
    public var abnormalFlags: [String] { segment.repetitions(8).map(\.value) }
    /// OBX-11 Observation Result Status.
    public var resultStatus: String { segment.string(11) }
    /// OBX-14 Date/Time of the Observation, as sent.
    public var observationDateTime: String { segment.string(14) }
}
