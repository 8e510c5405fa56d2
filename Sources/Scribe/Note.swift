/// A SOAP note written from a transcript: the four sections as display text and the statements behind
/// them, each with its evidence in the transcript.
public struct Note: Hashable, Sendable {
    /// The specialty it was written for.
    public var specialty: Specialty
    /// The layout.
    public var template: NoteTemplate
    /// The transcript's form.
    public var transcriptKind: Transcript.Kind
    /// The statements in section order.
    public var statements: [NoteStatement]
    /// The clinical facts found in the transcript, in order of first mention.
    public var entities: [ClinicalEntity]

    /// The display text of a section: its statements, one per line, under the section's label when the note
    /// was written from a dialogue (a dictation keeps the clinician's own structure).
    public func text(of section: NoteSection) -> String {
        let lines = statements.filter { $0.section == section }.map(\.text)
        guard !lines.isEmpty else { return "" }
        guard transcriptKind == .dialogue else { return lines.joined(separator: "\n") }
        return ([Self.label(of: section)] + lines).joined(separator: "\n")
    }

    /// The sub-section label a section's text starts with.
    static func label(of section: NoteSection) -> String {
        switch section {
        case .subjective: return "HISTORY OF PRESENT ILLNESS"
        case .objective: return "PHYSICAL EXAMINATION"
        case .assessment: return "ASSESSMENT"
        case .plan: return "PLAN"
        }
    }

    /// Subjective.
    public var subjective: String { text(of: .subjective) }
    /// Objective.
    public var objective: String { text(of: .objective) }
    /// Assessment.
    public var assessment: String { text(of: .assessment) }
    /// Plan.
    public var plan: String { text(of: .plan) }
}
