/// Problems: symptoms, findings and diagnoses, each read with the shared negation and context engine
/// (`ConditionContext`).
extension EntityExtractor {
    static let costovertebralWords: Set<String> = ["tenderness", "tender", "angle", "flank"]

    static let problemPhrases = TokenPhrases(synonymLines: ClinicalLexicon.problems, matchPlurals: true)
    /// Words after a disease that make it the name of a vaccine.
    static let vaccinationWords: Set<String> = [
        "shot", "shots", "vaccine", "vaccines", "vaccination", "vaccinations", "immunization", "booster", "jab",
    ]
    /// How many tokens back a vaccine's name reaches over the diseases listed after it.
    static let vaccineNameReach = 12

    /// Whether the disease matched at `index` names a vaccine (`flu shot`, `tetanus booster`, `vaccinated against
    /// covid-19`, `the vaccine for shingles`) or a time of year (`flu season`, `allergy season`), not the disease.
    static func namesVaccineOrSeason(_ tokens: [Token], at index: Int, count: Int) -> Bool {
        if index + count < tokens.count,
            vaccinationWords.contains(tokens[index + count].text) || tokens[index + count].text == "season"
        {
            return true
        }
        return tokens[max(0, index - 3)..<index].contains(where: {
            vaccinationWords.contains($0.text) || ["vaccinated", "immunized"].contains($0.text)
        }) || followsVaccineName(tokens, at: index)
    }

    /// Whether a vaccine's name comes shortly before `index` in the same sentence.
    static func followsVaccineName(_ tokens: [Token], at index: Int) -> Bool {
        for back in stride(from: index - 1, through: max(0, index - vaccineNameReach), by: -1) {
            let text = tokens[back].text
            if text == "." || text == "?" || text == "!" { return false }
            if ClinicalLexicon.vaccineNames.contains(text) { return true }
        }
        return false
    }

    func problems(_ tokens: [Token], _ transcript: Transcript, speaker: Speaker) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        // The sentence's words for the context engine, made when the first problem is found (most sentences name
        // none).
        var words: [String]?
        var index = 0
        while index < tokens.count {
            guard
                let (name, count) = Self.problemPhrases.match(tokens, at: index)
                    ?? knownProblems?.match(tokens, at: index)
            else {
                index += 1
                continue
            }
            if Self.namesVaccineOrSeason(tokens, at: index, count: count) {
                index += count
                continue
            }
            // `CVA tenderness`, `tenderness around your cva`, `cva ... on your flank` (the costovertebral angle, an
            // examination of the flank) is not a stroke.
            if count == 1, tokens[index].text == "cva",
                tokens[max(0, index - 4)..<min(tokens.count, index + 11)].contains(where: {
                    Self.costovertebralWords.contains($0.text)
                })
            {
                index += count
                continue
            }
            // What the words around it say of it: the engine the coder reads conditions with too.
            let end = index + count
            let texts = words ?? tokens.map(\.text)
            words = texts
            let reading = ConditionContext.read(texts, condition: index..<end)
            let negated = reading.denied || reading.resolved
            let uncertain =
                reading.doubted || reading.hedged
                || (end < tokens.count && tokens[end].text == "?" && speaker != .clinician)
            var context: ClinicalEntity.Context?
            if reading.relative {
                context = .family
            } else if reading.hypothetical {
                context = .hypothetical
            } else if reading.past {
                context = .historical
            }
            let range = Self.span(tokens, index, end - 1)
            entities.append(
                ClinicalEntity(
                    kind: .problem, text: transcript.text(in: range), evidence: [range], name: name, negated: negated,
                    uncertain: uncertain, context: context))
            index = end
        }
        return entities
    }

    /// A statement with a check of understanding tagged on (`..., it looks like you're managing it well, okay?`):
    /// it states, and asks nothing.
    static func endsWithCheck(_ tokens: [Token]) -> Bool {
        let texts = tokens.map(\.text)
        guard texts.last == "?" else { return false }
        let words = texts.dropLast()
        return Phrasing.tagChecks.contains { tag in
            words.count > tag.count + 3 && words.suffix(tag.count).elementsEqual(tag)
                && words[words.endIndex - tag.count - 1] == ","
        }
    }
}
