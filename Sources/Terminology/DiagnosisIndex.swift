import Foundation

/// Diagnosis phrases → the ICD-10-CM code (or the category or subcategory to choose within) they name.
///
/// Built from the maintained concept table (`Concepts`) and from every title and inclusion term of the code
/// set, in the form clinicians write them: nonessential modifiers in parentheses dropped, a trailing
/// `, unspecified ...` or `NOS` dropped. Phrases are matched on search terms (`SearchTerms.terms`), so the
/// synonym table applies.
public final class DiagnosisIndex: Sendable {
    /// The index of the shared code set, built on first use.
    public static let shared = DiagnosisIndex(codeSet: .shared)

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

    let codeSet: ICD10CM
    /// Phrase (terms joined by spaces) → target.
    let phrases: [String: Target]
    /// First term → phrase lengths starting with it, longest first.
    let lengths: [String: [Int]]
    /// The longest phrase, in terms.
    public let longestPhrase: Int

    /// Builds the index.
    public init(codeSet: ICD10CM) {
        self.codeSet = codeSet
        var phrases: [String: Target] = [:]
        phrases.reserveCapacity(120_000)
        func offer(_ key: String, _ target: Target) {
            guard !key.isEmpty else { return }
            if let current = phrases[key], !Self.better(target, than: current) { return }
            phrases[key] = target
        }
        for concept in Concepts.table {
            guard let code = codeSet.code(concept.code) else { continue }
            for phrase in concept.phrases {
                offer(SearchTerms.terms(phrase).joined(separator: " "), Target(code: code, source: .concept, traits: concept.traits))
            }
        }
        for index in codeSet.nodes.indices where !codeSet.nodes[index].isExtended {
            let node = codeSet.nodes[index]
            let code = ICD10Code(codeSet: codeSet, index: Int32(index))
            // Chapters for external causes, and codes for encounters, are named by their titles only.
            let chapterLetter = node.code.utf8.first ?? 0
            let traits = Concepts.traits(forCategory: String(node.code.prefix(3)))
            for variant in Self.variants(of: node.title) {
                offer(variant.key, Target(code: code, source: variant.shortened ? .shortenedTitle : .title, traits: traits))
            }
            guard chapterLetter != UInt8(ascii: "V"), chapterLetter != UInt8(ascii: "W"),
                chapterLetter != UInt8(ascii: "X"), chapterLetter != UInt8(ascii: "Y")
            else { continue }
            for note in node.notes where codeSet.notes[Int(note)].kind == .inclusionTerm {
                for variant in Self.variants(of: codeSet.notes[Int(note)].text) where !variant.shortened {
                    offer(variant.key, Target(code: code, source: .inclusionTerm, traits: traits))
                }
            }
        }
        self.phrases = phrases
        var lengths: [String: Set<Int>] = [:]
        var longest = 0
        for key in phrases.keys {
            let words = key.split(separator: " ")
            guard let first = words.first else { continue }
            lengths[String(first), default: []].insert(words.count)
            longest = max(longest, words.count)
        }
        self.lengths = lengths.mapValues { $0.sorted(by: >) }
        self.longestPhrase = longest
    }

    /// Whether a new target should replace the current one for the same phrase.
    static func better(_ new: Target, than current: Target) -> Bool {
        if new.source != current.source { return new.source < current.source }
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

    /// A title or inclusion term as phrases: without its parenthesised words (and with them kept, when
    /// short), and without a trailing `, unspecified ...` qualifier or `NOS`.
    static func variants(of text: String) -> [(key: String, shortened: Bool)] {
        var results: [(String, Bool)] = []
        var bare = ""
        var inner = ""
        var depth = 0
        for character in text {
            switch character {
            case "(", "[":
                depth += 1
            case ")", "]":
                depth = max(0, depth - 1)
            default:
                if depth == 0 {
                    bare.append(character)
                    inner.append(character)
                } else {
                    inner.append(character)
                }
            }
            if character == "(" || character == ")" { inner.append(" ") }
        }
        for form in [bare, inner] {
            let cleaned = form.replacingOccurrences(of: " NOS", with: "")
            results.append((SearchTerms.terms(cleaned).joined(separator: " "), false))
            // `Acute sinusitis, unspecified` → `acute sinusitis`; `Pneumonia, unspecified organism` → `pneumonia`.
            if let comma = cleaned.firstIndex(of: ","), cleaned[comma...].lowercased().contains("unspecified") {
                results.append((SearchTerms.terms(cleaned[..<comma]).joined(separator: " "), true))
            }
        }
        var seen = Set<String>()
        return results.filter { !$0.0.isEmpty && seen.insert($0.0).inserted }
    }

    /// The longest phrase starting at `position` of a term sequence, with its length in terms.
    public func match(_ terms: [String], at position: Int) -> (target: Target, length: Int)? {
        guard position < terms.count, let candidates = lengths[terms[position]] else { return nil }
        for length in candidates where position + length <= terms.count {
            let key = length == 1 ? terms[position] : terms[position..<(position + length)].joined(separator: " ")
            if let target = phrases[key] { return (target, length) }
        }
        return nil
    }

    /// The target of an exact phrase (terms joined by spaces), if any.
    public func target(of phrase: String) -> Target? {
        phrases[SearchTerms.terms(phrase).joined(separator: " ")]
    }
}
