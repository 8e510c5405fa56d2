// PV1, patient visit (HL7 v2.5 chapter 3, section 3.4.3).

/// Typed access to a PV1 segment.
public struct PV1Segment: Sendable {
    /// The underlying segment.
    public let segment: HL7Segment

    /// Wraps a segment named PV1.
    public init?(_ segment: HL7Segment) {
        guard segment.name == "PV1" else { return nil }
        self.segment = segment
    }

    /// PV1-2 Patient Class (`I`, `O`, `E`, ...).
    public var patientClass: String { segment.string(2) }
    /// PV1-3 Assigned Patient Location.
    public var assignedLocation: HL7PatientLocation {
        HL7PatientLocation(segment.field(3)?.repetition(1))
    }
    /// PV1-4 Admission Type.
    public var admissionType: String { segment.string(4) }
    /// PV1-7 Attending Doctor.
    public var attendingDoctors: [HL7Clinician] { segment.repetitions(7).map(HL7Clinician.init) }
    /// PV1-8 Referring Doctor.
    public var referringDoctors: [HL7Clinician] { segment.repetitions(8).map(HL7Clinician.init) }
    /// PV1-10 Hospital Service.
    public var hospitalService: String { segment.string(10) }
    /// PV1-19 Visit Number.
    public var visitNumber: String { segment.string(19) }
    /// PV1-44 Admit Date/Time, as sent.
    public var admitDateTime: String { segment.string(44) }
    /// PV1-45 Discharge Date/Time, as sent.
    public var dischargeDateTime: String { segment.string(45) }
}
