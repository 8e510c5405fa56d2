/// A visit says the same thing twice: the patient tells it, the clinician sums it up (`she has been taking a
/// little bit of ice, putting some ice on it, and has not helped and some ibuprofen`). A note says it once.
extension NoteWriter {
    /// Words too common in a note's sentences to tell two of them apart.
    static let commonWords: Set<String> = [
        "that", "this", "with", "have", "has", "been", "they", "their", "them", "there", "patient", "reports", "about",
        "some", "would", "could", "should", "will", "also", "just", "then", "what", "when", "were", "does", "doing",
        "going", "from", "into", "your", "his", "her", "she", "him", "said", "says", "like", "know", "think", "really",
        "little", "bit", "well", "okay", "right", "today", "time", "back", "make", "sure", "want", "need", "take",
        "the", "and", "for", "are", "was", "but", "any", "all", "can", "did", "had", "its", "may", "our", "out", "who",
        "how", "now", "too", "very", "much", "more", "than", "still", "over", "they're", "it's",
    ]
    /// Short words that turn what a sentence says around: kept, so that `no weakness` never repeats `weakness`.
    static let polarityWords: Set<String> = ["no", "not", "denies", "without", "negative", "never", "don't", "doesn't"]

    /// The words of a statement that carry its content.
    static func contentWords(_ text: String) -> Set<String> {
        var words = Set<String>()
        for word in Phrasing.words(text) {
            let bare = Phrasing.bare(word)
            if bare.count >= 3 && !commonWords.contains(bare) || polarityWords.contains(bare) {
                words.insert(bare)
            }
        }
        return words
    }

    /// The fewest content words a restatement has: shorter statements are too small to call repeated.
    static let restatementWords = 4
    /// The share of a later statement's content words an earlier statement of its section must hold for the later
    /// one to be a restatement.
    static let restatementShare = 0.75

    /// Drops each transcript sentence whose content words an earlier kept sentence of the same section (and
    /// sub-section) already says, nearly all of them; and any statement, however short and wherever it came from,
    /// that its section already holds word for word (`Order an autoimmune panel.` from the sentence and from the
    /// order it states).
    func withoutRestatements(_ statements: [NoteStatement]) -> [NoteStatement] {
        var kept: [NoteStatement] = []
        var said: [(section: NoteSection, subsection: String?, words: Set<String>)] = []
        var written = Set<String>()
        kept.reserveCapacity(statements.count)
        for statement in statements {
            guard
                written.insert(
                    [statement.section.rawValue, statement.subsection ?? "", statement.text.lowercased()].joined(
                        separator: "\n")
                ).inserted
            else {
                continue
            }
            guard statement.origin == .sentence else {
                kept.append(statement)
                continue
            }
            let words = Self.contentWords(statement.text)
            if words.count >= Self.restatementWords,
                said.contains(where: { earlier in
                    earlier.section == statement.section && earlier.subsection == statement.subsection
                        && Double(words.intersection(earlier.words).count) >= Self.restatementShare
                            * Double(words.count)
                })
            {
                continue
            }
            said.append((statement.section, statement.subsection, words))
            kept.append(statement)
        }
        // A statement that only names its heading (`Hypertension.` under `Hypertension`, `A medial collateral
        // ligament strain.` under `Medial collateral ligament strain`) says it twice, when the heading has
        // something else under it to stand on.
        var counts: [String: Int] = [:]
        func key(_ statement: NoteStatement) -> String {
            statement.section.rawValue + "\n" + (statement.subsection ?? "")
        }
        for statement in kept { counts[key(statement), default: 0] += 1 }
        return kept.filter { statement in
            guard let heading = statement.subsection, counts[key(statement), default: 0] > 1,
                Self.namesOnly(heading, statement.text)
            else { return true }
            counts[key(statement), default: 0] -= 1
            return false
        }
    }

    /// Whether a statement's words are its heading's, with an article before them at most.
    static func namesOnly(_ heading: String, _ text: String) -> Bool {
        var words = Phrasing.spaceSeparated(text.lowercased()).map(Phrasing.bare)
        if let first = words.first, ["a", "an", "the"].contains(first) { words.removeFirst() }
        return !words.isEmpty && words == Phrasing.spaceSeparated(heading.lowercased()).map(Phrasing.bare)
    }
}
