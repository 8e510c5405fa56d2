// MSH, the message header (HL7 v2.5 chapter 2, section 2.14.9).

/// Typed access to a message's MSH segment.
public struct MSHSegment: Sendable {
    /// The underlying segment.
    public let segment: HL7Segment

    /// Wraps a segment named MSH.
    public init?(_ segment: HL7Segment) {
        guard segment.name == "MSH" else { return nil }
        self.segment = segment
    }

    /// MSH-3 Sending Application.
    public var sendingApplication: HL7HierarchicDesignator { HL7HierarchicDesignator(segment.field(3)) }
    /// MSH-4 Sending Facility.
    public var sendingFacility: HL7HierarchicDesignator { HL7HierarchicDesignator(segment.field(4)) }
    /// MSH-5 Receiving Application.
    public var receivingApplication: HL7HierarchicDesignator { HL7HierarchicDesignator(segment.field(5)) }
    /// MSH-6 Receiving Facility.
    public var receivingFacility: HL7HierarchicDesignator { HL7HierarchicDesignator(segment.field(6)) }
    /// MSH-7 Date/Time of Message, as sent (`YYYYMMDDHHMMSS[.S][+/-ZZZZ]`).
    public var dateTimeOfMessage: String { segment.string(7) }
    /// MSH-9.1 Message Code (`ADT`).
    public var messageCode: String { segment.string(9, component: 1) }
    /// MSH-9.2 Trigger Event (`A01`).
    public var triggerEvent: String { segment.string(9, component: 2) }
    /// MSH-9.3 Message Structure (`ADT_A01`).
    public var messageStructure: String { segment.string(9, component: 3) }
    /// MSH-9 as code and event: `ADT^A01` (just the code when no event is sent).
    public var messageType: String {
        triggerEvent.isEmpty ? messageCode : "\(messageCode)^\(triggerEvent)"
    }
    /// MSH-10 Message Control ID.
    public var controlID: String { segment.string(10) }
    /// MSH-11 Processing ID (`P`, `T`, `D`).
    public var processingID: String { segment.string(11) }
    /// MSH-12 Version ID (`2.5.1`).
    public var versionID: String { segment.string(12) }
    /// MSH-13 Sequence Number.
    public var sequenceNumber: String { segment.string(13) }
    /// MSH-15 Accept Acknowledgment Type (`AL`, `NE`, `ER`, `SU`), empty in original mode.
    public var acceptAcknowledgmentType: String { segment.string(15) }
    /// MSH-16 Application Acknowledgment Type, empty in original mode.
    public var applicationAcknowledgmentType: String { segment.string(16) }
    /// MSH-17 Country Code.
    public var countryCode: String { segment.string(17) }
    /// MSH-18 Character Set, every repetition.
    public var characterSets: [String] { segment.repetitions(18).map(\.value) }
}

extension HL7Message {
    /// The message header.
    public var header: MSHSegment? {
        segments.first.flatMap(MSHSegment.init)
    }
}
