/// Finds vital signs, medications, allergies, problems (with negation, uncertainty and context), durations,
/// pain scores, sides of the body and tooth numbers in a transcript, each with its evidence.
///
/// Patterns and word lists, sentence by sentence; a clinician's yes/no question and the patient's answer are
/// read together ("any chest pain?" / "no" is a denied chest pain, with both as evidence).
public struct EntityExtractor: Sendable {
    /// Medication names from the caller's context, matched besides the embedded list.
    let knownMedications: TokenPhrases?
    let knownProblems: TokenPhrases?

    /// Creates an extractor with the embedded word lists and, optionally, more medication and condition names
    /// (from the caller's context).
    public init(knownMedications: [String] = [], knownProblems: [String] = []) {
        func phrases(_ names: [String]) -> TokenPhrases? {
            let names = names.map { Self.normalizedName($0) }.filter { !$0.isEmpty }
            return names.isEmpty ? nil : TokenPhrases(names)
        }
        self.knownMedications = phrases(knownMedications)
        self.knownProblems = phrases(knownProblems)
    }

    /// A caller's name as the token matcher sees it: lower case, words as the tokenizer splits them.
    static func normalizedName(_ name: String) -> String {
        Token.tokens(of: name.lowercased(), at: 0).filter { $0.kind != .punctuation }.map(\.text).joined(separator: " ")
    }

    /// The entities of a transcript in order of first mention; repeated mentions of the same fact are merged
    /// into one entity with all their evidence.
    public func entities(in transcript: Transcript) -> [ClinicalEntity] {
        extract(from: transcript).entities
    }

    /// The entities, and each sentence's tokens (for other readers of the same sentences).
    func extract(from transcript: Transcript) -> (entities: [ClinicalEntity], tokens: [[Token]]) {
        let sentences = transcript.sentences.map { sentence in
            Token.tokens(of: sentence.text, at: sentence.range.lowerBound).map { token in
                var marked = token
                marked.candidate =
                    token.kind != .word || Self.vocabulary.contains(token.text)
                    || knownMedications?.entries[token.text] != nil || knownProblems?.entries[token.text] != nil
                return marked
            }
        }
        var found: [ClinicalEntity] = []
        var askedAboutPain = false
        // The clinician's turn that asked for a rating (`what would you say your pain score is out of ten`), in
        // whichever of its sentences: the patient's next turn may rate it in a longer answer than a bare number.
        var ratingTurn: Int?
        // The clinician's turn that asked about allergies (`any allergies to medications ?`): what the patient's next
        // turn names (`yeah , penicillin .`) is an allergy, not a drug the patient takes.
        var allergyTurn: Int?
        for (index, sentence) in transcript.sentences.enumerated() {
            let tokens = sentences[index]
            let isQuestion =
                sentence.speaker == .clinician
                && (sentence.text.hasSuffix("?") && !Self.endsWithCheck(tokens)
                    || transcript.isUnpunctuated && Self.opensQuestion(tokens))
            if sentence.speaker == .clinician,
                EntityStatements.severityQuestions.any(in: PhraseList.haystack(sentence.text))
            {
                ratingTurn = sentence.turn
            }
            if isQuestion {
                if Self.asksAboutAllergies(tokens) { allergyTurn = sentence.turn }
                if let answer = answer(after: index, in: transcript, tokens: sentences) {
                    found.append(contentsOf: answered(question: tokens, answer: answer, transcript: transcript))
                }
                askedAboutPain = tokens.contains { Self.painWords.contains($0.text) }
                continue
            }
            found.append(contentsOf: vitalSigns(tokens, transcript))
            var allergies = allergies(tokens, transcript)
            if allergies.isEmpty, sentence.speaker == .patient || sentence.speaker == .companion,
                allergyTurn.map({ $0 == sentence.turn - 1 }) ?? false
            {
                allergies = answeredAllergies(tokens, transcript)
            }
            // A drug named as an allergy is not one the patient takes.
            found.append(
                contentsOf: medications(tokens, transcript).filter { medication in
                    !allergies.contains { allergy in
                        allergy.evidence.contains { $0.overlaps(medication.evidence[0]) }
                    }
                })
            found.append(contentsOf: allergies)
            found.append(contentsOf: problems(tokens, transcript, speaker: sentence.speaker))
            found.append(contentsOf: durations(tokens, transcript))
            let rated = ratingTurn.map { $0 == sentence.turn - 1 } ?? false
            found.append(
                contentsOf: painScores(
                    tokens, transcript, askedAboutPain: askedAboutPain || rated, answerWords: rated ? 16 : 8))
            if sentence.speaker != .patient && sentence.speaker != .companion { askedAboutPain = false }
            found.append(contentsOf: sides(tokens, transcript))
            found.append(contentsOf: teeth(tokens, transcript))
        }
        return (Self.merged(found), sentences)
    }

    /// Every word that can start a phrase of the lists below, or a spoken number: other words are skipped
    /// by matching without a lookup per list.
    static let vocabulary: Set<String> = {
        let lists = [
            negativeAnswers, positiveAnswers, vitalTriggers, medicationPhrases, doseUnits, routes, frequencies,
            asNeeded,
            medicationActions, allergenPhrases, noAllergies, allergyTriggers, reactions, problemPhrases, sitePhrases,
        ]
        return lists.reduce(SpokenNumber.words.union(["hundred", "point"])) { $0.union($1.firstWords) }
    }()

    // MARK: - Helpers

    /// The transcript range from the first token to the last (inclusive).
    static func span(_ tokens: [Token], _ first: Int, _ last: Int) -> Range<Int> {
        tokens[first].range.lowerBound..<tokens[last].range.upperBound
    }

    /// A number without a trailing `.0`.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
        return String((value * 100).rounded() / 100)
    }

    /// Mentions of the same fact merged, in order of first mention.
    static func merged(_ entities: [ClinicalEntity]) -> [ClinicalEntity] {
        struct Key: Hashable {
            var kind: ClinicalEntity.Kind
            var name: String
            var value: String?
            var negated: Bool
            var uncertain: Bool
            var context: ClinicalEntity.Context?
            var attributes: [String: String]
        }
        var order: [Key] = []
        var byKey: [Key: ClinicalEntity] = [:]
        for entity in entities {
            let key = Key(
                kind: entity.kind, name: entity.name, value: entity.value, negated: entity.negated,
                uncertain: entity.uncertain, context: entity.context, attributes: entity.attributes)
            if var existing = byKey[key] {
                existing.evidence.append(contentsOf: entity.evidence.filter { !existing.evidence.contains($0) })
                byKey[key] = existing
            } else {
                byKey[key] = entity
                order.append(key)
            }
        }
        return order.compactMap { byKey[$0] }
    }
}
