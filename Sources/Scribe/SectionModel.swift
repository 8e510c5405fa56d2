/// A logistic-regression model of which SOAP division a sentence belongs to, over the presence of words
/// and adjacent word pairs.
///
/// Built by `scripts/build_section_model.py` from public training notes (see `SectionModelData.swift`);
/// the weights are embedded in the binary, so the engine does no I/O.
public struct SectionModel: Sendable {
    /// The three divisions a sentence can be routed to.
    public enum Division: Int, CaseIterable, Sendable {
        /// Subjective: history, symptoms, medications, allergies.
        case subjective = 0
        /// Objective: vitals, examination, results.
        case objective = 1
        /// Assessment and plan.
        case assessmentPlan = 2
    }

    let bias: [Double]
    /// Per feature (a word, or `first_second` for a word pair): its weight for each division.
    let weights: [String: [Double]]
    /// The word-pair weights by first word, then second (looked up without building `first_second`).
    let pairWeights: [String: [String: [Double]]]
    /// Per word: its own weight and the weights of the pairs it starts, found by one lookup.
    let wordEntries: WordTable<WordEntry>

    /// A word's weight (when the word is a feature) and the pairs it starts (when any).
    struct WordEntry: Sendable {
        var weight: [Double]?
        var pairs: WordTable<[Double]>?
    }

    /// The model built from the embedded table.
    public static let embedded = SectionModel(table: embeddedTable)

    /// Parses a table of `feature<TAB>w0<TAB>w1<TAB>w2` lines after a `#bias` line.
    init(table: String) {
        var bias = [0.0, 0.0, 0.0]
        var weights: [String: [Double]] = [:]
        for row in EmbeddedTable.rows(table) where row.values.count == 3 {
            if row.name == "#bias" {
                bias = row.values
            } else {
                weights[row.name] = row.values
            }
        }
        self.bias = bias
        self.weights = weights
        var pairs: [String: [String: [Double]]] = [:]
        for (feature, values) in weights {
            let parts = feature.split(separator: "_", maxSplits: 1)
            if parts.count == 2 { pairs[String(parts[0]), default: [:]][String(parts[1])] = values }
        }
        pairWeights = pairs
        var entries: [String: WordEntry] = [:]
        for (feature, values) in weights where !feature.contains("_") {
            entries[feature, default: WordEntry()].weight = values
        }
        for (first, seconds) in pairs { entries[first, default: WordEntry()].pairs = WordTable(seconds) }
        wordEntries = WordTable(entries)
    }

    /// The lower-case word and number tokens of a text (every number is `#`), as the builder tokenises.
    public static func tokens(_ text: String) -> [String] {
        LowercasedBytes.withASCII(text) { tokens(lowercasedUTF8: $0) } ?? tokens(lowercasedUTF8: text.lowercased().utf8)
    }

    /// The same, from a text already lower-cased, as UTF-8 bytes (`PhraseList.haystack(_:)`).
    static func tokens(lowercasedUTF8 bytes: some Sequence<UInt8>) -> [String] {
        var tokens: [String] = []
        // Tokens are separated by at least one byte: at most half the bytes, rounded up.
        tokens.reserveCapacity((bytes.underestimatedCount + 1) / 2)
        var current: [UInt8] = []
        var currentIsDigit = false
        func flush() {
            if !current.isEmpty { tokens.append(currentIsDigit ? "#" : String(decoding: current, as: UTF8.self)) }
            current.removeAll(keepingCapacity: true)
        }
        // Only ASCII letters and digits make tokens, so the lower-cased text's UTF-8 bytes can be read
        // directly (bytes of other scalars are all above 0x7F and separate tokens, as those scalars do).
        for byte in bytes {
            let isLetter = byte >= 0x61 && byte <= 0x7A
            let isDigit = byte >= 0x30 && byte <= 0x39
            if isLetter || isDigit {
                if !current.isEmpty && isDigit != currentIsDigit { flush() }
                currentIsDigit = isDigit
                current.append(byte)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// How many tokens `tokens(_:)` would give, without building them.
    public static func tokenCount(_ text: String) -> Int {
        LowercasedBytes.withASCII(text) { tokenCount(lowercasedUTF8: $0) }
            ?? tokenCount(lowercasedUTF8: text.lowercased().utf8)
    }

    /// `tokenCount(_:)` of a text already lower-cased, as UTF-8 bytes.
    static func tokenCount(lowercasedUTF8 bytes: some Sequence<UInt8>) -> Int {
        var count = 0
        var inToken = false
        var currentIsDigit = false
        for byte in bytes {
            let isLetter = byte >= 0x61 && byte <= 0x7A
            let isDigit = byte >= 0x30 && byte <= 0x39
            if isLetter || isDigit {
                if !inToken || isDigit != currentIsDigit { count += 1 }
                inToken = true
                currentIsDigit = isDigit
            } else {
                inToken = false
            }
        }
        return count
    }

    /// The division scores (logits) of a sentence, and how many of its features the model knows.
    public func scores(_ text: String) -> (logits: [Double], knownFeatures: Int) {
        scores(tokens: Self.tokens(text))
    }

    /// The division scores of a sentence already split by `tokens(_:)`.
    ///
    /// The features are the tokens and adjacent token pairs, each counted once, added in the sentence's order
    /// (so the floating-point sum is the same in every process, whatever the hash seed).
    func scores(tokens: [String]) -> (logits: [Double], knownFeatures: Int) {
        var result = bias
        // The features found so far (few per sentence: a list is quicker than a set).
        var words: [String] = []
        words.reserveCapacity(tokens.count)
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(tokens.count)
        // Each token's entry, looked up once for its own weight and again read for the pair it starts.
        var entries: [WordEntry?] = []
        entries.reserveCapacity(tokens.count)
        for token in tokens {
            let entry = wordEntries[token]
            entries.append(entry)
            guard let weight = entry?.weight, !words.contains(token) else { continue }
            words.append(token)
            for division in 0..<3 { result[division] += weight[division] }
        }
        for index in tokens.indices.dropLast() {
            let first = tokens[index]
            let second = tokens[index + 1]
            guard let weight = entries[index]?.pairs?[second], !pairs.contains(where: { $0 == first && $1 == second })
            else { continue }
            pairs.append((first, second))
            for division in 0..<3 { result[division] += weight[division] }
        }
        return (result, words.count + pairs.count)
    }
}
