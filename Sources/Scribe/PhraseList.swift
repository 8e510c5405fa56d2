/// A list of lower-case phrases searched for in text as UTF-8 bytes (much faster than `String.contains`,
/// which compares grapheme clusters). Phrases are bucketed by their first byte, so one pass over the text
/// checks at each position only the phrases that can start there.
struct PhraseList: Sendable {
    let phrases: [[UInt8]]
    /// For each byte value, the indices of the phrases starting with it.
    let buckets: [[Int]]
    /// Empty phrases, which occur in every text.
    let emptyCount: Int

    init(_ phrases: [String]) {
        let phrases = phrases.map { Array($0.utf8) }
        var buckets = Array(repeating: [Int](), count: 256)
        for (index, phrase) in phrases.enumerated() {
            if let first = phrase.first { buckets[Int(first)].append(index) }
        }
        self.phrases = phrases
        self.buckets = buckets
        self.emptyCount = phrases.count { $0.isEmpty }
    }

    /// The lower-cased UTF-8 bytes of a text, to search in.
    static func haystack(_ text: String) -> [UInt8] {
        Array(text.lowercased().utf8)
    }

    /// How many of the phrases occur in the haystack.
    func count(in haystack: [UInt8]) -> Int {
        var found = Array(repeating: false, count: phrases.count)
        var total = emptyCount
        for position in haystack.indices {
            for index in buckets[Int(haystack[position])] where !found[index] {
                if Self.matches(phrases[index], in: haystack, at: position) {
                    found[index] = true
                    total += 1
                }
            }
        }
        return total
    }

    /// Whether any phrase occurs in the haystack.
    func any(in haystack: [UInt8]) -> Bool {
        if emptyCount > 0 { return true }
        for position in haystack.indices {
            for index in buckets[Int(haystack[position])] where Self.matches(phrases[index], in: haystack, at: position) {
                return true
            }
        }
        return false
    }

    static func matches(_ needle: [UInt8], in haystack: [UInt8], at start: Int) -> Bool {
        guard start + needle.count <= haystack.count else { return false }
        var offset = 1
        while offset < needle.count, haystack[start + offset] == needle[offset] { offset += 1 }
        return offset == needle.count
    }
}
