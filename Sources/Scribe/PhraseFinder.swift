/// Finds word phrases in a set of short texts (a note's statements and a transcript's sentences) through one
/// index of word positions: a phrase costs one lookup, however many texts there are.
struct PhraseFinder {
    /// Each text's words: lower-case runs of letters and digits.
    let documents: [[Substring]]
    /// Word → (document, position) pairs, in order.
    let postings: [Substring: [(document: Int32, position: Int32)]]

    init(_ texts: [String]) {
        var documents: [[Substring]] = []
        var postings: [Substring: [(document: Int32, position: Int32)]] = [:]
        documents.reserveCapacity(texts.count)
        for (number, text) in texts.enumerated() {
            let words = Self.words(text)
            for (position, word) in words.enumerated() {
                postings[word, default: []].append((Int32(number), Int32(position)))
            }
            documents.append(words)
        }
        self.documents = documents
        self.postings = postings
    }

    /// The words of a lower-case text: runs of ASCII letters and digits (and any non-ASCII bytes).
    static func words(_ text: String) -> [Substring] {
        var words: [Substring] = []
        let utf8 = text.utf8
        var start: String.Index?
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            let isWord = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80
                || (byte >= 0x41 && byte <= 0x5A)
            if isWord {
                if start == nil { start = index }
            } else if let begun = start {
                words.append(text[begun..<index])
                start = nil
            }
            index = utf8.index(after: index)
        }
        if let begun = start { words.append(text[begun..<utf8.endIndex]) }
        return words
    }

    /// The documents that say a phrase (lower case), ascending.
    func documents(saying phrase: String) -> [Int] {
        let words = Self.words(phrase)
        guard let first = words.first, let list = postings[first] else { return [] }
        var found: [Int] = []
        for (document, position) in list {
            if let last = found.last, last == Int(document) { continue }
            let text = documents[Int(document)]
            guard Int(position) + words.count <= text.count else { continue }
            var matched = true
            for offset in 1..<max(words.count, 1) where text[Int(position) + offset] != words[offset] {
                matched = false
                break
            }
            if matched { found.append(Int(document)) }
        }
        return found
    }

    /// Whether a document says a phrase.
    func says(_ document: Int, _ phrase: String) -> Bool {
        documents(saying: phrase).contains(document)
    }

    /// Whether any document (in `range`, when given) says a phrase.
    func anySays(_ phrase: String, in range: Range<Int>? = nil) -> Bool {
        let found = documents(saying: phrase)
        guard let range else { return !found.isEmpty }
        return found.contains { range.contains($0) }
    }
}
