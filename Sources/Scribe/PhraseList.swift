/// A list of lower-case phrases searched for in text as UTF-8 bytes (much faster than `String.contains`,
/// which compares grapheme clusters). Phrases are bucketed by their first byte, so one pass over the text
/// checks at each position only the phrases that can start there. The phrases and buckets are stored flat
/// (one byte array, one index array), so the search touches no reference-counted inner arrays.
package struct PhraseList: Sendable {
    /// How many phrases the list holds.
    let phraseCount: Int
    /// All phrases' bytes, one after another; phrase `i` is `bytes[starts[i]..<starts[i + 1]]`.
    let bytes: [UInt8]
    let starts: [Int]
    /// Phrase indices grouped by first byte: those starting with byte `b` are
    /// `bucketItems[bucketStarts[b]..<bucketStarts[b + 1]]`.
    let bucketItems: [Int]
    let bucketStarts: [Int]
    /// Empty phrases, which occur in every text.
    let emptyCount: Int
    /// A bit per (first byte, second byte) pair some phrase opens with (`pairBit`; pairs may share a bit): a
    /// position whose two bytes have no bit opens no phrase, and its bucket is not walked.
    let pairBits: [UInt64]
    /// Per byte, whether a one-byte phrase is that byte (such positions are not ruled out by the pair bits).
    let singleBytes: [Bool]

    package init(_ phrases: [String]) {
        let phrases = phrases.map { Array($0.utf8) }
        var buckets = Array(repeating: [Int](), count: 256)
        for (index, phrase) in phrases.enumerated() {
            if let first = phrase.first { buckets[Int(first)].append(index) }
        }
        self.phraseCount = phrases.count
        var starts = [0]
        for phrase in phrases { starts.append(starts[starts.count - 1] + phrase.count) }
        self.starts = starts
        self.bytes = phrases.flatMap { $0 }
        var bucketStarts = [0]
        for bucket in buckets { bucketStarts.append(bucketStarts[bucketStarts.count - 1] + bucket.count) }
        self.bucketStarts = bucketStarts
        self.bucketItems = buckets.flatMap { $0 }
        self.emptyCount = phrases.count { $0.isEmpty }
        var pairBits = [UInt64](repeating: 0, count: 64)
        var singleBytes = [Bool](repeating: false, count: 256)
        for phrase in phrases {
            if phrase.count == 1 { singleBytes[Int(phrase[0])] = true }
            if phrase.count >= 2 {
                let bit = Self.pairBit(phrase[0], phrase[1])
                pairBits[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        self.pairBits = pairBits
        self.singleBytes = singleBytes
    }

    /// The bit of a pair of bytes in `pairBits`: the low six bits of each (which tell the lower-case letters, the
    /// space and most marks apart).
    @inline(__always) static func pairBit(_ first: UInt8, _ second: UInt8) -> Int {
        Int(first & 63) << 6 | Int(second & 63)
    }

    /// The lower-cased UTF-8 bytes of a text, to search in.
    package static func haystack(_ text: String) -> [UInt8] {
        LowercasedBytes.ascii(text) ?? Array(text.lowercased().utf8)
    }

    /// How many of the phrases occur in the haystack, counting up to `limit`.
    package func count(in haystack: [UInt8], limit: Int = .max) -> Int {
        var total = emptyCount
        guard total < limit, !bucketItems.isEmpty else { return min(total, limit) }
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: phraseCount) { found in
            found.initialize(repeating: false)
            search(haystack) { index in
                if !found[index] {
                    found[index] = true
                    total += 1
                }
                return total >= limit
            }
        }
        return total
    }

    /// Whether any phrase occurs in the haystack.
    package func any(in haystack: [UInt8]) -> Bool {
        if emptyCount > 0 { return true }
        var hit = false
        search(haystack) { _ in
            hit = true
            return true
        }
        return hit
    }

    /// Calls `found` with the index of each phrase occurrence, in text order, until it returns true.
    private func search(_ haystack: [UInt8], _ found: (Int) -> Bool) {
        haystack.withUnsafeBufferPointer { text in
            bytes.withUnsafeBufferPointer { bytes in
                starts.withUnsafeBufferPointer { starts in
                    bucketItems.withUnsafeBufferPointer { items in
                        bucketStarts.withUnsafeBufferPointer { bucketStarts in
                            for position in 0..<text.count {
                                let first = Int(text[position])
                                var item = bucketStarts[first]
                                let end = bucketStarts[first + 1]
                                if item == end { continue }
                                if !singleBytes[first] {
                                    guard position + 1 < text.count else { continue }
                                    let bit = Self.pairBit(text[position], text[position + 1])
                                    if pairBits[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { continue }
                                }
                                while item < end {
                                    let index = items[item]
                                    let phraseStart = starts[index]
                                    let length = starts[index + 1] - phraseStart
                                    if position + length <= text.count {
                                        var offset = 1
                                        while offset < length, text[position + offset] == bytes[phraseStart + offset] {
                                            offset += 1
                                        }
                                        if offset == length, found(index) { return }
                                    }
                                    item += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
