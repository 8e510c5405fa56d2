import Terminology

extension DiagnosisCoder {
    /// Applies the classification's combination conventions and removes what may not be reported together.
    func combined(_ input: [Candidate], medications: [String]) -> [Candidate] {
        // One entry per code, its evidence merged.
        var candidates: [Candidate] = []
        for candidate in input {
            if let index = candidates.firstIndex(where: { $0.code == candidate.code }) {
                for item in candidate.evidence where !candidates[index].evidence.contains(item) {
                    candidates[index].evidence.append(item)
                }
                candidates[index].confidence = max(candidates[index].confidence, candidate.confidence)
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
        // Hypertension with chronic kidney disease or heart failure: the guidelines presume the link (I.C.9.a).
        if let hypertension = first(["I10"]) {
            let kidney = first(["N18"])
            let heart = first(["I50"])
            let endStage = kidney.map { ["N185", "N186"].contains(candidates[$0].code.compactCode) } ?? false
            if kidney != nil && heart != nil {
                replace(hypertension, with: endStage ? "I13.2" : "I13.0", reason: "hypertension with heart failure and chronic kidney disease (I13)")
            } else if kidney != nil {
                replace(hypertension, with: endStage ? "I12.0" : "I12.9", reason: "hypertension with chronic kidney disease is coded as hypertensive CKD (I12)")
            } else if heart != nil {
                replace(hypertension, with: "I11.0", reason: "hypertension with heart failure is coded as hypertensive heart disease (I11.0)")
            }
        }
        // Diabetes `with` a complication named elsewhere in the note: the index links them (I.A.15).
        for (family, prefix) in [("E11", "E11"), ("E10", "E10")] {
            guard let plain = candidates.firstIndex(where: { $0.code.compactCode == prefix + "9" }) else { continue }
            if first(["N18"]) != nil {
                replace(plain, with: family + ".22", reason: "diabetes with chronic kidney disease (\(family).22; the N18 code gives the stage)")
            } else if let neuropathy = first(["G629", "G609", "G6289"]) {
                replace(plain, with: family + ".40", reason: "diabetes with neuropathy (\(family).40)")
                if let index = first(["G629", "G609", "G6289"]), index == neuropathy { candidates.remove(at: index) }
            }
        }
        // Long-term drug use that the diabetes and anticoagulation codes ask for (use additional code).
        let drugs = Set(medications.map { $0.lowercased() })
        if first(["E10", "E11", "E13"]) != nil {
            if drugs.contains(where: { Self.insulins.contains($0) }) {
                append("Z79.4", to: &candidates, reason: "use additional code: long-term insulin use (insulin in the medication list)")
            } else if drugs.contains(where: { Self.oralDiabetesDrugs.contains($0) }), first(["E11"]) != nil {
                append("Z79.84", to: &candidates, reason: "use additional code: long-term oral hypoglycemic use")
            }
        }
        if drugs.contains(where: { Self.anticoagulants.contains($0) }) {
            append("Z79.01", to: &candidates, reason: "long-term anticoagulant use (in the medication list)")
        }
        // A code that says `unspecified` or `without complications` gives way to a more specific one of the
        // same category.
        let all = candidates
        candidates.removeAll { candidate in
            let title = candidate.code.title.lowercased()
            guard title.contains("without complications") || title.hasSuffix(", unspecified") || title.hasPrefix("unspecified")
            else { return false }
            return all.contains { other in
                other.code != candidate.code && other.code.category == candidate.code.category
                    && !other.code.title.lowercased().hasSuffix(", unspecified")
            }
        }
        // Excludes1: never reported together; the earlier-listed code stays.
        var kept: [Candidate] = []
        for candidate in candidates.sorted(by: { $0.order < $1.order }) {
            if kept.contains(where: { $0.code.excludes1(candidate.code) || candidate.code.excludes1($0.code) }) { continue }
            kept.append(candidate)
        }
        return kept
    }

    func append(_ code: String, to candidates: inout [Candidate], reason: String) {
        guard let found = codeSet.code(code), !candidates.contains(where: { $0.code == found }) else { return }
        candidates.append(
            Candidate(code: found, confidence: 0.7, reason: reason, evidence: [], order: Int.max / 2, traits: [.status]))
    }

    static let insulins: Set<String> = [
        "insulin", "lantus", "humalog", "novolog", "levemir", "tresiba", "basaglar", "glargine", "lispro", "aspart",
        "detemir", "degludec", "toujeo", "humulin", "novolin",
    ]
    static let oralDiabetesDrugs: Set<String> = [
        "metformin", "glipizide", "glyburide", "glimepiride", "sitagliptin", "januvia", "jardiance", "empagliflozin",
        "dapagliflozin", "farxiga", "pioglitazone", "linagliptin", "tradjenta", "canagliflozin", "invokana", "glucophage",
    ]
    static let anticoagulants: Set<String> = [
        "warfarin", "coumadin", "apixaban", "eliquis", "rivaroxaban", "xarelto", "dabigatran", "pradaxa", "edoxaban",
        "enoxaparin", "lovenox",
    ]

    /// Ranks codes: the main reason for the visit first (the condition the chief complaint names, otherwise the
    /// first one assessed), then conditions in the order assessed, then status and history codes.
    func ranked(_ candidates: [Candidate], note: Note) -> [DiagnosisCode] {
        let complaint = note.statements.first { $0.section == .subjective }
        var chiefCodes = Set<String>()
        if let complaint {
            for words in Self.clauses(of: complaint.text) {
                for mention in mentions(in: words) where !mention.negated {
                    chiefCodes.insert(mention.target.code.category)
                }
            }
        }
        let encounterFirst = candidates.contains { $0.code.compactCode.hasPrefix("Z00") || $0.code.compactCode.hasPrefix("Z34") }
        let sorted = candidates.enumerated().sorted { lhs, rhs in
            func key(_ candidate: Candidate) -> Int {
                let compact = candidate.code.compactCode
                if encounterFirst && (compact.hasPrefix("Z00") || compact.hasPrefix("Z34")) { return 0 }
                if chiefCodes.contains(candidate.code.category) && !candidate.traits.contains(.status) { return 1 }
                if candidate.traits.contains(.status) || compact.hasPrefix("Z") { return 3 }
                return 2
            }
            let left = key(lhs.element), right = key(rhs.element)
            if left != right { return left < right }
            if lhs.element.order != rhs.element.order { return lhs.element.order < rhs.element.order }
            return lhs.offset < rhs.offset
        }
        return sorted.enumerated().map { rank, entry in
            DiagnosisCode(
                code: entry.element.code.code, description: entry.element.code.title,
                confidence: entry.element.confidence, rank: rank + 1, reason: entry.element.reason,
                evidence: entry.element.evidence, traits: entry.element.traits,
                uncertainCause: entry.element.reason.contains("uncertain"))
        }
    }
}
