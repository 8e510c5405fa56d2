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
}
