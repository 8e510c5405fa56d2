/// Values by word for the lookups made once per word of every sentence (the section model's weights, the note
/// lexicon, the filler words): a word is found by its UTF-8 bytes, with a multiplicative hash over them and a
/// byte comparison, instead of `String`'s seeded SipHash and Unicode comparison.
///
/// The answers are the dictionary's: when every key is ASCII, an ASCII word equals a key exactly when their
/// bytes are equal (no ASCII text has another canonically equivalent spelling), and a word with a byte outside
/// ASCII cannot equal an ASCII key under `String`'s comparison unless it is canonically equivalent to one, so
/// such a word (and every word of a table with a key outside ASCII) is looked up in the dictionary itself.
/// A class: a table read out of another value (a model entry's pair weights) is one reference, not six.
final class WordTable<Value: Sendable>: Sendable {
    /// The table as given, for words outside ASCII and for tables with keys outside ASCII.
    let dictionary: [String: Value]
    /// The keys' bytes one after another; entry `i`'s key is `keyBytes[keyStarts[i]..<keyStarts[i + 1]]`.
    private let keyBytes: [UInt8]
    private let keyStarts: [Int]
    private let values: [Value]
    /// Open addressing: each slot holds an entry index, or -1 when empty.
    private let slots: [Int32]
    private let mask: Int
    /// Whether every key is ASCII (otherwise every lookup goes to `dictionary`).
    private let asciiKeys: Bool

    init(_ dictionary: [String: Value]) {
        self.dictionary = dictionary
        // Entries in the order of their keys, so the table is the same in every process.
        let entries = dictionary.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var bytes: [UInt8] = []
        var starts = [0]
        for entry in entries {
            bytes += entry.key.utf8
            starts.append(bytes.count)
        }
        keyBytes = bytes
        keyStarts = starts
        values = entries.map(\.value)
        asciiKeys = bytes.allSatisfy { $0 < 0x80 }
        var capacity = 8
        while capacity < entries.count * 2 + 1 { capacity *= 2 }
        mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        for index in entries.indices {
            let key = bytes[starts[index]..<starts[index + 1]]
            var slot = key.withContiguousStorageIfAvailable { Self.hash($0) & (capacity - 1) } ?? 0
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        self.slots = slots
    }

    /// The value for `word`, as `dictionary[word]` answers.
    subscript(word: String) -> Value? {
        guard asciiKeys else { return dictionary[word] }
        // `nil` for a word outside ASCII (or not stored in a row), -1 for an ASCII word that is no key.
        let found: Int?? = word.utf8.withContiguousStorageIfAvailable { word -> Int? in
            for byte in word where byte >= 0x80 { return nil }
            return index(of: word)
        }
        guard let found, let index = found else { return dictionary[word] }
        return index >= 0 ? values[index] : nil
    }

    /// The entry whose key has exactly these bytes, or -1.
    private func index(of word: UnsafeBufferPointer<UInt8>) -> Int {
        var slot = Self.hash(word) & mask
        return keyBytes.withUnsafeBufferPointer { keys in
            keyStarts.withUnsafeBufferPointer { starts in
                slots.withUnsafeBufferPointer { slots in
                    while true {
                        let entry = Int(slots[slot])
                        if entry < 0 { return -1 }
                        let start = starts[entry]
                        if starts[entry + 1] - start == word.count {
                            var offset = 0
                            while offset < word.count, keys[start + offset] == word[offset] { offset += 1 }
                            if offset == word.count { return entry }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// FNV-1a over the bytes, mixed by a multiplication so the low bits depend on every byte.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }
}
