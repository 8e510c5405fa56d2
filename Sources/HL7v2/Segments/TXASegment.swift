// TXA, transcription document header (HL7 v2.5 chapter 9, section 9.6.1).

/// Typed access to a TXA segment.
public struct TXASegment: Sendable {
    /// The underlying segment.
    public let segment: HL7Segment

    /// Wraps a segment named TXA.
    public init?(_ segment: HL7Segment) {
        guard segment.name == "TXA" else { return nil }
        self.segment = segment
    }

    /// TXA-1 Set ID.
    public var setID: String { segment.string(1) }
    /// TXA-2 Document Type (`CN` consultation, `PN` progress note, ...).
    public var documentType: String { segment.string(2) }
    /// TXA-3 Document Content Presentation (`TX`, `FT`).
    public var contentPresentation: String { segment.string(3) }
    /// TXA-4 Activity Date/Time, as sent.
    public var activityDateTime: String { segment.string(4) }
    /// TXA-5 Primary Activity Provider.
    public var primaryActivityProviders: [HL7Clinician] { segment.repetitions(5).map(HL7Clinician.init) }
    /// TXA-6 Origination Date/Time, as sent.
    public var originationDateTime: String { segment.string(6) }
    /// TXA-12 Unique Document Number.
    public var uniqueDocumentNumber: String { segment.string(12) }
    /// TXA-13 Parent Document Number.
    public var parentDocumentNumber: String { segment.string(13) }
    /// TXA-14 Placer Order Number.
    public var placerOrderNumber: String { segment.string(14) }
    /// TXA-17 Document Completion Status (`AU`, `DO`, `IP`, ...).
    public var completionStatus: String { segment.string(17) }
    /// TXA-18 Document Confidentiality Status.
    public var confidentialityStatus: String { segment.string(18) }
    /// TXA-19 Document Availability Status.
    public var availabilityStatus: String { segment.string(19) }
}
