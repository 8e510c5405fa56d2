import Scribe
import Terminology

extension DiagnosisCoder {
    /// Signs and symptoms routinely part of a diagnosis coded beside them (ICD-10-CM guideline I.B.5): the
    /// symptom's code prefix, and the diagnosis prefixes (compact, without the dot) that account for it.
    static let integralSymptoms: [(symptom: String, diagnoses: [String])] = [
        // Fever with an infection.
        (
            "R50",
            [
                "A", "B", "H65", "H66", "H67", "H70", "J0", "J1", "J20", "J21", "J22", "J36", "L02", "L03", "N10",
                "N300", "N390", "U071", "K35", "M86",
            ]
        ),
        ("R05", ["J0", "J1", "J20", "J21", "J40", "J41", "J42", "J44", "J45", "U071", "A37"]),
        ("R070", ["J02", "J03", "J06", "B27"]),
        ("R51", ["G43", "G44", "J01"]),
        ("R0981", ["J00", "J01", "J30", "J31", "J32"]),
        ("R11", ["A08", "A09", "K29", "K52", "O21", "K80", "K81", "K85", "H81"]),
        ("R197", ["A0", "K52", "K58"]),
        ("R10", ["K35", "K80", "K81", "K85", "N20", "N23", "K57"]),
        ("R060", ["J44", "J45", "I50", "J18", "J81"]),
        ("R609", ["I50"]),
        // An elevated blood pressure reading with the hypertension it belongs to (R03.0 Excludes1 hypertension).
        ("R030", hypertensiveCategories),
        // Bone spurs (osteophytes) with the osteoarthritis they are part of.
        ("M779", ["M15", "M16", "M17", "M18", "M19", "M47"]),
        ("R300", ["N30", "N390", "N34"]),
        ("H920", ["H60", "H65", "H66"]),
        ("R21", ["B01", "B02", "B05", "B06", "B08", "L20", "L21", "L23", "L24", "L25", "L30"]),
        ("R52", ["M", "S", "G43", "G44"]),
        // Heartburn with reflux or gastritis; fatigue with anemia; worry with an anxiety disorder; sneezing with
        // rhinitis; swelling with the injury, effusion or infection it is part of; a weight loss with obesity is
        // the loss the obesity is treated for, not an abnormal one.
        ("R12", ["K20", "K21", "K227", "K29", "K30"]),
        ("R5383", ["D50", "D51", "D52", "D53", "D64"]),
        ("R4582", ["F40", "F41", "F43"]),
        ("R067", ["J00", "J30", "J31"]),
        ("R22", ["S", "M254", "M70", "M76", "L02", "L03", "J01"]),
        ("R634", ["E66"]),
        // `strep throat, which is a bacterial infection of the throat`: the infection the diagnosis names, by site
        // or organism (A49.9 is the infection with neither).
        (
            "A499",
            [
                "A0", "A1", "A2", "A3", "A4", "B95", "B96", "H10", "H60", "H66", "H70", "J01", "J02", "J03", "J04",
                "J13", "J14", "J15", "J18", "J20", "J32", "J36", "K35", "K57", "K61", "K65", "K81", "L01", "L02",
                "L03", "L04", "L08", "M00", "M86", "N10", "N30", "N34", "N390", "N41", "N45", "N70", "N71", "N72",
                "N76",
            ]
        ),
    ]

    /// Drops the symptoms a diagnosis coded beside them accounts for (`fever` with otitis media, `cough` with
    /// bronchitis), and an unspecified code whose condition a coded one names more precisely in another
    /// category (`Anemia, unspecified` beside `Iron deficiency anemia`, `Unspecified hearing loss` beside
    /// `Sensorineural hearing loss`).
    func withoutIntegralSymptoms(_ candidates: inout [Candidate]) {
        let codes = candidates.map(\.code.compactCode)
        candidates.removeAll { candidate in
            let compact = candidate.code.compactCode
            guard let entry = Self.integralSymptoms.first(where: { compact.hasPrefix($0.symptom) }) else {
                return false
            }
            return codes.contains { code in code != compact && entry.diagnoses.contains { code.hasPrefix($0) } }
        }
        let titles = candidates.map { " " + Self.titleWords($0.code.title) + " " }
        candidates = candidates.enumerated().filter { offset, candidate in
            guard let head = Self.unspecifiedHead(of: candidate.code.title) ?? Self.symptomHead(of: candidate.code)
            else { return true }
            // The stage or type a combination code asks for as its additional code (`use additional code`) stays.
            if let combinations = Self.additionalCodeOf.first(where: { candidate.code.compactCode.hasPrefix($0.code) })?
                .combinations,
                codes.contains(where: { code in combinations.contains { code.hasPrefix($0) } })
            {
                return true
            }
            // The condition's words, also in the plural (`Other iron deficiency anemias`).
            let needles = [" " + head + " ", " " + head + "s "]
            return !titles.enumerated().contains { other, title in
                other != offset && candidates[other].code.category != candidate.code.category
                    && needles.contains { title.contains($0) }
                    && Self.unspecifiedHead(of: candidates[other].code.title) != head
            }
        }.map(\.element)
    }

    /// Codes that a combination code's `use additional code` note asks for beside it: the stage of chronic kidney
    /// disease beside diabetic or hypertensive kidney disease, the type of heart failure beside hypertensive heart
    /// disease.
    static let additionalCodeOf: [(code: String, combinations: [String])] = [
        ("N18", ["E0822", "E0922", "E1022", "E1122", "E1322", "I12", "I13"]),
        ("I50", ["I110", "I13"]),
    ]

    /// The sign a symptom code `not elsewhere classified` names (`apnea` for `Apnea, not elsewhere classified`):
    /// beside a coded condition whose title has it (`Obstructive sleep apnea`) it is part of that condition.
    static func symptomHead(of code: ICD10Code) -> String? {
        let lowered = code.title.lowercased()
        guard code.compactCode.hasPrefix("R"), lowered.hasSuffix(", not elsewhere classified") else { return nil }
        let words = titleWords(String(lowered.dropLast(", not elsewhere classified".count)))
        return words.count >= 4 ? words : nil
    }

    /// The condition an unspecified code names: `anemia` for `Anemia, unspecified`, `hearing loss` for
    /// `Unspecified hearing loss, bilateral`; nil for a title that is not unspecified or names under 4 letters.
    static func unspecifiedHead(of title: String) -> String? {
        let lowered = title.lowercased()
        var head: Substring
        if lowered.hasPrefix("unspecified ") {
            head = lowered.dropFirst("unspecified ".count)
        } else if lowered.hasSuffix(", unspecified") {
            head = lowered.dropLast(", unspecified".count)
        } else {
            return nil
        }
        if let comma = head.firstIndex(of: ",") { head = head[..<comma] }
        let words = titleWords(String(head))
        return words.count >= 4 ? words : nil
    }

    /// A title's words, lower-cased, separated by single spaces (brackets and punctuation dropped).
    static func titleWords(_ title: String) -> String {
        title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: " ")
    }

    /// The cancer categories said to be treated and gone: named in a clause that says the treatment was
    /// completed long ago (`excised six years ago`) or that nothing came back (`no evidence of recurrence`).
    static func cancersTreated(_ clauses: [[(words: [String], mentions: [Mention])]]) -> Set<String> {
        var categories = Set<String>()
        for (words, mentions) in clauses.joined() {
            let cancers = mentions.filter {
                $0.target.code.compactCode.hasPrefix("C") && !$0.hypothetical && !$0.family
            }
            guard !cancers.isEmpty else { continue }
            let all = 0..<words.count
            // `no sign the melanoma has come back`: a return denied.
            let returnDenied =
                occurs(cancerReturnCues, in: words, all) && words.contains { returnNegators.contains($0) }
            if returnDenied || occurs(cancerGoneCues, in: words, all)
                || occurs(cancerTreatedCues, in: words, all) && saysLongAgo(words, all)
            {
                for cancer in cancers { categories.insert(cancer.target.code.category) }
            }
        }
        return categories
    }

    static let cancerGoneCues: CueList = phrases(
        "no recurrence", "no evidence of recurrence", "without recurrence", "no evidence of disease",
        "has not come back",
        "hasn't come back", "not come back", "cancer free", "in remission", "no further treatment",
        "no sign of recurrence")
    static let cancerReturnCues: CueList = phrases(
        "come back", "came back", "coming back", "returned", "recurred", "recurrence")
    static let returnNegators: Set<String> = ["no", "not", "hasn't", "haven't", "without", "never", "nothing"]
    static let cancerTreatedCues: CueList = phrases(
        "excised", "excision", "removed", "resected", "resection", "treated", "mohs", "lumpectomy", "mastectomy",
        "prostatectomy", "colectomy", "thyroidectomy", "chemotherapy", "radiation", "surgery")
    static let surveillanceCues: CueList = phrases(
        "surveillance", "skin check", "skin exam", "skin examination", "follow up", "followup", "recheck",
        "check your skin")

    /// Whether the visit's reason (the chief complaint or reason for visit, or a sentence saying what the patient
    /// is here for) says one of the cues.
    static func visitReasonSays(_ cues: CueList, in note: Note) -> Bool {
        note.statements.contains { statement in
            statesVisitReason(statement) && clauses(of: statement.text).contains { occurs(cues, in: $0, 0..<$0.count) }
        }
    }

    /// Whether a statement gives the visit's reason: the chief complaint or reason for visit, or a history sentence
    /// that says what the patient is here for.
    static func statesVisitReason(_ statement: NoteStatement) -> Bool {
        guard statement.section == .subjective else { return false }
        if let label = statement.subsection, ["CHIEF COMPLAINT", "REASON FOR VISIT"].contains(label) { return true }
        if visitReasonPhrases.any(in: PhraseList.haystack(statement.text)) { return true }
        // `here today with her mom for her 4 year well child visit`: who came along stands between.
        let words = Array(clauses(of: statement.text).joined())
        for (index, word) in words.enumerated() where visitReasonVerbs.contains(word) {
            let following = words[(index + 1)...].prefix(visitReasonReach)
            if following.contains("for"), following.contains(where: { companionWords.contains($0) }) { return true }
        }
        return false
    }

    /// Words that say the patient came (`here`, `presents`), and how far after them the `for` of the reason may be
    /// when a companion is named between (`with her mother`, `accompanied by his father`).
    static let visitReasonVerbs: Set<String> = ["here", "presents", "presented", "seen", "brought", "comes", "came"]
    static let visitReasonReach = 8
    static let companionWords: Set<String> = ClinicalLexicon.companions.union(["with", "accompanied"])

    static let visitReasonPhrases = PhraseList([
        "here for", "presents for", "presented for", "seen for", "reason for visit", "comes in for", "came in for",
        "brought in for", "brought in by", "brought in today", "seen today for", "here today for", "presenting for",
        // A return visit said to the patient (`you're back to follow up on the pneumonia`).
        "back for", "back to follow up", "back to recheck", "in for a recheck", "in to follow up", "here to follow up",
        "following up on", "in for your", "in for her", "in for his", "in today for",
    ])

    /// The examinations a visit is (preventive, gynecological, postpartum): their names say the visit's reason
    /// wherever the opening turns say them.
    static let visitExaminations: Set<String> = ["Z00", "Z01", "Z39"]
    static let examinationWords: Set<String> = [
        "physical", "exam", "examination", "checkup", "check", "visit", "well", "wellness", "maintenance",
        "postpartum", "gynecologic", "gynecological", "preventive", "care",
    ]

    /// Whether a statement names the examination the visit is (`this is your postpartum checkup`), not another
    /// visit's (`at your physical last year`) nor a plan for one.
    func namesVisitExamination(_ statement: NoteStatement) -> Bool {
        Self.clauses(of: statement.text).contains { words in
            // Only a clause with a word every such examination's name has is searched.
            words.contains(where: Self.examinationWords.contains)
                && mentions(in: words, keeping: { Self.visitExaminations.contains($0.code.category) }).contains {
                    !$0.negated && !$0.hypothetical && !$0.family && !$0.uncertain && !$0.historical
                }
        }
    }

    /// Acute events whose history has a code of its own (old myocardial infarction, history of stroke, of
    /// pulmonary embolism).
    static let pastEvents: Set<String> = ["I21", "I22", "I63", "G45", "I26"]
    static let pastEventBefore: CueList = phrases("had", "has had", "have had", "after", "since")
    static let recentCues: CueList = phrases(
        "recent", "recently", "last week", "this week", "days ago", "yesterday", "today", "this morning", "last night",
        "acute")

    /// Words that say a vaccination.
    static let vaccinationWords: Set<String> = Set<String>([
        "vaccine", "vaccines", "vaccinated", "vaccination", "vaccinations", "immunization", "immunizations",
        "immunized", "shot", "shots", "booster", "boosters",
    ]).union(ClinicalLexicon.vaccineNames)
    /// Words that state a disease the patient has, after which a vaccine-preventable disease is not a vaccine.
    static let diagnosisVerbs: Set<String> = [
        "has", "have", "had", "diagnosed", "with", "positive", "infection", "exposed",
    ]

    /// Whether a code is a disease that a vaccine prevents (its name is also the vaccine's name).
    static func vaccinePreventable(_ code: ICD10Code) -> Bool {
        let compact = code.compactCode
        return [
            "A33", "A34", "A35", "A36", "A37", "A39", "A80", "B01", "B02", "B05", "B06", "B15", "B16", "B26", "J09",
            "J10", "J11", "U071", "A080", "B977",
        ].contains { compact.hasPrefix($0) }
    }

    /// The kinds of aid that make `aids` a device (`hearing aids`), not the disease.
    static let aidKinds: Set<String> = [
        "hearing", "walking", "mobility", "visual", "vision", "memory", "sleep", "study", "first", "teaching",
        "learning", "feeding", "dressing", "bathing", "communication", "low", "assistive", "ambulatory",
    ]

    /// The encounter reasons (examinations, postpartum care, follow-up) another visit may have.
    static let otherVisitReasons = ["Z00", "Z01", "Z09", "Z39"]

    /// Encounter reasons of another visit (`return for your annual exam next year`, `next well visit at 12
    /// months`, `your pap smear from your yearly exam last month`) are not this visit's.
    static let otherVisitBefore: CueList = phrases(
        "return for", "come back for", "next", "see you for", "schedule", "scheduled", "due for", "from your",
        "from her", "from his", "at your", "at her", "at his", "until", "before your", "last", "previous", "prior")
    static let otherVisitAfter: CueList = phrases(
        "next year", "in one year", "in a year", "in 1 year", "in twelve months", "in 12 months", "next month",
        "last month", "last year", "ago", "in a few months", "in six months", "in 6 months")
}
