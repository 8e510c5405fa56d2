/// Finds word phrases in a set of short texts (a note's statements and a transcript's sentences) through one
/// index of word positions: a phrase costs one lookup, however many texts there are. Words are kept as
/// 64-bit hashes of their lower-case bytes (FNV-1a), so nothing is allocated per word.
package struct PhraseFinder {
    /// Each text's words, hashed.
    let documents: [[UInt64]]
    /// Word → (document, position) pairs, in order.
    let postings: [UInt64: [(document: Int32, position: Int32)]]

    package init(_ texts: [String]) {
        var documents: [[UInt64]] = []
        var postings: [UInt64: [(document: Int32, position: Int32)]] = [:]
        documents.reserveCapacity(texts.count)
        postings.reserveCapacity(2048)
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

    /// The words of a text, hashed: runs of ASCII letters and digits (and any non-ASCII bytes), lower case.
    static func words(_ text: String) -> [UInt64] {
        var words: [UInt64] = []
        var hash: UInt64 = 0
        var inWord = false
        for byte in text.utf8 {
            let lowered = byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
            let isWord = (lowered >= 0x61 && lowered <= 0x7A) || (lowered >= 0x30 && lowered <= 0x39) || lowered >= 0x80
            if isWord {
                if !inWord {
                    hash = 0xcbf2_9ce4_8422_2325
                    inWord = true
                }
                hash = (hash ^ UInt64(lowered)) &* 0x100_0000_01b3
            } else if inWord {
                words.append(hash)
                inWord = false
            }
        }
        if inWord { words.append(hash) }
        return words
    }

    /// The documents that say a phrase, ascending.
    package func documents(saying phrase: String) -> [Int] {
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
    package func says(_ document: Int, _ phrase: String) -> Bool {
        documents(saying: phrase).contains(document)
    }

    /// Whether any document (in `range`, when given) says a phrase.
    package func anySays(_ phrase: String, in range: Range<Int>? = nil) -> Bool {
        let found = documents(saying: phrase)
        guard let range else { return !found.isEmpty }
        return found.contains { range.contains($0) }
    }
}
