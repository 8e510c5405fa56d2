/// The clinician's spoken review of the vital signs, as a note writes it: `reviewed his vitals everything here looks
/// good` → `Vitals look good.`, `looked at her vitals when she came in today` says nothing a note keeps. A
/// review that reads a value or a finding (`... and he is breathing a little fast`, `... 120 over 80`) is left as
/// spoken, and so is any other sentence.
extension ClinicalStyle {
    /// Words that say the clinician reviewed something (`reviewed`, `looked at`, `took a look at`).
    static let reviewVerbs: Set<String> = ["reviewed", "review", "looked", "took", "obtained", "checked", "went"]

    /// Words that may stand before `vitals` in a review besides the verb: who, the framing and the determiner.
    static let reviewFraming: Set<String> = [
        "i", "we", "i've", "we've", "have", "did", "so", "and", "just", "quickly", "also", "now", "a", "look", "at",
        "over", "all", "his", "her", "their", "your", "the", "my", "of",
    ]

    /// The verdicts a review gives the vital signs as a whole.
    static let vitalVerdicts: Set<String> = ["good", "great", "fine", "normal", "stable", "unremarkable"]

    /// Words after `vitals` that only say when or where they were taken, or who took them.
    static let vitalCircumstances: Set<String> = [
        "when", "he", "she", "they", "first", "came", "in", "today", "here", "this", "morning", "that", "the",
        "assistant", "assistants", "nurse", "collected", "took", "at", "office", "clinic", "visit", "his", "her",
        "their", "everything", "look", "looks", "looked", "and", "they", "are", "were", "all", "overall", "it",
        "seem", "seems", "is", "so", "pretty", "really", "very", "quite",
    ]

    /// Words after `vitals` that report a finding: the sentence reads a value, and is left as spoken.
    static let vitalFindings: Set<String> = [
        "high", "low", "elevated", "fast", "slow", "fever", "but", "except", "although", "though", "however", "not",
        "no", "little", "bit", "borderline", "including", "especially", "weight", "pressure", "oxygen", "rate",
        "temperature", "pulse",
    ]

    static func vitalSignsReview(_ words: [String]) -> [String] {
        guard words.count >= 3, words.count <= 20 else { return words }
        let keys = words.map(Phrasing.bare)
        guard let vitals = keys.firstIndex(where: { $0 == "vitals" || $0 == "vital" }), vitals >= 1,
            keys[..<vitals].contains(where: reviewVerbs.contains),
            keys[..<vitals].allSatisfy({ reviewVerbs.contains($0) || reviewFraming.contains($0) })
        else { return words }
        var rest = keys[(vitals + 1)...]
        // The name as spoken: `vitals`, or `vital signs`.
        var name = ["Vitals"]
        if rest.first == "signs" {
            rest = rest.dropFirst()
            name = ["Vital", "signs"]
        }
        guard !rest.contains(where: { $0.contains(where: \.isNumber) || vitalFindings.contains($0) }) else {
            return words
        }
        let verdicts = rest.filter(vitalVerdicts.contains)
        guard rest.allSatisfy({ vitalVerdicts.contains($0) || vitalCircumstances.contains($0) }), verdicts.count <= 1
        else { return words }
        // A review with no verdict says nothing a note keeps.
        guard let verdict = verdicts.first else { return [] }
        return name + ["look", verdict + "."]
    }
}

extension ClinicalStyle {
    /// Words of a vital sign's name and of where it was taken.
    static let vitalNameWords: Set<String> = [
        "blood", "pressure", "pressures", "vitals", "vital", "signs", "at", "home", "in", "the", "clinic", "office",
        "today", "his", "her", "their", "your", "my", "and", "heart", "rate",
    ]

    /// Whether the words only name a vital sign and where it was taken (`Blood pressure at home.`, `Blood pressure in
    /// the clinic.`): the reading itself was never said in the sentence.
    static func namesVitalOnly(_ words: [String]) -> Bool {
        guard words.count <= 6 else { return false }
        let keys = words.map(Phrasing.bare)
        return keys.contains("pressure") || keys.contains("pressures") || keys.contains("vitals")
            ? keys.allSatisfy(vitalNameWords.contains) : false
    }
}
