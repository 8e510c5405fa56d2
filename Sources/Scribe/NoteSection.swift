/// The four sections of a SOAP note.
public enum NoteSection: String, CaseIterable, Hashable, Sendable, Codable {
    /// What the patient reports.
    case subjective
    /// What the clinician observes and measures.
    case objective
    /// The clinician's assessment.
    case assessment
    /// The plan.
    case plan
}

/// One sentence of a note and the transcript ranges it was derived from.
public struct NoteStatement: Hashable, Sendable {
    /// Where a statement's words come from.
    public enum Origin: String, Hashable, Sendable, Codable {
        /// A sentence of the transcript, cleaned up and put in the third person.
        case sentence
        /// Written from extracted entities (vital signs, medications, allergies, denied symptoms).
        case entities
    }

    /// The section it belongs to.
    public var section: NoteSection
    /// The sub-section label it is shown under (`VITALS`, `REVIEW OF SYSTEMS`), if any.
    public var subsection: String?
    /// The sentence as written in the note.
    public var text: String
    /// Unicode-scalar ranges of the transcript (end exclusive) that support it; never empty.
    public var evidence: [Range<Int>]
    /// Where its words come from.
    public var origin: Origin

    /// Creates a statement.
    public init(
        section: NoteSection, subsection: String? = nil, text: String, evidence: [Range<Int>], origin: Origin = .sentence
    ) {
        self.section = section
        self.subsection = subsection
        self.text = text
        self.evidence = evidence
        self.origin = origin
    }
}
