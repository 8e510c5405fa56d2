/// A list of lower-case phrases searched for in text as UTF-8 bytes (much faster than `String.contains`,
/// which compares grapheme clusters).
struct PhraseList: Sendable {
    let phrases: [[UInt8]]

    init(_ phrases: [String]) {
        self.phrases = phrases.map { Array($0.utf8) }
    }

    /// The lower-cased UTF-8 bytes of a text, to search in.
    static func haystack(_ text: String) -> [UInt8] {
        Array(text.lowercased().utf8)
    }

    /// How many of the phrases occur in the haystack.
    func count(in haystack: [UInt8]) -> Int {
        phrases.reduce(0) { $0 + (Self.occurs($1, in: haystack) ? 1 : 0) }
    }

    /// Whether any phrase occurs in the haystack.
    func any(in haystack: [UInt8]) -> Bool {
        phrases.contains { Self.occurs($0, in: haystack) }
    }

    static func occurs(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first {
                var matched = 1
                while matched < needle.count, haystack[start + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return true }
            }
            start += 1
        }
        return false
    }
}
