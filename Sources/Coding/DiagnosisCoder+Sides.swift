import Scribe
import Terminology

/// The side of a paired organ that the visit gives a condition coded without one. A dialogue names the side where
/// it examines (`the left eardrum is red and bulging`) rather than where it names the diagnosis (`so it's an ear
/// infection`); a code whose title says `unspecified ear` takes the sibling for the one side the visit's sentences
/// give that organ (ICD-10-CM laterality, guideline I.B.13).
extension DiagnosisCoder {
    /// The site as the titles name it (`unspecified ear`), and the words a visit names it with.
    static let sidedSites: [(site: String, words: Set<String>)] = [
        ("ear", ["ear", "ears", "eardrum", "eardrums", "tympanic", "canal", "canals"]),
        ("eye", ["eye", "eyes", "eyelid", "eyelids"]),
        ("knee", ["knee", "knees"]),
        ("hip", ["hip", "hips"]),
        ("shoulder", ["shoulder", "shoulders"]),
        ("ankle", ["ankle", "ankles"]),
        ("wrist", ["wrist", "wrists"]),
        ("elbow", ["elbow", "elbows"]),
        ("foot", ["foot", "feet"]),
        ("hand", ["hand", "hands"]),
    ]
    /// Words that make a clause about the organ a normal finding (`the right ear looks normal`), which names no
    /// side of the condition.
    static let normalFindingWords: Set<String> = [
        "normal", "clear", "fine", "healthy", "intact", "unremarkable", "good", "great", "pearly", "okay",
    ]

    /// Replaces each candidate whose title ends in `unspecified <site>` with its `right` or `left` sibling when the
    /// visit's clauses that name the site give exactly one side, and none of them is a normal finding's.
    func withSideFromVisit(_ candidates: inout [Candidate], visit: [VisitSentence]) {
        for index in candidates.indices {
            let title = candidates[index].code.title.lowercased()
            guard let (site, siteWords) = Self.sidedSites.first(where: { title.hasSuffix("unspecified " + $0.site) }),
                let parent = candidates[index].code.parent
            else { continue }
            var sides: Set<String> = []
            for sentence in visit {
                for words in sentence.clauses where words.contains(where: siteWords.contains) {
                    guard !words.contains(where: Self.normalFindingWords.contains) else { continue }
                    if words.contains("right") { sides.insert("right") }
                    if words.contains("left") { sides.insert("left") }
                    // `both ears`, `both sides`; not `makes ear infections and asthma both worse`.
                    let both = words.indices.dropLast().contains { position in
                        let next = words[position + 1]
                        return words[position] == "both"
                            && (siteWords.contains(next) || next == "side" || next == "sides")
                    }
                    if both || words.contains("bilateral") { sides.insert("both") }
                }
            }
            guard sides.count == 1, let side = sides.first, side != "both" else { continue }
            let wanted = String(title.dropLast(("unspecified " + site).count)) + side + " " + site
            guard let sibling = parent.children.first(where: { $0.title.lowercased() == wanted }),
                !candidates.contains(where: { $0.code == sibling })
            else { continue }
            candidates[index].code = sibling
            candidates[index].reason += "; the side the visit gives the \(site) (\(sibling.code))"
        }
    }

    /// Categories with more billable codes than this (injuries by encounter) are not searched for a kind.
    static let siblingLimit = 120

    /// Replaces each candidate coded `unspecified` with the specified code of its category that the visit's own
    /// words give the same condition elsewhere (`here for follow-up of her paroxysmal atrial fibrillation` in the
    /// opening, `your atrial fibrillation` in the assessment: I48.0), when the visit gives exactly one; a relative's,
    /// a denied, doubted, past or planned mention gives none.
    func withSpecificityFromVisit(_ candidates: inout [Candidate], visit: [VisitSentence]) {
        // A title that is the unspecified kind (`Unspecified atrial fibrillation`, `Otitis media, unspecified`), not
        // one that names an unspecified part among specified ones (I12.9: `... or unspecified chronic kidney disease`).
        func unspecifiedKind(_ code: ICD10Code) -> Bool {
            let title = code.title.lowercased()
            return title.hasPrefix("unspecified") || title.hasSuffix("unspecified") || title.contains(", unspecified")
        }
        let unspecified = candidates.indices.filter {
            unspecifiedKind(candidates[$0].code) && !candidates[$0].code.compactCode.hasPrefix("Z")
                && !candidates[$0].traits.contains(.symptom) && !candidates[$0].code.compactCode.hasPrefix("R")
        }
        guard !unspecified.isEmpty else { return }
        let categories = Set(unspecified.map { candidates[$0].code.category })
        // Only clauses with a word a sibling's title has and the unspecified title lacks (`paroxysmal`, `mild`) can
        // say more; the others are not searched (the search is the pass's cost).
        var siblingWords = Set<String>()
        for index in unspecified {
            guard let category = codeSet.code(candidates[index].code.category) else { continue }
            let siblings = category.billableDescendants
            guard siblings.count <= Self.siblingLimit else { continue }
            let own = Self.titleWords(candidates[index].code)
            for sibling in siblings { siblingWords.formUnion(Self.titleWords(sibling).subtracting(own)) }
        }
        siblingWords.subtract(["other", "specified", "unspecified"])
        guard !siblingWords.isEmpty else { return }
        var said: [String: Set<String>] = [:]
        for sentence in visit {
            for words in sentence.clauses where words.contains(where: siblingWords.contains) {
                let found = mentions(in: words, keeping: { categories.contains($0.code.category) })
                for mention in found
                where categories.contains(mention.target.code.category) && !mention.negated && !mention.uncertain
                    && !mention.hypothetical && !mention.family && !mention.historical && !mention.resolved
                {
                    let context = context(of: words, excluding: mention.words)
                    for (code, _) in chooseAll(within: mention.target.code, context: context)
                    where Self.isSpecified(code) {
                        said[code.category, default: []].insert(code.code)
                    }
                }
            }
        }
        for index in unspecified {
            guard let codes = said[candidates[index].code.category], codes.count == 1, let only = codes.first,
                let specific = codeSet.code(only), !candidates.contains(where: { $0.code == specific })
            else { continue }
            candidates[index].reason += "; as the visit names it elsewhere (\(specific.code))"
            candidates[index].code = specific
        }
    }
}
