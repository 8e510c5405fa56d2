import Scribe
import Terminology

/// The patient's tobacco status from a dialogue's exchange about it: the clinician's question (`are you still
/// smoking?`, `and you quit smoking a few years ago, right?`) and the patient's answer (`yeah, about a pack a day`,
/// `twelve years ago`). A current cigarette smoker is F17.210 (the index: smoker, see dependence, nicotine); one who
/// quit is Z87.891; one who never smoked, or who answers `no` to a current-smoking question without saying they
/// quit, gets no code. Someone who smokes around the patient (`does anyone smoke around him ?` / `his dad smokes ,
/// sometimes in the car`) is the patient's exposure to environmental tobacco smoke (Z77.22).
extension Coder {
    /// Words of a question about the patient's own smoking.
    static let smokingWords: Set<String> = [
        "smoke", "smoking", "smoker", "smoked", "cigarette", "cigarettes", "tobacco",
    ]
    /// Words that make the question about someone else's smoking or exposure to it.
    static let othersSmoking: Set<String> = [
        "anyone", "anybody", "around", "house", "home", "household", "parents", "dad", "mom", "father", "mother",
        "husband", "wife", "partner", "family", "secondhand", "exposure", "exposed",
    ]
    /// Words that say the smoking stopped.
    static let quitWords: Set<String> = ["quit", "stopped", "former", "ex", "gave", "used"]
    /// Words that open a denial.
    static let denials: Set<String> = ["no", "nope", "nah", "never", "not", "don't", "none"]
    /// Words that say the patient smokes now.
    static let currentSmoking: Set<String> = [
        "pack", "packs", "cigarette", "cigarettes", "still", "smoke", "smokes", "smoking", "day", "daily",
    ]

    /// The people an answer names as the smoker (`my dad smokes`, `her grandpa smokes in the house`).
    static let smokers: Set<String> = [
        "dad", "mom", "father", "mother", "grandpa", "grandma", "grandfather", "grandmother", "husband", "wife",
        "partner", "boyfriend", "girlfriend", "brother", "sister", "roommate", "stepdad", "stepfather", "uncle",
        "aunt", "parents", "everyone", "everybody",
    ]

    /// The patient's exposure to someone else's smoking, from the clinician's question about it and an answer that
    /// names who smokes; nil when the answer denies it (`no , nobody`).
    static func secondhandSmoke(in transcript: Transcript) -> (code: String, evidence: NoteStatement)? {
        guard transcript.kind == .dialogue else { return nil }
        let sentences = transcript.sentences
        for (index, question) in sentences.enumerated()
        where question.speaker == .clinician && endsWithQuestionMark(question.text) {
            let asked = Self.words(question.text)
            guard asked.contains(where: smokingWords.contains),
                asked.contains(where: { ["anyone", "anybody", "around", "house", "home", "household"].contains($0) })
            else { continue }
            let answer = sentences[(index + 1)...].prefix { $0.speaker != .clinician }.prefix(3)
            guard let last = answer.last else { continue }
            let said = answer.flatMap { Self.words($0.text) }
            guard let first = said.first, !denials.contains(first), !said.contains("nobody"),
                !said.starts(with: ["no", "one"]),
                said.contains(where: smokers.contains),
                said.contains(where: { ["smokes", "smoke", "smoking", "smoker"].contains($0) })
            else { continue }
            let text = question.text + " " + answer.map(\.text).joined(separator: " ")
            return (
                "Z77.22",
                NoteStatement(
                    section: .subjective, text: text, evidence: [question.range.lowerBound..<last.range.upperBound])
            )
        }
        return nil
    }

    /// A sentence's words, lower-cased, contractions whole (`don't`, `you're`), punctuation dropped.
    static func words(_ text: String) -> [String] {
        DiagnosisCoder.clauses(of: text).joined().filter { $0 != "," }
    }

    /// The tobacco status an exchange says (F17.210 or Z87.891) and the exchange as its evidence; nil when the visit
    /// has none, or it is denied or unclear.
    static func smokingStatus(in transcript: Transcript) -> (code: String, evidence: NoteStatement)? {
        guard transcript.kind == .dialogue else { return nil }
        let sentences = transcript.sentences
        for (index, question) in sentences.enumerated()
        where question.speaker == .clinician && endsWithQuestionMark(question.text) {
            let asked = Self.words(question.text)
            guard asked.contains(where: smokingWords.contains),
                // `do you smoke ?`, or a short question that can only be the patient's (`any tobacco ?`).
                asked.contains(where: { $0 == "you" || $0 == "you're" }) || asked.count <= 4,
                !asked.contains(where: othersSmoking.contains), !asked.contains(where: { $0.hasPrefix("vap") })
            else { continue }
            let answer = sentences[(index + 1)...].prefix { $0.speaker == .patient }.prefix(3)
            guard let last = answer.last else { continue }
            let said = answer.flatMap { Self.words($0.text) }
            guard let first = said.first, !said.contains("never"), !said.contains(where: { $0.hasPrefix("vap") }) else {
                continue
            }
            let quit = (asked + said).contains(where: quitWords.contains) && !asked.contains("quitting")
            let denied = denials.contains(first) || said.starts(with: ["i", "don't"])
            let code: String
            if quit {
                code = "Z87.891"
            } else if !denied,
                said.contains(where: currentSmoking.contains) || ["yes", "yeah", "yep", "yup"].contains(first)
                    || said.starts(with: ["i", "do"]) || said.starts(with: ["i", "am"])
            {
                code = "F17.210"
            } else {
                continue
            }
            let text = question.text + " " + answer.map(\.text).joined(separator: " ")
            return (
                code,
                NoteStatement(
                    section: .subjective, text: text, evidence: [question.range.lowerBound..<last.range.upperBound])
            )
        }
        return nil
    }
}
