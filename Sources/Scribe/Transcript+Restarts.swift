/// A speaker who stops and says the phrase again (`i needed to see you three months ... three months ago`, `it is
/// healed by the point ... by this point`): the ellipsis does not end a sentence, and the note keeps the phrase as
/// said the second time.
extension Transcript {
    /// The most words before an ellipsis that a restart may take back.
    static let restartReach = 4

    /// Words that join clauses: said twice around an ellipsis, they start a new clause.
    static let connectives: Set<String> = ["and", "but", "so", "or", "because", "then"]

    /// Where, in `before` (the plain, lower-case words before an ellipsis, fillers left out), the phrase that
    /// `after` (the words after it) says again starts, if `after` restarts it: the first word after the ellipsis
    /// is one of the last `restartReach` words before it, and either it is the last (`your ... your migraines`)
    /// or at least two of the words from there on come again in the restart (`by the point ... by this point`).
    static func restartStart(before: some Collection<String>, after: some Collection<String>) -> Int? {
        let before = Array(before.suffix(restartReach))
        guard let first = after.first, !before.isEmpty else { return nil }
        for start in before.indices where before[start] == first {
            // `and ... and then`: the clause before ended; each half reads on its own.
            if start == before.count - 1 { return connectives.contains(first) ? nil : start }
            let repaired = before[start...]
            let again = Set(after.prefix(repaired.count + 1))
            if repaired.count(where: again.contains) >= 2 { return start }
        }
        return nil
    }

    /// Spoken fillers of two words (`you know`, `i mean`), which a restart does not repeat for their meaning.
    static func isFillerPair(_ first: String, _ second: String) -> Bool {
        (first == "you" && second == "know") || (first == "i" && second == "mean")
    }

    static func withoutFillerPairs(_ words: [String]) -> [String] {
        var kept: [String] = []
        for word in words {
            if let last = kept.last, isFillerPair(last, word) {
                kept.removeLast()
            } else {
                kept.append(word)
            }
        }
        return kept
    }

    /// Whether the ellipsis ending at `end` (its last full stop) in `scalars` is a restart: the words between
    /// `start` and the ellipsis, then those after it up to the line's end.
    static func isRestart(_ scalars: [Unicode.Scalar], ellipsis: Int, end: Int, from start: Int, to limit: Int)
        -> Bool
    {
        func words(_ range: Range<Int>) -> [String] {
            var words: [String] = []
            var word = ""
            func flush() {
                let bare = Phrasing.bare(word)
                if !bare.isEmpty, !Phrasing.fillers.contains(bare) { words.append(bare) }
                word = ""
            }
            for index in range {
                if scalars[index] == " " || scalars[index] == "\n" || scalars[index] == "\r" {
                    flush()
                } else {
                    word.unicodeScalars.append(scalars[index])
                }
            }
            flush()
            return withoutFillerPairs(words)
        }
        let back = max(start, ellipsis - 80)
        var forward = end + 1
        while forward < limit, forward - end < 80, scalars[forward] != "\n", scalars[forward] != "\r" {
            forward += 1
        }
        return restartStart(before: words(back..<ellipsis), after: words((end + 1)..<forward).prefix(6)) != nil
    }
}
