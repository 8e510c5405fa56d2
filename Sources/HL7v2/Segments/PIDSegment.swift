// PID, patient identification (HL7 v2.5 chapter 3, section 3.4.2).

/// Typed access to a PID segment.
public struct PIDSegment: Sendable {
    /// The underlying segment.
    public let segment: HL7Segment

    /// Wraps a segment named PID.
    public init?(_ segment: HL7Segment) {
        guard segment.name == "PID" else { return nil }
        self.segment = segment
    }

    /// PID-1 Set ID.
    public var setID: String { segment.string(1) }
    /// PID-3 Patient Identifier List.
    public var identifiers: [HL7Identifier] { segment.repetitions(3).map(HL7Identifier.init) }
    /// PID-5 Patient Name, every repetition.
    public var names: [HL7PersonName] { segment.repetitions(5).map { HL7PersonName($0) } }
    /// PID-7 Date/Time of Birth, as sent.
    public var dateOfBirth: String { segment.string(7) }
    /// PID-8 Administrative Sex (`F`, `M`, `O`, `U`, `A`, `N`).
    public var administrativeSex: String { segment.string(8) }
    /// PID-18 Patient Account Number.
    public var accountNumber: String { segment.string(18) }
}
