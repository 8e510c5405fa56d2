/// How note-like words are: log of their frequency in clinicians' notes over their frequency in visit
/// conversations, and how long each division of a note is relative to its transcript. Built by
/// `scripts/build_note_lexicon.py` from the ACI-Bench training split.
struct NoteLexicon: Sendable {
    let scores: [String: Double]
    /// Median division length / transcript length: subjective, objective, assessment and plan.
    let lengthRatio: [Double]

    static let embedded = NoteLexicon(table: embeddedTable)

    init(table: String) {
        var scores: [String: Double] = [:]
        var lengthRatio = [0.16, 0.05, 0.14]
        for row in EmbeddedTable.rows(table) {
            if row.name == "#lengthRatio", row.values.count == 3 {
                lengthRatio = row.values
            } else if row.values.count == 1 {
                scores[row.name] = row.values[0]
            }
        }
        self.scores = scores
        self.lengthRatio = lengthRatio
    }

    /// The mean note-likeness of a sentence's tokens (unknown tokens count as neutral).
    func noteLikeness(_ text: String) -> Double {
        let tokens = SectionModel.tokens(text)
        guard !tokens.isEmpty else { return -10 }
        return tokens.reduce(0) { $0 + (scores[$1] ?? 0) } / Double(tokens.count)
    }
}
