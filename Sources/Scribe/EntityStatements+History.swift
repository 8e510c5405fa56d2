/// Elements of the present illness that a conversation states as answers to the clinician's questions, written
/// as a history states them: how long the problem has lasted (`how long has this been going on` / `it's been a
/// week`), how the patient rates the pain (`about a four`) and what they have taken for it (`have you taken
/// anything` / `just some ibuprofen`). Each statement's evidence is the question and the answer's words.
extension EntityStatements {
    /// The history's elements, in the order a history gives them: duration, severity, treatment tried.
    func historyElements(pronouns: Pronouns, problem: String?) -> [NoteStatement] {
        guard transcript.kind == .dialogue else { return [] }
        return [onset(problem: problem), severity(pronouns: pronouns), treatmentTried(pronouns: pronouns)]
            .compactMap { $0 }
    }

    /// The clinician's sentences a patient's sentence may answer: the last three of the turn before, last first.
    /// Speech written without punctuation splits one question into pieces (`what would you say your pain score
    /// is out of ten` / `with ten being the worst pain you ever felt`), so the question is not always the last.
    func questions(before sentence: Transcript.Sentence) -> [Transcript.Sentence] {
        guard let index = transcript.sentenceIndex(at: sentence.range.lowerBound) else { return [] }
        var before = index - 1
        while before >= 0, transcript.sentences[before].turn == sentence.turn { before -= 1 }
        var found: [Transcript.Sentence] = []
        while before >= 0, found.count < 3, transcript.sentences[before].turn == sentence.turn - 1,
            transcript.sentences[before].speaker == .clinician
        {
            found.append(transcript.sentences[before])
            before -= 1
        }
        return found
    }

    /// The patient's sentence holding an entity's first evidence, and the question it answers when one of the
    /// clinician's last sentences before it holds one of `cues`.
    func answer(to cues: PhraseList, for entity: ClinicalEntity) -> (
        answer: Transcript.Sentence, question: Transcript.Sentence
    )? {
        guard let start = entity.evidence.first?.lowerBound, let sentence = Self.sentence(at: start, in: transcript),
            sentence.speaker == .patient || sentence.speaker == .companion,
            let question = questions(before: sentence).first(where: { cues.any(in: PhraseList.haystack($0.text)) })
        else { return nil }
        return (sentence, question)
    }

    static let durationQuestions = PhraseList([
        "how long", "since when", "how many days", "how many weeks", "how many months", "when it started",
        "when this started", "when did this start", "when did it start", "when did the", "when did this begin",
        "when did it begin", "how long ago",
    ])
    /// How long something is or will be (`how long is the vacation`, `how long will you be away`): not the
    /// problem's duration, which is asked in the past (`how long has this been going on`).
    static let futureDurations = PhraseList([
        "how long is", "how long are", "how long will", "how long would", "how long do you plan",
    ])
    /// A question about how long a medication has been taken is not about the problem's duration.
    static let medicationQuestions = PhraseList(["taking", "been on", "you on", "started on", "using"])

    /// `The right knee pain has been present for 1 week.` from the patient's answer to how long.
    func onset(problem: String?) -> NoteStatement? {
        guard let problem, !problem.isEmpty else { return nil }
        for duration in entities where duration.kind == .duration {
            // Asked about how long something has lasted: `how long is the vacation` asks about something else.
            guard let (_, question) = answer(to: Self.durationQuestions, for: duration),
                !Self.futureDurations.any(in: PhraseList.haystack(question.text)),
                !Self.medicationQuestions.any(in: PhraseList.haystack(question.text)),
                !entities.contains(where: { other in
                    other.kind == .medication && other.evidence.contains { question.range.contains($0.lowerBound) }
                })
            else { continue }
            let said =
                duration.value.flatMap(NoteWriter.spokenDuration)
                ?? Self.withoutAgo(duration.text.lowercased())
            // A visit type (`follow-up of chronic problems`) has no onset: the symptoms asked about do.
            let subject = StatedReason.isVisitType(problem) ? "Symptoms" : "The \(problem)"
            let verb = StatedReason.isVisitType(problem) ? "have" : "has"
            let text =
                duration.attributes["relation"] == "ago"
                ? "\(subject) began \(said) ago." : "\(subject) \(verb) been present for \(said)."
            return NoteStatement(
                section: .subjective, subsection: layout.defaults[.subjective], text: text,
                evidence: [question.range] + duration.evidence, origin: .entities)
        }
        return nil
    }

    /// `a few weeks ago` → `a few weeks`.
    static func withoutAgo(_ said: String) -> String {
        let span = said.hasSuffix(" ago") ? String(said.dropLast(4)) : said
        // `few weeks` said after `a` that the entity left out.
        return span.hasPrefix("few ") || span.hasPrefix("couple ") ? "a " + span : span
    }

    static let severityQuestions = PhraseList([
        "scale of", "scale from", "on a scale", "pain scale", "out of 10", "out of ten", "pain score", "rate your pain",
        "rate the pain", "rate it",
        "how bad",
        "how severe", "worst pain",
    ])

    /// `He rates his pain as 4-5/10.` from the patient's answer to a rating question (two numbers said together
    /// are a range).
    func severity(pronouns: Pronouns) -> NoteStatement? {
        let scores = entities.filter { $0.kind == .painScore && $0.value != nil }
        guard let first = scores.first(where: { answer(to: Self.severityQuestions, for: $0) != nil }),
            let (sentence, question) = answer(to: Self.severityQuestions, for: first), let low = first.value
        else { return nil }
        var value = low
        var evidence = [question.range] + first.evidence
        if let second = scores.first(where: { score in
            score != first && score.evidence.contains { sentence.range.contains($0.lowerBound) }
        }), let high = second.value, let lowNumber = Double(low), let highNumber = Double(high), highNumber > lowNumber
        {
            value = low + "-" + high
            evidence += second.evidence
        }
        let subject = Phrasing.capitalized(pronouns.subject)
        let verb = pronouns.subject == "the patient" || pronouns == .female || pronouns == .male ? "rates" : "rate"
        // What was rated: the symptom the question names when it is not pain (`how much does the cough bother
        // you, on a scale of zero to ten`).
        let asked = " " + Phrasing.words(question.text).map(Phrasing.bare).joined(separator: " ") + " "
        let rated =
            entities.first { entity in
                entity.kind == .problem && !entity.name.containsText("pain") && !entity.negated
                    && asked.containsText(" " + entity.name.lowercased() + " ")
            }?.name ?? "pain"
        return NoteStatement(
            section: .subjective, subsection: layout.defaults[.subjective],
            text: "\(subject) \(verb) \(pronouns.possessive) \(rated) as \(value)/10.", evidence: evidence,
            origin: .entities)
    }

    static let treatmentQuestions = PhraseList([
        "taken anything", "take anything", "tried anything", "try anything", "done anything", "taking anything",
        "used anything", "what have you tried", "what have you taken", "what have you been taking",
    ])

    /// `He has taken ibuprofen.` from the patient's answer to what they have taken or tried.
    func treatmentTried(pronouns: Pronouns) -> NoteStatement? {
        var names: [String] = []
        var evidence: [Range<Int>] = []
        for medication in entities where medication.kind == .medication && !medication.negated {
            guard let (_, question) = answer(to: Self.treatmentQuestions, for: medication),
                !names.contains(medication.name)
            else { continue }
            if evidence.isEmpty { evidence.append(question.range) }
            names.append(medication.name)
            evidence += medication.evidence.prefix(1)
        }
        guard !names.isEmpty else { return nil }
        let subject = Phrasing.capitalized(pronouns.subject)
        let verb = pronouns.subject == "the patient" || pronouns == .female || pronouns == .male ? "has" : "have"
        return NoteStatement(
            section: .subjective, subsection: layout.defaults[.subjective],
            text: "\(subject) \(verb) taken \(Self.list(names)).", evidence: evidence, origin: .entities)
    }
}
