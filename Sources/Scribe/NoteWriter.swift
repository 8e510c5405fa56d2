/// Writes a SOAP note from a transcript: deterministic, and every statement grounded in the transcript.
public struct NoteWriter: Sendable {
    let router: SectionRouter
    /// Transcript size limits.
    public var limits: Transcript.Limits
    /// Spoken sentences shorter than this (in words) are conversation, not note content.
    let minimumWords = 5
    /// Spoken sentences with fewer features known to the section model carry no clinical content.
    let minimumKnownFeatures = 4

    /// Creates a writer with the embedded section model.
    public init(limits: Transcript.Limits = .default) {
        self.router = SectionRouter()
        self.limits = limits
    }

    /// Writes the note.
    ///
    /// - Parameter context: what the caller knows already (validate it with `NoteContext.validated()`).
    public func note(
        transcript text: String, specialty: Specialty = .generic, template: NoteTemplate = .standard,
        context: NoteContext = .none
    ) throws(TranscriptError) -> Note {
        let transcript = try Transcript(text, limits: limits)
        return note(transcript: transcript, specialty: specialty, template: template, context: context)
    }

    /// Writes the note of a transcript already read (with ``limits``, as the method above reads its text), so that
    /// a caller that also codes the note reads the transcript once.
    public func note(
        transcript: Transcript, specialty: Specialty = .generic, template: NoteTemplate = .standard,
        context: NoteContext = .none
    ) -> Note {
        let extraction = EntityExtractor(knownMedications: context.medications, knownProblems: context.history)
            .extract(from: transcript)
        let entities = extraction.entities
        let layout = NoteLayout.layout(for: specialty)
        let fromEntities = EntityStatements(
            transcript: transcript, entities: entities, layout: layout, tokens: extraction.tokens)
        var statements: [NoteStatement]
        switch transcript.kind {
        case .dictation:
            statements = dictationStatements(transcript)
        case .dialogue:
            let demographics = Demographics(transcript, tokens: extraction.tokens, context: context)
            let pronouns = pronouns(demographics, layout: layout)
            // A short yes or no that an entity statement already reports ("Denies chest pain.") is not repeated.
            let answers = Set(
                entities.lazy.filter { $0.attributes["answer"] != nil }.flatMap { $0.evidence.map(\.lowerBound) })
            let clinical = entities.flatMap { $0.evidence.map(\.lowerBound) }.sorted()
            // Each sentence's words cleaned once, for the passes that read them (selection, problem headings).
            let cleanedWords = transcript.sentences.map { Phrasing.cleanWords($0.text) }
            statements = dialogueStatements(
                transcript, specialty: specialty, layout: layout, pronouns: pronouns, reportedAnswers: answers,
                clinicalStarts: clinical, sentenceTokens: extraction.tokens, cleanedWords: cleanedWords
            )
            .flatMap { said -> [NoteStatement] in
                var statement = said
                // What the patient said (`He said he had the pain on the right side.`) is history, wherever in the
                // visit it was said: not an examination finding.
                if statement.section == .objective, Self.isReportedSpeech(statement.text) {
                    statement.section = .subjective
                }
                var subsection = layout.label(for: statement.text, in: statement.section)
                // A finding read off the study just named in the turn (`his right knee x-ray . this shows good bony
                // alignment .`) is a result, not an examination finding.
                if subsection == layout.defaults[.objective], statement.origin == .sentence,
                    !Self.isLabelled(statement.text), Phrasing.findingSystem(statement.text) == nil,
                    let results = layout.subsections[.objective]?.first(where: { $0.label == NoteLayout.results.label }
                    ),
                    Self.followsStudy(statement, in: transcript, cues: results.cues)
                {
                    subsection = results.label
                }
                // Findings and results in the terse form, one per examined part.
                let texts =
                    subsection == "PHYSICAL EXAMINATION" || subsection == "RESULTS"
                    ? ClinicalStyle.findings(statement.text) : [statement.text]
                return texts.map { text in
                    var labelled = statement
                    labelled.text = text
                    labelled.subsection = subsection
                    // An examination finding under the system it is of (`Cardiovascular: Regular rate and
                    // rhythm.`).
                    if subsection == "PHYSICAL EXAMINATION", !Self.isLabelled(text),
                        let system = Phrasing.findingSystem(text)
                    {
                        labelled.text = system + ": " + text
                    }
                    return labelled
                }
            }
            // The clinician's sentence that states why the patient came is the chief complaint and the opening line,
            // not an assessment of the problem (`i understand you've come in with some right knee pain`) nor a finding
            // (`so this is your yearly well woman exam`).
            // A well visit read from the clinician's summary (`this is a healthy twelve month old, ...`) keeps it: the
            // summary is the assessment.
            if let reason = fromEntities.statedReason, reason.text != StatedReason.wellChildReason {
                statements.removeAll { statement in
                    statement.origin == .sentence && statement.section != .subjective
                        && statement.evidence.contains { $0.contains(reason.evidence.lowerBound) }
                }
            }
            var opened = 0
            if let opening = spokenPresentation(
                transcript, demographics: demographics, layout: layout, pronouns: pronouns,
                reason: fromEntities.statedReason?.evidence)
                ?? fromEntities.presentation(demographics)
            {
                statements.removeAll { $0.evidence == opening.evidence }
                statements.insert(opening, at: 0)
                opened = 1
            }
            // Duration, severity and what was tried follow the opening line (not for an animal's history).
            if layout.reporter == Pronouns.neutral.subject {
                let (elements, replaced) = historyElements(
                    fromEntities, statements: statements, pronouns: pronouns.patient)
                statements.removeAll { statement in replaced.contains { $0 == statement.evidence } }
                statements.insert(contentsOf: elements, at: opened)
            }
            statements += fromEntities.statements
            // In transcript order among the spoken statements, so that it heads or joins the problem it is said with.
            let stated = StatedDiagnosis.diagnoses(in: transcript, tokens: extraction.tokens)
            for diagnosis in statedDiagnoses(stated, statements: statements, layout: layout) {
                let start = diagnosis.evidence.first?.lowerBound ?? 0
                let at = statements.firstIndex {
                    $0.origin == .sentence && ($0.evidence.first?.lowerBound ?? 0) > start
                }
                statements.insert(diagnosis, at: at ?? statements.count)
            }
            statements = withoutRepeatedVitals(statements, entities: entities)
            statements = problemOriented(
                statements, entities: entities, stated: stated, layout: layout, transcript: transcript,
                tokens: extraction.tokens, cleanedWords: cleanedWords)
            statements = withoutRestatements(statements)
        }
        // Where no assessment is stated, the presenting problem is the reason the visit states, when it states one.
        let presenting = fromEntities.statedReason.flatMap { StatedReason.isVisitType($0.text) ? nil : $0 }.map {
            reason in
            let said = String(reason.text.dropLast())
            return ClinicalEntity(kind: .problem, text: said, evidence: [reason.evidence], name: said.lowercased())
        }
        statements = withUnstatedSections(
            statements, transcript: transcript, entities: entities,
            chiefComplaint: presenting ?? fromEntities.chiefProblem)
        // Dictated or spoken, a new medication the patient is allergic to is flagged.
        statements += fromEntities.allergyAlerts(knownAllergies: context.allergies)
        statements += fromEntities.pastHistory(known: context.history)
        if template == .brief { statements = brief(statements) }
        if template == .birp {
            for index in statements.indices
            where statements[index].section != .subjective && statements[index].origin == .sentence
                && Self.interventionCues.any(in: PhraseList.haystack(statements[index].text))
            {
                statements[index].subsection = "INTERVENTION"
                if statements[index].section == .objective { statements[index].section = .assessment }
            }
        }
        var written = ordered(statements, layout: layout)
        if transcript.kind == .dialogue, [.standard, .apso, .brief].contains(template) {
            written = withCareLabels(written, layout: layout)
            if let agreement = patientAgreement(written, transcript: transcript),
                let lastPlan = written.lastIndex(where: { $0.section == .plan })
            {
                written.insert(agreement, at: lastPlan + 1)
            }
        }
        for index in written.indices { written[index].text = ClinicalStyle.writtenForm(written[index].text) }
        return Note(
            specialty: specialty, template: template, transcriptKind: transcript.kind, statements: written,
            entities: entities)
    }

    /// Statements in section order, and within a section in the layout's sub-section order; otherwise as found.
    func ordered(_ statements: [NoteStatement], layout: NoteLayout) -> [NoteStatement] {
        NoteSection.allCases.flatMap { section -> [NoteStatement] in
            let order = layout.order[section] ?? []
            let inSection = statements.enumerated().filter { $0.element.section == section }
            // Labels the layout does not list (problems) follow its own, in order of first appearance.
            var firstSeen: [String: Int] = [:]
            for (offset, statement) in inSection {
                if let label = statement.subsection, !order.contains(label), firstSeen[label] == nil {
                    firstSeen[label] = offset
                }
            }
            func rank(_ statement: NoteStatement) -> Int {
                guard let label = statement.subsection else { return order.count }
                return order.firstIndex(of: label) ?? (order.count + 1 + (firstSeen[label] ?? 0))
            }
            return inSection.sorted { left, right in
                let leftRank = rank(left.element)
                let rightRank = rank(right.element)
                return leftRank != rightRank ? leftRank < rightRank : left.offset < right.offset
            }.map(\.element)
        }
    }

    /// A spoken sentence that reads out two or more vital signs says again what the VITALS lines state.
    /// The most words a sentence that only reads a vital sign out has.
    let maximumReadingWords = 9

    func withoutRepeatedVitals(_ statements: [NoteStatement], entities: [ClinicalEntity]) -> [NoteStatement] {
        let vitals = entities.filter { $0.kind == .vitalSign }
        let readings = vitals.compactMap(\.evidence.first?.lowerBound)
        guard !readings.isEmpty, statements.contains(where: { $0.subsection == "VITALS" }) else { return statements }
        func numbers(_ text: String) -> Set<Substring> {
            let parts = text.split(whereSeparator: { !$0.isNumber }).map { $0.trimmingPrefix("0") }
            return Set(parts.filter { $0.contains(where: \.isNumber) })
        }
        return statements.filter { statement in
            guard statement.origin == .sentence, statement.section == .objective,
                let sentence = statement.evidence.first
            else { return true }
            let read = vitals.filter { $0.evidence.first.map(sentence.contains) ?? false }
            // One reading said with its verdict (`Blood pressure looks quite well, at 120 over 80.`): the vitals give
            // it, when the statement holds no number but the reading's; a longer one says more than the reading.
            if read.count == 1, let reading = read.first?.value, statement.subsection != "VITALS",
                statement.text.split(separator: " ").count <= maximumReadingWords
            {
                let said = numbers(statement.text)
                if !said.isEmpty, said.isSubset(of: numbers(reading)) { return false }
            }
            return read.count < 2 || readings.count < 2
        }
    }

    /// Problem-oriented assessment and plan: a sentence of either that names a problem (present or
    /// uncertain, not denied) goes under that problem; one that names none stays with the problem before it.
    /// Sentences under the layout's own sub-sections (risk assessment, goals) keep them. `stated` are the
    /// diagnoses the clinician states in words (`StatedDiagnosis`).
    func problemOriented(
        _ statements: [NoteStatement], entities: [ClinicalEntity], stated: [(text: String, evidence: Range<Int>)],
        layout: NoteLayout, transcript: Transcript, tokens: [[Token]], cleanedWords: [[String]] = []
    ) -> [NoteStatement] {
        // A problem only considered (`rule out asthma`) does not open a problem of its own.
        let mentions = entities.filter { $0.kind == .problem && !$0.negated && !$0.uncertain && $0.context == nil }
            .flatMap { entity in entity.evidence.map { (range: $0, name: entity.name) } }
            .sorted { $0.range.lowerBound < $1.range.lowerBound }
        var headings = Self.problemHeadings(mentions, transcript: transcript, tokens: tokens)
        // A problem named by the last words of one more specific problem (`the cancer` after `lung cancer`, `the
        // strain` after `a lumbar strain`) is that problem: it goes under its heading, not one of its own. Two such
        // problems (`pain` beside `knee pain` and `back pain`) leave it as it is.
        let names = Set(mentions.map(\.name))
        for name in names {
            let specific = names.filter { $0.hasSuffix(" " + name) }
            if specific.count == 1, let other = specific.first {
                headings[name] = headings[other] ?? Phrasing.capitalized(other)
            }
        }
        func isProblemOriented(_ statement: NoteStatement) -> Bool {
            statement.origin == .sentence && (statement.section == .assessment || statement.section == .plan)
                && statement.subsection == layout.defaults[statement.section] && !statement.evidence.isEmpty
        }
        // A problem the clinician names in the sentence just before (an acknowledgement aside) heads what follows, even when that sentence
        // (`for his last problem, his hypertension.`) says nothing else and is not kept.
        let sentences = transcript.sentences
        func sentenceBefore(_ range: Range<Int>) -> Transcript.Sentence? {
            // Sentences do not overlap: the first one ending after the range's start is the one it starts in.
            let low = transcript.sentenceIndex(endingAfter: range.lowerBound)
            // Back over the other's short acknowledgement (`mm-hmm .`) to the clinician's sentence.
            var before = low - 1
            while before > 0, sentences[before].speaker != .clinician, sentences[before].speaker != .narrator,
                sentences[before].text.split(separator: " ").count <= 3
            {
                before -= 1
            }
            return before >= 0 ? sentences[before] : nil
        }
        // A problem the clinician introduces by name that the lexicon does not know (`for his first problem of
        // his tick bite`).
        func introduced(_ range: Range<Int>) -> (range: Range<Int>, name: String)? {
            guard let index = transcript.sentenceIndex(at: range.lowerBound) else { return nil }
            let cleaned = index < cleanedWords.count ? cleanedWords[index] : Phrasing.cleanWords(sentences[index].text)
            let words = ClinicalStyle.withoutLeadingDiscourse(ClinicalStyle.withoutRepeats(cleaned))
            return ClinicalStyle.introducedProblem(words).map { (range, $0) }
        }
        var current: String?
        let headed = statements.map { statement in
            guard isProblemOriented(statement), let sentence = statement.evidence.first else { return statement }
            if let named = mentions.first(where: { sentence.contains($0.range.lowerBound) })
                ?? introduced(sentence)
                ?? sentenceBefore(sentence).flatMap({ before in
                    guard before.speaker == .clinician || before.speaker == .narrator else { return nil }
                    guard let named = mentions.last(where: { before.range.contains($0.range.lowerBound) }) else {
                        return introduced(before.range)
                    }
                    return Self.introducesProblem(before.text) ? named : nil
                })
                ?? (statement.section == .plan ? Self.indicatedProblem(statement.text, mentions: mentions) : nil)
            {
                current = headings[named.name] ?? Phrasing.capitalized(named.name)
            }
            var labelled = statement
            if let current { labelled.subsection = current }
            return labelled
        }
        // With problems named, an assessment sentence before the first of them belongs to none: talk around the
        // problems (`That is a hard thing to get over.`), history told again (`He was put on the prozac last
        // year.`, `She is allergic to percocet.`) or an examination finding (`She is not running a fever.`), not the
        // assessment of one. It stays when it names or states a problem the patient has or a tooth, or rules a
        // problem out (`Unlikely that this is pneumonia ...`).
        guard
            let firstHeaded = headed.indices.first(where: { index in
                isProblemOriented(statements[index]) && headed[index].subsection != statements[index].subsection
            })
        else { return headed }
        // A diagnosis stated in words (`you have a sprain of your right ankle`) counts though the lexicon may not
        // know it.
        let named = entities.filter { entity in
            (entity.kind == .problem && !entity.negated && entity.context != .family) || entity.kind == .tooth
        }
        let present = (named.flatMap { $0.evidence.map(\.lowerBound) } + stated.map(\.evidence.lowerBound)).sorted()
        let ruledOut = entities.filter { $0.kind == .problem && $0.negated }.flatMap { $0.evidence.map(\.lowerBound) }
            .sorted()
        return headed.enumerated().filter { offset, statement in
            offset > firstHeaded || !isProblemOriented(statement) || statement.section != .assessment
                || statement.subsection != layout.defaults[.assessment]
                || statement.evidence.contains { Self.anyStart(in: $0, sorted: present) }
                || (statement.evidence.contains { Self.anyStart(in: $0, sorted: ruledOut) }
                    && Self.rulesOut(statement.text))
                || Self.statesCondition(statement.text)
                || Self.performedVerbs.contains(Phrasing.bare(statement.text.prefix { $0 != " " }.lowercased()))
        }.map(\.element)
    }

    /// Whether a sentence says the patient has a condition the lexicon may not know (`The patient has an abrasion
    /// of their right knee.`): the patient, `has`, an article.
    static func statesCondition(_ text: String) -> Bool {
        var words = Phrasing.words(text.lowercased()).map(Phrasing.bare).prefix(4)
        if words.first == "the", words.dropFirst().first == "patient" { words = words.dropFirst() }
        let keys = Array(words)
        return keys.count >= 3 && ["patient", "he", "she", "they"].contains(keys[0])
            && ["has", "have"].contains(keys[1]) && ["a", "an"].contains(keys[2])
    }

    /// Whether a sentence weighs a diagnosis and rules it out (`Unlikely that this is pneumonia.`), rather than
    /// denying a symptom (`She is not running a fever.`).
    static func rulesOut(_ text: String) -> Bool {
        let words = Phrasing.words(text.lowercased()).map(Phrasing.bare)
        return words.contains("unlikely") || words.contains("ruled") || zip(words, words.dropFirst()).contains {
            $0 == "rule" && $1 == "out"
        }
    }

    /// The problem of the visit a plan item belongs to by the drug, test or reading it names (`increase the
    /// metformin` → diabetes): the first mention of a problem that the item's words indicate.
    static func indicatedProblem(
        _ text: String, mentions: [(range: Range<Int>, name: String)]
    ) -> (range: Range<Int>, name: String)? {
        // The problems the item's words indicate, in the order of `problemIndicators` (one lookup per word).
        var indicated = Set<Int>()
        for word in Phrasing.words(text) {
            if let problems = indicatedProblems[Phrasing.bare(word)] { indicated.formUnion(problems) }
        }
        for problem in indicated.sorted() {
            let name = problemIndicators[problem].key
            if let mention = mentions.first(where: { $0.name == name || $0.name.hasSuffix(" " + name) }) {
                return mention
            }
        }
        return nil
    }

    /// `ClinicalLexicon.problemIndicators`, read once.
    static let problemIndicators = ClinicalLexicon.problemIndicators.sorted { $0.key < $1.key }
    /// Per indicator word, the positions in `problemIndicators` of the problems it indicates.
    static let indicatedProblems: WordTable<[Int]> = {
        var problems: [String: [Int]] = [:]
        for (position, entry) in problemIndicators.enumerated() {
            for indicator in entry.value { problems[indicator, default: []].append(position) }
        }
        return WordTable(problems)
    }()

    /// A sentence opening with what was done in the visit (`Took 4 bitewings and did his cleaning.`) records a
    /// procedure, whatever problem it falls under.
    static let performedVerbs: Set<String> = [
        "took", "did", "placed", "performed", "removed", "injected", "gave", "administered", "drained", "applied",
        "completed", "obtained", "cleaned", "sutured", "repaired", "extracted",
    ]

    /// Whether a sentence introduces the next problem (`and then for your last problem, your hypertension.`,
    /// `regarding the diabetes`).
    static func introducesProblem(_ text: String) -> Bool {
        var words = text.lowercased().split(separator: " ").map { String($0.filter { $0.isLetter || $0 == "'" }) }
            .prefix(12)
        if words.contains(where: { $0 == "problem" || $0 == "issue" }) { return true }
        while let first = words.first,
            ["and", "then", "so", "now", "okay", "alright", "next", "", "um", "uh"].contains(first)
        {
            words = words.dropFirst()
        }
        return words.first.map { ["for", "regarding", "as"].contains($0) } ?? false
    }

    /// A brief note: everything written from entities, and the two most note-like sentences of each section.
    func brief(_ statements: [NoteStatement]) -> [NoteStatement] {
        let lexicon = NoteLexicon.embedded
        var keep = Set<Int>()
        for section in NoteSection.allCases {
            let candidates = statements.indices.filter {
                statements[$0].section == section && statements[$0].origin == .sentence
            }
            let likeness = Dictionary(
                uniqueKeysWithValues: candidates.map { ($0, lexicon.noteLikeness(statements[$0].text)) })
            let best = candidates.sorted { (likeness[$0] ?? 0, $1) > (likeness[$1] ?? 0, $0) }.prefix(2)
            keep.formUnion(best)
        }
        return statements.indices.filter { keep.contains($0) || statements[$0].origin == .entities }.map {
            statements[$0]
        }
    }

    static let interventionCues = PhraseList([
        "we discussed", "discussed", "reviewed", "we practiced", "practiced", "explored", "taught", "introduced",
        "provided", "encouraged", "validated", "we worked on", "psychoeducation", "counseled", "counselled",
        "role play", "role-played", "modeled", "modelled", "guided", "demonstrated",
    ])

    /// A dictation keeps the clinician's sentences, routed in order.
    func dictationStatements(_ transcript: Transcript) -> [NoteStatement] {
        let sentences = transcript.sentences
        let paragraphStarts = sentences.indices.map { index in
            index == 0
                || transcript.scalars[sentences[index - 1].range.upperBound..<sentences[index].range.lowerBound]
                    .contains { $0 == "\n" || $0 == "\r" }
        }
        let labels = router.routeDictation(sentences.map(\.text), paragraphStarts: paragraphStarts)
        return zip(transcript.sentences, labels).compactMap { sentence, division in
            guard let text = ClinicalStyle.condensed(sentence.text, voice: .dictation) else { return nil }
            return NoteStatement(
                section: section(of: division, haystack: PhraseList.haystack(sentence.text)), text: text,
                evidence: [sentence.range])
        }
    }

    /// Where the clinician is in the visit: taking the history, examining, or giving the assessment and plan.
    package enum VisitPhase {
        case history
        case examination
        case assessmentPlan
    }

    /// A dialogue: the patient's clinical statements become history in the third person; the clinician's
    /// statements (not questions, not small talk) follow the visit's phase, which moves to examination when
    /// the clinician announces the exam and to assessment and plan when they announce it; within a phase the
    /// model can still route a sentence elsewhere.
    /// How the note refers to the patient: by a reporter where someone speaks for them, by sex where the
    /// clinician's pronouns make it clear, otherwise as `the patient`.
    func pronouns(_ demographics: Demographics, layout: NoteLayout) -> (patient: Pronouns, clinician: Pronouns) {
        if layout.reporter != Pronouns.neutral.subject { return (.reporter(layout.reporter), .neutral) }
        switch demographics.sex {
        case .female: return (.female, .female)
        case .male: return (.male, .male)
        case nil: return (.neutral, .neutral)
        }
    }

    /// Whether a sorted list of offsets has one inside `range` (binary search).
    static func anyStart(in range: Range<Int>, sorted starts: [Int]) -> Bool {
        var low = 0
        var high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] < range.lowerBound { low = middle + 1 } else { high = middle }
        }
        return low < starts.count && starts[low] < range.upperBound
    }

    func dialogueStatements(
        _ transcript: Transcript, specialty: Specialty, layout: NoteLayout,
        pronouns: (patient: Pronouns, clinician: Pronouns), reportedAnswers: Set<Int> = [],
        clinicalStarts: [Int] = [], sentenceTokens: [[Token]] = [], cleanedWords cleanedSentences: [[String]] = []
    ) -> [NoteStatement] {
        let observesMentalStatus = [Specialty.psychiatrist, .psychotherapist, .socialWorker].contains(specialty)
        var statements: [NoteStatement] = []
        var phase = VisitPhase.history
        var examinedSystem: (system: String, turn: Int, said: Range<Int>)?
        var reportedTurn: Int?
        var reportsAttributed = 0
        // The problem the clinician last asked about: an answer without a subject of its own is about it.
        var askedAbout: (range: Range<Int>, name: String)?
        var shownStudyTurn: Int?
        // The statements that read a study's result.
        var results = Set<Int>()
        for (number, sentence) in transcript.sentences.enumerated() {
            let cleanedWords =
                number < cleanedSentences.count ? cleanedSentences[number] : Phrasing.cleanWords(sentence.text)
            let cleaned = Phrasing.joined(cleanedWords)
            let haystack = PhraseList.haystack(cleaned)
            let words = SectionModel.tokens(lowercasedUTF8: haystack)
            // A diagnosis the clinician states in the assessment is kept however short (`osteoarthritis of the
            // right knee.`).
            var statesDiagnosis = false
            if sentence.speaker == .patient, phase == .examination, Phrasing.isQuestion(cleaned, words: words),
                Phrasing.diagnosisQuestions.any(in: haystack)
            {
                phase = .assessmentPlan
            }
            if sentence.speaker == .clinician || sentence.speaker == .narrator {
                // A finding stated during the examination (`cervix looks healthy, i'm taking the pap sample now`)
                // keeps the examination going, whatever plan words it has.
                if phase != .examination || !ClinicalStyle.statesHowItIs(words) {
                    phase = Phrasing.phase(after: haystack, current: phase)
                }
                let tokens = number < sentenceTokens.count ? sentenceTokens[number] : []
                let named = Self.firstProblem(in: tokens)
                askedAbout = named ?? (Phrasing.isQuestion(cleaned, words: words) ? nil : askedAbout)
                statesDiagnosis = phase == .assessmentPlan && named != nil && words.count >= 2
                // `show me the chest x-ray`: what follows in the turn reads the study shown.
                if Self.showCommand.any(in: haystack), NoteLayout.results.cues.any(in: haystack) {
                    shownStudyTurn = sentence.turn
                }
            }
            // So is a finding the examiner states in a few words (`no rales or wheezing.`, `no edema.`).
            let statesFinding =
                words.count < minimumWords && words.count >= 2 && phase == .examination
                && sentence.speaker != .patient && Self.briefFindings.any(in: haystack)
            // The patient's question is left out by its mark; the clinician's by its words too (a plan offered as a
            // question, `why don't we ...?`, is not one).
            guard words.count >= minimumWords || statesDiagnosis || statesFinding,
                sentence.speaker == .patient ? !cleaned.hasSuffix("?") : !Phrasing.isQuestion(cleaned, words: words),
                !Phrasing.smallTalk.any(in: haystack)
            else { continue }
            let (routed, knownFeatures) = router.classify(tokens: words, haystack: haystack)
            guard knownFeatures >= minimumKnownFeatures || statesDiagnosis || statesFinding else { continue }
            // Spoken fillers go before the person changes (`you know` is not the patient knowing).
            let spoken = Phrasing.withDigits(ClinicalStyle.withoutFillers(cleanedWords))
            // A clinician's turn that holds the patient's own words (a transcript that merged the turns).
            let speaker =
                sentence.speaker == .clinician && Self.speaksAsPatient(words, haystack: haystack)
                ? .patient : sentence.speaker
            switch speaker {
            case .patient, .companion:
                guard phase == .history,
                    words.count > 6 || !reportedAnswers.contains(sentence.range.lowerBound)
                else { continue }
                // Unpunctuated speech recognition runs on; a patient's sentence there earns its place by naming a
                // problem, medication, duration or other clinical fact, or by telling how it hurts or happened
                // (`i did feel something pop`, `it got real swollen`).
                if transcript.isUnpunctuated, !Self.anyStart(in: sentence.range, sorted: clinicalStarts),
                    !words.contains(where: Self.historyFactWords.contains)
                {
                    continue
                }
                let reported = Phrasing.thirdPerson(words: spoken, pronouns: pronouns.patient)
                guard var text = ClinicalStyle.condensed(reported, voice: .patient) else { continue }
                var evidence = [sentence.range]
                // The rest of an answer that reads as nothing alone (`Maybe 5 hours a night.`, `At the shoulder.`)
                // ends the patient's sentence before it in the turn, or is left out.
                if askedAbout == nil, ClinicalStyle.isAnswerDebris(text) {
                    if reportedTurn == sentence.turn, let last = statements.last, last.section == .subjective,
                        let merged = ClinicalStyle.joined(last.text, then: text)
                    {
                        statements[statements.count - 1].text = merged
                        statements[statements.count - 1].evidence += evidence
                    }
                    continue
                }
                // An answer without a subject ("Mostly dry, in the morning.") is about what was asked.
                if ClinicalStyle.isFragment(text), !Self.readsWithoutTopic(text, topic: askedAbout?.name) {
                    if let topic = askedAbout {
                        text = Phrasing.capitalized(topic.name) + ": " + ClinicalStyle.lowercasedFirst(text)
                        evidence.insert(topic.range, at: 0)
                    } else if !Self.anyStart(in: sentence.range, sorted: clinicalStarts) {
                        continue
                    }
                }
                // The first thing the patient tells in a turn is attributed, as histories write it.
                if reportedTurn != sentence.turn, reportsAttributed < maximumAttributions,
                    let attributed = Self.attributed(text, pronouns: pronouns.patient)
                {
                    text = attributed
                    reportsAttributed += 1
                }
                reportedTurn = sentence.turn
                statements.append(NoteStatement(section: .subjective, text: text, evidence: evidence))
            case .clinician, .narrator:
                // What follows `show me the chest x-ray` in the turn, or a sentence that reads a named study's result.
                let readsStudy =
                    shownStudyTurn == sentence.turn
                    ? routed == .objective || words.contains { Self.resultVerbs.contains($0) }
                    : routed == .objective && Self.readsResult(words, haystack: haystack)
                let division: SectionModel.Division
                switch phase {
                case .history
                where observesMentalStatus
                    && NoteLayout.mentalStatusCues.any(in: haystack):
                    division = .objective
                // A finding stated before any examination cue (`speculum in, cervix looks healthy, i'm taking the pap
                // sample now`) is still a finding, whatever plan words it has.
                case .history:
                    division = routed == .assessmentPlan && ClinicalStyle.statesHowItIs(words) ? .objective : routed
                // During the examination, a finding stated as the examiner's perception (`i don't appreciate any
                // adenopathy`) is the examination's, whatever its words are most like.
                case .examination:
                    division =
                        routed == .assessmentPlan && !ClinicalStyle.statesPerceivedFinding(words)
                            && !ClinicalStyle.statesHowItIs(words)
                        ? .assessmentPlan : .objective
                // A result read out after the assessment has begun (`this shows that the pumping function of your heart
                // is reduced at 45 %`) is still a result.
                case .assessmentPlan where readsStudy:
                    division = .objective
                case .assessmentPlan: division = .assessmentPlan
                }
                var placed = section(of: division, haystack: haystack)
                // A problem announced as the next topic (`In terms of his diabetes.`) heads an assessment; in the
                // history or the examination it says nothing.
                if placed == .subjective || placed == .objective, ClinicalStyle.isTopicOnly(spoken) { continue }
                // An instruction given during the examination (`come back sooner if the foot becomes numb`) is
                // part of the plan.
                if placed == .objective, Self.instructionOpenings.contains(where: { words.starts(with: $0) }) {
                    placed = .plan
                }
                // A plan offered as a question (`why don't you try the cream?`) before `you` becomes the patient.
                let offered = ClinicalStyle.suggestedPlan(ClinicalStyle.withoutLeadingDiscourse(spoken))
                var text = Phrasing.aboutPatient(words: offered, pronouns: pronouns.clinician)
                // Where the system heading a finding was named, when an announcement before it named it.
                var namedSystem: Range<Int>?
                if placed == .objective {
                    // "On examination of your back" names the system of the findings that follow in the turn.
                    let (system, finding) = Phrasing.examinedFinding(Phrasing.words(text))
                    if finding.isEmpty {
                        examinedSystem = system.map { ($0, sentence.turn, sentence.range) }
                        continue
                    }
                    // The system heads its first finding only.
                    let carried = system == nil ? examinedSystem.flatMap { $0.turn == sentence.turn ? $0 : nil } : nil
                    let label = system ?? carried?.system
                    namedSystem = carried?.said
                    text = Phrasing.joined((label.map { [$0 + ":"] } ?? []) + finding)
                    examinedSystem = nil
                }
                guard let condensed = ClinicalStyle.condensed(text, voice: .clinician) else { continue }
                // The clinician repeating the rest of an answer (`A lot of raking, a lot of digging.`) in the history.
                if placed == .subjective, ClinicalStyle.isAnswerDebris(condensed) { continue }
                // The tail of a sentence split off at a preposition (`For his shoulder which can provide some relief.`),
                // unless it introduces a problem (`For his first problem, ...` heads what follows).
                if ClinicalStyle.isPrepositionalTail(Phrasing.spaceSeparated(condensed)),
                    !Self.anyStart(in: sentence.range, sorted: clinicalStarts)
                {
                    continue
                }
                // The clinician speaking of themselves (`I am a big pie fan as well.`, `I forgot to examine her back.`)
                // where no clinical fact is named.
                if placed == .assessment || placed == .plan, Self.speaksOfSelf(condensed),
                    !Self.anyStart(in: sentence.range, sorted: clinicalStarts)
                {
                    continue
                }
                // Said as the plan item it is (`Advised to weigh himself every day.`, `Follow up in 2 weeks.`): plan,
                // whatever words routed the sentence to the assessment.
                if placed == .assessment, ClinicalStyle.isPlanItem(condensed) { placed = .plan }
                // An explanation that leans on what was said before (`That means he injured the tendons.`, `They
                // are brief involuntary movements.`) is talk to the patient; the assessment states the problem.
                if placed == .assessment, Self.leansOnBefore(condensed),
                    !Self.anyStart(in: sentence.range, sorted: clinicalStarts)
                {
                    continue
                }
                var recorded = condensed
                if placed == .objective {
                    // The examiner narrating the next step (`Do a focused exam on that right elbow.`) is no finding.
                    if ClinicalStyle.isExaminerNarration(condensed) { continue }
                    // Where or how the examiner looked, with no finding (`On her chest.`), unless it names one.
                    if ClinicalStyle.isBareSetting(condensed),
                        !Self.anyStart(in: sentence.range, sorted: clinicalStarts)
                    {
                        continue
                    }
                }
                // An order said during the examination or routed with the findings (`Order an MRI of the right knee.`)
                // is the plan's, not a finding.
                if placed == .objective, !readsStudy,
                    ClinicalStyle.opensWithPlanVerb(condensed) || ClinicalStyle.isClinicianAct(condensed)
                {
                    placed = .plan
                }
                if placed == .objective {
                    // A finding or result with the examiner's own clause trailing (`..., that we are working on
                    // improving so that we do not have to do surgery.`): the finding is the record's, the clause talk.
                    recorded = ClinicalStyle.withoutExaminerTail(condensed)
                    if readsStudy { results.insert(statements.count) }
                }
                statements.append(
                    NoteStatement(
                        section: placed, text: recorded, evidence: (namedSystem.map { [$0] } ?? []) + [sentence.range]))
            }
        }
        return select(statements, transcriptTokens: SectionModel.tokenCount(transcript.text), results: results)
    }

    /// The history's elements written from the patient's answers (duration, rating, what was tried), and the
    /// evidence of the kept sentences they replace. A short answer that means something only with its question
    /// (`I would say probably a 6.`) gives way to the element written from it (`He rates his pain as 6/10.`); a
    /// longer sentence that holds the answer stays, and the element is not written.
    func historyElements(
        _ fromEntities: EntityStatements, statements: [NoteStatement], pronouns: Pronouns
    ) -> (elements: [NoteStatement], replaced: [[Range<Int>]]) {
        let complaint = fromEntities.chiefComplaint.map { String($0.text.dropLast()).lowercased() }
        let problem = complaint == "annual exam" ? nil : complaint
        let history = statements.filter { $0.section == .subjective && $0.origin == .sentence }
        var elements: [NoteStatement] = []
        var replaced: [[Range<Int>]] = []
        // A number the sentence says and the element does not (`Ibuprofen 800 mg 3 times a day.`) keeps it.
        let numbers = { (text: String) in Set(text.split(whereSeparator: { !$0.isNumber }).map(String.init)) }
        for element in fromEntities.historyElements(pronouns: pronouns, problem: problem) {
            // The kept sentences holding the answer's words (the evidence after the question).
            let answer = element.evidence.dropFirst()
            let holding = history.filter { kept in
                answer.contains { said in kept.evidence.contains { $0.contains(said.lowerBound) } }
            }
            if holding.allSatisfy({ kept in
                Phrasing.words(kept.text).count <= Self.bareAnswerWords
                    && numbers(kept.text).isSubset(of: numbers(element.text))
            }) {
                elements.append(element)
                replaced += holding.map(\.evidence)
            }
        }
        return (elements, replaced)
    }

    /// Examination findings a sentence of a few words can state whole (`no edema.`, `neck supple.`).
    static let briefFindings = PhraseList([
        "rales", "wheez", "rhonchi", "crackles", "murmur", "gallop", "edema", "jvd", "jugular venous", "guarding",
        "rebound", "lymphadenopathy", "effusion", "erythema", "clubbing", "cyanosis", "bruit", "nontender",
        "non-tender", "tenderness", "supple",
    ])

    /// The most words of a kept answer that the history element written from it replaces.
    static let bareAnswerWords = 10

    /// Whether a sentence speaks as the patient: of `my` own body part or family member, or of what `i've
    /// been having`; a clinician speaks of the patient's.
    static func speaksAsPatient(_ words: [String], haystack: [UInt8]) -> Bool {
        for index in words.indices.dropLast() where words[index] == "my" {
            let next = words[index + 1]
            if StatedReason.bodyParts[next] != nil || patientOwnWords.contains(next) { return true }
        }
        return patientVoice.any(in: haystack)
    }

    static let patientOwnWords: Set<String> = [
        "abdomen", "belly", "stomach", "chest", "head", "groin", "ribs", "side", "throat", "ear", "ears", "eyes",
        "skin", "father", "mother", "dad", "mom", "brother", "sister", "husband", "wife", "pain", "symptoms",
        "legs", "feet", "hands", "joints", "muscles", "bladder", "urine", "stool", "period", "periods",
    ]
    static let patientVoice = PhraseList([
        "i've been having", "i have been having", "i feel nauseated", "i feel dizzy", "i feel tired",
        "i'm not vomiting",
    ])

    /// The diagnoses the clinician states that no kept assessment sentence holds, as assessment lines.
    func statedDiagnoses(
        _ stated: [(text: String, evidence: Range<Int>)], statements: [NoteStatement], layout: NoteLayout
    ) -> [NoteStatement] {
        let assessed = statements.filter { $0.section == .assessment }
        return stated.compactMap { diagnosis in
            guard
                !assessed.contains(where: { kept in
                    kept.evidence.contains { $0.contains(diagnosis.evidence.lowerBound) }
                })
            else { return nil }
            return NoteStatement(
                section: .assessment, subsection: layout.defaults[.assessment], text: diagnosis.text,
                evidence: [diagnosis.evidence])
        }
    }

    /// Subjects and verbs that report what the patient said (`she said`, `the patient states`).
    static let reportingSubjects: [[String]] = [["he"], ["she"], ["they"], ["the", "patient"]]
    static let reportingVerbs: Set<String> = [
        "said", "says", "states", "stated", "reports", "reported", "mentioned", "mentions", "told", "tells",
    ]

    /// Whether a statement opens by reporting what the patient said.
    /// Whether one of the two sentences before a statement's first sentence, in the same turn, names a study or its
    /// results (`cues`).
    static func followsStudy(_ statement: NoteStatement, in transcript: Transcript, cues: PhraseList) -> Bool {
        guard let start = statement.evidence.first?.lowerBound, let index = transcript.sentenceIndex(at: start)
        else { return false }
        let turn = transcript.sentences[index].turn
        for before in transcript.sentences[..<index].suffix(2).reversed() {
            guard before.turn == turn else { return false }
            if cues.any(in: PhraseList.haystack(before.text)) { return true }
        }
        return false
    }

    /// Whether a sentence opens on a pronoun for something said before it (`It`, `That`, `This`, `They`) and holds
    /// no number of its own: out of its conversation, it refers to nothing.
    static func leansOnBefore(_ text: String) -> Bool {
        let words = Phrasing.spaceSeparated(text)
        guard let first = words.first, ["it", "that", "this", "they", "these", "those"].contains(Phrasing.bare(first))
        else { return false }
        // A result read out (`It does show moderate mitral regurgitation.`) stands on its own finding.
        return !text.containsNumber && !words.contains { resultVerbs.contains(Phrasing.bare($0)) }
    }

    /// Whether a sentence reads out a study's result (a study named, a verb of showing) rather than plans one.
    static func readsResult(_ words: [String], haystack: [UInt8]) -> Bool {
        // `if the ultrasound shows gallstones, ...` is what a result would change, not a result.
        words.first != "if" && NoteLayout.results.cues.any(in: haystack)
            && words.contains { resultVerbs.contains($0) || resultReadings.contains($0) }
            && !Phrasing.isPlan(haystack)
    }

    /// Words that read a study's result without a verb of showing (`your liver tests are normal`).
    static let resultReadings: Set<String> = ["normal", "negative", "unremarkable"]

    /// Whether a clinician's sentence, condensed, is still about the clinician (`I am ...`, `I was ...`, `I forgot
    /// ...`): what is left after the plan framings and hedges were taken out.
    static func speaksOfSelf(_ text: String) -> Bool {
        let keys = Phrasing.spaceSeparated(text).prefix(3).map(Phrasing.bare)
        // `I am concerned ...`, `I am going to ...` are the assessment's and the plan's.
        return keys.count == 3 && keys[0] == "i" && selfVerbs.contains(keys[1])
            && !["concerned", "worried", "going"].contains(keys[2])
    }

    static let selfVerbs: Set<String> = ["am", "was", "forgot", "read", "said", "have", "had", "saw", "get", "got"]

    static let showCommand = PhraseList(["show me", "pull up"])

    /// Whether an answer without a subject reads whole without the topic asked about before it: it names the topic
    /// itself (`cannot recall a fever`), or denies a list of its own (`no neck issues, no numbness`).
    static func readsWithoutTopic(_ text: String, topic: String?) -> Bool {
        let lowered = text.lowercased()
        if let topic, lowered.contains(topic.lowercased()) { return true }
        let words = Phrasing.spaceSeparated(lowered)
        guard words.count > 1, Phrasing.bare(words[0]) == "no" else { return false }
        return !answerFunctionWords.contains(Phrasing.bare(words[1]))
    }

    /// Words after an answer's `no` that make it the answer word, not a denial (`no in the back of her head`,
    /// `no never had any`).
    static let answerFunctionWords: Set<String> = [
        "in", "on", "at", "the", "never", "not", "i", "it", "that", "this", "he", "she", "they", "just", "really",
        "actually", "but", "and", "so", "there", "we",
    ]

    /// Words with which a patient tells a symptom or an injury without naming a problem the lexicon knows: how
    /// it happened, how it feels, where it is.
    static let historyFactWords: Set<String> = Set(
        [
            "pop", "popped", "swollen", "swelling", "fell", "fall", "slipped", "tripped", "twisted", "hurt", "hurts",
            "hurting", "injured", "sore", "numb", "numbness", "tingling", "dizzy", "bleeding", "worse", "better",
            "started", "lifting", "sharp", "dull", "throbbing", "burning", "radiates", "stomach", "head",
        ] + ClinicalLexicon.bodySites.filter { !$0.contains(" ") && $0 != "side" })

    static let resultVerbs: Set<String> = [
        "show", "shows", "showed", "shown", "revealed", "reveals", "demonstrates", "demonstrated",
    ]

    static func isReportedSpeech(_ text: String) -> Bool {
        let keys = Phrasing.spaceSeparated(text).prefix(3).map(Phrasing.bare)
        return reportingSubjects.contains { subject in
            keys.starts(with: subject) && keys.count > subject.count && reportingVerbs.contains(keys[subject.count])
        }
    }

    /// How many of the patient's reports the history attributes (`The patient reports that ...`).
    var maximumAttributions: Int { 3 }

    /// `She has been taking ...` → `The patient reports that she has been taking ...`, for a statement whose
    /// subject is the patient as she or he (not already a report, a denial or an identification).
    static func attributed(_ text: String, pronouns: Pronouns) -> String? {
        guard pronouns == .female || pronouns == .male else { return nil }
        let words = text.split(separator: " ", maxSplits: 2)
        guard words.count == 3, words[0].lowercased() == pronouns.subject,
            !["reports", "states", "denies", "endorses", "notes", "presents"].contains(words[1].lowercased())
        else { return nil }
        return "The patient reports that " + ClinicalStyle.lowercasedFirst(text)
    }

    /// How an instruction to the patient opens (the sentence's words, lower-cased).
    static let instructionOpenings: [[String]] = [
        ["come", "back"], ["call", "us"], ["call", "the"], ["call", "me"], ["return", "if"], ["return", "to"],
        ["follow", "up"], ["go", "to", "the", "emergency"], ["make", "sure", "you"],
    ]

    /// The first problem a sentence names, with where it is named.
    static func firstProblem(in tokens: [Token]) -> (range: Range<Int>, name: String)? {
        for index in tokens.indices {
            if let (name, count) = EntityExtractor.problemPhrases.match(tokens, at: index) {
                return (EntityExtractor.span(tokens, index, index + count - 1), name)
            }
        }
        return nil
    }

    /// The clinician's own opening line (`brian is a 58 year old male with a history of ..., who presents
    /// today for ...`): the sentence that states the patient's age and why they came (a presentation cue, or the stated
    /// `reason` said in it), as the history's first.
    func spokenPresentation(
        _ transcript: Transcript, demographics: Demographics, layout: NoteLayout,
        pronouns: (patient: Pronouns, clinician: Pronouns), reason: Range<Int>? = nil
    ) -> NoteStatement? {
        guard let age = demographics.ageEvidence,
            let sentence = transcript.sentences.first(where: {
                $0.range.contains(age.lowerBound) && ($0.speaker == .clinician || $0.speaker == .narrator)
            }),
            reason.map({ sentence.range.contains($0.lowerBound) }) == true
                || Self.presentationCues.any(in: PhraseList.haystack(sentence.text))
        else { return nil }
        let words = Phrasing.withDigits(Phrasing.cleanWords(sentence.text))
        guard
            let text = ClinicalStyle.condensed(
                Phrasing.aboutPatient(words: words, pronouns: pronouns.clinician), voice: .clinician)
        else { return nil }
        return NoteStatement(
            section: .subjective, subsection: layout.defaults[.subjective], text: Self.namedInFull(text),
            evidence: [sentence.range])
    }

    /// The opening line with the family name capitalised after a given name (`Sharon brooks is a 48-year-old` →
    /// `Sharon Brooks is ...`), as speech recognition writes names in lower case.
    static func namedInFull(_ text: String) -> String {
        var words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard words.count > 4, FirstNames.embedded[words[0].lowercased()] != nil, words[2] == "is", words[3] == "a",
            words[4].first?.isNumber == true, words[1].allSatisfy({ $0.isLowercase && $0.isLetter })
        else { return text }
        words[1] = Phrasing.capitalized(words[1])
        return words.joined(separator: " ")
    }

    static let presentationCues = PhraseList([
        "present", "here for", "here today", "comes in", "coming in", "in today", "history", "referred",
        "seen today", "follow-up", "follow up",
    ])

    /// Keeps, per division, the most note-like statements up to about the length a clinician's note gives
    /// that division for a transcript of this length (learned from the training notes), in transcript order.
    func select(_ statements: [NoteStatement], transcriptTokens: Int, results: Set<Int> = []) -> [NoteStatement] {
        let lexicon = NoteLexicon.embedded
        func division(_ section: NoteSection) -> Int {
            switch section {
            case .subjective: return 0
            case .objective: return 1
            case .assessment, .plan: return 2
            }
        }
        let likeness = statements.map { lexicon.noteLikeness($0.text, division: division($0.section)) }
        let lengths = statements.map { SectionModel.tokenCount($0.text) }
        var keep = Set<Int>()
        for target in 0..<3 {
            let budget = max(minimumBudget, Int(Double(transcriptTokens) * lexicon.lengthRatio[target] * lengthSlack))
            let candidates = statements.indices.filter { division(statements[$0].section) == target }
                .sorted { likeness[$0] > likeness[$1] }
            var used = 0
            // A statement whose words are far more like talk than like this division of a note is left out
            // however much room is left; the shorter the visit, the more talk-like a kept statement may be (a
            // short visit has little talk to leave out).
            let leniency = max(1, Double(fullLikenessTokens) / Double(max(transcriptTokens, 1)))
            for index in candidates where likeness[index] >= minimumLikeness[target] * leniency {
                let length = lengths[index]
                // A study's result is kept beyond the budget: the record needs it however long the examination.
                if used > 0, used + length > budget, !results.contains(index) { continue }
                keep.insert(index)
                used += length
            }
        }
        return statements.indices.filter { keep.contains($0) }.map { statements[$0] }
    }

    /// The least note-likeness (mean per-division log ratio of its words) of a statement kept in the subjective,
    /// objective, and assessment and plan divisions; tuned on ACI-Bench train, where the neighbouring values score
    /// within 0.2 points, and confirmed on valid.
    let minimumLikeness = [-0.3, -0.6, -0.3]
    /// The transcript length (tokens) from which the least note-likeness applies in full; below it the bound is
    /// lowered in proportion.
    let fullLikenessTokens = 800

    /// The fewest tokens a division may keep, so that a short visit keeps its few clinical statements.
    let minimumBudget = 120

    /// How far past the typical division length the selection may go.
    let lengthSlack = 1.15

    /// The section of a routed sentence, given the sentence's lower-cased bytes.
    func section(of division: SectionModel.Division, haystack: [UInt8]) -> NoteSection {
        switch division {
        case .subjective: return .subjective
        case .objective: return .objective
        case .assessmentPlan: return Phrasing.isPlan(haystack) ? .plan : .assessment
        }
    }
}
