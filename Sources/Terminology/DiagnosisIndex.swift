/// Diagnosis phrases → the ICD-10-CM code (or the category or subcategory to choose within) they name, and
/// every title's words, numbered, for choosing among codes.
///
/// Built from the maintained concept table (`Concepts`) and from every title and inclusion term of the code
/// set, in the form clinicians write them: nonessential modifiers in parentheses dropped, a trailing
/// `, unspecified ...` or `NOS` dropped. Phrases are matched on search terms (`SearchTerms.terms`), so the
/// synonym table applies. Phrases are kept as hashes of their word numbers: matching allocates nothing.
///
/// The shared index is read from tables generated at build time (`Generated/DiagnosisIndexData.swift`, see
/// `Tables`): building it from the code set takes about 0.3 s, which every one-shot command would pay.
/// `DiagnosisIndexDataTests` builds it from the sources and compares.
public final class DiagnosisIndex: Sendable {
    /// The index of the shared code set: the generated tables, or (should they not fit the code set) built.
    public static let shared = DiagnosisIndex(codeSet: .shared, tables: generatedTables)

    /// What a phrase names.
    public struct Target: Hashable, Sendable {
        /// The code, category or subcategory.
        public var code: ICD10Code
        /// How the phrase was found: a maintained concept, a title, or an inclusion term.
        public var source: Source
        /// Facts about the condition that the visit level and ranking use.
        public var traits: Concepts.Traits
    }

    /// Where a phrase comes from; earlier cases win a conflict.
    public enum Source: Int, Hashable, Sendable, Comparable {
        case concept = 0
        case title = 1
        case inclusionTerm = 2
        case shortenedTitle = 3

        public static func < (lhs: Source, rhs: Source) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A title's words: those it says, and those after `without` / `not` (absent), outside parentheses.
    public struct TitleTerms: Sendable {
        public var positive: ArraySlice<Int32>
        public var absent: ArraySlice<Int32>
        /// Words right after `unspecified` (`unspecified knee`): the axis left unspecified.
        public var axis: ArraySlice<Int32> = []
    }

    let codeSet: ICD10CM
    /// The phrases, title words and vocabulary as flat arrays.
    let tables: Tables
    /// Word → number.
    public var vocabulary: Vocabulary { tables.vocabulary }
    /// The longest phrase, in terms.
    public var longestPhrase: Int { tables.longestPhrase }

    /// An index over tables made for this code set (`tables(of:)`, or the generated ones); built from the code
    /// set when they are nil or do not fit it.
    init(codeSet: ICD10CM, tables: Tables?) {
        self.codeSet = codeSet
        if let tables, tables.fits(codeSet) {
            self.tables = tables
        } else {
            self.tables = Self.tables(of: codeSet)
        }
    }

    /// Builds the index from the code set.
    public convenience init(codeSet: ICD10CM) {
        self.init(codeSet: codeSet, tables: Self.tables(of: codeSet))
    }

    /// Builds the tables from the code set: the concept phrases, every title and inclusion term.
    static func tables(of codeSet: ICD10CM) -> Tables {
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(40_000)
        func number(_ word: String) -> Int32 {
            if let known = vocabulary[word] { return known }
            let next = Int32(vocabulary.count)
            vocabulary[word] = next
            return next
        }
        var phrases: [UInt64: Target] = [:]
        phrases.reserveCapacity(160_000)
        var lengths: [Int32: Set<Int>] = [:]
        var longest = 0
        func offer(_ words: [String], _ target: Target) {
            guard !words.isEmpty else { return }
            let numbers = words.map(number)
            let key = Self.hash(numbers[...])
            if let current = phrases[key], !Self.better(target, than: current) { return }
            phrases[key] = target
            lengths[numbers[0], default: []].insert(numbers.count)
            longest = max(longest, numbers.count)
        }
        for concept in Concepts.table {
            guard let code = codeSet.code(concept.code) else { continue }
            for phrase in concept.phrases {
                offer(SearchTerms.terms(phrase), Target(code: code, source: .concept, traits: concept.traits))
            }
        }
        // How many titles each word is in: a title shortened to one common word (`pain`) names nothing.
        var titleCount: [Int32: Int] = [:]
        var titleTerms: [TitleTerms] = []
        titleTerms.reserveCapacity(codeSet.nodes.count)
        for node in codeSet.nodes {
            guard !node.isExtended else {
                titleTerms.append(TitleTerms(positive: [], absent: []))
                continue
            }
            let analysed = Self.analyse(node.title)
            let positive = analysed.positive.map(number)
            titleTerms.append(
                TitleTerms(
                    positive: positive[...], absent: analysed.absent.map(number)[...], axis: analysed.axis.map(number)[...]
                ))
            for (place, word) in positive.enumerated() where !positive[..<place].contains(word) {
                titleCount[word, default: 0] += 1
            }
        }
        var categoryTraits: [Substring: Concepts.Traits] = [:]
        func common(_ word: String) -> Bool {
            guard let known = vocabulary[word] else { return false }
            return titleCount[known, default: 0] > 20
        }
        for index in codeSet.nodes.indices where !codeSet.nodes[index].isExtended {
            let node = codeSet.nodes[index]
            let code = ICD10Code(codeSet: codeSet, index: Int32(index))
            let letter = node.code.utf8.first ?? 0
            let category = node.code.prefix(3)
            let traits = categoryTraits[category] ?? Concepts.traits(forCategory: String(category))
            categoryTraits[category] = traits
            for variant in Self.variants(of: node.title) {
                if variant.words.count == 1,
                    variant.words[0].utf8.count < 5 || variant.shortened && common(variant.words[0])
                {
                    continue
                }
                // `Complex tear of medial meniscus, current injury, unspecified knee` shortened names its parent,
                // within which the side is chosen.
                let named =
                    variant.shortened && node.parent >= 0 ? ICD10Code(codeSet: codeSet, index: node.parent) : code
                offer(
                    variant.words,
                    Target(code: named, source: variant.shortened ? .shortenedTitle : .title, traits: traits))
            }
            // External causes are named by their titles only.
            guard letter < UInt8(ascii: "V") || letter > UInt8(ascii: "Y") else { continue }
            for note in node.notes where codeSet.notes[Int(note)].kind == .inclusionTerm {
                for variant in Self.variants(of: codeSet.notes[Int(note)].text) where !variant.shortened {
                    if variant.words.count == 1, common(variant.words[0]) || variant.words[0].utf8.count < 5 {
                        continue
                    }
                    offer(variant.words, Target(code: code, source: .inclusionTerm, traits: traits))
                }
            }
        }
        let extensionTerms = codeSet.extensions.map { definition in
            definition.map { character in
                let analysed = Self.analyse("x " + character.meaning)
                return TitleTerms(
                    positive: analysed.positive.dropFirst().map(number)[...], absent: analysed.absent.map(number)[...],
                    axis: analysed.axis.map(number)[...])
            }
        }
        return Tables(
            vocabulary: vocabulary, phrases: phrases, lengths: lengths, titleTerms: titleTerms,
            extensionTerms: extensionTerms, longestPhrase: longest, codeSet: codeSet)
    }

    /// The words of the shared code set's diagnosis vocabulary, for a caller that only asks whether a word names
    /// part of a diagnosis (the note writer's problem headings): the generated tables' (reading them does not load
    /// the code set), or read from the code set should they not fit it.
    public static let sharedVocabulary =
        generatedTables.flatMap { $0.fitsSharedText ? $0.vocabulary : nil } ?? shared.vocabulary

    /// The words `vocabulary` numbers, read straight from their sources as `init(codeSet:)` reads them: the terms
    /// (the synonym table applied) of the concept phrases, and of every listed title and inclusion term (external
    /// causes have none) in the forms `variants(of:)` gives; the plain words of each title and 7th-character meaning
    /// outside parentheses. `DiagnosisVocabularyTests` compares the two.
    static func vocabularyWords(of codeSet: ICD10CM) -> Set<String> {
        var words = Set<String>()
        words.reserveCapacity(40_000)
        // The phrases `variants(of:)` gives, as `init(codeSet:)` offers them: a lone word under five letters names
        // no phrase (a lone common word is left out there too, but is a title's word anyway).
        func addTerms(_ text: String, shortened: Bool) {
            for variant in variants(of: text) where shortened || !variant.shortened {
                if variant.words.count == 1, variant.words[0].utf8.count < 5 { continue }
                words.formUnion(variant.words)
            }
        }
        func addWords(_ text: String) {
            let analysed = analyse(text)
            words.formUnion(analysed.positive)
            words.formUnion(analysed.absent)
            words.formUnion(analysed.axis)
        }
        for concept in Concepts.table where codeSet.code(concept.code) != nil {
            for phrase in concept.phrases { words.formUnion(SearchTerms.terms(phrase)) }
        }
        for node in codeSet.nodes where !node.isExtended {
            addWords(node.title)
            addTerms(node.title, shortened: true)
            let letter = node.code.utf8.first ?? 0
            guard letter < UInt8(ascii: "V") || letter > UInt8(ascii: "Y") else { continue }
            for note in node.notes where codeSet.notes[Int(note)].kind == .inclusionTerm {
                addTerms(codeSet.notes[Int(note)].text, shortened: false)
            }
        }
        for definition in codeSet.extensions {
            for character in definition { addWords(character.meaning) }
        }
        return words
    }

    /// FNV-1a over word numbers.
    static func hash(_ numbers: ArraySlice<Int32>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for number in numbers {
            var value = UInt32(bitPattern: number)
            for _ in 0..<4 {
                hash ^= UInt64(value & 0xFF)
                hash = hash &* 0x100_0000_01b3
                value >>= 8
            }
        }
        return hash
    }

    /// Whether a new target should replace the current one for the same phrase.
    static func better(_ new: Target, than current: Target) -> Bool {
        if new.source != current.source { return new.source < current.source }
        // Among maintained concepts, the first line that names a phrase keeps it.
        if new.source == .concept { return false }
        // The broader code wins (a category over the codes below it): the coder chooses within it.
        let newCode = new.code.compactCode, currentCode = current.code.compactCode
        if currentCode.hasPrefix(newCode) { return true }
        if newCode.hasPrefix(currentCode) { return false }
        let newRank = chapterRank(newCode), currentRank = chapterRank(currentCode)
        if newRank != currentRank { return newRank < currentRank }
        if newCode.utf8.count != currentCode.utf8.count { return newCode.utf8.count < currentCode.utf8.count }
        return newCode < currentCode
    }

    /// Pregnancy, perinatal, injury-detail and encounter chapters lose a tie against the body-system ones.
    static func chapterRank(_ code: String) -> Int {
        switch code.utf8.first {
        case UInt8(ascii: "O"), UInt8(ascii: "P"): 2
        case UInt8(ascii: "Z"), UInt8(ascii: "V"), UInt8(ascii: "W"), UInt8(ascii: "X"), UInt8(ascii: "Y"): 3
        case UInt8(ascii: "R"): 1
        default: 0
        }
    }

    /// A title or inclusion term as phrases: without its parenthesised words (and with them kept), and
    /// without a trailing `, unspecified ...` qualifier or `NOS`.
    static func variants(of text: String) -> [(words: [String], shortened: Bool)] {
        var bare: [UInt8] = []
        var inner: [UInt8] = []
        var depth = 0
        var firstComma: Int?
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "["):
                depth += 1
                inner.append(0x20)
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                depth = max(0, depth - 1)
                inner.append(0x20)
            default:
                if depth == 0 {
                    if byte == UInt8(ascii: ","), firstComma == nil { firstComma = bare.count }
                    bare.append(byte)
                }
                inner.append(byte)
            }
        }
        var results: [(words: [String], shortened: Bool)] = []
        let bareText = String(decoding: bare, as: UTF8.self)
        let bareWords = SearchTerms.terms(bareText)
        results.append((bareWords, false))
        if inner.count != bare.count {
            let innerWords = SearchTerms.terms(String(decoding: inner, as: UTF8.self))
            if innerWords != bareWords { results.append((innerWords, false)) }
        }
        // `Acute sinusitis, unspecified` → `acute sinusitis`; `Pneumonia, unspecified organism` → `pneumonia`.
        if let comma = firstComma, ByteSearch.contains(bare[comma...], Self.unspecifiedBytes) {
            let head = SearchTerms.terms(String(decoding: bare[..<comma], as: UTF8.self))
            if head != bareWords { results.append((head, true)) }
        }
        return results.filter { !$0.words.isEmpty }
    }

    static let unspecifiedBytes = Array("unspecified".utf8)

    /// A title's words outside parentheses: said (positive) and after `without` / `not` (absent) up to the
    /// next `with`, `in`, `due`, `of` or comma.
    static func analyse(_ title: String) -> (positive: [String], absent: [String], axis: [String]) {
        var positive: [String] = []
        var absent: [String] = []
        var axis: [String] = []
        var afterUnspecified = false
        var depth = 0
        var word: [UInt8] = []
        var negating = false
        func flush() {
            guard !word.isEmpty else { return }
            defer { word.removeAll(keepingCapacity: true) }
            if word == Self.without || word == Self.not || word == Self.no {
                negating = true
                return
            }
            if word == Self.with || word == Self.in || word == Self.due || word == Self.of { negating = false }
            var terms = 0
            defer {
                // `unspecified site of right knee`: the axis is a word the terms drop (`site`); the words after it
                // are said, not the axis.
                if terms == 0 && afterUnspecified && word != Self.of {
                    afterUnspecified = false
                    if positive.last == "unspecified" {
                        positive.removeLast()
                        axis.append("unspecified")
                    }
                }
            }
            word.withUnsafeBufferPointer { bytes in
                SearchTerms.forEachWord(inBytes: bytes) { term in
                    terms += 1
                    if negating {
                        absent.append(term)
                    } else if afterUnspecified && term != "unspecified" {
                        // `unspecified knee`: both words name the axis left unspecified.
                        axis.append(term)
                        if positive.last == "unspecified" {
                            positive.removeLast()
                            axis.append("unspecified")
                        }
                        afterUnspecified = false
                    } else {
                        afterUnspecified = term == "unspecified" && !positive.isEmpty
                        positive.append(term)
                    }
                }
            }
        }
        for byte in title.utf8 {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "["):
                flush()
                depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                depth = max(0, depth - 1)
            case UInt8(ascii: ","):
                flush()
                if depth == 0 {
                    negating = false
                    afterUnspecified = false
                }
            case UInt8(ascii: " "), UInt8(ascii: "-"), UInt8(ascii: "/"):
                if depth == 0 { flush() }
            default:
                if depth == 0 { word.append(byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte) }
            }
        }
        flush()
        return (positive, absent, axis)
    }

    static let without = Array("without".utf8), not = Array("not".utf8), no = Array("no".utf8)
    static let with = Array("with".utf8), `in` = Array("in".utf8), due = Array("due".utf8), of = Array("of".utf8)

    /// The numbers of a sequence of terms (-1 for a word no phrase or title has).
    public func numbers(_ terms: [String]) -> [Int32] {
        terms.map { tables.vocabulary.number($0) ?? -1 }
    }

    /// The number of a word, if a phrase or title has it.
    public func number(_ word: String) -> Int32? { tables.vocabulary.number(word) }

    /// The longest phrase starting at `position` of a sequence of word numbers, with its length.
    public func match(_ numbers: [Int32], at position: Int) -> (target: Target, length: Int)? {
        guard position < numbers.count, numbers[position] >= 0 else { return nil }
        for stored in tables.phraseLengths(startingWith: numbers[position]) {
            let length = Int(stored)
            guard position + length <= numbers.count else { continue }
            if let found = tables.phrase(Self.hash(numbers[position..<(position + length)])) {
                let target = Target(
                    code: ICD10Code(codeSet: codeSet, index: found.node), source: found.source, traits: found.traits)
                return (target, length)
            }
        }
        return nil
    }

    /// A code's title words (a made code: its parent's and its 7th character's).
    public func titleTerms(of code: ICD10Code) -> TitleTerms {
        let node = codeSet.nodes[Int(code.index)]
        guard node.isExtended, node.parent >= 0 else { return tables.titleTerms(ofNode: Int(code.index)) }
        var terms = tables.titleTerms(ofNode: Int(node.parent))
        let added = tables.extensionTerms(Int(node.seventh), Int(node.extensionIndex))
        terms.positive.append(contentsOf: added.positive)
        terms.absent.append(contentsOf: added.absent)
        terms.axis.append(contentsOf: added.axis)
        return terms
    }
}
