import Scribe
import Terminology

extension ServiceCoder {
    // MARK: - New or established

    static let newPatientCues = [
        "new patient", "establish care", "establishing care", "first visit", "nice to meet you", "first time seeing",
        "haven't seen you before", "have not seen you before", "new to the practice", "new to our practice",
        "new to the clinic", "new to our clinic", "referred to me", "referred to us", "initial visit", "initial consultation",
        "initial evaluation", "pleasure to meet you", "first appointment",
    ]
    static let establishedCues = [
        "follow up", "follow-up", "followup", "since your last visit", "since the last visit", "since last visit",
        "last time", "good to see you again", "nice to see you again", "last visit", "return visit", "returns for",
        "returns today", "last appointment", "last saw", "when i saw you", "since i saw you", "came back",
    ]

    func patientStatus() -> (VisitLevel.Patient, String) {
        if let patient = request.patient { return (patient, "from the request") }
        if let cue = Self.newPatientCues.first(where: anywhere) {
            return (.new, "the transcript says \"\(cue)\"")
        }
        if let cue = Self.establishedCues.first(where: anywhere) {
            return (.established, "the transcript says \"\(cue)\"")
        }
        return (.established, "no new-patient cue in the transcript; established assumed")
    }

    // MARK: - Total time

    /// Total time on the date of the visit, when the clinician states it ("I spent 35 minutes", "total time
    /// 45 minutes").
    func minutesStated() -> Int? {
        let all = texts + sentences.map(\.text)
        let documents = Set(["minute", "minutes"].flatMap { finder.documents(saying: $0) }).sorted()
        for text in documents.map({ all[$0] }) {
            let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            for (index, minutes) in Self.minuteMentions(words) where (5...600).contains(minutes) {
                let window = words[max(0, index - 8)..<min(words.count, index + 6)].joined(separator: " ")
                if window.contains("spent") || window.contains("total time") || window.contains("face to face")
                    || window.contains("in total") || window.contains("total of")
                {
                    return minutes
                }
            }
        }
        return nil
    }

    /// Each `N minutes` (`35 minutes`, `thirty five min`) of a word list: the position of the unit word and the
    /// number.
    static func minuteMentions(_ words: [String]) -> [(position: Int, minutes: Int)] {
        words.indices.compactMap { index in
            let word = words[index]
            guard index > 0, word.hasPrefix("minute") || word == "min" || word == "mins",
                let value = SpokenNumber.value(endingAt: index - 1, in: words), value > 0
            else { return nil }
            return (index, value)
        }
    }

    // MARK: - Medical decision making

    static let exacerbationCues = [
        "worsening", "worse", "uncontrolled", "poorly controlled", "not well controlled", "not controlled",
        "exacerbation", "flare", "flaring", "not at goal", "above goal", "progression", "progressing", "side effect",
        "side effects", "inadequately controlled", "suboptimally controlled", "elevated", "increasing",
    ]
    static let severeCues = ["severe exacerbation", "severely", "acute decompensation", "decompensated"]

    func problemsElement() -> (VisitLevel.Complexity, [String]) {
        var findings: [String] = []
        var level = VisitLevel.Complexity.straightforward
        var stableChronic = 0
        var minor = 0
        for diagnosis in diagnoses where !diagnosis.traits.contains(.status) && !diagnosis.code.hasPrefix("Z") {
            let text = diagnosis.evidence.map { $0.statement.lowercased() }.joined(separator: " ")
            let title = diagnosis.description.lowercased()
            if diagnosis.traits.contains(.threat) {
                findings.append("\(diagnosis.code): illness that may threaten life or bodily function (high)")
                level = max(level, .high)
            } else if diagnosis.traits.contains(.chronic) {
                if Self.severeCues.contains(where: { Self.contains(text, $0) }) {
                    findings.append("\(diagnosis.code): chronic illness with severe exacerbation (high)")
                    level = max(level, .high)
                } else if let cue = Self.exacerbationCues.first(where: { Self.contains(text, $0) }) {
                    findings.append("\(diagnosis.code): chronic illness with exacerbation or progression (\"\(cue)\", moderate)")
                    level = max(level, .moderate)
                } else {
                    stableChronic += 1
                    findings.append("\(diagnosis.code): stable chronic illness")
                }
            } else if diagnosis.traits.contains(.systemic) {
                findings.append("\(diagnosis.code): acute illness with systemic symptoms (moderate)")
                level = max(level, .moderate)
            } else if title.contains("fracture") || title.contains("dislocation") {
                findings.append("\(diagnosis.code): acute complicated injury (moderate)")
                level = max(level, .moderate)
            } else if diagnosis.uncertainCause {
                findings.append("\(diagnosis.code): undiagnosed new problem with uncertain prognosis (moderate)")
                level = max(level, .moderate)
            } else if diagnosis.traits.contains(.minor) {
                minor += 1
                findings.append("\(diagnosis.code): self-limited or minor problem")
            } else {
                findings.append("\(diagnosis.code): acute, uncomplicated illness or injury (low)")
                level = max(level, .low)
            }
        }
        if stableChronic >= 2 {
            level = max(level, .moderate)
            findings.append("\(stableChronic) stable chronic illnesses (moderate)")
        } else if stableChronic == 1 {
            level = max(level, .low)
        }
        if minor >= 2 { level = max(level, .low) }
        if findings.isEmpty { findings.append("no problem coded") }
        return (level, findings)
    }

    static let testNames: [(name: String, phrases: [String])] = [
        ("CBC", ["cbc", "complete blood count", "blood count"]),
        ("metabolic panel", ["cmp", "bmp", "metabolic panel", "chem 7", "chemistry panel", "electrolytes"]),
        ("A1c", ["a1c", "hemoglobin a1c", "hba1c"]), ("lipid panel", ["lipid panel", "lipids", "cholesterol panel"]),
        ("TSH", ["tsh", "thyroid panel", "thyroid function", "thyroid stimulating"]),
        ("urinalysis", ["urinalysis", "urine test", "ua"]), ("urine culture", ["urine culture"]),
        ("culture", ["throat culture", "wound culture", "blood culture", "blood cultures"]),
        ("x-ray", ["x-ray", "xray", "x ray", "radiograph", "radiographs", "chest film"]),
        ("MRI", ["mri"]), ("CT", ["ct scan", "cat scan", "ct of", "ct"]), ("ultrasound", ["ultrasound", "sonogram"]),
        ("echocardiogram", ["echocardiogram", "echo"]), ("stress test", ["stress test"]),
        ("Holter", ["holter", "event monitor", "zio patch"]), ("ECG", ["ekg", "ecg", "electrocardiogram"]),
        ("PSA", ["psa"]), ("vitamin D", ["vitamin d level"]), ("B12", ["b12 level"]),
        ("liver tests", ["liver function", "lfts", "lft", "hepatic panel"]), ("kidney function", ["kidney function", "renal function", "creatinine", "gfr"]),
        ("DEXA", ["dexa", "bone density"]), ("mammogram", ["mammogram"]), ("sleep study", ["sleep study", "polysomnography"]),
        ("pulmonary function", ["pulmonary function", "pfts", "pft", "spirometry"]),
        ("colonoscopy", ["colonoscopy"]), ("INR", ["inr", "pt/inr"]), ("strep test", ["strep test", "rapid strep"]),
        ("flu test", ["flu test", "influenza test"]), ("COVID test", ["covid test"]), ("labs", ["labs", "blood work", "bloodwork", "lab work"]),
    ]

    func dataElement() -> (VisitLevel.Complexity, [String]) {
        var findings: [String] = []
        var tests = Set<String>()
        for (name, phrases) in Self.testNames {
            for phrase in phrases {
                let documents = finder.documents(saying: phrase).filter { $0 < texts.count }
                if documents.contains(where: { note.statements[$0].section != .subjective || finder.says($0, "result") }) {
                    tests.insert(name)
                    break
                }
            }
        }
        if tests.count > 1 { tests.remove("labs") }
        var category1 = tests.count
        if !tests.isEmpty { findings.append("tests ordered or reviewed: \(tests.sorted().joined(separator: ", "))") }
        let externalCues = ["outside records", "records from", "reviewed records", "discharge summary", "er records",
            "emergency room records", "notes from", "reviewed the notes", "reviewed her records", "reviewed his records"]
        if let cue = externalCues.first(where: anywhere) {
            category1 += 1
            findings.append("external records reviewed (\"\(cue)\")")
        }
        let historianCues = ["per mother", "per mom", "per father", "per dad", "per parent", "per wife", "per husband",
            "per daughter", "per son", "history obtained from", "history provided by", "mother reports", "mom reports",
            "father reports", "wife reports", "husband reports", "daughter reports", "accompanied by"]
        var historian = historianCues.first(where: anywhere).map { "\"\($0)\"" }
        if historian == nil, companionSpeaks {
            historian = "a companion speaks in the transcript"
        }
        if let historian {
            category1 += 1
            findings.append("independent historian (\(historian))")
        }
        let interpretationCues = ["i reviewed the x-ray", "i reviewed the images", "personally reviewed",
            "independently reviewed", "my interpretation", "my read", "i looked at the x-ray", "i looked at the images",
            "reviewed the films", "i interpreted"]
        let interpretation = interpretationCues.first(where: anywhere)
        if let interpretation { findings.append("independent interpretation of a test (\"\(interpretation)\")") }
        let discussionCues = ["discussed with dr", "spoke with dr", "discussed the case with", "spoke with the radiologist",
            "discussed with cardiology", "spoke with cardiology", "discussed with the specialist", "talked to dr",
            "consulted with dr", "spoke to dr", "called dr"]
        let discussion = discussionCues.first(where: anywhere)
        if let discussion { findings.append("management discussed with an external clinician (\"\(discussion)\")") }
        let categories = (category1 >= 3 ? 1 : 0) + (interpretation != nil ? 1 : 0) + (discussion != nil ? 1 : 0)
        let level: VisitLevel.Complexity
        if categories >= 2 {
            level = .high
        } else if categories == 1 {
            level = .moderate
        } else if category1 >= 2 || historian != nil {
            level = .low
        } else {
            level = .straightforward
        }
        if findings.isEmpty { findings.append("no data reviewed or ordered") }
        return (level, findings)
    }

    static let overTheCounter: Set<String> = [
        "acetaminophen", "tylenol", "ibuprofen", "advil", "motrin", "naproxen", "aleve", "loratadine", "claritin",
        "cetirizine", "zyrtec", "fexofenadine", "allegra", "diphenhydramine", "benadryl", "pseudoephedrine", "sudafed",
        "guaifenesin", "mucinex", "famotidine", "pepcid", "docusate", "colace", "miralax", "polyethylene glycol",
        "calcium", "vitamin d", "multivitamin", "saline", "hydrocortisone cream", "tums", "antacid", "aspirin",
        "dextromethorphan", "robitussin", "melatonin", "fish oil", "fiber", "psyllium", "senna", "imodium",
        "loperamide", "artificial tears", "lubricating drops", "vitamin b12", "iron", "ferrous sulfate", "omeprazole",
        "flonase", "fluticasone nasal", "nasal saline", "cough drops", "lozenges", "zinc", "vitamin c",
    ]

    func riskElement(procedureCodes: [ServiceCode]) -> (VisitLevel.Complexity, [String]) {
        var findings: [String] = []
        var level = VisitLevel.Complexity.straightforward
        let highCues = ["admit", "admission to", "admitted", "hospitalize", "hospitalization", "send to the emergency",
            "send you to the emergency", "go to the emergency", "sent to the er", "transfer to", "call 911", "do not resuscitate",
            "dnr", "emergency surgery", "intensive monitoring for toxicity"]
        // A decision made, not an instruction for what might happen (`go to the emergency room if ...`).
        let conditional = ["if", "precautions", "should", "warning signs", "unless", "in case"]
        let decided: (String) -> Bool = { cue in
            finder.documents(saying: cue).contains { document in
                planDocuments.contains(document) && !conditional.contains { finder.says(document, $0) }
            }
        }
        if let cue = highCues.first(where: decided) {
            findings.append("decision regarding hospitalization or escalation of care (\"\(cue)\", high)")
            level = .high
        }
        let medications = note.entities.filter { $0.kind == .medication && !$0.negated && $0.context == nil }
        var prescription: [String] = []
        var overTheCounterNamed: [String] = []
        for medication in medications {
            let name = medication.name.lowercased()
            let managed = medication.attributes["action"] != nil
                || inPlan(name)
            guard managed else { continue }
            if Self.overTheCounter.contains(name) {
                overTheCounterNamed.append(name)
            } else {
                prescription.append(name)
            }
        }
        let prescribingCues = ["prescribe", "prescribed", "prescription", "refill", "refilled", "start her on", "start him on",
            "increase the dose", "decrease the dose", "adjust the dose", "titrate"]
        if !prescription.isEmpty {
            findings.append("prescription drug management (\(Array(Set(prescription)).sorted().prefix(4).joined(separator: ", ")), moderate)")
            level = max(level, .moderate)
        } else if let cue = prescribingCues.first(where: inPlan) {
            findings.append("prescription drug management (\"\(cue)\", moderate)")
            level = max(level, .moderate)
        }
        let surgeryCues = ["surgery", "surgical", "arthroscopy", "operative", "procedure under anesthesia"]
        if let cue = surgeryCues.first(where: inPlan), level < .moderate {
            findings.append("decision about surgery (\"\(cue)\", moderate)")
            level = .moderate
        }
        let socialCues = ["cannot afford", "can't afford", "no insurance", "uninsured", "homeless", "no transportation",
            "lack of transportation", "food insecurity"]
        if let cue = socialCues.first(where: anywhere),
            level < .moderate
        {
            findings.append("diagnosis or treatment limited by social determinants of health (\"\(cue)\", moderate)")
            level = .moderate
        }
        if level < .low {
            let lowCues = ["physical therapy", "occupational therapy", "over the counter", "otc"]
            if !overTheCounterNamed.isEmpty {
                findings.append("over-the-counter drugs (\(Array(Set(overTheCounterNamed)).sorted().prefix(3).joined(separator: ", ")), low)")
                level = .low
            } else if let cue = lowCues.first(where: inPlan) {
                findings.append("low-risk management (\"\(cue)\", low)")
                level = .low
            } else if procedureCodes.contains(where: { service in
                ServiceCatalog.procedures.contains { $0.code == service.code && $0.separateProcedure }
            }) {
                findings.append("minor procedure (low)")
                level = .low
            }
        }
        if findings.isEmpty { findings.append("minimal risk of management (rest, fluids, reassurance)") }
        return (level, findings)
    }

    /// The office visit level: 2 of the 3 MDM elements, or total time, whichever supports the higher level.
    func visitLevel(procedures procedureCodes: [ServiceCode]) -> VisitLevel? {
        let (patient, patientBasis) = patientStatus()
        let problems = problemsElement()
        let data = dataElement()
        let risk = riskElement(procedureCodes: procedureCodes)
        let levels = [problems.0, data.0, risk.0].sorted(by: >)
        let decisionMaking = levels[1]
        let minutes = minutesStated()
        let byDecision = Self.code(for: decisionMaking, patient: patient)
        var code = byDecision
        var basis = "mdm"
        if let minutes, let byTime = Self.code(forMinutes: minutes, patient: patient), byTime > byDecision {
            code = byTime
            basis = "time"
        }
        return VisitLevel(
            code: code, patient: patient, patientBasis: patientBasis, basis: basis, medicalDecisionMaking: decisionMaking,
            problems: (problems.0, problems.1), data: (data.0, data.1), risk: (risk.0, risk.1), minutes: minutes)
    }

    static func code(for complexity: VisitLevel.Complexity, patient: VisitLevel.Patient) -> String {
        VisitCodes.code(forComplexity: complexity.rawValue, newPatient: patient == .new)
    }

    static func code(forMinutes minutes: Int, patient: VisitLevel.Patient) -> String? {
        VisitCodes.code(forMinutes: minutes, newPatient: patient == .new)
    }

    // MARK: - Preventive visits

    /// A preventive medicine visit (annual physical, well child) by age and new or established patient.
    func preventiveVisit() -> ServiceCode? {
        guard let index = diagnoses.firstIndex(where: { $0.code.hasPrefix("Z00.0") || $0.code.hasPrefix("Z00.12") }) else {
            return nil
        }
        let age = request.age ?? note.ageFromText
        guard let age else { return nil }
        let (patient, _) = patientStatus()
        guard let band = VisitCodes.preventiveBands.first(where: { age < $0.belowAge }) else { return nil }
        let code = patient == .new ? band.new : band.established
        return ServiceCode(
            code: code, system: .cpt, label: "Preventive visit, \(patient.rawValue) patient, age \(age)", modifiers: [],
            units: 1, confidence: 0.8, rank: 0,
            reason: "preventive medicine visit (\(diagnoses[index].code)) for a \(patient.rawValue) patient aged \(age)",
            evidence: diagnoses[index].evidence)
    }
}

extension Note {
    /// The age the note's opening line states (`45-year-old`), if any.
    var ageFromText: Int? {
        for statement in statements.prefix(3) {
            let words = statement.text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            for (index, word) in words.enumerated() where index + 2 < words.count && words[index + 1] == "year"
                && words[index + 2] == "old"
            {
                if let age = Int(word), age < 130 { return age }
            }
        }
        // An infant's or toddler's age in months, wherever the note states it (`This is a healthy 12-month-old.`).
        for statement in statements where statement.section == .subjective || statement.section == .assessment {
            let words = statement.text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            for (index, word) in words.enumerated() where index + 2 < words.count
                && ["month", "months"].contains(words[index + 1]) && words[index + 2] == "old"
            {
                if let months = Int(word), months < 60 { return months / 12 }
            }
        }
        return nil
    }
}
