extension Transcript.Sentence {
    /// Whether one of the sentence's words, lower-cased and split at every character that is not a letter (as
    /// `text.lowercased().split { !$0.isLetter }` splits it), is one of `words`. An ASCII sentence is read on its
    /// bytes, one word at a time, without building the set of its words.
    func hasWord(in words: Set<String>) -> Bool {
        let found: Bool?? = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            for byte in bytes where byte >= 0x80 { return nil }
            var start = 0
            for index in 0...bytes.count {
                let isLetter = index < bytes.count && (bytes[index] | 0x20) >= 0x61 && (bytes[index] | 0x20) <= 0x7A
                if isLetter { continue }
                if index > start {
                    let word = String(unsafeUninitializedCapacity: index - start) { buffer in
                        for offset in 0..<(index - start) {
                            buffer[offset] = LowercasedBytes.lowered(bytes[start + offset])
                        }
                        return index - start
                    }
                    if words.contains(word) { return true }
                }
                start = index + 1
            }
            return false
        }
        if let found = found ?? nil { return found }
        return !Set(text.lowercased().split { !$0.isLetter }.map(String.init)).isDisjoint(with: words)
    }
}
