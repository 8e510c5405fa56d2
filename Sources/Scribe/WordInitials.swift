/// The first bytes of a word list's words: a word whose first byte opens none of them is not in the list, which
/// rules most words out before the set hashes them.
struct WordInitials: Sendable {
    private let opens: [Bool]
    private let hasEmptyWord: Bool

    init(_ words: some Sequence<String>) {
        var opens = [Bool](repeating: false, count: 256)
        var hasEmptyWord = false
        for word in words {
            if let first = word.utf8.first { opens[Int(first)] = true } else { hasEmptyWord = true }
        }
        self.opens = opens
        self.hasEmptyWord = hasEmptyWord
    }

    /// Whether the word's first byte opens a word of the list (`false` means it is not in the list).
    func mayOpen(_ word: String) -> Bool {
        guard let first = word.utf8.first else { return hasEmptyWord }
        return opens[Int(first)]
    }

    /// Whether a word of the list opens with this byte.
    func mayOpen(byte: UInt8) -> Bool {
        opens[Int(byte)]
    }
}
