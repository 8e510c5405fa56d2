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

    /// Whether the full stop at `point` ends an ellipsis (`...`) after which the speaker says again what came before
    /// it: the words between `start` and the ellipsis, then those after it up to the line's end (at most 80
    /// characters each way), plain and lower-case, fillers left out.
    static func isRestartEllipsis(_ scalars: [Unicode.Scalar], point: Int, from start: Int, to limit: Int) -> Bool {
        guard point - 2 > start, scalars[point - 1] == ".", scalars[point - 2] == "." else { return false }
        func words(_ range: Range<Int>) -> [String] {
            withoutFillerPairs(
                spokenWords(in: range, scalars: scalars).compactMap { word in
                    let bare = Phrasing.bare(string(scalars[word.range]))
                    return bare.isEmpty || Phrasing.fillers.contains(bare) ? nil : bare
                })
        }
        var forward = point + 1
        while forward < limit, forward - point < 80, scalars[forward] != "\n", scalars[forward] != "\r" {
            forward += 1
        }
        return restartStart(
            before: words(max(start, point - 82)..<(point - 2)), after: words((point + 1)..<forward).prefix(6)) != nil
    }
}
