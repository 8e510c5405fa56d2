/// A SOAP note written from a transcript: the four sections as display text, the statements behind them
/// (each with its evidence in the transcript) and the clinical facts found.
public struct Note: Hashable, Sendable {
    /// The specialty it was written for.
    public var specialty: Specialty
    /// The layout.
    public var template: NoteTemplate
    /// The transcript's form.
    public var transcriptKind: Transcript.Kind
    /// The statements in section order (and sub-section order within a section).
    public var statements: [NoteStatement]
    /// The clinical facts found in the transcript, in order of first mention.
    public var entities: [ClinicalEntity]

    /// Creates a note from its statements and facts.
    package init(
        specialty: Specialty, template: NoteTemplate, transcriptKind: Transcript.Kind, statements: [NoteStatement],
        entities: [ClinicalEntity]
    ) {
        self.specialty = specialty
        self.template = template
        self.transcriptKind = transcriptKind
        self.statements = statements
        self.entities = entities
    }

    /// The display text of a section: its statements, one per line, each run of statements under its
    /// sub-section label (a dictation has none: it keeps the clinician's own structure).
    public func text(of section: NoteSection) -> String {
        Self.render(statements.filter { $0.section == section }, omitting: nil)
    }

    /// Statements one per line, a label line wherever the sub-section changes (except `omitting`).
    static func render(_ statements: [NoteStatement], omitting title: String?) -> String {
        var lines: [String] = []
        var current: String?
        for statement in statements {
            if let label = statement.subsection, label != current, label != title {
                lines.append(label)
            }
            current = statement.subsection
            lines.append(statement.text)
        }
        return lines.joined(separator: "\n")
    }

    /// Subjective.
    public var subjective: String { text(of: .subjective) }
    /// Objective.
    public var objective: String { text(of: .objective) }
    /// Assessment.
    public var assessment: String { text(of: .assessment) }
    /// Plan.
    public var plan: String { text(of: .plan) }

    /// One part of the note as the template lays it out.
    public struct Part: Hashable, Sendable {
        /// `subjective`, `data`, `behavior`, ...
        public var key: String
        /// The heading: `SUBJECTIVE`, `DATA`, ...
        public var title: String
        /// The display text under the heading.
        public var text: String
    }

    /// The note in the template's order: SOAP for `standard` and `brief`, assessment and plan first for
    /// `apso`, data/assessment/plan for `dap`, behavior/intervention/response/plan for `birp`.
    public var parts: [Part] {
        func part(_ key: String, _ sections: [NoteSection]) -> Part {
            let title = key.uppercased()
            let chosen = statements.filter { sections.contains($0.section) }
            return Part(key: key, title: title, text: Self.render(chosen, omitting: title))
        }
        switch template {
        case .standard, .brief:
            return NoteSection.allCases.map { part($0.rawValue, [$0]) }
        case .apso:
            return [.assessment, .plan, .subjective, .objective].map { part($0.rawValue, [$0]) }
        case .dap:
            return [part("data", [.subjective, .objective]), part("assessment", [.assessment]), part("plan", [.plan])]
        case .birp:
            return Self.birpParts.map { key, title in
                let chosen = statements.filter { $0.birpPart == key }
                return Part(key: key, title: title, text: Self.render(chosen.map(\.withoutSubsection), omitting: title))
            }
        }
    }

    static let birpParts = [
        ("behavior", "BEHAVIOR"), ("intervention", "INTERVENTION"), ("response", "RESPONSE"), ("plan", "PLAN"),
    ]
}

extension NoteStatement {
    /// The BIRP part of a statement: what the patient said and showed is behaviour, what the clinician did
    /// is intervention, the assessment of how it went is response, the plan is plan.
    var birpPart: String {
        switch section {
        case .subjective, .objective:
            return subsection == "RESPONSE" ? "response" : "behavior"
        case .assessment:
            return subsection == "INTERVENTION" ? "intervention" : "response"
        case .plan:
            return subsection == "INTERVENTION" ? "intervention" : "plan"
        }
    }

    var withoutSubsection: NoteStatement {
        var copy = self
        copy.subsection = nil
        return copy
    }
}

extension NoteTemplate {
    /// The keys of the parts a note in this layout has, in order (`subjective`, ... or `data`, ...).
    public var partKeys: [String] {
        Note(specialty: .generic, template: self, transcriptKind: .dialogue, statements: [], entities: []).parts.map(\.key)
    }
}
