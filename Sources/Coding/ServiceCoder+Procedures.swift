import Scribe
import Terminology

extension ServiceCoder {
    static let sections: Set<NoteSection> = [.objective, .assessment, .plan]

    func service(_ code: String, _ system: ServiceCode.System, _ label: String, units: Int = 1, confidence: Double,
        reason: String, evidence: [CodeEvidence], modifiers: [String] = []) -> ServiceCode
    {
        ServiceCode(
            code: code, system: system, label: label, modifiers: modifiers, units: units, confidence: confidence, rank: 0,
            reason: reason, evidence: evidence)
    }

    // MARK: - Procedures, tests and vaccines

    func procedures() -> [ServiceCode] {
        var found: [ServiceCode] = []
        var usedStatements = Set<Int>()
        // Specific injections before the general joint injection.
        let order = ["20552", "20550"]
        let rules = ServiceCatalog.procedures.sorted { lhs, rhs in
            (order.firstIndex(of: lhs.code) ?? 99) < (order.firstIndex(of: rhs.code) ?? 99)
        }
        for rule in rules {
            let isInjection = ["20552", "20550", "20610"].contains(rule.code)
            let matches = statements(saying: rule.phrases, sections: Self.sections).filter { index, _ in
                (!rule.needsPerformed || performed(index)) && !(isInjection && usedStatements.contains(index))
            }
            guard let (first, phrase) = matches.first else { continue }
            if isInjection { for (index, _) in matches { usedStatements.insert(index) } }
            var code = rule.code
            var label = rule.label
            var units = 1
            let text = texts[first]
            switch rule.code {
            case "20610":
                (code, label) = Self.jointCode(text)
            case "12001":
                (code, label) = Self.repairCode(text)
            case "29125":
                if ["ankle", "foot", "leg"].contains(where: { Self.contains(text, $0) }) {
                    (code, label) = ("29515", "Short leg splint")
                } else if Self.contains(text, "finger") {
                    (code, label) = ("29130", "Finger splint, static")
                }
            case "96127":
                let instruments = rule.phrases.filter { finder.anySays($0, in: 0..<texts.count) }
                units = Set(instruments.map { $0.filter(\.isLetter) }).count
            case "99406":
                if let minutes = minutes(for: ["counsel", "cessation"]), minutes > 10 {
                    (code, label) = ("99407", "Tobacco cessation counseling, over 10 minutes")
                }
            default:
                break
            }
            found.append(
                service(
                    code, .cpt, label, units: max(units, 1), confidence: rule.needsPerformed ? 0.75 : 0.65,
                    reason: "documented: \"\(phrase)\"" + (rule.needsPerformed ? ", done at this visit" : ""),
                    evidence: matches.map { evidence($0.0) }))
        }
        // Vaccines given, then their administration.
        var vaccines: [ServiceCode] = []
        // Where the note says vaccines are given today (`Today she is due for vaccines.`), a vaccine its plan names
        // without planning it for later (`She gets the mmr, the chickenpox vaccine, ...`) is one of them.
        let givenToday =
            Coder.vaccinationGiven(in: note.statements.filter { $0.section == .plan || $0.section == .assessment })
            != nil
        for rule in ServiceCatalog.vaccines {
            let matches = statements(saying: rule.phrases, sections: Self.sections).filter { index, _ in
                performed(index)
                    || givenToday && note.statements[index].section != .objective
                        && !ServiceCatalog.plannedCues.contains { finder.says(index, $0) }
            }
            guard let (_, phrase) = matches.first else { continue }
            vaccines.append(
                service(
                    rule.code, .cpt, rule.label, confidence: 0.7, reason: "vaccine given: \"\(phrase)\"",
                    evidence: matches.map { evidence($0.0) }))
        }
        if !vaccines.isEmpty {
            found.append(contentsOf: vaccines)
            found.append(
                service(
                    "90471", .cpt, "Immunization administration, first vaccine", confidence: 0.7,
                    reason: "administration of \(vaccines[0].code)", evidence: vaccines[0].evidence))
            if vaccines.count > 1 {
                found.append(
                    service(
                        "90472", .cpt, "Immunization administration, each additional vaccine", units: vaccines.count - 1,
                        confidence: 0.7, reason: "administration of \(vaccines.dropFirst().map(\.code).joined(separator: ", "))",
                        evidence: vaccines[1].evidence))
            }
        }
        return found
    }

    /// Joint injection or aspiration by joint size, with or without ultrasound guidance.
    static func jointCode(_ text: String) -> (String, String) {
        let guided = text.contains("ultrasound guid") || text.contains("under ultrasound")
        if ["finger", "toe", "thumb", "knuckle", "mcp", "pip", "dip joint"].contains(where: { contains(text, $0) }) {
            return guided ? ("20604", "Small joint injection or aspiration, with ultrasound guidance")
                : ("20600", "Small joint injection or aspiration")
        }
        if ["wrist", "elbow", "ankle", "acromioclavicular", "ac joint"].contains(where: { contains(text, $0) }) {
            return guided ? ("20606", "Intermediate joint injection or aspiration, with ultrasound guidance")
                : ("20605", "Intermediate joint injection or aspiration")
        }
        return guided ? ("20611", "Major joint injection or aspiration, with ultrasound guidance")
            : ("20610", "Major joint injection or aspiration")
    }

    /// Simple wound repair by site and total length in centimetres.
    static func repairCode(_ text: String) -> (String, String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        var length: Double?
        for (index, word) in words.enumerated() where index > 0 && (word.hasPrefix("cm") || word.hasPrefix("centimet")) {
            if let value = Double(words[index - 1]) { length = value }
        }
        let face = ["face", "facial", "lip", "ear", "eyelid", "nose", "forehead", "cheek", "chin", "eyebrow"].contains {
            contains(text, $0)
        }
        let size = length ?? 2.5
        if face {
            if size <= 2.5 { return ("12011", "Simple repair, face, up to 2.5 cm") }
            if size <= 5 { return ("12013", "Simple repair, face, 2.6 to 5.0 cm") }
            return ("12015", "Simple repair, face, 5.1 to 7.5 cm")
        }
        if size <= 2.5 { return ("12001", "Simple repair, trunk or limbs, up to 2.5 cm") }
        if size <= 7.5 { return ("12002", "Simple repair, trunk or limbs, 2.6 to 7.5 cm") }
        if size <= 12.5 { return ("12004", "Simple repair, trunk or limbs, 7.6 to 12.5 cm") }
        return ("12005", "Simple repair, trunk or limbs, 12.6 to 20.0 cm")
    }

    /// Drugs given in the office (HCPCS J-codes), with units from the dose.
    func drugs() -> [ServiceCode] {
        var found: [ServiceCode] = []
        let given = ["injection", "injected", "shot", "im ", "intramuscular", "given", "administered", "nebulizer", "neb ",
            "mixed with", "gave"]
        for drug in ServiceCatalog.drugs {
            let matches = statements(saying: drug.names, sections: Self.sections).filter { index, _ in
                given.contains { finder.says(index, $0) } && performed(index)
            }
            guard let (first, name) = matches.first else { continue }
            var units = 1
            var dose = ""
            if let perUnit = drug.milligramsPerUnit, let milligrams = Self.milligrams(in: texts[first], near: name) {
                units = max(1, Int((milligrams / perUnit).rounded(.up)))
                dose = " \(Self.format(milligrams)) mg"
            }
            found.append(
                service(
                    drug.code, .hcpcs, drug.label, units: units, confidence: 0.7,
                    reason: "drug given in the office: \"\(name)\"\(dose)" + (units > 1 ? " (\(units) units)" : ""),
                    evidence: matches.map { evidence($0.0) }))
        }
        return found
    }

    /// Supplies and equipment dispensed at the visit (HCPCS Level II), not those only recommended.
    func supplies() -> [ServiceCode] {
        ServiceCatalog.supplies.compactMap { supply in
            let matches = statements(saying: supply.phrases, sections: Self.sections).filter { index, _ in
                ServiceCatalog.dispensedCues.contains { finder.says(index, $0) }
            }
            guard let (_, phrase) = matches.first else { return nil }
            return service(
                supply.code, .hcpcs, supply.label, confidence: 0.65, reason: "dispensed at the visit: \"\(phrase)\"",
                evidence: matches.map { evidence($0.0) })
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The milligrams said closest after (or before) a drug name: `kenalog 40 mg`, `40 mg of kenalog`.
    static func milligrams(in text: String, near name: String) -> Double? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "(" || $0 == ")" }).map(String.init)
        let nameWord = name.split(separator: " ").first.map(String.init) ?? name
        guard let position = words.firstIndex(where: { $0.hasPrefix(nameWord) }) else { return nil }
        var best: (distance: Int, value: Double)?
        for (index, word) in words.enumerated() where index > 0 && (word == "mg" || word.hasPrefix("milligram")) {
            guard let value = Double(words[index - 1]) else { continue }
            let distance = abs(index - position)
            if distance <= 6, best == nil || distance < (best?.distance ?? .max) { best = (distance, value) }
        }
        if best == nil, let position = words.firstIndex(where: { $0.hasPrefix(nameWord) }) {
            // `40mg` written together.
            for word in words[position..<min(words.count, position + 5)] where word.hasSuffix("mg") {
                if let value = Double(word.dropLast(2)) { return value }
            }
        }
        return best?.value
    }

    // MARK: - Time-based services

    /// The minutes said near one of the cue words (`15 minutes of manual therapy`, `manual therapy for 10
    /// minutes`), summed over the note and transcript sentences that say them.
    func minutes(for phrases: [String]) -> Int? {
        var total = 0
        var found = false
        var seen = Set<String>()
        let all = texts + sentences.map(\.text)
        // The note's statements when they say it; the transcript's sentences otherwise (not both: the same
        // minutes would count twice).
        var documents = Set(phrases.flatMap { finder.documents(saying: $0) }).sorted()
        if documents.contains(where: { $0 < texts.count }) { documents.removeAll { $0 >= texts.count } }
        for document in documents {
            let text = all[document]
            guard seen.insert(text).inserted else { continue }
            let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            guard let phrasePosition = words.indices.first(where: { index in
                phrases.contains { phrase in
                    let parts = phrase.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
                    return index + parts.count <= words.count && Array(words[index..<(index + parts.count)]) == parts
                }
            }) else { continue }
            var best: (distance: Int, minutes: Int)?
            for (index, value) in Self.minuteMentions(words) where value <= 180 {
                let distance = abs(index - phrasePosition)
                if distance <= 8, best == nil || distance < (best?.distance ?? .max) { best = (distance, value) }
            }
            if let best {
                total += best.minutes
                found = true
            }
        }
        return found ? total : nil
    }

    /// Timed codes with the CMS 8-minute rule: total timed minutes give the units, shared by minutes.
    func timed(_ services: [(code: String, label: String, phrases: [String])], fallbackMinutes: Int? = nil) -> [ServiceCode] {
        var rows: [(code: String, label: String, minutes: Int?, evidence: [CodeEvidence], phrase: String)] = []
        for entry in services {
            let matches = statements(saying: entry.phrases)
            let inTranscript = entry.phrases.contains { finder.anySays($0, in: texts.count..<(texts.count + sentences.count)) }
            guard !matches.isEmpty || inTranscript else { continue }
            let phrase = matches.first?.1 ?? entry.phrases[0]
            rows.append((entry.code, entry.label, minutes(for: entry.phrases), matches.map { evidence($0.0) }, phrase))
        }
        if rows.count == 1, rows[0].minutes == nil, let fallbackMinutes { rows[0].minutes = fallbackMinutes }
        guard !rows.isEmpty else { return [] }
        let timedTotal = rows.compactMap(\.minutes).reduce(0, +)
        if timedTotal == 0 {
            return rows.map { row in
                service(
                    row.code, .cpt, row.label, confidence: 0.5,
                    reason: "documented: \"\(row.phrase)\"; minutes not stated, one unit (confirm the time)",
                    evidence: row.evidence)
            }
        }
        var totalUnits = timedTotal / 15 + (timedTotal % 15 >= 8 ? 1 : 0)
        var units = rows.map { ($0.minutes ?? 0) / 15 }
        totalUnits = max(totalUnits, 0)
        var remaining = totalUnits - units.reduce(0, +)
        let byRemainder = rows.indices.sorted { (rows[$0].minutes ?? 0) % 15 > (rows[$1].minutes ?? 0) % 15 }
        for index in byRemainder where remaining > 0 && (rows[index].minutes ?? 0) % 15 > 0 {
            units[index] += 1
            remaining -= 1
        }
        return rows.indices.compactMap { index in
            guard units[index] > 0 else { return nil }
            let minutes = rows[index].minutes.map { "\($0) minutes" } ?? "minutes not stated"
            return service(
                rows[index].code, .cpt, rows[index].label, units: units[index], confidence: rows[index].minutes == nil ? 0.5 : 0.75,
                reason: "\(minutes) of \"\(rows[index].phrase)\"; \(timedTotal) timed minutes in all give \(totalUnits) units (8-minute rule)",
                evidence: rows[index].evidence)
        }
    }

    func therapy() -> [ServiceCode] {
        var found: [ServiceCode] = []
        let says: (String) -> Bool = anywhere
        let reEvaluation = ["re-evaluation", "reevaluation", "re-eval", "progress evaluation"].first(where: says)
        let evaluation = ["initial evaluation", "evaluation today", "initial eval", "evaluated today", "new evaluation",
            "plan of care established", "evaluation and treatment"].first(where: says)
        let complexity: Int = says("high complexity") ? 3 : says("low complexity") ? 1 : 2
        let evidenceAll = Array(note.statements.indices.prefix(2).map(evidence))
        switch note.specialty {
        case .slp:
            if evaluation != nil || reEvaluation != nil {
                let swallow = says("swallow") || says("dysphagia")
                found.append(
                    swallow
                        ? service("92610", .cpt, "Swallowing function evaluation", confidence: 0.65, reason: "swallowing evaluation", evidence: evidenceAll)
                        : service("92523", .cpt, "Speech sound and language evaluation", confidence: 0.6, reason: "speech-language evaluation (\"\(evaluation ?? reEvaluation ?? "")\")", evidence: evidenceAll))
            } else if says("swallow") || says("dysphagia") {
                found.append(service("92526", .cpt, "Swallowing and oral function treatment", confidence: 0.65, reason: "swallowing treatment", evidence: evidenceAll))
            } else {
                found.append(service("92507", .cpt, "Speech, language or voice treatment, individual", confidence: 0.65, reason: "speech-language treatment session", evidence: evidenceAll))
            }
            return found
        case .occupationalTherapy:
            if let reEvaluation {
                found.append(service("97168", .cpt, "Occupational therapy re-evaluation", confidence: 0.7, reason: "\"\(reEvaluation)\"", evidence: evidenceAll))
            } else if let evaluation {
                let code = ["97165", "97166", "97167"][complexity - 1]
                found.append(service(code, .cpt, "Occupational therapy evaluation, \(["low", "moderate", "high"][complexity - 1]) complexity", confidence: 0.6, reason: "\"\(evaluation)\"; complexity \(complexity == 2 ? "moderate unless stated" : "as stated")", evidence: evidenceAll))
            }
        default:
            if let reEvaluation {
                found.append(service("97164", .cpt, "Physical therapy re-evaluation", confidence: 0.7, reason: "\"\(reEvaluation)\"", evidence: evidenceAll))
            } else if let evaluation, note.specialty == .physicalTherapy {
                let code = ["97161", "97162", "97163"][complexity - 1]
                found.append(service(code, .cpt, "Physical therapy evaluation, \(["low", "moderate", "high"][complexity - 1]) complexity", confidence: 0.6, reason: "\"\(evaluation)\"; complexity \(complexity == 2 ? "moderate unless stated" : "as stated")", evidence: evidenceAll))
            }
        }
        found.append(contentsOf: timed(ServiceCatalog.timedTherapy))
        return found
    }

    func psychotherapy(withVisit: Bool) -> [ServiceCode] {
        let says: (String) -> Bool = anywhere
        let evidenceAll = Array(note.statements.indices.filter { note.statements[$0].section != .subjective }.prefix(3).map(evidence))
        let minutes = minutes(for: ["session", "psychotherapy", "therapy", "spent", "met with", "counseling"])
        if let intake = ["intake", "initial assessment", "diagnostic evaluation", "initial evaluation", "first session",
            "psychiatric evaluation"].first(where: says), !withVisit || note.specialty == .psychiatrist && minutes == nil
        {
            let code = withVisit ? "90792" : "90791"
            return [
                service(
                    code, .cpt, withVisit ? "Psychiatric diagnostic evaluation with medical services" : "Psychiatric diagnostic evaluation",
                    confidence: 0.7, reason: "\"\(intake)\"", evidence: evidenceAll)
            ]
        }
        if says("group therapy") || says("group session") {
            return [service("90853", .cpt, "Group psychotherapy", confidence: 0.7, reason: "group session", evidence: evidenceAll)]
        }
        if says("family therapy") || says("family session") {
            let without = says("without the patient") || says("patient not present")
            return [
                service(
                    without ? "90846" : "90847", .cpt,
                    without ? "Family psychotherapy without the patient" : "Family psychotherapy with the patient",
                    confidence: 0.65, reason: "family session", evidence: evidenceAll)
            ]
        }
        let therapyCues = ["psychotherapy", "cbt", "cognitive behavioral", "supportive therapy", "therapy session", "dbt",
            "motivational interviewing", "session"]
        guard let cue = therapyCues.first(where: says) else { return [] }
        guard let minutes, minutes >= 16 else {
            if withVisit { return [] }
            return [
                service(
                    "90834", .cpt, "Psychotherapy, 45 minutes (38-52)", confidence: 0.35,
                    reason: "psychotherapy (\"\(cue)\"); the session length is not stated: the 38-52 minute code is the usual one, confirm the time",
                    evidence: evidenceAll)
            ]
        }
        if !withVisit, says("crisis"), minutes >= 30 {
            var codes = [service("90839", .cpt, "Psychotherapy for crisis, first 60 minutes", confidence: 0.7, reason: "crisis session, \(minutes) minutes", evidence: evidenceAll)]
            if minutes >= 75 {
                codes.append(service("90840", .cpt, "Psychotherapy for crisis, each additional 30 minutes", units: (minutes - 60 + 15) / 30, confidence: 0.7, reason: "\(minutes) minutes", evidence: evidenceAll))
            }
            return codes
        }
        let (code, label): (String, String)
        switch minutes {
        case ..<38: (code, label) = withVisit ? ("90833", "Psychotherapy add-on with E/M, 30 minutes (16-37)") : ("90832", "Psychotherapy, 30 minutes (16-37)")
        case ..<53: (code, label) = withVisit ? ("90836", "Psychotherapy add-on with E/M, 45 minutes (38-52)") : ("90834", "Psychotherapy, 45 minutes (38-52)")
        default: (code, label) = withVisit ? ("90838", "Psychotherapy add-on with E/M, 60 minutes (53 or more)") : ("90837", "Psychotherapy, 60 minutes (53 or more)")
        }
        return [service(code, .cpt, label, confidence: 0.8, reason: "psychotherapy (\"\(cue)\"), \(minutes) minutes", evidence: evidenceAll)]
    }

    func chiropractic() -> [ServiceCode] {
        let corpus = texts + sentences.map(\.text)
        let adjusting = corpus.filter { $0.contains("adjust") || $0.contains("manipulat") || $0.contains("cmt") }
        guard !adjusting.isEmpty else { return timed(ServiceCatalog.timedTherapy) }
        let regions: [(String, [String])] = [
            ("cervical", ["cervical", "neck"]), ("thoracic", ["thoracic", "mid back", "upper back"]),
            ("lumbar", ["lumbar", "low back", "lower back"]), ("sacral", ["sacral", "sacrum"]),
            ("pelvic", ["pelvic", "pelvis", "si joint", "sacroiliac"]),
        ]
        let found = regions.filter { _, words in adjusting.contains { text in words.contains { Self.contains(text, $0) } } }.map(\.0)
        let count = max(found.count, 1)
        let (code, label) = count <= 2 ? ("98940", "Chiropractic manipulation, spinal, 1-2 regions")
            : count <= 4 ? ("98941", "Chiropractic manipulation, spinal, 3-4 regions") : ("98942", "Chiropractic manipulation, spinal, 5 regions")
        var codes = [
            service(
                code, .cpt, label, confidence: found.isEmpty ? 0.5 : 0.75,
                reason: found.isEmpty ? "spinal manipulation; regions not named" : "regions adjusted: \(found.joined(separator: ", "))",
                evidence: Array(note.statements.indices.filter { texts[$0].contains("adjust") || texts[$0].contains("manipulat") }.prefix(3).map(evidence)))
        ]
        let extremities = ["shoulder", "knee", "ankle", "wrist", "elbow", "hip", "foot"]
        if adjusting.contains(where: { text in extremities.contains { Self.contains(text, $0) } }) {
            codes.append(service("98943", .cpt, "Chiropractic manipulation, extraspinal", confidence: 0.6, reason: "an extremity adjusted", evidence: codes[0].evidence))
        }
        codes.append(contentsOf: timed(ServiceCatalog.timedTherapy))
        return codes
    }

    func acupuncture() -> [ServiceCode] {
        let corpus = texts + sentences.map(\.text)
        guard corpus.contains(where: { $0.contains("needle") || $0.contains("acupuncture") }) else { return [] }
        let electrical = corpus.contains { $0.contains("electroacupuncture") || $0.contains("electrical stim") || $0.contains("e-stim") }
        let minutes = minutes(for: ["needle", "needles", "acupuncture", "session", "retained"])
        let evidenceAll = Array(note.statements.indices.filter { texts[$0].contains("needle") || texts[$0].contains("acupuncture") }.prefix(3).map(evidence))
        var codes = [
            service(
                electrical ? "97813" : "97810", .cpt,
                electrical ? "Acupuncture with electrical stimulation, first 15 minutes" : "Acupuncture without electrical stimulation, first 15 minutes",
                confidence: 0.75, reason: "acupuncture" + (minutes.map { ", \($0) minutes" } ?? ""), evidence: evidenceAll)
        ]
        if let minutes, minutes >= 23 {
            codes.append(
                service(
                    electrical ? "97814" : "97811", .cpt, "Acupuncture, each additional 15 minutes with re-insertion",
                    units: (minutes - 15 + 7) / 15, confidence: 0.6, reason: "\(minutes) minutes in all", evidence: evidenceAll))
        }
        return codes
    }

    func nutrition() -> [ServiceCode] {
        let (patient, _) = patientStatus()
        let minutes = minutes(for: ["minutes", "session", "counseling", "spent", "nutrition"]) ?? minutesStated()
        let units = minutes.map { max(1, $0 / 15 + ($0 % 15 >= 8 ? 1 : 0)) } ?? 1
        let evidenceAll = Array(note.statements.indices.prefix(2).map(evidence))
        return [
            service(
                patient == .new ? "97802" : "97803", .cpt,
                patient == .new ? "Medical nutrition therapy, initial assessment, each 15 minutes" : "Medical nutrition therapy, re-assessment, each 15 minutes",
                units: units, confidence: minutes == nil ? 0.5 : 0.75,
                reason: (minutes.map { "\($0) minutes" } ?? "minutes not stated, one unit") + ", \(patient.rawValue) patient",
                evidence: evidenceAll)
        ]
    }
}
