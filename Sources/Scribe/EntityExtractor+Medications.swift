/// Medications with their dose, route, frequency and what is done with them (started, stopped, refilled).
extension EntityExtractor {
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
}
