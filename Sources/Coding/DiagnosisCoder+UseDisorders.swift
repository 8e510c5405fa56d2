import Terminology

/// A substance use disorder coded by the severity the DSM-5 diagnosis states and by remission, as ICD-10-CM's index
/// codes it (Use, disorder, mild → abuse; moderate or severe → dependence): `alcohol use disorder, mild, in early
/// remission` is F10.11, `severe opioid use disorder` F11.20, `cannabis use disorder, moderate, in sustained remission`
/// F12.21. Only the uncomplicated codes (F1x.10, F1x.20) change; a code with a stated complication keeps its own.
extension DiagnosisCoder {
    /// The substance categories with abuse (.1-) and dependence (.2-) subcategories.
    static let substanceCategories: Set<String> = [
        "F10", "F11", "F12", "F13", "F14", "F15", "F16", "F18", "F19",
    ]

    func withUseDisorderSeverity(_ candidates: inout [Candidate]) {
        var decided: Set<String> = []
        for index in candidates.indices {
            let code = candidates[index].code.code
            let category = candidates[index].code.category
            guard Self.substanceCategories.contains(category), !decided.contains(category),
                Self.isUncomplicatedUse(code)
            else { continue }
            decided.insert(category)
            // Every uncomplicated code of the substance names the same disorder (a heading, the sentence under it):
            // what any of their clauses says of severity and remission holds for it.
            let same = candidates.indices.filter { other in
                candidates[other].code.category == category && Self.isUncomplicatedUse(candidates[other].code.code)
            }
            // Named more specifically elsewhere (`alcohol use disorder, mild, in early remission` is in the index as
            // F10.11): that code is the disorder's, and abuse and dependence are never reported together.
            if candidates.contains(where: { $0.code.category == category && !Self.isUncomplicatedUse($0.code.code) }) {
                for other in same { candidates[other].absorbedBySpecific = true }
                continue
            }
            let clauses = same.flatMap { candidates[$0].evidence }.flatMap { Self.clauses(of: $0.statement) }
                .filter { words in
                    words.contains("disorder") || words.contains("abuse") || words.contains("dependence")
                }
            guard !clauses.isEmpty else { continue }
            let said = Set(clauses.joined())
            var subcategory = code.hasSuffix(".10") ? "1" : "2"
            if said.contains("mild") {
                subcategory = "1"
            } else if said.contains("moderate") || said.contains("severe") {
                subcategory = "2"
            }
            // `in remission`, `in early (sustained, full, partial) remission`; not `not in remission`.
            let remitted = clauses.contains { words in
                words.indices.contains { position in
                    guard words[position] == "remission",
                        let opening = words[max(0, position - 2)..<position].lastIndex(of: "in")
                    else { return false }
                    return !(opening > 0 && ["not", "no"].contains(words[opening - 1]))
                }
            }
            let target = category + "." + subcategory + (remitted ? "1" : "0")
            guard let found = codeSet.code(target), found.isBillable else { continue }
            for other in same where candidates[other].code != found {
                candidates[other].code = found
                candidates[other].reason += "; severity and remission as stated: \(target)"
            }
        }
        // The same disorder read from several statements is one code.
        var seen: Set<String> = []
        candidates.removeAll { candidate in
            guard Self.substanceCategories.contains(candidate.code.category) else { return false }
            return candidate.absorbedBySpecific || !seen.insert(candidate.code.code).inserted
        }
    }

    /// Whether a substance code is the uncomplicated abuse or dependence code (F1x.10, F1x.20).
    static func isUncomplicatedUse(_ code: String) -> Bool { code.hasSuffix(".10") || code.hasSuffix(".20") }
}
