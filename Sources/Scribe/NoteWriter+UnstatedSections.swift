/// What a note says where the transcript states no assessment or no plan: the assessment lists the presenting
/// problems with the findings that support them (nothing is diagnosed that was not said), and the plan says
/// in one plain sentence that none was stated (a plan is never invented).
extension NoteWriter {
    /// The statements with an assessment and a plan, written from what was said where the transcript has none.
    func withUnstatedSections(
        _ statements: [NoteStatement], transcript: Transcript, entities: [ClinicalEntity], chiefComplaint: ClinicalEntity?
    ) -> [NoteStatement] {
        var statements = statements
        let whole = [0..<transcript.scalarCount]
        if !statements.contains(where: { $0.section == .assessment }) {
            // With a plan stated, the problem line alone; with nothing stated, the findings behind it too.
            let planStated = statements.contains { $0.section == .plan }
            if let problem = chiefComplaint {
                statements += presentingProblem(
                    problem, transcript: transcript, entities: entities, statements: planStated ? [] : statements)
            } else {
                statements.append(
                    NoteStatement(
                        section: .assessment, text: "No assessment was stated.", evidence: whole, origin: .entities))
            }
        }
        if !statements.contains(where: { $0.section == .plan }) {
            statements.append(
                NoteStatement(section: .plan, text: "No plan was stated.", evidence: whole, origin: .entities))
        }
        return statements
    }

    /// `Lower back pain, 3 weeks, 6/10.` and `Supporting findings: lumbar paraspinal tenderness L3-L5; SLR
    /// negative bilaterally.` — the problem as presented, with its duration and severity where said, and the
    /// examination's findings.
    func presentingProblem(
        _ problem: ClinicalEntity, transcript: Transcript, entities: [ClinicalEntity], statements: [NoteStatement]
    )
        -> [NoteStatement]
    {
        // The problem as said (`lower back pain`), when said in a few words; otherwise its canonical name.
        let said = problem.text.lowercased()
        let name = said.split(separator: " ").count <= 4 && said.contains(problem.name.split(separator: " ").last ?? "")
            ? said : problem.name
        var parts = [Phrasing.capitalized(name)]
        var evidence = Array(problem.evidence.prefix(1))
        // A duration said with the problem (`lower back pain for 3 weeks`), not another one of the visit.
        let sentence = problem.evidence.first.flatMap { first in transcript.sentences.first { $0.range.contains(first.lowerBound) } }
        if let sentence, let duration = entities.first(where: { duration in
            duration.kind == .duration && duration.attributes["relation"] == nil
                && duration.evidence.contains { sentence.range.contains($0.lowerBound) }
        }), let value = duration.value, let said = Self.spokenDuration(value)
        {
            parts.append(said)
            evidence += duration.evidence
        }
        if let score = entities.first(where: { $0.kind == .painScore }), let value = score.value,
            problem.name.contains("pain")
        {
            parts.append("\(value)/10")
            evidence += score.evidence
        }
        var written = [
            NoteStatement(
                section: .assessment, text: parts.joined(separator: ", ") + ".", evidence: evidence, origin: .entities)
        ]
        // Findings as the clinician stated them (not spoken with the examiner as subject).
        let findings = statements.filter { statement in
            statement.section == .objective && statement.origin == .sentence
                && !Phrasing.spaceSeparated(statement.text).contains { ClinicalStyle.firstPerson.contains(Phrasing.bare($0)) }
        }.prefix(3)
        if !findings.isEmpty {
            let text = findings.map { Self.findingClause($0.text) }.joined(separator: "; ")
            written.append(
                NoteStatement(
                    section: .assessment, text: "Supporting findings: " + text + ".",
                    evidence: findings.flatMap(\.evidence), origin: .entities))
        }
        return written
    }

    /// An ISO 8601 duration as said (`P3W` → `3 weeks`), for the whole units transcripts state.
    static func spokenDuration(_ value: String) -> String? {
        guard value.hasPrefix("P"), let unit = value.last, let count = Int(value.dropFirst().dropLast()) else {
            return nil
        }
        let names: [Character: String] = ["D": "day", "W": "week", "M": "month", "Y": "year"]
        guard let name = names[unit] else { return nil }
        return "\(count) \(name)\(count == 1 ? "" : "s")"
    }

    /// A finding sentence as a clause: without its announcement (`Exam shows`) or full stop, in lower case
    /// unless it opens with an abbreviation (`SLR negative`).
    static func findingClause(_ sentence: String) -> String {
        var words = Phrasing.spaceSeparated(sentence)
        let keys = words.prefix(3).map(Phrasing.bare)
        for announcement in findingAnnouncements where keys.starts(with: announcement) && words.count > announcement.count {
            words.removeFirst(announcement.count)
            break
        }
        let clause = ClinicalStyle.lowercasedFirst(words.joined(separator: " "))
        return clause.trimmingCharacters(in: ".;, ")
    }

    static let findingAnnouncements: [[String]] = [
        ["physical", "exam", "shows"], ["physical", "examination", "shows"], ["exam", "shows"], ["exam", "reveals"],
        ["examination", "shows"], ["examination", "reveals"], ["on", "exam"], ["on", "examination"], ["exam"],
    ]
}
