extension DiagnosisIndex {
    /// The diagnosis vocabulary: every word a phrase or title has, with its number, sorted by UTF-8 bytes and
    /// found by binary search (reading it from the generated tables builds nothing).
    public struct Vocabulary: Equatable, Sendable {
        /// The words, concatenated in byte order.
        let bytes: [UInt8]
        /// Where each word ends in `bytes`.
        let ends: [Int32]
        /// Each word's number.
        let numbers: [Int32]

        init(bytes: [UInt8], ends: [Int32], numbers: [Int32]) {
            self.bytes = bytes
            self.ends = ends
            self.numbers = numbers
        }

        init(_ numbered: [String: Int32]) {
            let sorted = numbered.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            var bytes: [UInt8] = []
            var ends: [Int32] = []
            ends.reserveCapacity(sorted.count)
            for (word, _) in sorted {
                bytes.append(contentsOf: word.utf8)
                ends.append(Int32(bytes.count))
            }
            self.init(bytes: bytes, ends: ends, numbers: sorted.map(\.value))
        }

        /// How many words.
        public var count: Int { numbers.count }

        /// Every word, in byte order.
        public var words: [String] {
            numbers.indices.map { String(decoding: bytes[range(of: $0)], as: UTF8.self) }
        }

        /// Whether a phrase or title has the word.
        public func contains(_ word: String) -> Bool { number(word) != nil }

        /// The word's number, if a phrase or title has it.
        public func number(_ word: String) -> Int32? {
            var word = word
            return word.withUTF8 { query in
                bytes.withUnsafeBufferPointer { all in
                    var low = 0
                    var high = numbers.count
                    while low < high {
                        let middle = (low + high) / 2
                        let order = Self.compare(UnsafeBufferPointer(rebasing: all[range(of: middle)]), query)
                        if order == 0 { return numbers[middle] }
                        if order < 0 { low = middle + 1 } else { high = middle }
                    }
                    return nil
                }
            }
        }

        func range(of place: Int) -> Range<Int> {
            (place == 0 ? 0 : Int(ends[place - 1]))..<Int(ends[place])
        }

        /// Byte order: negative when `left` comes first.
        static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
            for place in 0..<min(left.count, right.count) where left[place] != right[place] {
                return left[place] < right[place] ? -1 : 1
            }
            return left.count - right.count
        }
    }

    /// The index's contents as flat arrays: what `tables(of:)` builds from the code set, and what
    /// `Generated/DiagnosisIndexData.swift` holds (`encoded()`), so that the index reads the same either way.
    struct Tables: Equatable, Sendable {
        var vocabulary: Vocabulary
        /// Phrase hashes, ascending, and what each names: the node, the source and the traits.
        var phraseHashes: [UInt64]
        var phraseNodes: [Int32]
        var phraseSources: [UInt8]
        var phraseTraits: [UInt8]
        /// Per word number, where its phrase lengths (longest first) start in `lengths` (one more at the end).
        var lengthStarts: [Int32]
        var lengths: [UInt8]
        /// Per node, where its positive, absent and axis words start in `titleWords` (one more at the end).
        var titleStarts: [Int32]
        var titleWords: [Int32]
        /// Per 7th-character definition, its first character's place among all characters (one more at the end);
        /// per character, where its positive, absent and axis words start in `extensionWords` (one more at the end).
        var extensionFirst: [Int32]
        var extensionStarts: [Int32]
        var extensionWords: [Int32]
        var longestPhrase: Int
        /// The code set the tables were made for: its node count and the length of its tabular text.
        var nodeCount: Int
        var sourceLength: Int

        init(
            vocabulary: [String: Int32], phrases: [UInt64: Target], lengths: [Int32: Set<Int>],
            titleTerms: [TitleTerms], extensionTerms: [[TitleTerms]], longestPhrase: Int, codeSet: ICD10CM
        ) {
            self.vocabulary = Vocabulary(vocabulary)
            let sorted = phrases.sorted { $0.key < $1.key }
            phraseHashes = sorted.map(\.key)
            phraseNodes = sorted.map(\.value.code.index)
            phraseSources = sorted.map { UInt8($0.value.source.rawValue) }
            phraseTraits = sorted.map(\.value.traits.rawValue)
            lengthStarts = [0]
            self.lengths = []
            for word in 0..<Int32(vocabulary.count) {
                self.lengths.append(contentsOf: (lengths[word] ?? []).sorted(by: >).map { UInt8(clamping: $0) })
                lengthStarts.append(Int32(self.lengths.count))
            }
            func flatten(_ terms: [TitleTerms], into words: inout [Int32]) -> [Int32] {
                var starts: [Int32] = []
                starts.reserveCapacity(terms.count * 3 + 1)
                for term in terms {
                    for part in [term.positive, term.absent, term.axis] {
                        starts.append(Int32(words.count))
                        words.append(contentsOf: part)
                    }
                }
                starts.append(Int32(words.count))
                return starts
            }
            titleWords = []
            extensionWords = []
            titleStarts = []
            titleStarts = flatten(titleTerms, into: &titleWords)
            extensionStarts = flatten(extensionTerms.flatMap { $0 }, into: &extensionWords)
            extensionFirst = [0]
            for definition in extensionTerms {
                extensionFirst.append((extensionFirst.last ?? 0) + Int32(definition.count))
            }
            self.longestPhrase = longestPhrase
            nodeCount = codeSet.nodes.count
            sourceLength = codeSet.sourceLength
        }

        /// Whether the tables were made for this code set (and every place they name is in it).
        func fits(_ codeSet: ICD10CM) -> Bool {
            guard nodeCount == codeSet.nodes.count, sourceLength == codeSet.sourceLength,
                extensionFirst.count == codeSet.extensions.count + 1
            else { return false }
            return codeSet.extensions.indices.allSatisfy {
                Int(extensionFirst[$0 + 1] - extensionFirst[$0]) == codeSet.extensions[$0].count
            }
        }

        /// Whether the tables were made for the shared code set's text (checked without loading it).
        var fitsSharedText: Bool { sourceLength == icd10cmTabularText.utf8CodeUnitCount }

        /// The target of a phrase hash.
        func phrase(_ hash: UInt64) -> (node: Int32, source: Source, traits: Concepts.Traits)? {
            var low = 0
            var high = phraseHashes.count
            while low < high {
                let middle = (low + high) / 2
                let found = phraseHashes[middle]
                if found == hash {
                    return (
                        phraseNodes[middle], Source(rawValue: Int(phraseSources[middle])) ?? .shortenedTitle,
                        Concepts.Traits(rawValue: phraseTraits[middle])
                    )
                }
                if found < hash { low = middle + 1 } else { high = middle }
            }
            return nil
        }

        /// The lengths of the phrases that start with a word, longest first.
        func phraseLengths(startingWith word: Int32) -> ArraySlice<UInt8> {
            guard word >= 0, Int(word) + 1 < lengthStarts.count else { return [] }
            return lengths[Int(lengthStarts[Int(word)])..<Int(lengthStarts[Int(word) + 1])]
        }

        /// A listed node's title words.
        func titleTerms(ofNode node: Int) -> TitleTerms {
            Self.terms(titleWords, titleStarts, 3 * node)
        }

        /// A 7th character's meaning's words.
        func extensionTerms(_ definition: Int, _ character: Int) -> TitleTerms {
            Self.terms(extensionWords, extensionStarts, 3 * (Int(extensionFirst[definition]) + character))
        }

        static func terms(_ words: [Int32], _ starts: [Int32], _ first: Int) -> TitleTerms {
            TitleTerms(
                positive: words[Int(starts[first])..<Int(starts[first + 1])],
                absent: words[Int(starts[first + 1])..<Int(starts[first + 2])],
                axis: words[Int(starts[first + 2])..<Int(starts[first + 3])])
        }
    }
}
