/// Multi-word phrases matched on a sentence's tokens or on lower-cased words, longest first; each phrase maps to
/// a canonical value. The engine's one word-phrase matcher: the entity word lists, the context cues
/// (`CuePhrases`) and the coder's cue lists.
public struct TokenPhrases: Sendable {
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

    /// Phrases given as words separated by spaces, matched on words split the same way (`n't`, `r/o` and
    /// `doesn't` are one word each), mapping to themselves.
    public init(words phrases: [String]) {
        self.init(entries: phrases.map { ($0.split(separator: " ").map(String.init), $0) }, matchPlurals: false)
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
        self.init(
            entries: pairs.map { phrase, value in (Token.tokens(of: phrase, at: 0).map(\.text), value) },
            matchPlurals: matchPlurals)
    }

    /// Phrases as their words, each with its value.
    private init(entries phrases: [([String], String)], matchPlurals: Bool) {
        var entries: [String: [Entry]] = [:]
        for (words, value) in phrases {
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
        return longestMatch(at: index, end: tokens.count) { tokens[$0].text }
    }

    /// The longest phrase starting at `index` and ending by `end`, on the words `word(i)` gives.
    @inline(__always)
    private func longestMatch(at index: Int, end: Int, word: (Int) -> String) -> (value: String, count: Int)? {
        let text = word(index)
        guard let first = text.utf8.first,
            lengthMasks[Int(first)] & (1 << UInt64(min(text.utf8.count, 63))) != 0,
            let candidates = entries[text] ?? pluralCandidates(text)
        else { return nil }
        for entry in candidates where index + entry.words.count <= end {
            var matched = true
            for (offset, phraseWord) in entry.words.enumerated() {
                let said = word(index + offset)
                if said == phraseWord { continue }
                if matchPlurals, offset == entry.words.count - 1,
                    said == phraseWord + "s" || said == phraseWord + "es"
                {
                    continue
                }
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

    // MARK: On words

    /// The first phrase starting in `range` that ends inside it: where it starts and how many words it takes.
    public func firstMatch(in words: [String], _ range: Range<Int>) -> (start: Int, count: Int)? {
        let upper = min(range.upperBound, words.count)
        for start in range where start < upper {
            if let (_, count) = longestMatch(at: start, end: upper, word: { words[$0] }) { return (start, count) }
        }
        return nil
    }

    /// Whether a phrase starts in `range` and ends inside it.
    public func occurs(in words: [String], _ range: Range<Int>) -> Bool {
        firstMatch(in: words, range) != nil
    }

    /// Whether a phrase starts at `start` and ends inside `range`.
    public func occurs(in words: [String], _ range: Range<Int>, startingAt start: Int) -> Bool {
        let upper = min(range.upperBound, words.count)
        return start < upper && longestMatch(at: start, end: upper, word: { words[$0] }) != nil
    }

    /// Whether a phrase starts in `starts` and ends before `end`.
    public func occurs(in words: [String], starting starts: Range<Int>, within end: Int) -> Bool {
        let end = min(end, words.count)
        return starts.contains { start in
            start >= 0 && start < end && longestMatch(at: start, end: end, word: { words[$0] }) != nil
        }
    }

    /// Whether `word` starts one of the phrases.
    public func starts(with word: String) -> Bool { entries[word] != nil }
}
