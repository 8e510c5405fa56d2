/// How note-like words are: log of their frequency in clinicians' notes (as a whole, and in each division) over
/// their frequency in visit conversations, and how long each division of a note is relative to its transcript.
/// Built by `scripts/build_note_lexicon.py` from the ACI-Bench training split.
struct NoteLexicon: Sendable {
    let scores: WordTable<Double>
    /// The same per division of a note: subjective, objective, assessment and plan.
    let divisionScores: WordTable<[Double]>
    /// Median division length / transcript length: subjective, objective, assessment and plan.
    let lengthRatio: [Double]

    static let embedded = NoteLexicon(table: embeddedTable)

    init(table: String) {
        var scores: [String: Double] = [:]
        var divisionScores: [String: [Double]] = [:]
        var lengthRatio = [0.16, 0.05, 0.14]
        for row in EmbeddedTable.rows(table) {
            if row.name == "#lengthRatio", row.values.count == 3 {
                lengthRatio = row.values
            } else if let overall = row.values.first {
                scores[row.name] = overall
                if row.values.count == 4 { divisionScores[row.name] = Array(row.values.dropFirst()) }
            }
        }
        self.scores = WordTable(scores)
        self.divisionScores = WordTable(divisionScores)
        self.lengthRatio = lengthRatio
    }

    /// The mean note-likeness of a sentence's tokens (unknown tokens count as neutral).
    func noteLikeness(_ text: String) -> Double {
        let tokens = SectionModel.tokens(text)
        guard !tokens.isEmpty else { return -10 }
        return tokens.reduce(0) { $0 + (scores[$1] ?? 0) } / Double(tokens.count)
    }

    /// The same for one division of a note (0 subjective, 1 objective, 2 assessment and plan): how much the
    /// sentence's words belong in that division rather than in talk (`soft` in an examination, `follow` in a
    /// plan). A word without division figures counts with its overall one.
    func noteLikeness(_ text: String, division: Int) -> Double {
        let tokens = SectionModel.tokens(text)
        guard !tokens.isEmpty else { return -10 }
        return tokens.reduce(0) { sum, token in
            guard let perDivision = divisionScores[token], division < perDivision.count else {
                return sum + (scores[token] ?? 0)
            }
            return sum + perDivision[division]
        } / Double(tokens.count)
    }
}
