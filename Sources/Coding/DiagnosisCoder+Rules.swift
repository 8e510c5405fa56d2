import Scribe
import Terminology

extension DiagnosisCoder {
    /// The sections whose conditions are coded: the clinician's assessment and plan.
    static let codedSections: Set<NoteSection> = [.assessment, .plan]

    /// The diagnosis codes of a note, ranked.
    ///
    /// - Parameters:
    ///   - announced: the sentences a spoken `assessment` or `impression` announces in the transcript.
    ///   - spoken: a dialogue's clinician sentences from the examination on: only the diagnoses they state count.
    ///   - visit: the visit's sentences (not its questions, unless the answer confirms them): a chronic condition a
    ///     medication treats, and a relative's cancer, are coded from them when the assessment and plan do not.
    ///   - smoking: the tobacco status a dialogue's exchange says (`Coder.smokingStatus(in:)`), coded when the
    ///     assessment and plan code none.
    ///   - secondhandSmoke: the patient's exposure to someone else's smoking that a dialogue's exchange says
    ///     (`Coder.secondhandSmoke(in:)`).
    ///   - statedReasons: the transcript's opening sentences that say what the visit is for, by whoever says it:
    ///     only encounter reasons (preventive, screening, contraception, postpartum, follow-up) are coded from them.
    ///   - childAge: whether the patient is a child (a preventive visit is a well-child visit).
    func codes(
        for note: Note, medications: [String], announced: [NoteStatement] = [], spoken: [NoteStatement] = [],
        visit: [NoteStatement] = [], statedReasons: [NoteStatement] = [],
        smoking: (code: String, evidence: NoteStatement)? = nil,
        secondhandSmoke: (code: String, evidence: NoteStatement)? = nil, childAge: Bool = false
    ) -> [DiagnosisCode] {
        var candidates: [Candidate] = []
        var pendingSymptoms: [Candidate] = []
        var uncertainWithoutSymptoms: [String] = []
        var order = 0
        var planWords: [[String]] = []
        var resolvedConditions = 0
        var aftercare: (order: Int, evidence: CodeEvidence)?
        // History codes of conditions stated resolved that only a follow-up visit for them reports (Z09 with them).
        var historyForFollowUp = Set<String>()
        // The note's assessment and plan, then what the clinician announced as the assessment in the transcript
        // (a dictated assessment the note condensed).
        // The assessment and plan, and what the transcript announces as the assessment, are read in the order the
        // clinician said them: a dictated `ASSESSMENT AND PLAN: 1. ... 2. ...` that the note splits into its two
        // sections keeps the clinician's first problem first.
        let statements = Self.inTranscriptOrder(
            note.statements.enumerated().filter { Self.codedSections.contains($0.element.section) }
                + announced.enumerated().map { (note.statements.count + $0.offset, $0.element) })
        let spokenStart = note.statements.count + announced.count
        let said = spoken.enumerated().map { (spokenStart + $0.offset, $0.element) }
        // The chief complaint gives the encounter's reason (`Annual physical.`, `Postpartum visit.`), and only that.
        // So does a sentence that says what the patient is here for (`brought in by his father for his routine
        // check-up`).
        // The note's first line when it is a title (`WELL-CHILD CHECK, 4 YEARS.`, `PRENATAL VISIT.`) names it too,
        // as does a chief complaint the note kept with its label.
        let title = note.statements.firstIndex { $0.section == .subjective }.flatMap { first in
            Self.clauses(of: note.statements[first].text).joined().count <= Self.titleWords ? first : nil
        }
        let reasons = note.statements.enumerated().filter { offset, statement in
            Self.statesVisitReason(statement) || offset == title
                || statement.section == .subjective
                    && Self.reasonLabels.contains { statement.text.lowercased().hasPrefix($0) }
        }.prefix(3)
        // A condition the clinician doubts anywhere (`probably gallstones`) is what the talk about it is about: the
        // sentences said about it later do not confirm it.
        // Each statement's clauses and the conditions they name are read once.
        // The reason said in the transcript's opening turns by anyone (`just here for his yearly checkup`, a
        // parent's words the note may leave out): encounter reasons only, like the chief complaint.
        let reasonStart = spokenStart + spoken.count
        let visitReasons =
            Array(reasons) + statedReasons.enumerated().map { (offset: reasonStart + $0.offset, element: $0.element) }
        let coded = statements + said + visitReasons
        // The coded statements and the visit's sentences say many clauses twice or more (a spoken assessment is also
        // a sentence of the visit): each clause's conditions are read once for all the passes below.
        let memo = MentionMemo(coder: self)
        let read = coded.map { _, statement in
            Self.clauses(of: statement.text).map { words in (words, memo.mentions(in: words)) }
        }
        var doubted = Set<String>()
        // Conditions the clinician says are over (`so the bladder infection is gone`).
        var overSaid = Set<String>()
        for clauses in read.prefix(statements.count + said.count) {
            for (_, mentions) in clauses {
                for mention in mentions where mention.uncertain && !mention.negated {
                    doubted.insert(mention.target.code.category)
                }
                for mention in mentions where mention.resolved && !mention.negated && !mention.family {
                    overSaid.insert(mention.target.code.category)
                }
            }
        }
        // Diseases the visit names as vaccines (`your second shingles shot`): said again without being diagnosed
        // (`the shingles one can make your arm sore`), they are still the vaccine.
        var vaccinated = Set<String>()
        for clauses in read {
            for (words, mentions) in clauses {
                for mention in mentions where Self.vaccinePreventable(mention.target.code) {
                    let after = words[min(words.count, mention.words.upperBound + 1)...].prefix(2)
                    if after.contains(where: Self.vaccinationWords.contains) {
                        vaccinated.insert(mention.target.code.category)
                    }
                }
            }
        }
        // Conditions the visit is a recheck of (`here for a recheck of her bladder infection`): one of them said gone
        // (`the bladder infection is gone`) was treated and is followed up (Z09), not gone by itself.
        var rechecked = Set<String>()
        for clauses in read.suffix(visitReasons.count) {
            for (words, mentions) in clauses where Self.occurs(Self.followUpCues, in: words, 0..<words.count) {
                for mention in mentions where !mention.negated && !mention.family && !mention.hypothetical {
                    rechecked.insert(mention.target.code.category)
                }
            }
        }
        let cancerHistory = Self.cancersTreated(read.prefix(statements.count + said.count).flatMap { $0 })
        for ((statementIndex, statement), statementClauses) in zip(coded, read) {
            let encounterOnly = visitReasons.contains { $0.offset == statementIndex }
            let diagnosesOnly = statementIndex >= spokenStart && statementIndex < spokenStart + spoken.count
            let evidence = CodeEvidence(
                section: statement.section, statement: statement.text, ranges: statement.evidence)
            // First every clause's conditions, then what the statement as a whole says about symptoms.
            var clauses: [(words: [String], mentions: [Mention])] = []
            // `Vaccines given today: DTaP, IPV, MMR and varicella.`: the diseases listed after a vaccination
            // name vaccines.
            let vaccinatedFrom = statementClauses.firstIndex { words, _ in
                words.contains { Self.vaccinationWords.contains($0) }
            }
            // An infection whose eradication the statement confirms (`H. pylori infection, treated; eradication
            // confirmed by a negative breath test`) is over, in whichever clause the statement says so.
            let eradicated = statementClauses.contains { words, _ in
                words.contains { $0 == "eradicated" || $0 == "eradication" }
            }
            for (clauseNumber, (words, found)) in statementClauses.enumerated() {
                planWords.append(words)
                var mentions = found
                guard !mentions.isEmpty else { continue }
                if eradicated {
                    for index in mentions.indices where Self.infectionChapter(mentions[index].target.code) {
                        mentions[index].resolved = true
                        mentions[index].historical = true
                    }
                }
                for index in mentions.indices where vaccinated.contains(mentions[index].target.code.category) {
                    let span = mentions[index].words
                    if !words[..<span.lowerBound].contains(where: Self.diagnosisVerbs.contains) {
                        mentions[index].negated = true
                    }
                }
                if let vaccinatedFrom, clauseNumber >= vaccinatedFrom {
                    let namesVaccine = words.contains { Self.vaccinationWords.contains($0) }
                    for index in mentions.indices where Self.vaccinePreventable(mentions[index].target.code) {
                        let span = mentions[index].words
                        // `flu shot`, `varicella vaccine`: the disease names the vaccine, whatever the clause says.
                        let vaccine = words[(span.upperBound + 1)...].prefix(2).contains {
                            Self.vaccinationWords.contains($0)
                        }
                        // `has had the flu`, `diagnosed with pertussis`: the disease itself.
                        let diagnosed = words[..<span.lowerBound].contains { Self.diagnosisVerbs.contains($0) }
                        // After the vaccination's clause, or in a clause that names a vaccine anywhere (`the dtap,
                        // which is diphtheria, tetanus and whooping cough`).
                        if vaccine || !diagnosed && (clauseNumber > vaccinatedFrom || namesVaccine) {
                            mentions[index].negated = true
                        }
                    }
                }
                // A word that means something else beside other words (`callus forming` on the x-ray of a healing
                // fracture is new bone, not a callosity of the skin).
                for index in mentions.indices {
                    let category = mentions[index].target.code.category
                    if let veto = Self.contextVetoes[category], words.contains(where: veto.contains) {
                        mentions[index].negated = true
                    }
                }
                let terms = Self.contextTerms(words)
                for index in mentions.indices {
                    let context = context(of: words, terms: terms, excluding: mentions[index].words)
                    var scope = mentions[index].target.code
                    for upgrade in Concepts.upgrades where upgrade.code == scope.code && words.contains(upgrade.word) {
                        if let upgraded = codeSet.code(upgrade.scope) { scope = upgraded }
                    }
                    var chosen = chooseAll(within: scope, context: context)
                    // A phrase that names the unspecified code (`acute sinus infection`: J01.90) said with words
                    // that name a sibling in its category (`in your maxillary sinuses`: J01.00).
                    // So does an unspecified subcategory (`ear infection`: H66.9) said with words of a sibling
                    // (`a suppurative otitis media`: H66.00-), and a residual `Other ...` code whose words are said
                    // (`your afib has become persistent`: I48.19).
                    if scope.isBillable
                        || chosen.count == 1
                            && mentions.indices.contains(where: {
                                $0 > index && mentions[$0].target.code.category == scope.category
                            }),
                        Self.isUnspecified(scope),
                        !Concepts.upgrades.contains(where: { $0.code == scope.code }),
                        // Depression's episode (single or recurrent, and its severity) has its own rules.
                        !Self.unspecifiedDepression.contains(scope.compactCode),
                        let category = codeSet.code(scope.category), category != scope,
                        let wider = choose(within: category, context: context), wider.0 != scope,
                        !chosen.contains(where: { $0.0 == wider.0 }), !wider.0.code.hasPrefix(scope.code),
                        !Self.isUnspecified(wider.0) || wider.0.parent != scope.parent,
                        // A side or a general word alone (`osteoarthritis`, said beside `right knee`; `acute`
                        // beside `acute bronchitis`), or the words of another condition the clause names, name no
                        // sibling; the words of the same condition named again after it in other words (`an ear
                        // infection , a suppurative otitis media`) do.
                        // An unspecified subcategory takes a sibling only from the same condition named again.
                        scope.isBillable
                            || wider.1.contains(where: { position in
                                mentions.indices.contains {
                                    $0 > index && mentions[$0].words.contains(position)
                                        && mentions[$0].target.code.category == scope.category
                                }
                            }),
                        wider.1.contains(where: { position in
                            position < words.count && !Self.weakSiblingWords.contains(words[position])
                                && !mentions.indices.contains {
                                    $0 != index && mentions[$0].words.contains(position)
                                        && ($0 < index || mentions[$0].target.code.category != scope.category)
                                }
                                // The name of a test (`the strep test`) says what was looked for, not found.
                                && !(position + 1 < words.count && Self.testNames.contains(words[position + 1]))
                        }),
                        // Not the sibling the clause denies (`their strep test is negative, so it is not strep
                        // throat`: the sore throat stays unspecified pharyngitis).
                        !mentions.contains(where: { $0.negated && wider.0.code.hasPrefix($0.target.code.code) })
                    {
                        chosen = [wider]
                    }
                    mentions[index].codes = chosen.map(\.0)
                    mentions[index].used = chosen.reduce(into: Set<Int>()) { $0.formUnion($1.1) }
                }
                // A condition named after another whose code used its words (`diabetes with neuropathy`: the
                // neuropathy) is part of that combination code; chronic kidney disease and heart failure stay as
                // the additional codes that give their stage and type.
                for index in mentions.indices {
                    let span = mentions[index].words
                    let keeps = ["N18", "I50"].contains { mentions[index].target.code.compactCode.hasPrefix($0) }
                    mentions[index].absorbed =
                        !keeps
                        && mentions.indices.contains { other in
                            other < index && !mentions[other].negated && !mentions[other].uncertain
                                && mentions[other].used.contains { span.contains($0) }
                        }
                }
                // Words a title or inclusion term supplies after a condition already named in the clause describe
                // it (`cellulitis - erythema, warmth`): only maintained concepts are read there.
                var named = false
                for index in mentions.indices {
                    let mention = mentions[index]
                    if named && mention.target.source != .concept && !mention.negated {
                        mentions[index].absorbed = true
                    }
                    // An encounter reason or a status (`well-child exam with an abnormal finding of impacted
                    // cerumen`) describes the visit, not the condition named after it.
                    if !mention.negated && !mention.uncertain && !mention.hypothetical
                        && !mention.target.traits.contains(.status) && !mention.target.code.compactCode.hasPrefix("Z")
                    {
                        named = true
                    }
                }
                clauses.append((words, mentions))
            }
            let all = clauses.flatMap(\.mentions)
            let confirmedHere = all.contains {
                !$0.negated && !$0.uncertain && !$0.hypothetical && !$0.absorbed && !$0.family && !$0.historical
                    && !$0.target.traits.contains(.symptom) && !$0.codes.isEmpty
            }
            let uncertainHere = all.contains { $0.uncertain && !$0.negated && !$0.hypothetical }
            var symptomsHere = 0
            for (words, mentions) in clauses {
                for mention in mentions {
                    order += 1
                    guard let code = mention.codes.first, !mention.negated, !mention.hypothetical, !mention.absorbed
                    else {
                        continue
                    }
                    let said = words[mention.words].joined(separator: " ")
                    func add(_ code: ICD10Code, _ confidence: Double, _ reason: String, _ traits: Concepts.Traits) {
                        candidates.append(
                            Candidate(
                                code: code, confidence: confidence, reason: reason, evidence: [evidence], order: order,
                                traits: traits, statement: statementIndex, reasonForVisit: encounterOnly))
                    }
                    if mention.family {
                        if let family = Self.mapped(code, Concepts.familyCodes)
                            ?? (Self.heritable(mention.target) ? Self.mapped(code, Self.familyCodesByChapter) : nil)
                        {
                            add(
                                family, 0.75,
                                "family history: \"\(said)\" in a relative (\(code.code) → \(family.code))", [.status])
                        }
                        continue
                    }
                    if mention.uncertain { continue }
                    let compact = code.compactCode
                    // A cancer treated and gone (`excised six years ago`, `no evidence of recurrence`) is history
                    // wherever the visit names it, also where a new lesion is doubted.
                    let treatedCancer = compact.hasPrefix("C") && cancerHistory.contains(code.category)
                    if diagnosesOnly && doubted.contains(mention.target.code.category) && !treatedCancer { continue }
                    // The note's heading for a problem of a dialogue (`Kidney stone.`) names what the clinician
                    // talked over; where the clinician doubted it (`this is probably a kidney stone`) or said it is
                    // over (`the bladder infection is gone`), the heading does not confirm it.
                    if note.transcriptKind == .dialogue, statementIndex < note.statements.count,
                        doubted.contains(mention.target.code.category)
                            || overSaid.contains(mention.target.code.category) && !mention.resolved,
                        words.filter({ $0 != "," }).count <= mention.words.count + 1
                    {
                        continue
                    }
                    if encounterOnly && !Self.encounterReasons.contains(where: { compact.hasPrefix($0) }) { continue }
                    // A status (a device, an operation done) needs words that say the patient has it, not a plan.
                    if Self.statusPrefixes.contains(where: { compact.hasPrefix($0) }),
                        !mention.historical && !Self.occurs(Self.statusCues, in: words, 0..<words.count)
                            && !Self.saysRecentOperation(words)
                            || Self.occurs(Self.statusPlanCues, in: words, 0..<words.count)
                    {
                        continue
                    }
                    // A joint replaced weeks ago and seen in its recovery (`six weeks after a right total knee
                    // replacement`, `aftercare following left total hip arthroplasty`): the visit is the aftercare
                    // (Z47.1, guideline I.C.21.c.7), with the joint's status code.
                    if compact.hasPrefix("Z966"), aftercare == nil, Self.saysRecentOperation(words) {
                        aftercare = (order, evidence)
                    }
                    // A personal history code named as such (`personal history of gestational diabetes, resolved`)
                    // already says the condition is over: it is coded as it is.
                    if (mention.historical || treatedCancer)
                        && !Self.statusPrefixes.contains(where: { compact.hasPrefix($0) })
                        && !Self.personalHistoryPrefixes.contains(where: { compact.hasPrefix($0) })
                    {
                        // A cancer is history only when said to be (`history of`, resolved, treated and gone), not
                        // for having been found long ago.
                        let past =
                            mention.resolved || treatedCancer
                            || Self.occurs(Self.cues.pastBefore, in: words, 0..<mention.words.lowerBound)
                            || words[(mention.words.upperBound + 1)...].first == "history"
                            || !compact.hasPrefix("C")
                        let byChapter =
                            mention.resolved && Self.mapped(code, Concepts.historyCodes) == nil
                            ? Self.mapped(code, Self.resolvedHistoryCodes) : nil
                        if past, let history = Self.mapped(code, Concepts.historyCodes) ?? byChapter, history != code {
                            // A condition long gone by itself (`the eczema from childhood, long gone`) keeps its
                            // history code; one a treatment ended has it only with the follow-up visit for it.
                            let lapsed = mention.lapsed && !rechecked.contains(mention.target.code.category)
                            if byChapter != nil && !lapsed { historyForFollowUp.insert(history.code) }
                            add(
                                history, 0.8,
                                "history of a condition that no longer exists: \"\(said)\" → \(history.code)", [.status]
                            )
                            // A cancer's follow-up after its treatment is Z08, not Z09.
                            if mention.resolved && !lapsed && !compact.hasPrefix("C") {
                                resolvedConditions += 1
                            }
                            continue
                        }
                        guard mention.target.traits.contains(.chronic), !mention.resolved else { continue }
                    }
                    let isSymptom = mention.target.traits.contains(.symptom) || compact.hasPrefix("R")
                    if isSymptom && diagnosesOnly && !Self.assessedFindings.contains(compact) { continue }
                    if isSymptom {
                        // A sign or symptom of a problem the statement diagnoses is not coded.
                        guard !confirmedHere else { continue }
                        symptomsHere += 1
                        let reason =
                            uncertainHere
                            ? "sign or symptom coded because the diagnosis is uncertain: \"\(said)\""
                            : "sign or symptom documented without a definitive diagnosis: \"\(said)\""
                        for chosen in mention.codes {
                            pendingSymptoms.append(
                                Candidate(
                                    code: chosen, confidence: uncertainHere ? 0.75 : 0.8, reason: reason,
                                    evidence: [evidence],
                                    order: order, traits: mention.target.traits, statement: statementIndex))
                        }
                        continue
                    }
                    let specific = code != mention.target.code
                    let confidence: Double =
                        switch mention.target.source {
                        case .concept: specific ? 0.9 : 0.88
                        case .title: 0.85
                        case .inclusionTerm: 0.8
                        case .shortenedTitle: 0.78
                        }
                    for chosen in mention.codes {
                        var reason = "\"\(said)\""
                        if chosen != mention.target.code {
                            reason += " → \(chosen.code), as specific as the note says (\(mention.target.code.code))"
                        }
                        if mention.codes.count > 1 {
                            reason += "; both sides, and the classification has no bilateral code"
                        }
                        if mention.historical { reason += "; a chronic condition still present, coded as current" }
                        add(chosen, confidence, reason, mention.target.traits)
                    }
                }
            }
            if uncertainHere && symptomsHere == 0 {
                let uncertain = clauses.flatMap { words, mentions in
                    mentions.filter { $0.uncertain && !$0.negated }.map { words[$0.words].joined(separator: " ") }
                }
                uncertainWithoutSymptoms.append(contentsOf: uncertain)
            }
        }
        candidates.append(contentsOf: pendingSymptoms)
        // An uncertain diagnosis with no sign or symptom beside it: the presenting symptoms, from the history.
        if !uncertainWithoutSymptoms.isEmpty || candidates.isEmpty {
            let reason =
                uncertainWithoutSymptoms.isEmpty
                ? "presenting symptom (no diagnosis in the assessment)"
                : "presenting symptom, coded because the diagnosis is uncertain (\(uncertainWithoutSymptoms.joined(separator: ", ")))"
            candidates.append(contentsOf: presentingSymptoms(of: note, reason: reason, startOrder: order, memo: memo))
        }
        // A visit that follows up a condition treated and resolved (guideline IV.O, Z09 with its history code).
        let followsUp =
            resolvedConditions > 0 && planWords.contains(where: { Self.occurs(Self.followUpCues, in: $0, 0..<$0.count) })
        if !followsUp { candidates.removeAll { historyForFollowUp.contains($0.code.code) } }
        if followsUp, let followUp = codeSet.code("Z09") {
            candidates.append(
                Candidate(
                    code: followUp, confidence: 0.75,
                    reason: "follow-up examination after completed treatment of a resolved condition",
                    evidence: candidates.last.map(\.evidence) ?? [], order: (candidates.last?.order ?? order) - 1,
                    traits: [.status]))
        }
        if let aftercare, let code = codeSet.code("Z47.1") {
            candidates.append(
                Candidate(
                    code: code, confidence: 0.75,
                    reason: "aftercare following joint replacement surgery: the joint is recovering from the operation",
                    evidence: [aftercare.evidence], order: aftercare.order - 1, traits: [.status]))
        }
        // A visit to look for the return of a cancer whose treatment is completed (Z08, with its history code).
        if !cancerHistory.isEmpty, Self.visitReasonSays(Self.surveillanceCues, in: note),
            let followUp = codeSet.code("Z08")
        {
            let history = candidates.first(where: { $0.code.category == "Z85" })
            candidates.append(
                Candidate(
                    code: followUp, confidence: 0.75,
                    reason: "follow-up examination after completed treatment of a malignant neoplasm",
                    evidence: history.map(\.evidence) ?? [], order: (history?.order ?? 0) - 1, traits: [.status]))
        }
        // What the note's own statements code wins over the same category from the talk (`heart failure` said in
        // passing beside the note's `chronic diastolic heart failure`), unless the note's code is the unspecified
        // one and the talk says more (`chronic kidney disease stage 3a` beside the note's `Chronic kidney disease`).
        let noteCodes = candidates.filter { $0.statement >= 0 && $0.statement < spokenStart }
        let fromNote = Set(noteCodes.map(\.code.category))
        // The talk says more than a default (`type 2 diabetes` in the note, E11.9, and `the diabetes has caused nerve
        // damage in your feet` said) or than an unspecified code in words a residual `Other ...` title has (`your
        // afib has become persistent`: I48.19); the talk's code then takes the note's place in the order.
        func saysMore(_ candidate: Candidate) -> Bool {
            let same = noteCodes.filter { $0.code.category == candidate.code.category }
            if Self.isSpecified(candidate.code) { return same.allSatisfy { Self.isDefault($0.code) } }
            guard !Self.isUnspecified(candidate.code), same.allSatisfy({ Self.isUnspecified($0.code) }) else {
                return false
            }
            let said = Self.singularTitleWords(candidate.code).subtracting(["other"])
            return same.allSatisfy { !said.subtracting(Self.singularTitleWords($0.code)).isEmpty }
        }
        candidates.removeAll { candidate in
            candidate.statement >= spokenStart && candidate.statement < spokenStart + spoken.count
                && fromNote.contains(candidate.code.category) && !noteCodes.contains { $0.code == candidate.code }
                && !candidate.traits.contains(.status) && !saysMore(candidate)
        }
        for index in candidates.indices
        where candidates[index].statement >= spokenStart && candidates[index].statement < spokenStart + spoken.count
            && fromNote.contains(candidates[index].code.category)
        {
            if let first = noteCodes.filter({ $0.code.category == candidates[index].code.category }).map(\.order).min() {
                candidates[index].order = min(candidates[index].order, first)
            }
        }
        // A preventive examination the visit's reason names in other words than the concept table's (`your yearly
        // wellness exam`, `here for his physical`).
        if !candidates.contains(where: { ["Z00", "Z01", "Z02", "Z34", "Z39"].contains($0.code.category) }),
            let statement = visitReasons.first(where: { Self.namesPreventiveExamination($0.element.text) }),
            let preventive = codeSet.code("Z00.00")
        {
            candidates.append(
                Candidate(
                    code: preventive, confidence: 0.75, reason: "preventive examination, the visit's stated reason",
                    evidence: [
                        CodeEvidence(
                            section: statement.element.section, statement: statement.element.text,
                            ranges: statement.element.evidence)
                    ], order: -1, traits: [.status], statement: statement.offset, reasonForVisit: true))
        }
        // A child's preventive visit is a routine child health examination (Z00.12-).
        if childAge, let child = codeSet.code("Z00.129") {
            for adult in candidates.indices where ["Z0000", "Z0001"].contains(candidates[adult].code.compactCode) {
                candidates[adult].code = child
                candidates[adult].reason += "; the patient is a child: routine child health examination"
            }
        }
        let visitRead = Self.read(visit)
        candidates += managedConditions(
            in: visitRead, medications: medications, coded: candidates, startOrder: order + 1, memo: memo)
        candidates += familyCancers(in: visitRead, coded: candidates, startOrder: order + 1, memo: memo)
        candidates += historiesInPassing(in: visitRead, coded: candidates, startOrder: order + 1)
        withAbdominalSite(&candidates, visit: visitRead)
        if let reading = elevatedReading(
            note: note, visit: visitRead, coded: candidates, childAge: childAge, order: order + 1, memo: memo)
        {
            candidates.append(reading)
        }
        if let smoking, let code = codeSet.code(smoking.code),
            !candidates.contains(where: {
                ["F17", "Z72"].contains($0.code.category) || $0.code.compactCode == "Z87891"
            })
        {
            let evidence = smoking.evidence
            candidates.append(
                Candidate(
                    code: code, confidence: 0.75,
                    reason: code.category == "F17"
                        ? "tobacco status: smokes cigarettes now" : "tobacco status: former smoker",
                    evidence: [
                        CodeEvidence(section: evidence.section, statement: evidence.text, ranges: evidence.evidence)
                    ],
                    order: Int.max / 4, traits: code.category == "F17" ? [.chronic] : [.status]))
        }
        if let secondhandSmoke, let code = codeSet.code(secondhandSmoke.code),
            !candidates.contains(where: { $0.code == code })
        {
            // The visit established that the smoker is someone around the patient, and said nothing of the
            // patient's own smoking: `he smokes in the house` in the note is that person's.
            if smoking == nil { candidates.removeAll { ["F17", "Z72"].contains($0.code.category) } }
            let evidence = secondhandSmoke.evidence
            candidates.append(
                Candidate(
                    code: code, confidence: 0.7, reason: "exposure to someone else's tobacco smoke",
                    evidence: [
                        CodeEvidence(section: evidence.section, statement: evidence.text, ranges: evidence.evidence)
                    ],
                    order: Int.max / 4, traits: [.status]))
        }
        let noteClauses = note.statements.filter { $0.section == .subjective }.flatMap { Self.clauses(of: $0.text) }
        let examClauses = note.statements.filter { $0.section == .objective }.flatMap { Self.clauses(of: $0.text) }
        candidates = combined(
            candidates, medications: medications, planWords: planWords, noteClauses: noteClauses,
            examClauses: examClauses)
        withContraceptivePill(
            &candidates,
            clauses: planWords + noteClauses + visitRead.flatMap(\.clauses) + medications.map(SearchTerms.words))
        withUrinarySymptoms(&candidates, note: note)
        withSideFromVisit(&candidates, visit: visitRead)
        withSpecificityFromVisit(&candidates, visit: visitRead)
        withExacerbation(&candidates)
        withUseDisorderSeverity(&candidates)
        withGestation(&candidates, visit: visitRead, planWords: planWords)
        return ranked(candidates, note: note, memo: memo)
    }

    /// Statements in the order of the transcript words they come from (the note's order where they start at the
    /// same place).
    static func inTranscriptOrder(_ statements: [(offset: Int, element: NoteStatement)]) -> [(
        offset: Int, element: NoteStatement
    )] {
        statements.sorted { lhs, rhs in
            let left = lhs.element.evidence.first?.lowerBound ?? Int.max
            let right = rhs.element.evidence.first?.lowerBound ?? Int.max
            return left != right ? left < right : lhs.offset < rhs.offset
        }
    }

    /// Categories whose words mean something else when the clause also says one of these words.
    static let contextVetoes: [String: Set<String>] = [
        "L84": [
            "fracture", "fractures", "bone", "x-ray", "xray", "x", "ray", "radiograph", "radiographs", "healing", "forming",
            "formation",
        ]
    ]

    /// Labels that open the statement of the visit's reason (a procedure note's `INDICATION: screening
    /// colonoscopy`).
    static let reasonLabels = ["chief complaint", "indication", "reason for visit", "reason for referral"]

    /// At most this many words make the note's first line a title.
    static let titleWords = 6

    /// Words that alone do not move an unspecified code to a sibling: sides, and modifiers that other conditions of
    /// the clause often carry.
    static let weakSiblingWords: Set<String> = sideTerms.union(["primary", "secondary", "acute", "chronic", "other"])

    /// Findings a clinician assesses as such in the talk (`so that's in the prediabetes range`, `your blood pressure
    /// reading was elevated today`): coded from the spoken assessment like a diagnosis.
    static let assessedFindings: Set<String> = ["R7303", "R030"]

    /// Whether a code's title says `unspecified`.
    static func isUnspecified(_ code: ICD10Code) -> Bool {
        code.title.lowercased().contains("unspecified")
    }

    /// A title's words with a plural `s` dropped (`anemias` → `anemia`).
    static func singularTitleWords(_ code: ICD10Code) -> Set<String> {
        Set(titleWords(code).map { $0.count > 3 && $0.hasSuffix("s") ? String($0.dropLast()) : $0 })
    }

    /// Whether a code is what its condition gets when nothing more is said: `unspecified`, or `without
    /// complications` (E11.9, the default of a diabetes said plainly).
    static func isDefault(_ code: ICD10Code) -> Bool {
        isUnspecified(code) || code.title.lowercased().hasSuffix("without complications")
    }

    /// Whether a code names its condition precisely: neither `unspecified` nor a residual `Other ...` code.
    static func isSpecified(_ code: ICD10Code) -> Bool {
        !isUnspecified(code) && !code.title.lowercased().hasPrefix("other ")
    }

    /// Whether a text names a preventive examination by its structure: a word for a routine or preventive visit
    /// before a word for an examination (`yearly wellness exam`, `annual check up`, `well visit`), or `physical`
    /// after `for your` (`here for his physical`); not a sports or school physical, nor another visit's.
    static func namesPreventiveExamination(_ text: String) -> Bool {
        for words in clauses(of: text) {
            guard !occurs(otherVisitBefore, in: words, 0..<words.count), !occurs(otherVisitAfter, in: words, 0..<words.count),
                // A gynecological, prenatal or postpartum examination has its own code.
                !words.contains(where: { otherExaminationWords.contains($0) })
            else { continue }
            for (position, word) in words.enumerated() where preventiveExaminations.contains(word) {
                let next = position + 1 < words.count ? words[position + 1] : ""
                if word == "physical", ["therapy", "exam", "examination", "activity", "findings"].contains(next) {
                    continue
                }
                let before = words[max(0, position - 3)..<position]
                if before.contains(where: { ["sports", "school", "camp", "employment", "dot", "preop"].contains($0) }) {
                    continue
                }
                // `a routine visit for her diabetes` is no preventive visit: a visit or a check needs a preventive
                // word right before it.
                if ["visit", "check"].contains(word) {
                    if position >= 1, ["annual", "yearly", "wellness", "preventive", "preventative", "well"].contains(
                        words[position - 1])
                    {
                        return true
                    }
                    continue
                }
                if before.contains(where: preventiveWords.contains) { return true }
                // `here for his physical`, `in for your physical exam`, `so this is your physical`.
                let noun = word == "physical" ? position : position - 1
                if noun >= 0, StatedReason.namesPhysical(words, at: noun) {
                    return true
                }
            }
        }
        return false
    }
    static let otherExaminationWords: Set<String> = [
        "gynecologic", "gynecological", "gyn", "gyne", "woman", "women's", "pelvic", "prenatal", "postpartum", "eye",
        "skin", "dental", "hearing",
    ]
    static let preventiveWords: Set<String> = [
        "annual", "yearly", "wellness", "preventive", "preventative", "well", "routine",
    ]
    static let preventiveExaminations: Set<String> = ["physical", "exam", "examination", "checkup", "check", "visit"]

    /// Encounter reasons (chapter 21) a chief complaint may give.
    static let encounterReasons = ["Z00", "Z01", "Z09", "Z11", "Z12", "Z13", "Z30", "Z34", "Z39"]

    static let followUpCues = phrases(
        "follow up", "followup", "recheck", "re check", "post treatment", "after treatment", "completed treatment")

    /// The personal history code of a condition stated resolved, treated and gone (`ear infection, now resolved`,
    /// `duodenal ulcer, healed`), by its chapter or block, when the history table has none for it (Z86-Z87).
    static let resolvedHistoryCodes: [(prefix: String, code: String)] = [
        // A urinary tract infection by its site (cystitis, pyelonephritis): personal history of urinary (tract)
        // infections, as the index names it (History, personal, infection, urinary (tract)).
        ("N30", "Z87.440"), ("N10", "Z87.440"), ("N34.1", "Z87.440"),
        ("K25", "Z87.11"), ("K26", "Z87.11"), ("K27", "Z87.11"), ("K28", "Z87.11"), ("A", "Z86.19"), ("B", "Z86.19"),
        ("G", "Z86.69"), ("H", "Z86.69"), ("J", "Z87.09"), ("K", "Z87.19"), ("L", "Z87.2"), ("N", "Z87.448"),
    ]

    /// The family history code (Z80-Z84) of a relative's condition by its block or chapter, when the concept
    /// table names none for it: a mood disorder is Z81.8, thyroid disease Z83.49, celiac disease Z83.79, hearing
    /// loss Z82.2.
    static let familyCodesByChapter: [(prefix: String, code: String)] = [
        ("F10", "Z81.1"), ("F1", "Z81.3"), ("F7", "Z81.0"), ("F", "Z81.8"), ("G", "Z82.0"),
        ("H54", "Z82.1"), ("H90", "Z82.2"), ("H91", "Z82.2"), ("H40", "Z83.511"), ("H6", "Z83.52"), ("H7", "Z83.52"),
        ("H8", "Z83.52"), ("H9", "Z83.52"), ("H", "Z83.518"), ("I46", "Z82.41"), ("I6", "Z82.3"), ("I", "Z82.49"),
        ("J4", "Z82.5"), ("J", "Z83.6"), ("M80", "Z82.62"), ("M81", "Z82.62"), ("M0", "Z82.61"), ("M1", "Z82.61"),
        ("M", "Z82.69"), ("Q612", "Z82.71"), ("Q613", "Z82.71"), ("Q", "Z82.79"), ("B20", "Z83.0"), ("A", "Z83.1"),
        ("B", "Z83.1"), ("D5", "Z83.2"), ("D6", "Z83.2"), ("D7", "Z83.2"), ("D8", "Z83.2"), ("E08", "Z83.3"),
        ("E09", "Z83.3"), ("E13", "Z83.3"), ("E", "Z83.49"), ("K635", "Z83.718"), ("K", "Z83.79"), ("L", "Z84.0"),
        ("N0", "Z84.19"), ("N1", "Z84.19"), ("N2", "Z84.19"), ("N", "Z84.2"),
    ]

    /// Whether a relative's condition makes a family history by its chapter alone: a lasting disease, not an
    /// acute or minor illness, an injury or a symptom (`ear infections` the father is counseled about), and not
    /// a relative's smoking, which is the patient's exposure (`Coder.secondhandSmoke(in:)`).
    static func heritable(_ target: DiagnosisIndex.Target) -> Bool {
        target.traits.isDisjoint(with: [.minor, .systemic, .injury, .symptom]) && target.code.category != "F17"
            && !target.code.compactCode.hasPrefix("R") && !target.code.compactCode.hasPrefix("S")
            && !target.code.compactCode.hasPrefix("T")
    }

    /// Whether a code is of chapter 1, infectious and parasitic diseases (A00-B99), not an organism named as the
    /// cause of another disease (B95-B97).
    static func infectionChapter(_ code: ICD10Code) -> Bool {
        let compact = code.compactCode
        return (compact.hasPrefix("A") || compact.hasPrefix("B")) && !compact.hasPrefix("B9")
    }

    /// Personal history codes (Z85-Z87, and of treatments, Z92).
    static let personalHistoryPrefixes = ["Z85", "Z86", "Z87", "Z92"]

    /// Codes of a device or an operation done: coded from words that say the patient has it.
    static let statusPrefixes = ["Z95", "Z96", "Z97", "Z98", "Z90", "Z93", "Z94", "Z89"]
    static let statusCues = phrases(
        "s/p", "status post", "aftercare", "following", "postoperative", "history of", "with", "has", "have", "had", "on", "in place", "presence of", "wears",
        "uses", "using", "post", "after", "since", "prior", "previous", "underwent", "doing well", "doing great",
        "looks great", "looks good", "recovering", "replaced", "your", "his", "her")
    /// Words that say an operation is in its recovery: `aftercare`, `postoperative` (`post-operative`, `post op`),
    /// `recovering`, or weeks counted since it (`three weeks out`, `six week follow-up after`), not years.
    static func saysRecentOperation(_ words: [String]) -> Bool {
        if Self.occurs(Self.recoveryCues, in: words, 0..<words.count) { return true }
        guard !words.contains(where: { $0 == "year" || $0 == "years" }) else { return false }
        for (position, word) in words.enumerated() where (word == "week" || word == "weeks") && position > 0 {
            guard Self.count(words[position - 1]) != nil else { continue }
            let after = words[(position + 1)...].prefix(4)
            if after.contains(where: { ["after", "out", "post", "since", "postoperative"].contains($0) }) { return true }
        }
        return false
    }
    static let recoveryCues = phrases(
        "aftercare", "postoperative", "post operative", "postop", "post op", "recovering", "recovery")

    /// Words that make a device or operation something planned, not something the patient has.
    static let statusPlanCues = phrases(
        "schedule", "scheduled", "scheduling", "candidate", "consider", "considering", "talk about", "need a",
        "needs a", "going to need", "would need", "plan for", "planning")

    /// The code a history or family-history table gives for a condition's code.
    static func mapped(_ code: ICD10Code, _ table: [(prefix: String, code: String)]) -> ICD10Code? {
        let compact = code.compactCode
        let dotted = code.code
        for (prefix, target) in table
        where compact.hasPrefix(prefix.replacingOccurrences(".", "")) || dotted.hasPrefix(prefix) {
            guard let found = ICD10CM.shared.code(target) else { return nil }
            if found.isBillable { return found }
            let below = found.billableDescendants
            return below.first { $0.title.lowercased().contains("unspecified") } ?? below.first
        }
        return nil
    }

    /// The symptoms the subjective section documents (not denied, not hypothetical), at most three.
    func presentingSymptoms(of note: Note, reason: String, startOrder: Int, memo: MentionMemo) -> [Candidate] {
        var found: [Candidate] = []
        var order = startOrder
        // The presenting symptoms are in the opening statements of the history.
        for statement in note.statements.lazy.filter({ $0.section == .subjective }).prefix(12) {
            for words in Self.clauses(of: statement.text) {
                for mention in memo.mentions(in: words) {
                    order += 1
                    guard found.count < 3, !mention.negated, !mention.hypothetical, !mention.family,
                        !mention.historical, !mention.uncertain, mention.target.traits.contains(.symptom),
                        let code = choose(
                            within: mention.target.code, context: context(of: words, excluding: mention.words))?.0,
                        !found.contains(where: { $0.code == code })
                    else { continue }
                    found.append(
                        Candidate(
                            code: code, confidence: 0.6,
                            reason: "\(reason): \"\(words[mention.words].joined(separator: " "))\"",
                            evidence: [
                                CodeEvidence(
                                    section: statement.section, statement: statement.text, ranges: statement.evidence)
                            ],
                            order: order, traits: mention.target.traits))
                }
            }
        }
        return found
    }
}

extension String {
    func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
