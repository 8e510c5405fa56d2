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

    // MARK: - Questions and answers

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

    // MARK: - Vital signs

    enum Vital: String, CaseIterable {
        case bloodPressure = "blood_pressure"
        case heartRate = "heart_rate"
        case respiratoryRate = "respiratory_rate"
        case temperature
        case oxygenSaturation = "oxygen_saturation"
        case weight
        case bodyMassIndex = "body_mass_index"
        case glucose
    }

    static let vitalTriggers = TokenPhrases(pairs: [
        ("blood pressure", "blood_pressure"), ("bp", "blood_pressure"), ("pressure", "blood_pressure"),
        ("heart rate", "heart_rate"), ("pulse", "heart_rate"), ("hr", "heart_rate"), ("pulse rate", "heart_rate"),
        ("respiratory rate", "respiratory_rate"), ("respirations", "respiratory_rate"), ("rr", "respiratory_rate"),
        ("respiration rate", "respiratory_rate"), ("breathing rate", "respiratory_rate"),
        ("resp rate", "respiratory_rate"),
        ("temperature", "temperature"), ("temp", "temperature"), ("febrile to", "temperature"),
        ("oxygen saturation", "oxygen_saturation"), ("o2 sat", "oxygen_saturation"), ("o2 sats", "oxygen_saturation"),
        ("sats", "oxygen_saturation"), ("sat", "oxygen_saturation"), ("saturation", "oxygen_saturation"),
        ("saturating", "oxygen_saturation"), ("spo2", "oxygen_saturation"), ("pulse ox", "oxygen_saturation"),
        ("pulse oximetry", "oxygen_saturation"), ("oxygen level", "oxygen_saturation"), ("o2", "oxygen_saturation"),
        ("oxygen", "oxygen_saturation"), ("weight", "weight"), ("weighs", "weight"), ("weighed", "weight"),
        ("weighing", "weight"), ("bmi", "body_mass_index"), ("body mass index", "body_mass_index"),
        ("glucose", "glucose"), ("blood sugar", "glucose"), ("sugar", "glucose"), ("fingerstick", "glucose"),
        ("cbg", "glucose"), ("blood glucose", "glucose"),
    ])

    func vitalSigns(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            guard let (name, count) = Self.vitalTriggers.match(tokens, at: index), let vital = Vital(rawValue: name)
            else {
                index += 1
                continue
            }
            let start = index
            index += count
            // The value follows within a few words (`blood pressure today is 142 over 88`).
            var probe = index
            while probe < tokens.count, probe - index < 6, SpokenNumber.read(tokens, at: probe) == nil,
                Self.vitalTriggers.match(tokens, at: probe) == nil, tokens[probe].text != "."
            {
                probe += 1
            }
            guard let (value, valueCount) = SpokenNumber.read(tokens, at: probe) else { continue }
            var end = probe + valueCount
            var entity: ClinicalEntity?
            func make(_ value: String, _ unit: String, attributes: [String: String] = [:]) -> ClinicalEntity {
                let range = Self.span(tokens, start, end - 1)
                return ClinicalEntity(
                    kind: .vitalSign, text: transcript.text(in: range), evidence: [range], name: vital.rawValue,
                    value: value, unit: unit, attributes: attributes)
            }
            switch vital {
            case .bloodPressure:
                guard end < tokens.count, tokens[end].text == "/" || tokens[end].text == "over",
                    let (diastolic, diastolicCount) = SpokenNumber.read(tokens, at: end + 1),
                    (50...300).contains(value), (20...200).contains(diastolic), diastolic < value
                else { break }
                end += 1 + diastolicCount
                entity = make("\(Self.format(value))/\(Self.format(diastolic))", "mm[Hg]")
            case .heartRate:
                guard (20...250).contains(value) else { break }
                entity = make(Self.format(value), "/min")
            case .respiratoryRate:
                guard (4...80).contains(value) else { break }
                entity = make(Self.format(value), "/min")
            case .temperature:
                var unit = end < tokens.count ? tokens[end].text : ""
                if unit == "degrees", end + 1 < tokens.count { unit = tokens[end + 1].text }
                if (86...113).contains(value), unit != "c", unit != "celsius" {
                    let celsius = ((value - 32) * 5 / 9 * 10).rounded() / 10
                    entity = make(Self.format(celsius), "Cel", attributes: ["original": "\(Self.format(value)) [degF]"])
                } else if (30...45).contains(value) {
                    entity = make(Self.format(value), "Cel")
                }
            case .oxygenSaturation:
                guard (50...100).contains(value) else { break }
                if end < tokens.count, tokens[end].text == "%" || tokens[end].text == "percent" { end += 1 }
                entity = make(Self.format(value), "%")
            case .weight:
                guard end < tokens.count else { break }
                switch tokens[end].text {
                case "pounds", "pound", "lbs", "lb":
                    end += 1
                    let kilograms = (value * 0.45359237 * 10).rounded() / 10
                    entity = make(
                        Self.format(kilograms), "kg", attributes: ["original": "\(Self.format(value)) [lb_av]"])
                case "kg", "kilograms", "kilos", "kilogram":
                    end += 1
                    entity = make(Self.format(value), "kg")
                default: break
                }
            case .bodyMassIndex:
                guard (10...100).contains(value) else { break }
                entity = make(Self.format(value), "kg/m2")
            case .glucose:
                guard (20...1000).contains(value) else { break }
                entity = make(Self.format(value), "mg/dL")
            }
            if let entity {
                entities.append(entity)
                index = end
            }
        }
        return entities
    }

    // MARK: - Medications

    static let medicationPhrases = TokenPhrases(ClinicalLexicon.medications, matchPlurals: false)
    static let doseUnits = TokenPhrases(pairs: [
        ("mg", "mg"), ("milligrams", "mg"), ("milligram", "mg"), ("mcg", "ug"), ("micrograms", "ug"),
        ("microgram", "ug"),
        ("g", "g"), ("grams", "g"), ("gram", "g"), ("ml", "mL"), ("milliliters", "mL"), ("cc", "mL"), ("units", "[iU]"),
        ("unit", "[iU]"), ("iu", "[iU]"), ("puffs", "{puff}"), ("puff", "{puff}"), ("tablets", "{tbl}"),
        ("tablet", "{tbl}"), ("pills", "{tbl}"), ("pill", "{tbl}"), ("capsules", "{cap}"), ("capsule", "{cap}"),
        ("drops", "{drop}"), ("mg/kg", "mg/kg"),
    ])
    static let routes = TokenPhrases(pairs: [
        ("by mouth", "oral"), ("orally", "oral"), ("po", "oral"), ("oral", "oral"), ("intravenous", "intravenous"),
        ("intravenously", "intravenous"), ("iv", "intravenous"), ("im", "intramuscular"),
        ("intramuscular", "intramuscular"),
        ("subcutaneous", "subcutaneous"), ("subcutaneously", "subcutaneous"), ("subq", "subcutaneous"),
        ("sub q", "subcutaneous"), ("topical", "topical"), ("topically", "topical"), ("inhaled", "inhalation"),
        ("inhaler", "inhalation"), ("nebulizer", "inhalation"), ("sublingual", "sublingual"),
        ("under the tongue", "sublingual"), ("eye drops", "ophthalmic"), ("nasal spray", "nasal"), ("nasal", "nasal"),
        ("rectal", "rectal"), ("patch", "transdermal"), ("injection", "injection"), ("shot", "injection"),
    ])
    static let frequencies = TokenPhrases(pairs: [
        ("once a day", "daily"), ("once daily", "daily"), ("daily", "daily"), ("every day", "daily"),
        ("a day", "daily"),
        ("qd", "daily"), ("per day", "daily"), ("each day", "daily"), ("one time a day", "daily"),
        ("twice a day", "twice daily"), ("twice daily", "twice daily"), ("two times a day", "twice daily"),
        ("bid", "twice daily"), ("b.i.d", "twice daily"), ("2 times a day", "twice daily"),
        ("three times a day", "three times daily"), ("three times daily", "three times daily"),
        ("tid", "three times daily"), ("3 times a day", "three times daily"),
        ("four times a day", "four times daily"), ("qid", "four times daily"), ("4 times a day", "four times daily"),
        ("at night", "at bedtime"), ("at bedtime", "at bedtime"), ("nightly", "at bedtime"), ("qhs", "at bedtime"),
        ("before bed", "at bedtime"), ("in the morning", "every morning"), ("every morning", "every morning"),
        ("weekly", "weekly"), ("once a week", "weekly"), ("every week", "weekly"), ("monthly", "monthly"),
        ("once a month", "monthly"),
    ])
    static let asNeeded = TokenPhrases(["as needed", "prn", "when needed", "as necessary", "if needed"])
    static let medicationActions = TokenPhrases(pairs: [
        ("start", "start"), ("starting", "start"), ("started", "start"), ("prescribe", "start"),
        ("prescribing", "start"),
        ("prescribed", "start"), ("begin", "start"), ("put you on", "start"), ("give", "administer"),
        ("gave", "administer"), ("giving", "administer"), ("administer", "administer"), ("administered", "administer"),
        ("stop", "stop"), ("stopped", "stop"),
        ("stopping", "stop"), ("discontinue", "stop"), ("discontinued", "stop"), ("quit", "stop"), ("off", "stop"),
        ("increase", "increase"), ("increasing", "increase"), ("increased", "increase"), ("bump up", "increase"),
        ("go up on", "increase"), ("decrease", "decrease"), ("decreasing", "decrease"), ("decreased", "decrease"),
        ("reduce", "decrease"), ("lower", "decrease"), ("cut back", "decrease"), ("taper", "decrease"),
        ("continue", "continue"), ("continuing", "continue"), ("stay on", "continue"), ("remain on", "continue"),
        ("refill", "continue"), ("taking", "taking"), ("takes", "taking"), ("take", "taking"), ("on", "taking"),
    ])
    static let notMedicationWords: Set<String> = [
        "take", "taking", "takes", "of", "the", "to", "about", "is", "was", "at", "and", "or", "on", "dose", "increase",
        "it", "that", "be", "with", "only", "daily", "than", "from", "a", "an", "her", "his", "your", "my", "their",
        "by", "up", "down", "for", "in", "weight", "weighs", "glucose", "sugar", "level", "total", "about", "around",
    ]

    func medications(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            var nameCount = 0
            var name = ""
            if let (known, count) = Self.medicationPhrases.match(tokens, at: index)
                ?? knownMedications?.match(tokens, at: index)
            {
                name = known
                nameCount = count
            } else if tokens[index].kind == .word,
                // Fewer than 4 bytes is fewer than 4 characters: the byte count rules most words out first.
                tokens[index].text.utf8.count >= 4, tokens[index].text.count >= 4,
                !Self.notMedicationWords.contains(tokens[index].text), index + 2 < tokens.count,
                tokens[index + 1].kind == .number, Self.doseUnits.match(tokens, at: index + 2) != nil,
                Self.vitalTriggers.match(tokens, at: index) == nil
            {
                name = tokens[index].text
                nameCount = 1
            }
            guard nameCount > 0 else {
                index += 1
                continue
            }
            var attributes: [String: String] = [:]
            var end = index + nameCount
            var probe = end
            // Dose, route and frequency follow within the same clause.
            while probe < tokens.count, probe - end < 12, !Self.clauseEnds.contains(tokens[probe].text),
                Self.medicationPhrases.match(tokens, at: probe) == nil
            {
                if attributes["dose"] == nil, let (amount, amountCount) = SpokenNumber.read(tokens, at: probe),
                    let (unit, unitCount) = Self.doseUnits.match(tokens, at: probe + amountCount)
                {
                    attributes["dose"] = "\(Self.format(amount)) \(unit)"
                    probe += amountCount + unitCount
                    end = probe
                } else if attributes["route"] == nil, let (route, count) = Self.routes.match(tokens, at: probe) {
                    attributes["route"] = route
                    probe += count
                    end = probe
                } else if attributes["frequency"] == nil, let every = Self.interval(tokens, at: probe) {
                    attributes["frequency"] = every.value
                    probe += every.count
                    end = probe
                } else if attributes["frequency"] == nil,
                    let (frequency, count) = Self.frequencies.match(tokens, at: probe)
                {
                    attributes["frequency"] = frequency
                    probe += count
                    end = probe
                } else if attributes["asNeeded"] == nil, let (_, count) = Self.asNeeded.match(tokens, at: probe) {
                    attributes["asNeeded"] = "true"
                    probe += count
                    end = probe
                } else {
                    probe += 1
                }
            }
            // What is being done with it: the nearest action word before the name.
            let lookBack = max(0, index - 6)
            var negated = false
            for back in stride(from: index - 1, through: lookBack, by: -1) {
                if Self.clauseEnds.contains(tokens[back].text) { break }
                if attributes["action"] == nil, let (action, count) = Self.medicationActions.match(tokens, at: back),
                    back + count <= index
                {
                    attributes["action"] = action
                }
                if ["not", "don't", "doesn't", "didn't", "never", "no", "haven't", "hasn't", "stopped"].contains(
                    tokens[back].text)
                {
                    negated = tokens[back].text != "stopped"
                }
            }
            // `i used to be on an insulin pump`, `she was previously on metformin`: not a medication taken now.
            var clauseStart = index
            while clauseStart > lookBack, !Self.clauseEnds.contains(tokens[clauseStart - 1].text) { clauseStart -= 1 }
            let clause = tokens[clauseStart..<index].map(\.text)
            if clause.contains("previously")
                || zip(clause, clause.dropFirst()).contains(where: { $0 == "used" && $1 == "to" })
            {
                attributes["action"] = "past"
            }
            let range = Self.span(tokens, index, end - 1)
            entities.append(
                ClinicalEntity(
                    kind: .medication, text: transcript.text(in: range), evidence: [range], name: name,
                    negated: negated,
                    attributes: attributes))
            index = end
        }
        return entities
    }

    static let clauseEnds: Set<String> = [".", ";", "!", "?", "but", "and then", "also"]

    /// `every 6 hours`, `q 4 hours`, `q4h`.
    static func interval(_ tokens: [Token], at index: Int) -> (value: String, count: Int)? {
        guard index < tokens.count else { return nil }
        let word = tokens[index].text
        if word.hasPrefix("q"), word.hasSuffix("h"), word.count >= 3, let hours = Int(word.dropFirst().dropLast()) {
            return ("every \(hours) hours", 1)
        }
        guard word == "every" || word == "q", let (amount, count) = SpokenNumber.read(tokens, at: index + 1),
            index + 1 + count < tokens.count
        else { return nil }
        let unit = tokens[index + 1 + count].text
        guard ["hours", "hour", "hrs", "hr", "days", "weeks", "minutes"].contains(unit) else { return nil }
        let normalized = unit.hasPrefix("h") ? "hours" : unit
        return ("every \(format(amount)) \(normalized)", count + 2)
    }

    // MARK: - Allergies

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

    // MARK: - Problems

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
        let words = tokens.map(\.text)
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
            let reading = ConditionContext.read(words, condition: index..<end)
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

    // MARK: - Durations, pain scores, sides, teeth

    static let durationUnits: [String: String] = [
        "second": "S", "seconds": "S", "minute": "M", "minutes": "M", "hour": "H", "hours": "H", "day": "D",
        "days": "D", "week": "W", "weeks": "W", "month": "M", "months": "M", "year": "Y", "years": "Y",
    ]
    static let frequencyWords: Set<String> = ["every", "per", "once", "twice", "times", "x", "q", "a", "each"]

    func durations(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            var amount: Double?
            var count = 0
            if let (value, valueCount) = SpokenNumber.read(tokens, at: index) {
                amount = value
                count = valueCount
            } else if tokens[index].text == "a" || tokens[index].text == "an" || tokens[index].text == "one" {
                // Compared one by one: an array literal here was built and freed for every token.
                amount = 1
                count = 1
            } else if tokens[index].text == "couple", index + 1 < tokens.count {
                amount = 2
                count = tokens[index + 1].text == "of" ? 2 : 1
            } else if tokens[index].text == "few" || tokens[index].text == "several" {
                amount = nil
                count = 1
            } else {
                index += 1
                continue
            }
            // `couple of`, `few`: vague.
            var unitIndex = index + count
            if unitIndex < tokens.count, tokens[unitIndex].text == "-" { unitIndex += 1 }
            guard unitIndex < tokens.count, let designator = Self.durationUnits[tokens[unitIndex].text] else {
                index += count
                continue
            }
            let previous = index > 0 ? tokens[index - 1].text : ""
            let next = unitIndex + 1 < tokens.count ? tokens[unitIndex + 1].text : ""
            let isAge =
                next == "old" || next == "-" && unitIndex + 2 < tokens.count && tokens[unitIndex + 2].text == "old"
                || next.hasPrefix("old")
            let isFrequency =
                Self.frequencyWords.contains(previous) && tokens[index].kind != .word
                || ["a", "an", "one"].contains(tokens[index].text) && ["once", "twice", "times"].contains(previous)
                || previous == "every" || previous == "per"
            if isAge || isFrequency {
                index = unitIndex + 1
                continue
            }
            var end = unitIndex + 1
            if end < tokens.count, tokens[end].text == "ago" { end += 1 }
            let range = Self.span(tokens, index, end - 1)
            var value: String?
            if let amount, amount == amount.rounded(), amount > 0 {
                let timeUnit = ["second", "seconds", "minute", "minutes", "hour", "hours"].contains(
                    tokens[unitIndex].text)
                value = (timeUnit ? "PT" : "P") + "\(Int(amount))" + designator
            }
            entities.append(
                ClinicalEntity(
                    kind: .duration, text: transcript.text(in: range), evidence: [range], name: "duration",
                    value: value,
                    attributes: end > unitIndex + 1 ? ["relation": "ago"] : [:]))
            index = end
        }
        return entities
    }

    static let painWords: Set<String> = [
        "pain", "hurts", "hurt", "hurting", "ache", "aching", "sore", "soreness", "discomfort", "painful", "scale",
    ]
    static let painWordInitials = WordInitials(painWords)

    /// `out of ten` (or `out of 10`) starting at `index`.
    static func outOfTen(_ tokens: [Token], at index: Int) -> Bool {
        index + 2 < tokens.count && tokens[index].text == "out" && tokens[index + 1].text == "of"
            && ["10", "ten"].contains(tokens[index + 2].text)
    }

    /// Pain scores: `6/10`, `six out of ten`, and a bare number when it is the short answer (at most
    /// `answerWords` tokens) to a question about pain.
    func painScores(_ tokens: [Token], _ transcript: Transcript, askedAboutPain: Bool = false, answerWords: Int = 8)
        -> [ClinicalEntity]
    {
        guard
            askedAboutPain
                || tokens.contains(where: { Self.painWordInitials.mayOpen($0.text) && Self.painWords.contains($0.text) })
        else { return [] }
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            guard let (value, count) = SpokenNumber.read(tokens, at: index),
                value <= 10 || Self.outOfTen(tokens, at: index + count),
                !(index >= 2 && tokens[index - 2].text == "out" && tokens[index - 1].text == "of")
            else {
                index += 1
                continue
            }
            var end = index + count
            if end + 1 < tokens.count, tokens[end].text == "/", tokens[end + 1].text == "10" {
                end += 2
            } else if Self.outOfTen(tokens, at: end) {
                end += 3
            } else if !(askedAboutPain && tokens.count <= answerWords) {
                // A bare number is a score only as the short answer to a question about pain.
                index = end
                continue
            }
            let range = Self.span(tokens, index, end - 1)
            entities.append(
                ClinicalEntity(
                    kind: .painScore, text: transcript.text(in: range), evidence: [range], name: "pain",
                    value: Self.format(value), unit: "{score}/10"))
            index = end
        }
        return entities
    }

    static let sideWords: [String: String] = [
        "left": "left", "right": "right", "bilateral": "bilateral", "bilaterally": "bilateral", "both": "bilateral",
    ]
    static let sitePhrases = TokenPhrases(ClinicalLexicon.bodySites, matchPlurals: true)

    func sides(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            // Every side word starts with `l`, `r` or `b`: other tokens skip the lookup.
            guard let first = tokens[index].text.utf8.first,
                first == UInt8(ascii: "l") || first == UInt8(ascii: "r") || first == UInt8(ascii: "b"),
                let side = Self.sideWords[tokens[index].text]
            else {
                index += 1
                continue
            }
            // `left knee`, `right lower extremity`, `both ankles`; `right` as in "all right" is no side.
            if index > 0, ["all", "alright", "that's", "you're", "is"].contains(tokens[index - 1].text) {
                index += 1
                continue
            }
            var found: (start: Int, count: Int, value: String)?
            for probe in (index + 1)..<min(tokens.count, index + 4) {
                if let (site, count) = Self.sitePhrases.match(tokens, at: probe) {
                    found = (probe, count, site)
                    break
                }
                if tokens[probe].kind == .punctuation { break }
            }
            guard let found else {
                index += 1
                continue
            }
            let range = Self.span(tokens, index, found.start + found.count - 1)
            entities.append(
                ClinicalEntity(
                    kind: .laterality, text: transcript.text(in: range), evidence: [range], name: found.value,
                    value: side))
            index = found.start + found.count
        }
        return entities
    }

    static let toothWords: Set<String> = [
        "tooth", "teeth", "molar", "premolar", "incisor", "canine", "cuspid", "cavity", "filling", "crown", "decay",
        "caries", "root", "fill", "extraction", "extract",
    ]

    static let toothWordInitials = WordInitials(toothWords)
    /// The words that anchor a tooth number (`tooth number 3`, `#14`).
    static let toothAnchors = ["tooth", "number", "#", "teeth", "numbers"]

    func teeth(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        guard
            tokens.contains(where: { Self.toothWordInitials.mayOpen($0.text) && Self.toothWords.contains($0.text) })
        else { return [] }
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            // `tooth number 3`, `tooth #14`, `#14`, `number 30`
            var probe = index
            let anchored = Self.toothAnchors.contains(tokens[index].text)
            guard anchored else {
                index += 1
                continue
            }
            while probe < tokens.count, Self.toothAnchors.contains(tokens[probe].text) {
                probe += 1
            }
            guard probe > index, let (value, count) = SpokenNumber.read(tokens, at: probe), value >= 1, value <= 32,
                value == value.rounded()
            else {
                index = max(index + 1, probe)
                continue
            }
            let range = Self.span(tokens, index, probe + count - 1)
            entities.append(
                ClinicalEntity(
                    kind: .tooth, text: transcript.text(in: range), evidence: [range], name: "tooth",
                    value: Self.format(value), attributes: ["system": "universal"]))
            index = probe + count
        }
        return entities
    }

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
