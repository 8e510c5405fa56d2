/// Durations and pain scores.
extension EntityExtractor {
    static let durationUnits: [String: String] = [
        "second": "S", "seconds": "S", "minute": "M", "minutes": "M", "hour": "H", "hours": "H", "day": "D",
        "days": "D", "week": "W", "weeks": "W", "month": "M", "months": "M", "year": "Y", "years": "Y",
    ]
    static let frequencyWords: Set<String> = ["every", "per", "once", "twice", "times", "x", "q", "a", "each"]

    func durations(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            var amount: Double?
            var count = 0
            if let (value, valueCount) = SpokenNumber.read(tokens, at: index) {
                amount = value
                count = valueCount
            } else if tokens[index].text == "a" || tokens[index].text == "an" || tokens[index].text == "one" {
                // Compared one by one: an array literal here was built and freed for every token.
                amount = 1
                count = 1
            } else if tokens[index].text == "couple", index + 1 < tokens.count {
                amount = 2
                count = tokens[index + 1].text == "of" ? 2 : 1
            } else if tokens[index].text == "few" || tokens[index].text == "several" {
                amount = nil
                count = 1
            } else {
                index += 1
                continue
            }
            // `couple of`, `few`: vague.
            var unitIndex = index + count
            if unitIndex < tokens.count, tokens[unitIndex].text == "-" { unitIndex += 1 }
            guard unitIndex < tokens.count, let designator = Self.durationUnits[tokens[unitIndex].text] else {
                index += count
                continue
            }
            let previous = index > 0 ? tokens[index - 1].text : ""
            let next = unitIndex + 1 < tokens.count ? tokens[unitIndex + 1].text : ""
            let isAge =
                next == "old" || next == "-" && unitIndex + 2 < tokens.count && tokens[unitIndex + 2].text == "old"
                || next.hasPrefix("old")
            let isFrequency =
                Self.frequencyWords.contains(previous) && tokens[index].kind != .word
                || ["a", "an", "one"].contains(tokens[index].text) && ["once", "twice", "times"].contains(previous)
                || previous == "every" || previous == "per"
            if isAge || isFrequency {
                index = unitIndex + 1
                continue
            }
            var end = unitIndex + 1
            if end < tokens.count, tokens[end].text == "ago" { end += 1 }
            let range = Self.span(tokens, index, end - 1)
            var value: String?
            if let amount, amount == amount.rounded(), amount > 0 {
                let timeUnit = ["second", "seconds", "minute", "minutes", "hour", "hours"].contains(
                    tokens[unitIndex].text)
                value = (timeUnit ? "PT" : "P") + "\(Int(amount))" + designator
            }
            entities.append(
                ClinicalEntity(
                    kind: .duration, text: transcript.text(in: range), evidence: [range], name: "duration",
                    value: value,
                    attributes: end > unitIndex + 1 ? ["relation": "ago"] : [:]))
            index = end
        }
        return entities
    }

    static let painWords: Set<String> = [
        "pain", "hurts", "hurt", "hurting", "ache", "aching", "sore", "soreness", "discomfort", "painful", "scale",
    ]
    static let painWordInitials = WordInitials(painWords)

    /// `out of ten` (or `out of 10`) starting at `index`.
    static func outOfTen(_ tokens: [Token], at index: Int) -> Bool {
        index + 2 < tokens.count && tokens[index].text == "out" && tokens[index + 1].text == "of"
            && ["10", "ten"].contains(tokens[index + 2].text)
    }

    /// Pain scores: `6/10`, `six out of ten`, and a bare number when it is the short answer (at most
    /// `answerWords` tokens) to a question about pain.
    func painScores(_ tokens: [Token], _ transcript: Transcript, askedAboutPain: Bool = false, answerWords: Int = 8)
        -> [ClinicalEntity]
    {
        guard
            askedAboutPain
                || tokens.contains(where: { Self.painWordInitials.mayOpen($0.text) && Self.painWords.contains($0.text) })
        else { return [] }
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            guard let (value, count) = SpokenNumber.read(tokens, at: index),
                value <= 10 || Self.outOfTen(tokens, at: index + count),
                !(index >= 2 && tokens[index - 2].text == "out" && tokens[index - 1].text == "of")
            else {
                index += 1
                continue
            }
            var end = index + count
            if end + 1 < tokens.count, tokens[end].text == "/", tokens[end + 1].text == "10" {
                end += 2
            } else if Self.outOfTen(tokens, at: end) {
                end += 3
            } else if !(askedAboutPain && tokens.count <= answerWords) {
                // A bare number is a score only as the short answer to a question about pain.
                index = end
                continue
            }
            let range = Self.span(tokens, index, end - 1)
            entities.append(
                ClinicalEntity(
                    kind: .painScore, text: transcript.text(in: range), evidence: [range], name: "pain",
                    value: Self.format(value), unit: "{score}/10"))
            index = end
        }
        return entities
    }
}
