import Foundation
import Scribe
import Terminology

extension DiagnosisCoder {
    /// Applies the classification's combination conventions and removes what may not be reported together.
    func combined(
        _ input: [Candidate], medications: [String], planWords: [[String]] = [], noteClauses: [[String]] = [],
        examClauses: [[String]] = []
    ) -> [Candidate] {
        // One entry per code, its evidence merged.
        var candidates: [Candidate] = []
        for candidate in input {
            if let index = candidates.firstIndex(where: { $0.code == candidate.code }) {
                for item in candidate.evidence where !candidates[index].evidence.contains(item) {
                    candidates[index].evidence.append(item)
                }
                candidates[index].confidence = max(candidates[index].confidence, candidate.confidence)
                candidates[index].reasonForVisit = candidates[index].reasonForVisit || candidate.reasonForVisit
            } else {
                candidates.append(candidate)
            }
        }
        func first(_ prefixes: [String]) -> Int? {
            candidates.firstIndex { candidate in prefixes.contains { candidate.code.compactCode.hasPrefix($0) } }
        }
        func replace(_ index: Int, with code: String, reason: String) {
            guard let replacement = codeSet.code(code) else { return }
            if candidates.contains(where: { $0.code == replacement }) {
                candidates.remove(at: index)
            } else {
                candidates[index].code = replacement
                candidates[index].reason += "; " + reason
                candidates[index].confidence = min(candidates[index].confidence, 0.85)
            }
        }
        // Diabetes with chronic kidney disease, and hypertensive kidney disease: the stage as the additional code
        // (use additional code N18.-).
        if let diabetic = first(Self.kidneyCombinations), first(["N18"]) == nil {
            let text = candidates[diabetic].evidence.map(\.statement).joined(separator: " ")
            let code = Self.kidneyStage(in: text)
            append(
                code, to: &candidates, beside: candidates[diabetic], traits: [.chronic],
                reason: "use additional code: the stage of chronic kidney disease")
        }
        // Chronic kidney disease coded without its stage when a statement of it, or of a combination code that
        // names it, gives one in another clause (`diabetic chronic kidney disease, stage 3a`).
        if let kidney = first(["N189", "N1830"]) {
            let kidneyCodes = ["N18"] + Self.kidneyCombinations
            let stages = Set(
                candidates.filter { candidate in kidneyCodes.contains { candidate.code.compactCode.hasPrefix($0) } }
                    .flatMap(\.evidence).map { Self.kidneyStage(in: $0.statement) }
            ).subtracting(["N18.9"])
            if stages.count == 1, let code = stages.first, code != candidates[kidney].code.code,
                code != "N18.30" || candidates[kidney].code.code == "N18.9"
            {
                replace(kidney, with: code, reason: "the stage the visit's kidney statements give")
            }
        }
        // Hypertension with chronic kidney disease or heart failure: the guidelines presume the link (I.C.9.a).
        if let hypertension = first(["I10"]) {
            let kidney = first(["N18"])
            let heart = first(["I50"])
            let endStage = kidney.map { ["N185", "N186"].contains(candidates[$0].code.compactCode) } ?? false
            if kidney != nil && heart != nil {
                replace(
                    hypertension, with: endStage ? "I13.2" : "I13.0",
                    reason: "hypertension with heart failure and chronic kidney disease (I13)")
            } else if kidney != nil {
                replace(
                    hypertension, with: endStage ? "I12.0" : "I12.9",
                    reason: "hypertension with chronic kidney disease is coded as hypertensive CKD (I12)")
            } else if heart != nil {
                replace(
                    hypertension, with: "I11.0",
                    reason: "hypertension with heart failure is coded as hypertensive heart disease (I11.0)")
            }
        }
        // Hypertensive heart disease and hypertensive kidney disease stated apart are one I13 code (I.C.9.a.3).
        if let heart = first(["I11"]), let kidney = first(["I12"]) {
            let failure = candidates[heart].code.compactCode == "I110" || first(["I50"]) != nil
            let endStage = candidates[kidney].code.compactCode == "I120"
            let code = failure ? (endStage ? "I13.2" : "I13.0") : (endStage ? "I13.11" : "I13.10")
            replace(heart, with: code, reason: "hypertensive heart and chronic kidney disease (I13)")
            // `replace` may have removed an entry: the kidney code is found again.
            if let stated = first(["I12"]) { candidates.remove(at: stated) }
        }
        // Diabetes `with` a complication named elsewhere in the note: the index links them (I.A.15).
        for (family, prefix) in [("E11", "E11"), ("E10", "E10")] {
            guard let plain = candidates.firstIndex(where: { $0.code.compactCode == prefix + "9" }) else { continue }
            if first(["N18"]) != nil {
                replace(
                    plain, with: family + ".22",
                    reason: "diabetes with chronic kidney disease (\(family).22; the N18 code gives the stage)")
            } else if let neuropathy = first(["G629", "G609", "G6289"]) {
                replace(plain, with: family + ".40", reason: "diabetes with neuropathy (\(family).40)")
                if let index = first(["G629", "G609", "G6289"]), index == neuropathy { candidates.remove(at: index) }
            }
        }
        withDiscRadiculopathy(&candidates, clauses: noteClauses + planWords)
        // Long-term drug use that the diabetes and anticoagulation codes ask for (use additional code), from the
        // medication list and the drugs the assessment and plan name (unless stopped).
        var drugs = Set(medications.map { $0.lowercased() })
        for words in planWords where !Self.saysStopped(words) {
            for word in words { drugs.insert(word) }
        }
        // A drug the note says was stopped (`metformin was stopped last year`), and names nowhere as taken, is no
        // long-term therapy, though the note's medicines list it.
        var stopped = Set<String>(), takenStill = Set<String>()
        for words in noteClauses + planWords {
            let named = words.filter(drugs.contains)
            guard !named.isEmpty else { continue }
            if Self.saysStopped(words) {
                stopped.formUnion(named)
            } else {
                takenStill.formUnion(named)
            }
        }
        drugs.subtract(stopped.subtracting(takenStill))
        if first(["E08", "E09", "E11", "E13"]) != nil {
            if drugs.contains(where: { Self.insulins.contains($0) }) {
                append("Z79.4", to: &candidates, reason: "use additional code: long-term insulin use")
            }
            if drugs.contains(where: { Self.oralDiabetesDrugs.contains($0) }) {
                append("Z79.84", to: &candidates, reason: "use additional code: long-term oral hypoglycemic drug use")
            }
            if drugs.contains(where: { Self.injectableDiabetesDrugs.contains($0) }) {
                append(
                    "Z79.85", to: &candidates,
                    reason: "use additional code: long-term injectable non-insulin antidiabetic drug use")
            }
        }
        if drugs.contains(where: { Self.anticoagulants.contains($0) }),
            planWords.contains(where: { words in
                words.contains("long") || words.contains("continue") || words.contains("chronic")
                    || words.contains("on") || words.contains("keep") || words.contains("stay")
            })
        {
            append("Z79.01", to: &candidates, reason: "long-term anticoagulant use")
        }
        withAdditionalCodes(&candidates, drugs: drugs, planWords: planWords)
        withLongTermDrugs(&candidates, medications: medications, clauses: planWords + noteClauses)
        // Type 1 diabetes is treated with insulin by definition: no long-term insulin code beside it (I.C.4.a.3).
        if first(["E10"]) != nil { candidates.removeAll { $0.code.compactCode == "Z794" } }
        // A diabetic complication of unstated type (E11 by default, I.C.4.a.2) in a patient whose diabetes is stated
        // type 1 is a complication of the type 1 diabetes.
        if first(["E10"]) != nil {
            for index in candidates.indices.reversed() where candidates[index].code.category == "E11" {
                let said = candidates[index].evidence.map { $0.statement.lowercased() }.joined(separator: " ")
                guard !Self.typeTwoWords.contains(where: { said.contains($0) }) else { continue }
                replace(
                    index, with: "E10" + candidates[index].code.code.dropFirst(3),
                    reason: "the patient's diabetes is stated type 1")
            }
        }
        // An acute event beside its own history code is the same past event talked over (`someone who's had a heart
        // attack` beside `heart attack two years ago`); a pneumonia of unstated organism beside a stated one is it.
        let codedNow = candidates
        candidates.removeAll { candidate in
            guard !candidate.traits.contains(.chronic), !candidate.traits.contains(.status),
                let history = Self.mapped(candidate.code, Concepts.historyCodes), history != candidate.code
            else { return false }
            return codedNow.contains { $0.code == history }
        }
        if candidates.contains(where: { ["J12", "J13", "J14", "J15", "J16"].contains($0.code.category) }) {
            candidates.removeAll { $0.code.compactCode == "J189" }
        }
        // Hypertensive chronic kidney disease by the stage coded beside it: stage 5 or end stage renal disease is
        // I12.0, stages 1 to 4 or unspecified I12.9 (and I13.11 / I13.10, I13.2 / I13.0 with heart disease).
        if let stage = first(["N18"]).map({ candidates[$0].code.compactCode }) {
            let endStage = stage == "N185" || stage == "N186"
            let byStage: [(code: String, endStage: String, earlier: String)] = [
                ("I12", "I12.0", "I12.9"), ("I131", "I13.11", "I13.10"), ("I130", "I13.2", "I13.0"),
                ("I132", "I13.2", "I13.0"),
            ]
            for entry in byStage {
                guard let index = first([entry.code]) else { continue }
                let wanted = endStage ? entry.endStage : entry.earlier
                if candidates[index].code.code != wanted {
                    replace(index, with: wanted, reason: "the stage of the chronic kidney disease coded beside it")
                }
            }
        }
        // COPD with a current acute lower respiratory infection (bronchitis, bronchiolitis, pneumonia; not one
        // resolved, coded by its history) is J44.0, and the
        // infection is coded also (J44.0's `code also` note).
        if let copd = first(["J449"]),
            candidates.contains(where: {
                ["J12", "J13", "J14", "J15", "J16", "J18", "J20", "J21", "J22"].contains($0.code.category)
            })
        {
            replace(
                copd, with: "J44.0",
                reason: "COPD with an acute lower respiratory infection (J44.0; the infection is coded also)")
        }
        // Body mass index, with a weight diagnosis only (guideline I.B.14).
        // A child's index is coded by its percentile only (Z68.5-); the adult codes are for 20 years and older.
        if first(["E66", "R63.5"]) != nil || first(["E663"]) != nil,
            let bmi = Self.bodyMassIndexCode(planWords) ?? Self.bodyMassIndexCode(examClauses),
            bmi.code.hasPrefix("Z68.5") || first(["Z0012"]) == nil
        {
            append(bmi.code, to: &candidates, reason: "body mass index \(bmi.value) with the weight diagnosis")
            // An adult's obesity class by the index (30 to 34.9: class 1; 35 to 39.9: class 2; 40 or more: class 3).
            if !bmi.code.hasPrefix("Z68.5"), let obesity = first(["E6681"]), let value = Double(bmi.value), value >= 30
            {
                let wanted = value >= 40 ? "E66.813" : value >= 35 ? "E66.812" : "E66.811"
                if candidates[obesity].code.code != wanted {
                    replace(obesity, with: wanted, reason: "the obesity class of a body mass index of \(bmi.value)")
                }
            }
        }
        // A body mass index given as a percentile for age (Z68.5-) is a child's: the preventive examination is a
        // routine child health examination, also where the transcript states no age.
        if first(["Z685"]) != nil, let adult = first(["Z0000", "Z0001"]) {
            replace(
                adult, with: "Z00.129",
                reason: "a child's body mass index percentile: routine child health examination")
        }
        // Influenza with the virus identified (J09, J10) is not also influenza due to an unidentified virus (J11
        // excludes both): the test that named the virus settles it.
        if first(["J09", "J10"]) != nil {
            candidates.removeAll { $0.code.category == "J11" }
        }
        // Pregnancy: a complication replaces the normal-pregnancy supervision code (the weeks of gestation are
        // added by `withGestation`).
        if first(["O"]) != nil {
            candidates.removeAll { $0.code.category == "Z34" }
        }
        // A preventive or gynecological examination that found or addressed a problem is `with abnormal findings`.
        // The clinician who writes that the examination found nothing abnormal has said which it is.
        let statedNormal = candidates.contains { candidate in
            ["Z0000", "Z00129", "Z01419"].contains(candidate.code.compactCode)
                && candidate.evidence.contains { evidence in
                    Self.statedWithoutFindings.contains { evidence.statement.lowercased().contains($0) }
                }
        }
        let problems = candidates.contains { !$0.code.compactCode.hasPrefix("Z") && !$0.traits.contains(.status) }
        if problems && !statedNormal {
            if let visit = first(["Z0000"]) {
                replace(visit, with: "Z00.01", reason: "with abnormal findings (a problem is assessed)")
            }
            if let visit = first(["Z00129"]) {
                replace(visit, with: "Z00.121", reason: "with abnormal findings (a problem is assessed)")
            }
            if let visit = first(["Z01419"]) {
                replace(visit, with: "Z01.411", reason: "with abnormal findings (a problem is assessed)")
            }
        }
        // `Not intractable` is the default a condition named without it gets (`migraine with aura`); beside the same
        // condition stated intractable it gives way.
        let titles = Set(candidates.map { $0.code.title.lowercased() })
        candidates.removeAll { candidate in
            let title = candidate.code.title.lowercased()
            return title.contains("not intractable")
                && titles.contains(title.replacingOccurrences(of: "not intractable", with: "intractable"))
        }
        // A code that says `unspecified` or `without complications` gives way to a more specific one of the
        // same category.
        let all = candidates
        func unspecifiedCount(_ code: ICD10Code) -> Int {
            code.title.lowercased().components(separatedBy: "unspecified").count - 1
        }
        candidates.removeAll { candidate in
            let title = candidate.code.title.lowercased()
            let vague = unspecifiedCount(candidate.code)
            return all.contains { other in
                guard other.code != candidate.code, other.code.category == candidate.code.category else { return false }
                // `without complications` at the category, `..., unspecified` beside a sibling, or doubly
                // unspecified (`unspecified, unspecified trimester`) beside a more specific code.
                if title.contains("without complications") { return true }
                if vague > 0, other.code.parent == candidate.code.parent, unspecifiedCount(other.code) < vague {
                    return true
                }
                // `Heart failure, unspecified` beside `Chronic diastolic heart failure`: the category's unspecified
                // code beside a specified one (not a side beside the other side).
                if vague > 0, unspecifiedCount(other.code) == 0, !Self.sided(candidate.code), !Self.sided(other.code) {
                    return true
                }
                return vague >= 2 && unspecifiedCount(other.code) < vague
            }
        }
        // A code whose title says less than another's of the same category (`Acute sinusitis, unspecified` beside
        // `Acute maxillary sinusitis, unspecified`; `Colles' fracture of unspecified radius` beside `... of right
        // radius`) is part of it; not where the longer title negates (`non-insulin`).
        let informative = candidates
        candidates.removeAll { candidate in
            let words = Self.titleWords(candidate.code)
            return !words.isEmpty
                && informative.contains { other in
                    guard other.code != candidate.code, other.code.category == candidate.code.category else {
                        return false
                    }
                    let longer = Self.titleWords(other.code)
                    return words.isStrictSubset(of: longer)
                        && longer.subtracting(words).isDisjoint(with: ["non", "not"])
                }
        }
        // Unspecified depression beside a depressive episode coded as single or recurrent is that episode.
        let episodes = candidates.filter { ["F32", "F33"].contains($0.code.category) }.map(\.code.compactCode)
        if episodes.contains(where: { !Self.unspecifiedDepression.contains($0) }) {
            candidates.removeAll { Self.unspecifiedDepression.contains($0.code.compactCode) }
        }
        withoutIntegralSymptoms(&candidates)
        // An endocrine gland's failure that an operation or an ablation caused (`postsurgical hypoparathyroidism`,
        // `hypothyroidism after radioactive iodine`) is the postprocedural endocrine code (E89).
        for (prefix, code) in Self.postproceduralEndocrine {
            guard let index = first([prefix]),
                candidates[index].evidence.contains(where: { Self.saysAfterProcedure($0.statement) })
            else { continue }
            replace(index, with: code, reason: "the gland's failure follows a procedure (postprocedural, E89)")
        }
        // A postpartum visit is neither a general examination nor the supervision of a pregnancy.
        if first(["Z39"]) != nil {
            candidates.removeAll { ["Z00", "Z34"].contains($0.code.category) }
        }
        // Only complete codes are reported.
        candidates.removeAll { !$0.code.isBillable }
        // Excludes1: never reported together when they describe the same problem (one statement); the
        // earlier-listed code stays. Problems listed apart are unrelated (guideline I.A.12.a's exception).
        var kept: [Candidate] = []
        for candidate in candidates.sorted(by: { $0.order < $1.order }) {
            if kept.contains(where: { other in
                (other.statement == candidate.statement || other.statement < 0 || candidate.statement < 0)
                    && (other.code.excludes1(candidate.code) || candidate.code.excludes1(other.code))
            }) {
                continue
            }
            kept.append(candidate)
        }
        // Across statements, a code whose title says `unspecified` beside a specified one that an Excludes1 note
        // forbids with it names the same problem less precisely (`Allergy, unspecified` beside `Allergic contact
        // dermatitis due to plants`, `Acute pharyngitis, unspecified` beside influenza with pharyngitis): unrelated
        // problems (I.A.12.a's exception) are each named as precisely as the visit says them, so the specified stays.
        // A sign or symptom is never the one kept (`Wheezing` beside `Unspecified asthma with exacerbation`).
        let listed = kept
        kept.removeAll { candidate in
            guard candidate.code.title.lowercased().contains("unspecified") else { return false }
            return listed.contains { other in
                other.code != candidate.code && !other.code.title.lowercased().contains("unspecified")
                    && !other.traits.contains(.symptom) && !other.code.compactCode.hasPrefix("R")
                    && (other.code.excludes1(candidate.code) || candidate.code.excludes1(other.code))
            }
        }
        return kept
    }

    /// Endocrine failures by the code prefix, and their postprocedural codes.
    static let postproceduralEndocrine: [(prefix: String, code: String)] = [
        ("E038", "E89.0"), ("E039", "E89.0"), ("E20", "E89.2"), ("E230", "E89.3"),
        ("E274", "E89.6"), ("E283", "E89.40"), ("E291", "E89.5"),
    ]
    /// Words that name a procedure a gland's failure may follow.
    static let procedureWords: Set<String> = [
        "surgery", "operation", "thyroidectomy", "parathyroidectomy", "hypophysectomy", "adrenalectomy",
        "oophorectomy", "orchiectomy", "ablation", "iodine", "radioiodine", "rai", "radiation", "irradiation",
        "resection",
    ]
    /// Single words that say a state follows a procedure.
    static let postproceduralWords: Set<String> = [
        "postsurgical", "postablative", "postprocedural", "postoperative", "postirradiation", "postradiation",
    ]

    /// Whether a statement says a condition follows a procedure: `postsurgical`, `post-ablative`, or `after` /
    /// `following` / `s/p` with a procedure within three words (`after total thyroidectomy`).
    static func saysAfterProcedure(_ text: String) -> Bool {
        for words in clauses(of: text) {
            for (position, word) in words.enumerated() {
                if postproceduralWords.contains(word) { return true }
                let next = words[(position + 1)...].prefix(3)
                if word == "post", let following = next.first,
                    ["surgical", "ablative", "procedural", "operative", "ablation"].contains(following)
                        || procedureWords.contains(following)
                {
                    return true
                }
                if ["after", "following", "s/p"].contains(word), next.contains(where: procedureWords.contains) {
                    return true
                }
            }
        }
        return false
    }

    /// Depression coded with neither episode nor severity (F32.A, F32.9).
    static let unspecifiedDepression: Set<String> = ["F32A", "F329"]

    /// Whether a code's title names a side.
    static func sided(_ code: ICD10Code) -> Bool {
        let title = code.title.lowercased()
        return title.contains("right") || title.contains("left") || title.contains("bilateral")
    }

    func append(_ code: String, to candidates: inout [Candidate], reason: String) {
        guard let found = codeSet.code(code), found.isBillable, !candidates.contains(where: { $0.code == found }) else {
            return
        }
        candidates.append(
            Candidate(code: found, confidence: 0.7, reason: reason, evidence: [], order: Int.max / 2, traits: [.status])
        )
    }

    static let insulins: Set<String> = [
        "insulin", "lantus", "humalog", "novolog", "levemir", "tresiba", "basaglar", "glargine", "lispro", "aspart",
        "detemir", "degludec", "toujeo", "humulin", "novolin",
    ]
    static let oralDiabetesDrugs: Set<String> = [
        "metformin", "glipizide", "glyburide", "glimepiride", "sitagliptin", "januvia", "jardiance", "empagliflozin",
        "dapagliflozin", "farxiga", "pioglitazone", "linagliptin", "tradjenta", "canagliflozin", "invokana",
        "glucophage",
    ]
    static let injectableDiabetesDrugs: Set<String> = [
        "semaglutide", "ozempic", "dulaglutide", "trulicity", "liraglutide", "victoza", "tirzepatide", "mounjaro",
        "exenatide", "byetta", "bydureon", "pramlintide",
    ]
    /// Words that say a preventive examination found nothing abnormal.
    static let statedWithoutFindings = ["without abnormal findings", "no abnormal findings"]

    /// Words that state type 2 diabetes.
    static let typeTwoWords = ["type 2", "type ii", "type two", "t2dm", "dm2", "dm 2", "niddm"]

    static let stopCues = phrases(
        "stop", "stopped", "discontinue", "discontinued", "off", "held", "hold", "completed", "finished")

    /// Words that deny the stop that follows them (`don't stop that`, `do not discontinue`, `never stop`).
    static let stopDenials: Set<String> = ["don't", "dont", "not", "never", "doesn't", "won't", "shouldn't"]

    /// Whether a clause says a drug is stopped, finished or held: a stop word not denied by the word before it
    /// (`keep giving the fluticasone , don't stop that` keeps it).
    static func saysStopped(_ words: [String]) -> Bool {
        for (position, word) in words.enumerated() where stopCues.starts(with: word) {
            if position > 0, stopDenials.contains(words[position - 1]) { continue }
            return true
        }
        return false
    }

    /// Combination codes that include chronic kidney disease and ask for its stage as an additional code (N18.-).
    static let kidneyCombinations = ["E1122", "E1022", "E0822", "E1322", "I12", "I13"]

    /// The N18 code for the stage a text gives (`stage 3b`, `CKD 4`), N18.9 when it gives none.
    static func kidneyStage(in text: String) -> String {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        let stages = [
            "1": "N18.1", "2": "N18.2", "3": "N18.30", "3a": "N18.31", "3b": "N18.32", "4": "N18.4", "5": "N18.5",
            "i": "N18.1", "ii": "N18.2", "iii": "N18.30", "iv": "N18.4", "v": "N18.5",
        ]
        for (index, word) in words.enumerated() where (word == "stage" || word == "ckd") && index + 1 < words.count {
            if let code = stages[words[index + 1]] { return code }
        }
        if words.contains("esrd") || text.lowercased().contains("end stage") { return "N18.6" }
        return "N18.9"
    }

    /// The BMI code (Z68) for a `BMI 31.4` or a BMI percentile said in the assessment.
    static func bodyMassIndexCode(_ clauses: [[String]]) -> (code: String, value: String)? {
        for (clause, words) in clauses.enumerated() {
            guard let position = words.firstIndex(of: "bmi") else { continue }
            // A child's index by its percentile for age, said after it in its clause or in the next (`his height is at
            // the 60th percentile , and his bmi is 24 , which is at the 97th percentile for his age`).
            let after = [Array(words[(position + 1)...])] + clauses[(clause + 1)..<min(clauses.count, clause + 2)]
            for near in after {
                guard let at = near.firstIndex(of: "percentile"), at > 0, let percentile = ordinal(near[at - 1])
                else { continue }
                let code =
                    percentile < 5 ? "Z68.51" : percentile < 85 ? "Z68.52" : percentile < 95 ? "Z68.53" : "Z68.54"
                return (code, "\(percentile)th percentile")
            }
            let following = words[(position + 1)..<min(words.count, position + 4)]
            guard
                let number = following.lazy.compactMap({ Double(String($0.prefix { $0.isNumber || $0 == "." })) }).first
                    ?? Self.spokenValue(after: position, in: words)
            else { continue }
            if words.contains("percentile") || words.contains("pediatric") {
                let code = number < 5 ? "Z68.51" : number < 85 ? "Z68.52" : number < 95 ? "Z68.53" : "Z68.54"
                return (code, "\(Int(number))th percentile")
            }
            let value = number
            let code: String
            switch value {
            case ..<20: code = "Z68.1"
            case ..<40: code = "Z68.\(Int(value))"
            case ..<45: code = "Z68.41"
            case ..<50: code = "Z68.42"
            case ..<60: code = "Z68.43"
            case ..<70: code = "Z68.44"
            default: code = "Z68.45"
            }
            return (code, String(value))
        }
        return nil
    }

    /// A value said in words within the three words after `position` (`a bmi of thirty-six`, `your bmi is thirty
    /// two point four`): tens, then a unit, then `point` and one digit; nil when none is said.
    static func spokenValue(after position: Int, in words: [String]) -> Double? {
        let tens = ["twenty": 20.0, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70]
        guard
            var index = words.indices.dropFirst(position + 1).prefix(3).first(where: {
                tens[words[$0]] != nil || (SpokenNumber.units[words[$0]] ?? 0) >= 10
            })
        else { return nil }
        var value = tens[words[index]] ?? Double(SpokenNumber.units[words[index]] ?? 0)
        index += 1
        if value >= 20, index < words.count, let unit = SpokenNumber.units[words[index]], unit > 0, unit < 10 {
            value += Double(unit)
            index += 1
        }
        if index + 1 < words.count, words[index] == "point", let tenth = SpokenNumber.units[words[index + 1]],
            tenth < 10
        {
            value += Double(tenth) / 10
        }
        return value
    }

    /// The number of an ordinal written in digits (`97th`, `3rd`, `51st`), 0 to 100.
    static func ordinal(_ word: String) -> Int? {
        let digits = word.prefix { $0.isNumber }
        guard !digits.isEmpty, ["th", "st", "nd", "rd"].contains(String(word.dropFirst(digits.count))),
            let number = Int(digits), number <= 100
        else { return nil }
        return number
    }

    static let anticoagulants: Set<String> = [
        "warfarin", "coumadin", "apixaban", "eliquis", "rivaroxaban", "xarelto", "dabigatran", "pradaxa", "edoxaban",
        "enoxaparin", "lovenox",
    ]

    /// Ranks codes: the main reason for the visit first (the condition the chief complaint names, otherwise the
    /// first one assessed), then conditions in the order assessed, then status and history codes.
    func ranked(_ candidates: [Candidate], note: Note, memo: MentionMemo) -> [DiagnosisCode] {
        let complaint = note.statements.first { $0.section == .subjective }
        var chiefCodes = Set<String>()
        // A complaint named vaguely (`depression`, `anxiety`: unspecified codes) covers the conditions of its section
        // (recurrent major depression, generalized anxiety disorder).
        var chiefSections = Set<String>()
        var chiefExplained: [String] = []
        if let complaint {
            for words in Self.clauses(of: complaint.text) {
                for mention in memo.mentions(in: words) where !mention.negated {
                    chiefCodes.insert(mention.target.code.category)
                    // A complaint that is a symptom of a coded diagnosis (`two days of fever` with influenza) makes
                    // that diagnosis the visit's reason.
                    let symptom = mention.target.code.compactCode
                    for entry in Self.integralSymptoms where symptom.hasPrefix(entry.symptom) {
                        chiefExplained.append(contentsOf: entry.diagnoses)
                    }
                    if Self.isUnspecified(mention.target.code), !mention.target.traits.contains(.symptom),
                        !mention.target.code.compactCode.hasPrefix("R")
                    {
                        chiefSections.insert(mention.target.code.section.range)
                    }
                }
            }
        }
        func chief(_ code: ICD10Code) -> Bool {
            chiefCodes.contains(code.category) || chiefSections.contains(code.section.range)
                || chiefExplained.contains { code.compactCode.hasPrefix($0) }
        }
        // The encounter's reason is listed first when the visit is for it: a preventive or gynecological examination,
        // postpartum or prenatal care, a follow-up after completed treatment, aftercare, contraception management
        // (guideline IV). An examination, then routine postpartum care, say what the whole visit is and come before
        // the others (contraception managed in the postpartum visit: Z39.2, then Z30); the rest keep their order.
        let encounterPrefixes = [
            ("Z00", -3), ("Z01", -3), ("Z39", -2), ("Z34", -1), ("Z08", -1), ("Z09", -1), ("Z47", -1), ("Z30", -1),
        ]
        func encounterRank(_ compact: String) -> Int? { encounterPrefixes.first { compact.hasPrefix($0.0) }?.1 }
        let encounterFirst = candidates.contains {
            encounterRank($0.code.compactCode) != nil
                || $0.reasonForVisit && Self.screeningCategories.contains($0.code.category)
        }
        let sorted = candidates.enumerated().sorted { lhs, rhs in
            func key(_ candidate: Candidate) -> Int {
                let compact = candidate.code.compactCode
                if encounterFirst, let rank = encounterRank(compact) { return rank }
                // A screening that is the visit's reason stays first though the examination found something
                // (guideline I.C.21.c.5: the finding is an additional code).
                if candidate.reasonForVisit, Self.screeningCategories.contains(candidate.code.category) { return -1 }
                if chief(candidate.code) && !candidate.traits.contains(.status) { return 1 }
                if candidate.traits.contains(.status) || compact.hasPrefix("Z") { return 3 }
                return 2
            }
            let left = key(lhs.element), right = key(rhs.element)
            if left != right { return left < right }
            if lhs.element.order != rhs.element.order { return lhs.element.order < rhs.element.order }
            return lhs.offset < rhs.offset
        }
        // A hypertensive heart or kidney disease code is sequenced before the heart failure and CKD codes it
        // pairs with (I.C.9.a), as a diabetes combination code before its CKD stage.
        var ordered = sorted.map(\.element)
        for leader in ["I11", "I12", "I13", "E11.2", "E10.2"] {
            guard let position = ordered.firstIndex(where: { $0.code.code.hasPrefix(leader) }),
                let firstPaired = ordered.firstIndex(where: { ["I50", "N18"].contains($0.code.category) }),
                firstPaired < position
            else { continue }
            let moved = ordered.remove(at: position)
            ordered.insert(moved, at: firstPaired)
        }
        Self.sequenceByNotes(&ordered)
        return ordered.enumerated().map { rank, element in
            DiagnosisCode(
                code: element.code.code, description: element.code.title, confidence: element.confidence,
                rank: rank + 1, reason: element.reason, evidence: element.evidence, traits: element.traits,
                uncertainCause: element.reason.contains("uncertain"))
        }
    }
}

extension DiagnosisCoder {
    /// Puts each pair of codes in the order the tabular list's instructional notes give them (guideline I.A.13 and
    /// I.B.7): a code whose note says `code first` another reported code comes after it (`I1A.0`: code first the
    /// type of hypertension, `I10`), and a code whose note says `use additional code` for another comes before
    /// it (`E11.64-`: use additional code for the hypoglycemia level, `E16.A-`; `J44`: for the tobacco
    /// dependence). A pair whose notes point both ways keeps its order.
    static func sequenceByNotes(_ ordered: inout [Candidate]) {
        guard ordered.count > 1 else { return }
        let codeFirst = ordered.map { instructions(of: $0.code, .codeFirst) }
        let additional = ordered.map { instructions(of: $0.code, .useAdditionalCode) }
        func precedes(_ first: Int, _ second: Int) -> Bool {
            codeFirst[second].contains { $0.covers(ordered[first].code.compactCode) }
                || additional[first].contains { $0.covers(ordered[second].code.compactCode) }
        }
        var positions = Array(ordered.indices)
        // Each pass moves one code up before the first code it must precede; a cycle of notes stops after a bound.
        for _ in 0..<(ordered.count * ordered.count) {
            var moved = false
            search: for earlier in positions.indices {
                for later in positions.indices where later > earlier {
                    let (first, second) = (positions[later], positions[earlier])
                    if precedes(first, second) && !precedes(second, first) {
                        positions.insert(positions.remove(at: later), at: earlier)
                        moved = true
                        break search
                    }
                }
            }
            if !moved { break }
        }
        ordered = positions.map { ordered[$0] }
    }

    /// The references of the notes of one kind that apply to a code: its own, those of the codes above it, its
    /// section's and its chapter's (chapter 10's `use additional code` for tobacco dependence).
    static func instructions(of code: ICD10Code, _ kind: ICD10Note.Kind) -> [ICD10Reference] {
        code.applicableNotes.filter { $0.note.kind == kind }.flatMap(\.note.references)
    }

    /// The words of a code's title that say something (not `unspecified`, `with`, `of`, ...).
    static func titleWords(_ code: ICD10Code) -> Set<String> {
        let filler: Set<String> = [
            "unspecified", "with", "without", "of", "and", "the", "or", "in", "due", "to", "other",
        ]
        var words = Set<String>()
        for word in code.title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            let word = String(word)
            if !filler.contains(word) { words.insert(word) }
        }
        return words
    }
}
