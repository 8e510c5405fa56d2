/// How the ICD-10-CM search and the coder reduce text to terms: lower case ASCII words and numbers, small
/// words dropped, plurals made singular, abbreviations and lay terms rewritten to the words the code titles use.
public enum SearchTerms {
    /// The longest text a search reads, in UTF-8 bytes.
    public static let maximumQueryLength = 1_000

    /// Words that carry no meaning for matching titles.
    static let stopWords: Set<Substring> = [
        "of", "the", "and", "or", "in", "to", "an", "for", "by", "on", "at", "as", "is", "are", "was", "be",
        "its", "his", "her", "their", "nos", "classified", "elsewhere", "specified", "site",
    ]

    /// The words of a text as the index keeps them (synonyms not applied).
    public static func words(_ text: some StringProtocol) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        func flush() {
            guard !current.isEmpty else { return }
            let word = String(decoding: current, as: UTF8.self)
            current.removeAll(keepingCapacity: true)
            guard !stopWords.contains(Substring(word)) else { return }
            words.append(singular(word))
        }
        for byte in text.utf8.prefix(maximumQueryLength) {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                current.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                current.append(byte + 32)
            case UInt8(ascii: "'"):
                continue
            default:
                flush()
            }
        }
        flush()
        return words
    }

    /// `fractures` → `fracture`, `injuries` → `injury`; words ending in -ss, -us, -is, -ous stay.
    static func singular(_ word: String) -> String {
        let bytes = Array(word.utf8)
        guard bytes.count > 3, bytes[bytes.count - 1] == UInt8(ascii: "s") else { return word }
        let before = bytes[bytes.count - 2]
        if before == UInt8(ascii: "s") || before == UInt8(ascii: "u") || before == UInt8(ascii: "i") { return word }
        if bytes.count > 4, word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
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
                    if let replacement = Synonyms.table[key] {
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
