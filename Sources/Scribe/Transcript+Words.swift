extension Transcript.Sentence {
    /// Whether one of the sentence's words, lower-cased and split at every character that is not a letter (as
    /// `text.lowercased().split { !$0.isLetter }` splits it), is one of `words`. An ASCII sentence is read on its
    /// lower-cased bytes (`LowercasedBytes.withASCII`), one word at a time, without building the set of its words.
    func hasWord(in words: Set<String>) -> Bool {
        let found = LowercasedBytes.withASCII(text) { bytes -> Bool in
            var start = bytes.startIndex
            for index in bytes.startIndex...bytes.endIndex {
                let isLetter = index < bytes.endIndex && bytes[index] >= 0x61 && bytes[index] <= 0x7A
                if isLetter { continue }
                if index > start {
                    let word = String(unsafeUninitializedCapacity: index - start) { buffer in
                        for offset in 0..<(index - start) { buffer[offset] = bytes[start + offset] }
                        return index - start
                    }
                    if words.contains(word) { return true }
                }
                start = index + 1
            }
            return false
        }
        if let found { return found }
        return !Set(text.lowercased().split { !$0.isLetter }.map(String.init)).isDisjoint(with: words)
    }
}
