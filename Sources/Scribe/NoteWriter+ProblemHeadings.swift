import Terminology

/// The heading a problem gets in a problem-oriented assessment and plan: its name with the words said just before
/// it in its most specific mention (`a proximal humerus fracture` → `Proximal humerus fracture`, `your right knee
/// pain` → `Right knee pain`), the same heading for every mention of the problem. A modifier is a word of the
/// diagnosis vocabulary (ICD-10-CM's titles and index terms), so talk before a problem (`suddenly go into`) is not.
extension NoteWriter {
    /// Words that end the modifiers read back from a problem: determiners, pronouns, prepositions, conjunctions,
    /// verbs and adverbs of speech, which say nothing of the problem.
    static let notModifiers: Set<String> = [
        "a", "an", "the", "some", "any", "this", "that", "these", "those", "your", "his", "her", "my", "their", "our",
        "its", "of", "with", "for", "to", "in", "on", "at", "by", "from", "about", "and", "or", "but", "so", "as", "if",
        "i", "you", "he", "she", "we", "they", "it", "is", "was", "are", "were", "be", "been", "have", "has", "had",
        "do", "does", "did", "get", "got", "see", "saw", "seen", "think", "know", "looks", "look", "like", "feel",
        "feels", "appreciate", "notice", "noticed", "find", "found", "shows", "showed", "show", "called", "call",
        "what", "which", "who", "there", "here", "not", "no", "also", "just", "really", "very", "still", "definitely",
        "probably", "little", "bit", "kind", "sort", "lot", "more", "less", "much", "other", "another", "due",
        "consistent", "likely", "most", "possible", "potential", "probable", "suspected", "history", "having",
        "developed", "diagnosed", "concerned", "worried", "treat", "treating", "manage", "managing", "said", "says",
        "new", "now", "today", "then", "well", "okay", "um", "uh", "because", "when", "where", "between", "into",
        "under", "over", "cause", "causes", "caused", "causing", "developing", "develop", "fight", "prevent", "light",
    ]
    /// At most this many words said before a problem name its kind, site and side.
    static let maximumModifiers = 3

    /// The heading of each problem named in the mentions, by the problem's name.
    static func problemHeadings(
        _ mentions: [(range: Range<Int>, name: String)], transcript: Transcript, tokens: [[Token]]
    ) -> [String: String] {
        var modifiers: [String: [String]] = [:]
        for mention in mentions {
            guard let sentence = transcript.sentenceIndex(at: mention.range.lowerBound), sentence < tokens.count,
                let at = tokens[sentence].firstIndex(where: { $0.range.lowerBound == mention.range.lowerBound })
            else { continue }
            let nameWords = Set(mention.name.split(separator: " ").map(String.init))
            var said: [String] = []
            var index = at - 1
            while index >= 0, said.count < maximumModifiers {
                let token = tokens[sentence][index]
                guard token.kind == .word, !notModifiers.contains(token.text), !nameWords.contains(token.text) else {
                    break
                }
                // A word the diagnosis vocabulary does not know may still be part of the name (`nonsmile cell lung
                // cancer`, speech recognition's `non-small`): no modifiers then, rather than a name cut in two.
                guard DiagnosisIndex.sharedVocabulary.contains(token.text) else {
                    said = []
                    break
                }
                said.insert(token.text, at: 0)
                index -= 1
            }
            // A later mention that names the other side (`it's not the right knee, it's the left knee`; the
            // assessment's `your left knee pain`) corrects the earlier one.
            let earlier = modifiers[mention.name, default: []]
            let sides: Set<String> = ["right", "left"]
            let corrects =
                said.count == earlier.count && said.contains(where: sides.contains)
                && earlier.contains(where: sides.contains)
                && said.first(where: sides.contains) != earlier.first(where: sides.contains)
            if said.count > earlier.count || corrects { modifiers[mention.name] = said }
        }
        return modifiers.compactMapValues { said in said.isEmpty ? nil : said }.reduce(into: [:]) { headings, entry in
            headings[entry.key] = Phrasing.capitalized((entry.value + [entry.key]).joined(separator: " "))
        }
    }
}
