/// Note statements written from extracted entities: the chief complaint, the review of systems, current
/// medications, allergies, vital signs, a risk statement, and the animal's species; each with the evidence of
/// the entities it is written from.
struct EntityStatements {
    let transcript: Transcript
    let entities: [ClinicalEntity]
    let layout: NoteLayout
    /// Why the patient came (see `chiefProblem(of:)`), chosen once: the chief complaint, the opening line and
    /// an unstated assessment all use it.
    let chiefProblem: ClinicalEntity?

    /// The reason the opening turns state (`Right wrist injury.`), which the chief complaint prefers.
    let statedReason: (text: String, evidence: Range<Int>)?

    init(transcript: Transcript, entities: [ClinicalEntity], layout: NoteLayout, tokens: [[Token]] = []) {
        self.transcript = transcript
        self.entities = entities
        self.layout = layout
        chiefProblem = Self.chiefProblem(of: entities, in: transcript)
        statedReason =
            transcript.kind == .dialogue
            ? StatedReason.presented(in: transcript, tokens: tokens)
                ?? StatedReason.reason(in: transcript, tokens: tokens)
                ?? StatedReason.wellChild(in: transcript, tokens: tokens)
            : nil
    }

    var statements: [NoteStatement] {
        var statements: [NoteStatement] = []
        if let complaint = chiefComplaint { statements.append(complaint) }
        statements += reviewOfSystems
        statements += medications
        statements += allergies
        statements += vitals
        statements += risk
        if layout.reporter == "the owner", let signalment { statements.append(signalment) }
        return statements
    }

    /// The speaker of the sentence holding a transcript offset.
    func speaker(at offset: Int) -> Speaker? {
        Self.speaker(at: offset, in: transcript)
    }

    static func speaker(at offset: Int, in transcript: Transcript) -> Speaker? {
        sentence(at: offset, in: transcript)?.speaker
    }

    static func isPresent(_ entity: ClinicalEntity) -> Bool {
        !entity.negated && !entity.uncertain && entity.context == nil
    }

    /// The opening line of the history: who the patient is and what they present for, from the chief
    /// complaint and, when said, their age and sex, and the conditions stated as history.
    func presentation(_ demographics: Demographics) -> NoteStatement? {
        guard let complaint = chiefComplaint else { return nil }
        var evidence = complaint.evidence
        let reason = complaint.text.dropLast().lowercased()
        // Who the patient is: age and sex as said; then the conditions stated as history, as clinicians open the
        // history with them.
        var identity: String?
        if let age = demographics.age {
            identity = "a \(age)-year-old" + (demographics.sex.map { " " + $0.rawValue } ?? "")
            if let range = demographics.ageEvidence { evidence.insert(range, at: 0) }
        } else if let sex = demographics.sex {
            identity = "a " + sex.rawValue
        }
        let history = entities.filter {
            $0.kind == .problem && $0.context == .historical && !$0.negated && !$0.uncertain
        }
        var names: [String] = []
        for condition in history where !names.contains(condition.name) && names.count < 4 {
            names.append(condition.name)
            evidence += condition.evidence.prefix(1)
        }
        let conditions = names.isEmpty ? nil : "with a history of " + Self.list(names)
        let who =
            switch (identity, conditions) {
            case (let identity?, let conditions?): " is \(identity) \(conditions), who"
            case (let identity?, nil): " is \(identity) who"
            case (nil, let conditions?): ", \(conditions),"
            case (nil, nil): ""
            }
        // A visit type is what the patient presents for (`presents for an annual exam`); a problem is evaluated.
        let purpose =
            StatedReason.isVisitType(complaint.text)
            ? Self.withArticle(reason, countable: Self.countableVisits)
            : "evaluation of " + Self.withArticle(reason, countable: Self.countableProblems)
        let label = layout.defaults[.subjective] ?? "HISTORY OF PRESENT ILLNESS"
        return NoteStatement(
            section: .subjective, subsection: label,
            text: "The patient\(who) presents for \(purpose).", evidence: evidence, origin: .entities)
    }

    /// `a` or `an` before a reason whose head noun is counted (`a right wrist injury`, `an annual exam`, `a tick
    /// bite`); none before what is not (`knee pain`, `swelling`, `smoking cessation`). The head is the last word, or
    /// the word before `on` or `of` (`an ulcer on foot`).
    static func withArticle(_ reason: String, countable: Set<String>) -> String {
        let words = reason.split(separator: " ")
        let head = words.firstIndex { $0 == "on" || $0 == "of" }.map { $0 > 0 ? words[$0 - 1] : "" } ?? words.last
        guard let head, countable.contains(String(head)), let first = reason.first else { return reason }
        return ("aeiou".contains(first) ? "an " : "a ") + reason
    }

    static let countableVisits: Set<String> = [
        "exam", "examination", "visit", "check", "checkup", "check-up", "evaluation", "follow-up", "physical",
    ]
    static let countableProblems: Set<String> = [
        "injury", "lump", "wound", "fracture", "infection", "bite", "ulcer", "rash", "mass", "cyst", "laceration",
        "burn", "sprain", "strain", "cough", "headache", "nodule", "lesion", "mole", "abscess", "bump", "fall", "tear",
        "spot", "growth", "blister", "boil",
    ]

    /// The caller's past medical history that the transcript mentions: one statement per condition, with the
    /// evidence of its mentions (conditions the transcript never mentions have no evidence and stay out).
    func pastHistory(known: [String]) -> [NoteStatement] {
        var written = Set<String>()
        return known.compactMap { item in
            let key = EntityExtractor.normalizedName(item)
            let tokens = Token.tokens(of: key, at: 0)
            // The canonical name when the word lists know the condition (`high blood pressure` → hypertension).
            let canonical =
                EntityExtractor.problemPhrases.match(tokens, at: 0).flatMap { match in
                    match.count == tokens.count ? match.value : nil
                } ?? key
            let mentions = entities.filter { entity in
                entity.kind == .problem && !entity.negated && !entity.uncertain && entity.context != .family
                    && entity.context != .hypothetical && entity.name == canonical
            }
            guard !mentions.isEmpty, written.insert(canonical).inserted else { return nil }
            return NoteStatement(
                section: .subjective, subsection: "PAST MEDICAL HISTORY", text: "History of \(canonical).",
                evidence: mentions.flatMap(\.evidence), origin: .entities)
        }
    }

    /// A medication started or increased in the visit that the patient is allergic to (by the transcript or
    /// the caller's context): a plan statement that says so, with the medication's evidence.
    func allergyAlerts(knownAllergies: [String]) -> [NoteStatement] {
        let stated = entities.filter { $0.kind == .allergy && !$0.negated }
        var allergies = Dictionary(stated.map { ($0.name, $0.evidence) }, uniquingKeysWith: { first, _ in first })
        for name in knownAllergies {
            let key = name.lowercased().trimmingCharacters(in: " \t")
            if allergies[key] == nil { allergies[key] = [] }
        }
        guard !allergies.isEmpty else { return [] }
        var alerted = Set<String>()
        return entities.filter {
            $0.kind == .medication && ["start", "increase", "administer"].contains($0.attributes["action"])
        }
        .compactMap { medication in
            guard let allergyEvidence = allergies[medication.name], alerted.insert(medication.name).inserted else {
                return nil
            }
            let source = allergyEvidence.isEmpty ? "on the recorded allergy list" : "stated in this visit"
            return NoteStatement(
                section: .plan, subsection: "ALLERGY ALERT",
                text: "Allergy alert: \(medication.name) is ordered and an allergy to \(medication.name) is \(source).",
                evidence: medication.evidence + allergyEvidence, origin: .entities)
        }
    }

    /// How often a problem was mentioned (a yes/no answer is not a mention of its own).
    static func mentions(_ entity: ClinicalEntity) -> Int {
        entity.evidence.count - (entity.attributes["answer"] == nil ? 0 : 1)
    }

    /// Why the patient came: among the present problems, those the patient names in the first part of the
    /// visit (the answer to "what brings you in") come first, then the one mentioned most often, then the
    /// earliest. A diagnosis the clinician reaches at the end is not the complaint.
    static func chiefProblem(of entities: [ClinicalEntity], in transcript: Transcript) -> ClinicalEntity? {
        let opening = transcript.scalarCount * 2 / 5
        let candidates = entities.filter { $0.kind == .problem && isPresent($0) }
        // Each candidate's standing, worked out once rather than in every comparison.
        let ranked = candidates.enumerated().map { offset, entity in
            let raisedEarly = entity.evidence.contains { range in
                range.lowerBound < opening
                    && speaker(at: range.lowerBound, in: transcript).map { $0 != .clinician } == true
            }
            return (entity: entity, early: raisedEarly, mentions: mentions(entity), offset: offset)
        }
        return ranked.max(by: { left, right in
            if left.early != right.early { return !left.early }
            return left.mentions != right.mentions ? left.mentions < right.mentions : left.offset > right.offset
        })?.entity
    }

    /// The chief complaint line: why the patient came (`chiefProblem`).
    var chiefComplaint: NoteStatement? {
        guard layout.order[.subjective]?.contains("CHIEF COMPLAINT") == true else { return nil }
        if let stated = statedReason {
            return NoteStatement(
                section: .subjective, subsection: "CHIEF COMPLAINT", text: stated.text, evidence: [stated.evidence],
                origin: .entities)
        }
        guard let first = chiefProblem, let range = first.evidence.first else { return nil }
        return NoteStatement(
            section: .subjective, subsection: "CHIEF COMPLAINT", text: Phrasing.capitalized(first.name) + ".",
            evidence: [range], origin: .entities)
    }

    /// Symptoms asked about and denied or confirmed, and symptoms denied outright, one statement per body
    /// system in the order notes list them (`Constitutional: Reports fatigue. Denies fever and chills.`), then
    /// those the systems do not name.
    var reviewOfSystems: [NoteStatement] {
        let asked = entities.filter { $0.kind == .problem && $0.context == nil && !$0.uncertain }
            .filter { entity in
                entity.negated || entity.attributes["answer"] != nil
            }
            .filter { entity in
                // A clinician's "the fever is gone" is history, not a review of systems.
                entity.evidence.contains { speaker(at: $0.lowerBound) != .clinician }
            }
        // A symptom both reported and denied (at different times, or a denial read into `i don't know if it's
        // age`) is reported: the review never denies what the visit says is present.
        let reported = Set(
            asked.filter { !$0.negated }.map(\.name)
                + entities.filter { $0.kind == .problem && Self.isPresent($0) }.map(\.name))
        let groups = ReviewOfSystems.systems.map(\.name).map(Optional.some) + [nil]
        return groups.compactMap { system -> NoteStatement? in
            let chosen = asked.filter { ReviewOfSystems.system(of: $0.name) == system }
                .filter { !$0.negated || !reported.contains($0.name) }
            guard !chosen.isEmpty else { return nil }
            let sentences = [(false, "Reports "), (true, "Denies ")].compactMap { negated, verb -> String? in
                let names = chosen.filter { $0.negated == negated }.map(\.name)
                return names.isEmpty ? nil : verb + Self.list(names) + "."
            }
            return NoteStatement(
                section: .subjective, subsection: "REVIEW OF SYSTEMS",
                text: (system.map { $0 + ": " } ?? "") + sentences.joined(separator: " "),
                evidence: chosen.flatMap(\.evidence), origin: .entities)
        }
    }

    /// Medications the patient takes (not those started or changed in the plan).
    var medications: [NoteStatement] {
        var seen = Set<String>()
        return entities.filter { $0.kind == .medication && !$0.negated }
            .filter { ["taking", "continue", nil].contains($0.attributes["action"]) }
            .filter { entity in
                // A drug the clinician names without saying the patient takes it belongs to the plan.
                entity.attributes["action"] != nil
                    || entity.evidence.first.flatMap { speaker(at: $0.lowerBound) }.map { $0 != .clinician } == true
            }
            .compactMap { entity in
                guard seen.insert(entity.name).inserted else { return nil }
                var parts = [Phrasing.capitalized(entity.name)]
                if let dose = entity.attributes["dose"] { parts.append(dose) }
                if let route = entity.attributes["route"] { parts.append(route) }
                if let frequency = entity.attributes["frequency"] { parts.append(frequency) }
                if entity.attributes["asNeeded"] == "true" { parts.append("as needed") }
                return NoteStatement(
                    section: .subjective, subsection: "MEDICATIONS", text: parts.joined(separator: " ") + ".",
                    evidence: entity.evidence, origin: .entities)
            }
    }

    var allergies: [NoteStatement] {
        let found = entities.filter { $0.kind == .allergy }
        let known = found.filter { !$0.negated }
        if known.isEmpty, let none = found.first {
            return [
                NoteStatement(
                    section: .subjective, subsection: "ALLERGIES", text: "No known allergies.", evidence: none.evidence,
                    origin: .entities)
            ]
        }
        return known.map { entity in
            let reaction = entity.attributes["reaction"].map { " (\($0))" } ?? ""
            return NoteStatement(
                section: .subjective, subsection: "ALLERGIES", text: Phrasing.capitalized(entity.name) + reaction + ".",
                evidence: entity.evidence, origin: .entities)
        }
    }

    static let vitalNames: [(String, String)] = [
        ("blood_pressure", "Blood pressure"), ("heart_rate", "Heart rate"), ("respiratory_rate", "Respiratory rate"),
        ("temperature", "Temperature"), ("oxygen_saturation", "Oxygen saturation"), ("weight", "Weight"),
        ("body_mass_index", "BMI"), ("glucose", "Glucose"),
    ]
    static let displayUnits: [String: String] = [
        "mm[Hg]": "mmHg", "/min": "/min", "Cel": "°C", "%": "%", "kg": "kg", "kg/m2": "kg/m2", "mg/dL": "mg/dL",
    ]

    /// The first reading of each vital sign.
    var vitals: [NoteStatement] {
        let readings = entities.filter { $0.kind == .vitalSign }
        // Where each reading was said: one taken elsewhere (`in the emergency room it was 200 over 90`, `at
        // home`) is not today's vital sign; one said with `today` or `here` is.
        // The place may be said in the turns just before (`you went into the er ... your blood pressure was 200 over
        // 90`); `today` in the reading's own sentence wins.
        func setting(of reading: ClinicalEntity) -> (elsewhere: Bool, today: Bool) {
            guard let offset = reading.evidence.first?.lowerBound,
                let index = transcript.sentenceIndex(at: offset)
            else { return (false, false) }
            // A reading the patient reports (`my sugars rarely go over 200`, `my wife took my temperature`) was taken
            // at home, not in the visit.
            if transcript.kind == .dialogue, transcript.sentences[index].speaker == .patient { return (true, false) }
            let today = transcript.sentences[index].hasWord(in: Self.todayWords)
            let turn = transcript.sentences[index].turn
            let context = transcript.sentences[max(0, index - 12)...index].contains {
                $0.turn + 2 >= turn && $0.hasWord(in: Self.elsewhereWords)
            }
            return (context && !today, today)
        }
        return Self.vitalNames.compactMap { name, title in
            let candidates = readings.filter { $0.name == name }.map { ($0, setting(of: $0)) }.filter {
                !$0.1.elsewhere
            }
            guard let reading = (candidates.first { $0.1.today } ?? candidates.first)?.0, let value = reading.value
            else { return nil }
            let unit =
                name == "heart_rate"
                ? "bpm"
                : name == "respiratory_rate"
                    ? "breaths/min"
                    : reading.unit.flatMap { Self.displayUnits[$0] } ?? ""
            let normalized = "\(value)\(unit == "%" ? "" : " ")\(unit)"
            // The value as said comes first (98.6 °F), the normalised one after it.
            let text: String
            if let original = reading.attributes["original"] {
                text =
                    "\(title): " + original.replacing(" [degF]", with: " °F").replacing(" [lb_av]", with: " lb")
                    + " (\(normalized))"
            } else {
                text = "\(title): \(normalized)"
            }
            return NoteStatement(
                section: .objective, subsection: "VITALS", text: text + ".", evidence: reading.evidence,
                origin: .entities)
        }
    }

    static let elsewhereWords: Set<String> = [
        "emergency", "er", "hospital", "home", "ambulance", "urgent", "paramedics", "ems", "pharmacy",
    ]
    static let todayWords: Set<String> = ["today", "here", "office", "now"]

    /// The sentence holding a transcript offset.
    static func sentence(at offset: Int, in transcript: Transcript) -> Transcript.Sentence? {
        transcript.sentenceIndex(at: offset).map { transcript.sentences[$0] }
    }

    /// For a behavioural-health layout: whether thoughts of self-harm were asked about and denied or endorsed.
    var risk: [NoteStatement] {
        guard layout.order[.assessment]?.contains("RISK ASSESSMENT") == true,
            let ideation = entities.first(where: {
                $0.kind == .problem && $0.name == "suicidal ideation" && !$0.uncertain
            })
        else { return [] }
        let text = ideation.negated ? "Denies suicidal ideation." : "Reports suicidal ideation; safety assessed."
        return [
            NoteStatement(
                section: .assessment, subsection: "RISK ASSESSMENT", text: text, evidence: ideation.evidence,
                origin: .entities)
        ]
    }

    static let species = TokenPhrases(synonymLines: [
        "canine|dog|puppy|pup|labrador|retriever|shepherd|poodle|beagle|bulldog|terrier|husky|chihuahua|dachshund|collie|spaniel|rottweiler|doodle|pit bull|schnauzer|corgi",
        "feline|cat|kitten|siamese|persian|maine coon|tabby|ragdoll", "equine|horse|pony|mare|gelding|foal",
        "rabbit|bunny",
        "avian|bird|parrot|parakeet|cockatiel", "ferret", "guinea pig", "hamster", "bovine|cow|calf",
        "reptile|lizard|snake|turtle",
    ])

    /// The animal's species, from the first word that names one.
    var signalment: NoteStatement? {
        for sentence in transcript.sentences {
            let tokens = Token.tokens(of: sentence.text, at: sentence.range.lowerBound)
            for index in tokens.indices {
                if let (species, count) = Self.species.match(tokens, at: index) {
                    let range = EntityExtractor.span(tokens, index, index + count - 1)
                    let said = tokens[index..<(index + count)].map(\.text).joined(separator: " ")
                    let breed =
                        ["dog", "puppy", "pup", "cat", "kitten", "horse", "pony", "bird"].contains(said)
                            || said == species
                        ? "" : " (\(said))"
                    return NoteStatement(
                        section: .subjective, subsection: "SIGNALMENT", text: "Species: \(species)\(breed).",
                        evidence: [range], origin: .entities)
                }
            }
        }
        return nil
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ items: [String]) -> String {
        var unique: [String] = []
        for item in items where !unique.contains(item) { unique.append(item) }
        guard unique.count > 1, let last = unique.last else { return unique.first ?? "" }
        return unique.dropLast().joined(separator: ", ") + " and " + last
    }
}
