/// Light rewriting of spoken sentences into note language.
enum Phrasing {
    static let fillers: Set<String> = ["um", "uh", "uhm", "hmm", "mm", "mm-hmm", "uh-huh", "like,", "you know,"]

    /// Drops fillers and spaces before punctuation (`word , word .` → `word, word.`).
    static func clean(_ text: String) -> String {
        var words: [Substring] = []
        for word in text.split(separator: " ") where !fillers.contains(word.lowercased()) {
            if let first = word.first, [",", ".", "?", "!", ";", ":"].contains(first), word.count == 1, !words.isEmpty {
                words[words.count - 1] += word
            } else {
                words.append(word)
            }
        }
        return words.joined(separator: " ")
    }

    /// First person to third person for a patient's statement (`i have` → `the patient has`).
    static func thirdPerson(_ text: String) -> String {
        let replacements: [(String, String)] = [
            ("i'm", "the patient is"), ("i am", "the patient is"), ("i've", "the patient has"),
            ("i have", "the patient has"), ("i was", "the patient was"), ("i had", "the patient had"),
            ("i", "the patient"), ("my", "their"), ("me", "them"), ("myself", "themselves"), ("i'd", "the patient would"),
        ]
        var words = text.split(separator: " ").map(String.init)
        var output: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index].lowercased()
            let pair = index + 1 < words.count ? word + " " + words[index + 1].lowercased() : ""
            if let replacement = replacements.first(where: { $0.0 == pair }) {
                output.append(replacement.1)
                index += 2
            } else if let replacement = replacements.first(where: { $0.0 == word }) {
                output.append(replacement.1)
                index += 1
            } else {
                output.append(words[index])
                index += 1
            }
        }
        words = output
        return capitalized(words.joined(separator: " "))
    }

    /// The sentence with its first letter in upper case.
    static func capitalized(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    static let examinationTriggers = [
        "physical exam", "on exam", "your exam", "examination", "when i examine", "when i examined",
        "let me examine", "let me take a look", "i'm going to examine", "let's examine", "vital signs", "vitals",
        "on physical", "listen to your heart", "listen to your lungs",
    ]

    static let assessmentPlanTriggers = [
        "assessment and plan", "my assessment", "my impression", "impression", "assessment", "my plan",
        "the plan", "plan is", "diagnosis", "so for your", "in terms of your", "for your", "let's talk about",
        "what i want to do", "i want to", "i'm going to prescribe", "we're going to", "i recommend",
    ]

    /// The visit phase after a clinician's sentence.
    static func phase(after text: String, current: NoteWriter.VisitPhase) -> NoteWriter.VisitPhase {
        let lower = text.lowercased()
        if assessmentPlanTriggers.contains(where: { lower.contains($0) }), current != .history || lower.contains("assessment") || lower.contains("impression") || lower.contains("plan") {
            return .assessmentPlan
        }
        if current == .history, examinationTriggers.contains(where: { lower.contains($0) }) {
            return .examination
        }
        return current
    }

    static let planCues = [
        "plan", "will ", "going to", "prescrib", "follow up", "follow-up", "followup", "refer", "order", "schedule",
        "recommend", "continue", "start", "increase", "decrease", "return", "discontinue", "advised", "counsel",
        "we'll", "i'll", "let's", "instruct", "check", "repeat",
    ]

    /// Whether an assessment-and-plan sentence reads as plan rather than assessment.
    static func isPlan(_ text: String) -> Bool {
        let lower = text.lowercased()
        return planCues.contains { lower.contains($0) }
    }
}
