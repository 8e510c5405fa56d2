import Terminology

/// A chronic condition said to be flaring now takes its `with (acute) exacerbation` code, also where the words that
/// say so stand apart from the condition's name in its statement.
extension DiagnosisCoder {
    /// Words that say a chronic condition is flaring.
    static let flareWords: Set<String> = ["exacerbation", "exacerbations", "flare", "flaring", "exacerbated", "flared"]

    /// Replaces a code without an exacerbation (`Chronic obstructive pulmonary disease, unspecified`, `Moderate
    /// persistent asthma, uncomplicated`) by its `with (acute) exacerbation` sibling when the statements it was
    /// read from say the condition is flaring now (`he has COPD, and he is having an acute exacerbation`), not
    /// denied (`no exacerbations this year`).
    func withExacerbation(_ candidates: inout [Candidate]) {
        for index in candidates.indices {
            let code = candidates[index].code
            let title = code.title.lowercased()
            guard !title.contains("exacerbation"), let parent = code.parent,
                let sibling = parent.children.first(where: {
                    $0.isBillable && $0.title.lowercased().hasSuffix("with (acute) exacerbation")
                }),
                !candidates.contains(where: { $0.code == sibling })
            else { continue }
            let flaring = candidates[index].evidence.contains { evidence in
                Self.clauses(of: evidence.statement).contains { words in
                    words.indices.contains { position in
                        Self.flareWords.contains(words[position])
                            && !words[max(0, position - 4)..<position].contains(where: {
                                Self.negators.contains($0) || ["any", "prior", "past", "previous", "last"].contains($0)
                            })
                    }
                }
            }
            guard flaring else { continue }
            candidates[index].code = sibling
            candidates[index].reason += "; flaring now: \(sibling.code)"
        }
    }
}
