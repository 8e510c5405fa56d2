/// Questions and their answers read together: a clinician's yes/no question and the patient's answer
/// (`any chest pain?` / `no`).
extension EntityExtractor {
    /// An unpunctuated sentence that opens like a question (`do you`, `any other`, `have you`).
    static func opensQuestion(_ tokens: [Token]) -> Bool {
        let words = tokens.lazy.filter { $0.kind != .punctuation }.map(\.text)
            .drop { Transcript.joiners.contains($0) }.prefix(2)
        return words.count == 2 && Phrasing.questionPairs.contains(Array(words))
    }

    struct Answer {
        var tokens: [Token]
        var range: Range<Int>
        var affirmative: Bool
    }

    static let negativeAnswers = TokenPhrases([
        "no", "nope", "nah", "not really", "never", "none", "negative", "not at all", "i don't", "i haven't",
        "i have not", "i do not", "not that i know", "not that i've noticed", "no i don't", "uh-uh",
        "not at this time", "not at the moment", "not lately", "not recently",
        // The contractions written as two words (`i have n't`).
        "i do n't", "i have n't", "i did n't",
    ])
    static let positiveAnswers = TokenPhrases([
        "yes", "yeah", "yep", "yup", "uh-huh", "mm-hmm", "sometimes", "a little", "a bit", "i do", "i have", "correct",
        "definitely", "occasionally", "i did", "it does", "some",
    ])

    /// Words that turn a `yes`-like opening (`i have`, `i do`) into a denial when they follow it.
    static let denialWords: Set<String> = ["not", "n't", "never", "no"]

    /// The patient's yes or no right after a clinician's question.
    func answer(after index: Int, in transcript: Transcript, tokens: [[Token]]) -> Answer? {
        let next = index + 1
        guard next < transcript.sentences.count else { return nil }
        let sentence = transcript.sentences[next]
        guard sentence.speaker == .patient || sentence.speaker == .companion else { return nil }
        let words = tokens[next].filter { $0.kind != .punctuation }
        guard !words.isEmpty else { return nil }
        if Self.negativeAnswers.match(words, at: 0) != nil {
            return Answer(tokens: tokens[next], range: sentence.range, affirmative: false)
        }
        // `i have` opens `i have never had that` too.
        if let (_, count) = Self.positiveAnswers.match(words, at: 0),
            count >= words.count || !Self.denialWords.contains(words[count].text)
        {
            return Answer(tokens: tokens[next], range: sentence.range, affirmative: true)
        }
        return nil
    }

    /// The problems and allergies a yes/no question asks about, asserted or denied by the answer.
    func answered(question: [Token], answer: Answer, transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        // "Any side effects, like nausea or headaches?" / "Some nausea": a yes that names problems confirms
        // only those.
        var named = Set<String>()
        var position = 0
        while position < answer.tokens.count {
            if let (name, count) = Self.problemPhrases.match(answer.tokens, at: position) {
                named.insert(name)
                position += count
            } else {
                position += 1
            }
        }
        var index = 0
        while index < question.count {
            if let (name, count) = Self.problemPhrases.match(question, at: index) {
                // `have you had a flu shot this year?` / `no`: no flu denied.
                guard !answer.affirmative || named.isEmpty || named.contains(name),
                    !Self.namesVaccineOrSeason(question, at: index, count: count)
                else {
                    index += count
                    continue
                }
                let range = Self.span(question, index, index + count - 1)
                entities.append(
                    ClinicalEntity(
                        kind: .problem, text: transcript.text(in: range), evidence: [range, answer.range], name: name,
                        negated: !answer.affirmative, attributes: ["answer": answer.affirmative ? "yes" : "no"]))
                index += count
            } else {
                index += 1
            }
        }
        if answer.affirmative {
            // "You're taking sertraline 50 mg once a day?" / "Yes."
            entities.append(
                contentsOf: medications(question, transcript).map { medication in
                    var confirmed = medication
                    confirmed.evidence.append(answer.range)
                    return confirmed
                })
        }
        let words = Set(question.map(\.text))
        if words.contains("allergies") || words.contains("allergic"), !answer.affirmative,
            let first = question.first, let last = question.last
        {
            let range = first.range.lowerBound..<last.range.upperBound
            entities.append(
                ClinicalEntity(
                    kind: .allergy, text: transcript.text(in: answer.range), evidence: [range, answer.range],
                    name: "no known allergies", negated: true))
        }
        return entities
    }
}
