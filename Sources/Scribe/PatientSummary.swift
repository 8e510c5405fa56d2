/// A plain-language summary of a note for the patient: what was found and what happens next, in the second
/// person, built only from the note's own assessment and plan statements (so every line is grounded).
public enum PatientSummary {
    /// The summary, or an empty string when the note has no assessment and no plan.
    public static func write(_ note: Note) -> String {
        var lines: [String] = []
        let assessment = note.statements.filter { $0.section == .assessment }
        let plan = note.statements.filter { $0.section == .plan }
        var problems: [String] = []
        for statement in assessment {
            if let label = statement.subsection, !label.isEmpty, !problems.contains(label) {
                problems.append(label)
            }
        }
        if !problems.isEmpty {
            lines.append("What we talked about today: " + problems.map(readable).joined(separator: "; ") + ".")
        } else if !assessment.isEmpty {
            lines.append("What we found today:")
            lines += assessment.prefix(6).map { "- " + secondPerson($0.text) }
        }
        if !plan.isEmpty {
            lines.append("What happens next:")
            lines += plan.prefix(12).map { "- " + secondPerson($0.text) }
        }
        if !lines.isEmpty {
            lines.append("If anything gets worse or you have questions, contact your care team.")
        }
        return lines.joined(separator: "\n")
    }

    /// A sub-section label (`HYPERTENSION`) in sentence case.
    static func readable(_ label: String) -> String {
        guard label == label.uppercased() else { return label }
        let lower = label.lowercased()
        return lower.prefix(1).uppercased() + lower.dropFirst()
    }

    /// "The patient will ..." → "You will ...", "the patient's" → "your".
    static func secondPerson(_ text: String) -> String {
        var result = text
        for (from, to) in [
            ("The patient's ", "Your "), ("the patient's ", "your "), ("The patient is ", "You are "),
            ("the patient is ", "you are "), ("The patient has ", "You have "), ("the patient has ", "you have "),
            ("The patient was ", "You were "), ("the patient was ", "you were "), ("The patient ", "You "),
            ("the patient ", "you "), ("Patient's ", "Your "), ("Patient ", "You "),
        ] {
            result = result.replacing(from, with: to)
        }
        return result
    }
}
