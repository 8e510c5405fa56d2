import Terminology

extension DiagnosisCoder {
    /// The sections whose conditions are coded: the clinician's assessment and plan.
    static let codedSections: Set<NoteSection> = [.assessment, .plan]

    /// The diagnosis codes of a note, ranked.
    func codes(for note: Note, medications: [String]) -> [DiagnosisCode] {
        var candidates: [Candidate] = []
        var pendingSymptoms: [Candidate] = []
        var uncertainWithoutSymptoms: [String] = []
        var order = 0
        for statement in note.statements where Self.codedSections.contains(statement.section) {
            let evidence = CodeEvidence(section: statement.section, statement: statement.text, ranges: statement.evidence)
            for words in Self.clauses(of: statement.text) {
                var mentions = mentions(in: words)
                guard !mentions.isEmpty else { continue }
                for index in mentions.indices {
                    let context = context(of: words, excluding: mentions[index].words)
                    if let (code, used) = choose(within: mentions[index].target.code, context: context) {
                        mentions[index].code = code
                        mentions[index].used = used
                    }
                }
                // A condition whose words another code used (`diabetes with neuropathy`: the neuropathy) is
                // part of that combination code.
                for index in mentions.indices {
                    let span = mentions[index].words
                    mentions[index].absorbed = mentions.indices.contains { other in
                        other != index && !mentions[other].negated && !mentions[other].uncertain
                            && mentions[other].used.contains { span.contains($0) }
                    }
                }
                let confirmedHere = mentions.contains {
                    !$0.negated && !$0.uncertain && !$0.hypothetical && !$0.absorbed && !$0.family
                        && !$0.target.traits.contains(.symptom)
                }
                let uncertainHere = mentions.contains { $0.uncertain && !$0.negated && !$0.hypothetical }
                var symptomsHere = 0
                for mention in mentions {
                    order += 1
                    guard let code = mention.code, !mention.negated, !mention.hypothetical, !mention.absorbed else {
                        continue
                    }
                    let said = words[mention.words].joined(separator: " ")
                    if mention.family {
                        if let family = Self.mapped(code, Concepts.familyCodes) {
                            candidates.append(
                                Candidate(
                                    code: family, confidence: 0.75,
                                    reason: "family history: \"\(said)\" in a relative (\(code.code) → \(family.code))",
                                    evidence: [evidence], order: order, traits: [.status]))
                        }
                        continue
                    }
                    if mention.uncertain { continue }
                    if mention.historical {
                        if let history = Self.mapped(code, Concepts.historyCodes), history != code {
                            candidates.append(
                                Candidate(
                                    code: history, confidence: 0.8,
                                    reason: "history of a condition that no longer exists: \"\(said)\" → \(history.code)",
                                    evidence: [evidence], order: order, traits: [.status]))
                            continue
                        }
                        guard mention.target.traits.contains(.chronic) else { continue }
                    }
                    let isSymptom = mention.target.traits.contains(.symptom) || code.compactCode.hasPrefix("R")
                    if isSymptom {
                        // A sign or symptom integral to a diagnosis in the same clause is not coded.
                        guard !confirmedHere else { continue }
                        symptomsHere += 1
                        var candidate = Candidate(
                            code: code, confidence: uncertainHere ? 0.75 : 0.8,
                            reason: uncertainHere
                                ? "sign or symptom coded because the diagnosis is uncertain: \"\(said)\""
                                : "sign or symptom documented without a definitive diagnosis: \"\(said)\"",
                            evidence: [evidence], order: order, traits: mention.target.traits)
                        if !uncertainHere { candidate.order = order }
                        pendingSymptoms.append(candidate)
                        continue
                    }
                    let specific = code != mention.target.code
                    let confidence: Double =
                        switch mention.target.source {
                        case .concept: specific ? 0.9 : 0.88
                        case .title: specific ? 0.85 : 0.85
                        case .inclusionTerm: 0.8
                        case .shortenedTitle: 0.78
                        }
                    var reason = "\"\(said)\""
                    if specific { reason += " → \(code.code), as specific as the note says (\(mention.target.code.code))" }
                    if mention.historical { reason += "; a chronic condition still present, coded as current" }
                    candidates.append(
                        Candidate(
                            code: code, confidence: confidence, reason: reason, evidence: [evidence], order: order,
                            traits: mention.target.traits))
                }
                if uncertainHere && symptomsHere == 0 {
                    let uncertain = mentions.filter { $0.uncertain && !$0.negated }.map {
                        words[$0.words].joined(separator: " ")
                    }
                    uncertainWithoutSymptoms.append(contentsOf: uncertain)
                }
            }
        }
        candidates.append(contentsOf: pendingSymptoms)
        // An uncertain diagnosis with no sign or symptom beside it: the presenting symptoms, from the history.
        if !uncertainWithoutSymptoms.isEmpty || candidates.isEmpty {
            let reason = uncertainWithoutSymptoms.isEmpty
                ? "presenting symptom (no diagnosis in the assessment)"
                : "presenting symptom, coded because the diagnosis is uncertain (\(uncertainWithoutSymptoms.joined(separator: ", ")))"
            candidates.append(contentsOf: presentingSymptoms(of: note, reason: reason, startOrder: order))
        }
        candidates = combined(candidates, medications: medications)
        return ranked(candidates, note: note)
    }

    /// The code a history or family-history table gives for a condition's code.
    static func mapped(_ code: ICD10Code, _ table: [(prefix: String, code: String)]) -> ICD10Code? {
        let compact = code.compactCode
        let dotted = code.code
        for (prefix, target) in table where compact.hasPrefix(prefix.replacingOccurrences(".", "")) || dotted.hasPrefix(prefix) {
            return ICD10CM.shared.code(target)
        }
        return nil
    }

    /// The symptoms the subjective section documents (not denied, not hypothetical), at most three.
    func presentingSymptoms(of note: Note, reason: String, startOrder: Int) -> [Candidate] {
        var found: [Candidate] = []
        var order = startOrder
        for statement in note.statements where statement.section == .subjective {
            for words in Self.clauses(of: statement.text) {
                for mention in mentions(in: words) {
                    order += 1
                    guard found.count < 3, !mention.negated, !mention.hypothetical, !mention.family,
                        !mention.historical, !mention.uncertain, mention.target.traits.contains(.symptom),
                        let code = choose(within: mention.target.code, context: context(of: words, excluding: mention.words))?.0,
                        !found.contains(where: { $0.code == code })
                    else { continue }
                    found.append(
                        Candidate(
                            code: code, confidence: 0.6,
                            reason: "\(reason): \"\(words[mention.words].joined(separator: " "))\"",
                            evidence: [CodeEvidence(section: statement.section, statement: statement.text, ranges: statement.evidence)],
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
