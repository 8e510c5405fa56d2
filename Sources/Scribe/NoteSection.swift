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
    /// The section it belongs to.
    public var section: NoteSection
    /// The sentence as written in the note.
    public var text: String
    /// Unicode-scalar ranges of the transcript (end exclusive) that support it; never empty.
    public var evidence: [Range<Int>]

    /// Creates a statement.
    public init(section: NoteSection, text: String, evidence: [Range<Int>]) {
        self.section = section
        self.text = text
        self.evidence = evidence
    }
}
