/// How the ICD-10-CM search and the coder reduce text to terms: lower case ASCII words and numbers, small
/// words dropped, plurals made singular, abbreviations and lay terms rewritten to the words the code titles use.
public enum SearchTerms {
    /// The longest text a search reads, in UTF-8 bytes.
    public static let maximumQueryLength = 1_000

    /// Words that carry no meaning for matching titles.
    static let stopWords: Set<String> = [
        "of", "the", "and", "or", "in", "to", "an", "for", "by", "on", "at", "as", "is", "are", "was", "be",
        "its", "his", "her", "their", "nos", "classified", "elsewhere", "specified", "site",
        // The possessives a clinician and a patient say to each other (`a laceration of your left index finger`).
        "your", "my", "our",
    ]

    /// The words of a text as the index keeps them (synonyms not applied).
    public static func words(_ text: some StringProtocol) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { words.append($0) }
        return words
    }

    /// Calls `body` with each word of a text as the index keeps it: lower-case ASCII letters and digits,
    /// small words dropped, plurals made singular.
    public static func forEachWord(in text: some StringProtocol, _ body: (String) -> Void) {
        var string = String(text)
        string.withUTF8 { forEachWord(inBytes: $0, body) }
    }

    static func forEachWord(inBytes bytes: UnsafeBufferPointer<UInt8>, _ body: (String) -> Void) {
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            var length = 0
            var long: [UInt8] = []
            func flush() {
                defer {
                    length = 0
                    long.removeAll(keepingCapacity: true)
                }
                guard length > 0 else { return }
                let word = length <= 32
                    ? String(decoding: UnsafeBufferPointer(start: base, count: length), as: UTF8.self)
                    : String(decoding: long, as: UTF8.self)
                guard !stopWords.contains(word) else { return }
                body(singular(word))
            }
            let text = UnsafeBufferPointer(rebasing: bytes.prefix(maximumQueryLength))
            var skipping = 0
            for (position, byte) in text.enumerated() {
                if skipping > 0 {
                    skipping -= 1
                    continue
                }
                var lowered = byte
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    break
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    lowered = byte + 32
                case UInt8(ascii: "'"):
                    // `we'll`, `they're`, `I've`, `she'd`, `I'm` end the word before them (`we'll check` is not
                    // `well check`); a possessive or `n't` stays part of its word (`Crohn's`, `don't`).
                    let suffix = contractionLength(text, after: position)
                    if suffix > 0 {
                        flush()
                        skipping = suffix
                    }
                    continue
                default:
                    flush()
                    continue
                }
                if length < 32 {
                    base[length] = lowered
                } else {
                    if long.isEmpty { long.append(contentsOf: UnsafeBufferPointer(start: base, count: 32)) }
                    long.append(lowered)
                }
                length += 1
            }
            flush()
        }
    }

    /// The length of a contracted verb (`ll`, `re`, `ve`, `d`, `m`, any case) that follows the apostrophe at
    /// `position` and ends a word there; 0 for anything else.
    static func contractionLength(_ text: UnsafeBufferPointer<UInt8>, after position: Int) -> Int {
        var end = position + 1
        while end < text.count, end - position <= 3, (text[end] | 0x20) >= UInt8(ascii: "a"), (text[end] | 0x20) <= UInt8(ascii: "z") {
            end += 1
        }
        guard end - position <= 3 else { return 0 }
        switch String(decoding: text[(position + 1)..<end], as: UTF8.self).lowercased() {
        case "ll", "re", "ve", "d", "m": return end - position - 1
        default: return 0
        }
    }

    /// Plurals of -sis words, which the rule below would get wrong.
    static let irregularPlurals: [String: String] = [
        "keratoses": "keratosis", "stenoses": "stenosis", "metastases": "metastasis", "psychoses": "psychosis",
        "neuroses": "neurosis", "diagnoses": "diagnosis", "prostheses": "prosthesis", "thromboses": "thrombosis",
        "fibroses": "fibrosis", "dermatoses": "dermatosis", "exostoses": "exostosis", "necroses": "necrosis",
        "myalgias": "myalgia", "analyses": "analysis", "anastomoses": "anastomosis", "ankyloses": "ankylosis",
    ]

    /// `fractures` → `fracture`, `injuries` → `injury`; words ending in -ss, -us, -is stay.
    static func singular(_ word: String) -> String {
        if word.utf8.last == UInt8(ascii: "s"), word.utf8.count > 5, let singular = irregularPlurals[word] { return singular }
        let bytes = word.utf8
        let count = bytes.count
        guard count > 3, bytes.last == UInt8(ascii: "s") else { return word }
        let before = bytes[bytes.index(bytes.endIndex, offsetBy: -2)]
        if before == UInt8(ascii: "s") || before == UInt8(ascii: "u") || before == UInt8(ascii: "i") { return word }
        if count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("ses") || word.hasSuffix("xes") || word.hasSuffix("ches") { return String(word.dropLast(2)) }
        return String(word.dropLast())
    }

    /// The words of a text with abbreviations and lay terms rewritten (`htn` → `hypertension`, `heart attack`
    /// → `myocardial infarction`), longest phrase first.
    public static func terms(_ text: some StringProtocol) -> [String] {
        expand(words(text))
    }

    /// Rewrites a word sequence with the synonym table.
    static func expand(_ words: [String]) -> [String] {
        var result: [String] = []
        result.reserveCapacity(words.count + 4)
        var position = 0
        while position < words.count {
            var matched = false
            if let lengths = Synonyms.lengthsByFirstWord[words[position]] {
                for length in lengths where position + length <= words.count {
                    let key = words[position..<(position + length)].joined(separator: " ")
                    if let replacement = Synonyms.table[key] {
                        result.append(contentsOf: replacement)
                        position += length
                        matched = true
                        break
                    }
                }
            }
            if !matched {
                result.append(words[position])
                position += 1
            }
        }
        return result
    }
}

extension SearchTerms {
    /// The terms of a sequence of words (tokens of a text), each with the index of the word it comes from;
    /// a phrase rewritten by the synonym table spans from its first word to its last.
    public static func terms(ofWords tokens: [String]) -> [(term: String, first: Int, last: Int)] {
        var plain: [(String, Int)] = []
        plain.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            for word in words(token) { plain.append((word, index)) }
        }
        var result: [(term: String, first: Int, last: Int)] = []
        result.reserveCapacity(plain.count + 4)
        var position = 0
        while position < plain.count {
            var matched = false
            if let lengths = Synonyms.lengthsByFirstWord[plain[position].0] {
                for length in lengths where position + length <= plain.count {
                    let key = length == 1
                        ? plain[position].0 : plain[position..<(position + length)].map(\.0).joined(separator: " ")
                    if let replacement = Synonyms.table[key], !Synonyms.searchOnly.contains(key) {
                        for term in replacement {
                            result.append((term, plain[position].1, plain[position + length - 1].1))
                        }
                        position += length
                        matched = true
                        break
                    }
                }
            }
            if !matched {
                result.append((plain[position].0, plain[position].1, plain[position].1))
                position += 1
            }
        }
        return result
    }
}
