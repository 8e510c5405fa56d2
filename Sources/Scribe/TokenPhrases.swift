/// Multi-word phrases matched on tokens, longest first; each phrase maps to a canonical value.
struct TokenPhrases: Sendable {
    struct Entry: Sendable {
        var words: [String]
        var value: String
    }

    /// Entries by first word, longest first.
    let entries: WordTable<[Entry]>
    /// Whether a word ending in `s` may match the phrase's last word without it.
    let matchPlurals: Bool
    /// Per first byte, a bit for each length (capped at 63) a first word may have.
    let lengthMasks: [UInt64]

    /// Phrases mapping to themselves.
    init(_ phrases: [String], matchPlurals: Bool = false) {
        self.init(pairs: phrases.map { ($0, $0) }, matchPlurals: matchPlurals)
    }

    /// `canonical|synonym|synonym` lines: every form maps to the first.
    init(synonymLines lines: [String], matchPlurals: Bool = false) {
        var pairs: [(String, String)] = []
        for line in lines {
            let forms = line.split(separator: "|").map(String.init)
            guard let canonical = forms.first else { continue }
            pairs.append(contentsOf: forms.map { ($0, canonical) })
        }
        self.init(pairs: pairs, matchPlurals: matchPlurals)
    }

    /// Phrase → value pairs.
    init(pairs: [(String, String)], matchPlurals: Bool = false) {
        var entries: [String: [Entry]] = [:]
        for (phrase, value) in pairs {
            let words = Token.tokens(of: phrase, at: 0).map(\.text)
            guard let first = words.first else { continue }
            entries[first, default: []].append(Entry(words: words, value: value))
        }
        self.entries = WordTable(
            entries.mapValues { list in
                list.sorted { $0.words.count != $1.words.count ? $0.words.count > $1.words.count : $0.value < $1.value }
            })
        self.matchPlurals = matchPlurals
        // Which (first byte, length) pairs a first word (or its plural) can have: most tokens are ruled out
        // by these two facts before any hashing.
        var masks = [UInt64](repeating: 0, count: 256)
        for word in entries.keys {
            guard let first = word.utf8.first else { continue }
            let length = word.utf8.count
            for extra in matchPlurals ? [0, 1, 2] : [0] { masks[Int(first)] |= 1 << UInt64(min(length + extra, 63)) }
        }
        lengthMasks = masks
    }

    /// The words a phrase can start with (with the plural forms matched).
    var firstWords: Set<String> {
        var words = Set(entries.dictionary.keys)
        if matchPlurals {
            for word in entries.dictionary.keys {
                words.insert(word + "s")
                words.insert(word + "es")
            }
        }
        return words
    }

    /// The longest phrase starting at `index`: its value and how many tokens it takes.
    func match(_ tokens: [Token], at index: Int) -> (value: String, count: Int)? {
        guard index < tokens.count, tokens[index].candidate else { return nil }
        let text = tokens[index].text
        guard let first = text.utf8.first,
            lengthMasks[Int(first)] & (1 << UInt64(min(text.utf8.count, 63))) != 0,
            let candidates = entries[text] ?? pluralCandidates(text)
        else { return nil }
        for entry in candidates where index + entry.words.count <= tokens.count {
            var matched = true
            for (offset, word) in entry.words.enumerated() {
                let token = tokens[index + offset].text
                if token == word { continue }
                if matchPlurals, offset == entry.words.count - 1, token == word + "s" || token == word + "es" { continue }
                matched = false
                break
            }
            if matched { return (entry.value, entry.words.count) }
        }
        return nil
    }

    private func pluralCandidates(_ word: String) -> [Entry]? {
        guard matchPlurals, word.hasSuffix("s") else { return nil }
        return entries[String(word.dropLast())] ?? (word.hasSuffix("es") ? entries[String(word.dropLast(2))] : nil)
    }

    /// Whether a phrase starts anywhere in `range` (and fits inside it).
    func occurs(in tokens: [Token], _ range: Range<Int>) -> Bool {
        firstMatch(in: tokens, range) != nil
    }

    /// The first phrase in `range`: where it starts and how many tokens it takes.
    func firstMatch(in tokens: [Token], _ range: Range<Int>) -> (start: Int, count: Int, value: String)? {
        for index in range {
            if let (value, count) = match(tokens, at: index), index + count <= range.upperBound {
                return (index, count, value)
            }
        }
        return nil
    }
}
