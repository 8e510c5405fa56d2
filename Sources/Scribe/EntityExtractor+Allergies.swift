/// Allergies: the substance and the reaction, stated or answered to a question; no known allergies.
extension EntityExtractor {
    static let allergenPhrases = TokenPhrases(ClinicalLexicon.medications + ClinicalLexicon.allergens)
    static let noAllergies = TokenPhrases([
        "no known drug allergies", "no known allergies", "nkda", "no allergies", "no drug allergies",
        "not allergic to anything", "no known medication allergies", "not allergic to any medications",
        "no medication allergies", "don't have any allergies", "no allergies to medications",
    ])
    static let allergyTriggers = TokenPhrases([
        "allergic to", "allergy to", "allergies to", "allergic reaction to", "reaction to", "allergies include",
        "allergic to the", "allergy is",
    ])
    static let reactions = TokenPhrases(synonymLines: [
        "rash", "hives|urticaria", "swelling|angioedema", "anaphylaxis|anaphylactic", "itching|itchy",
        "trouble breathing|difficulty breathing|shortness of breath", "nausea", "vomiting",
        "throat closing|throat closes",
    ])
    static let allergenStops: Set<String> = [
        "and", "but", "i", "it", "that", "so", "which", "because", "when", "she", "he", "they", "we", ",", ".", ";",
        "?", "!", "makes", "gives", "causes", "get", "gets", "got", "broke", "break", "as", "or",
    ]

    /// A question about the patient's allergies themselves (`any allergies ?`, `are you allergic to anything ?`,
    /// `any allergies to medications ?`), not about treating them (`what do you take for your allergies ?`).
    static func asksAboutAllergies(_ tokens: [Token]) -> Bool {
        tokens.indices.contains { index in
            let word = tokens[index].text
            if word == "allergic" { return true }
            guard word == "allergies" || word == "allergy" else { return false }
            let before = index > 0 ? tokens[index - 1].text : ""
            let after = index + 1 < tokens.count ? tokens[index + 1].text : ""
            return ["any", "drug", "medication", "medicine", "known"].contains(before) || after == "to"
        }
    }

    /// The drugs and allergens an answer to a question about allergies names (`yeah , penicillin . i get hives .`),
    /// as allergies; nothing when the answer denies (`no`, `not that i know of`).
    func answeredAllergies(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        let words = tokens.filter { $0.kind != .punctuation }
        guard !words.isEmpty, Self.negativeAnswers.match(words, at: 0) == nil,
            !words.contains(where: { ["no", "not", "don't", "never", "none"].contains($0.text) })
        else { return [] }
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            guard let (substance, count) = Self.allergenPhrases.match(tokens, at: index) else {
                index += 1
                continue
            }
            let range = Self.span(tokens, index, index + count - 1)
            var attributes: [String: String] = [:]
            if let reaction = Self.reactions.firstMatch(in: tokens, 0..<tokens.count)?.value {
                attributes["reaction"] = reaction
            }
            entities.append(
                ClinicalEntity(
                    kind: .allergy, text: transcript.text(in: range), evidence: [range], name: substance,
                    attributes: attributes))
            index += count
        }
        return entities
    }

    func allergies(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        // Looked for only once a sentence names an allergy.
        var reactionFound: String??
        func reaction() -> String? {
            if let reactionFound { return reactionFound }
            let found = Self.reactions.firstMatch(in: tokens, 0..<tokens.count)?.value
            reactionFound = .some(found)
            return found
        }
        var index = 0
        while index < tokens.count {
            if let (_, count) = Self.noAllergies.match(tokens, at: index) {
                let range = Self.span(tokens, index, index + count - 1)
                entities.append(
                    ClinicalEntity(
                        kind: .allergy, text: transcript.text(in: range), evidence: [range], name: "no known allergies",
                        negated: true))
                index += count
                continue
            }
            if let (_, count) = Self.allergyTriggers.match(tokens, at: index) {
                let after = index + count
                var substance: (start: Int, count: Int, value: String)?
                if let known = Self.allergenPhrases.firstMatch(in: tokens, after..<min(tokens.count, after + 4)) {
                    substance = known
                } else {
                    var end = after
                    while end < tokens.count, end - after < 3, tokens[end].kind == .word,
                        !Self.allergenStops.contains(tokens[end].text)
                    {
                        end += 1
                    }
                    if end > after {
                        substance = (after, end - after, tokens[after..<end].map(\.text).joined(separator: " "))
                    }
                }
                if let substance {
                    let range = Self.span(tokens, index, substance.start + substance.count - 1)
                    var attributes: [String: String] = [:]
                    if let reaction = reaction() { attributes["reaction"] = reaction }
                    entities.append(
                        ClinicalEntity(
                            kind: .allergy, text: transcript.text(in: range), evidence: [range], name: substance.value,
                            attributes: attributes))
                    index = substance.start + substance.count
                    continue
                }
            }
            // `penicillin allergy`
            if let (substance, count) = Self.allergenPhrases.match(tokens, at: index), index + count < tokens.count,
                ["allergy", "allergies"].contains(tokens[index + count].text),
                !(index > 0 && ["no", "any"].contains(tokens[index - 1].text))
            {
                let range = Self.span(tokens, index, index + count)
                var attributes: [String: String] = [:]
                if let reaction = reaction() { attributes["reaction"] = reaction }
                entities.append(
                    ClinicalEntity(
                        kind: .allergy, text: transcript.text(in: range), evidence: [range], name: substance,
                        attributes: attributes))
                index += count + 1
                continue
            }
            index += 1
        }
        return entities
    }
}
