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
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            let name = String(fields.first?.drop(while: { $0 == " " }) ?? "")
            if name == "#lengthRatio" {
                lengthRatio = fields.dropFirst().map { Double($0) ?? 0 }
            } else if fields.count == 2, let value = Double(fields[1]) {
                scores[name] = value
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
