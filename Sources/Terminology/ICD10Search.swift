import Foundation

/// A word index over every ICD-10-CM title and inclusion term, queried with the synonym table applied.
///
/// A text's score for a code is, over its best title or inclusion term: the share of the query's weight
/// (inverse document frequency) that the term holds, times how much of the term the query covers
/// (0.5 + 0.5 × matched / term words). 1.0 is an exact match of every word.
public final class ICD10Search: Sendable {
    /// The index of the shared code set, built on first use.
    public static let shared = ICD10Search(codeSet: .shared)

    let codeSet: ICD10CM
    /// Word → document numbers, ascending.
    let postings: [String: [Int32]]
    /// Document → node of the code set.
    let documentNode: [Int32]
    /// Document → its number of distinct words.
    let documentLength: [UInt8]
    /// Document → the inclusion term's note number, or -1 for the title (a title wins a tie).
    let documentNote: [Int32]
    let documentCount: Int

    /// A match: the code, the title or inclusion term that matched, and the score (0–1).
    public struct Match: Hashable, Sendable {
        /// The code.
        public var code: ICD10Code
        /// The title or inclusion term that matched best.
        public var matchedText: String
        /// 0–1.
        public var score: Double
    }

    /// Builds the index of a code set.
    public init(codeSet: ICD10CM) {
        self.codeSet = codeSet
        var postings: [String: [Int32]] = [:]
        postings.reserveCapacity(30_000)
        var documentNode: [Int32] = []
        var documentLength: [UInt8] = []
        var documentNote: [Int32] = []
        func add(_ text: String, node: Int, note: Int32) {
            let words = Set(SearchTerms.words(text))
            guard !words.isEmpty else { return }
            let document = Int32(documentNode.count)
            documentNode.append(Int32(node))
            documentLength.append(UInt8(min(words.count, 255)))
            documentNote.append(note)
            for word in words { postings[word, default: []].append(document) }
        }
        for (index, node) in codeSet.nodes.enumerated() {
            add(node.title, node: index, note: -1)
            for note in node.notes where [.inclusionTerm, .includes].contains(codeSet.notes[Int(note)].kind) {
                add(codeSet.notes[Int(note)].text, node: index, note: note)
            }
        }
        self.postings = postings
        self.documentNode = documentNode
        self.documentLength = documentLength
        self.documentNote = documentNote
        self.documentCount = documentNode.count
    }

    /// Inverse document frequency of a word (0 for a word no title has).
    func weight(_ word: String) -> Double {
        guard let count = postings[word]?.count, count > 0 else { return 0 }
        return log(Double(documentCount) / Double(count)) + 0.1
    }

    /// The best codes for a text, best first: billable codes only unless `billableOnly` is false; at most
    /// `limit`. Texts longer than `SearchTerms.maximumQueryLength` bytes are read up to that length.
    public func search(_ text: String, limit: Int = 10, billableOnly: Bool = false) -> [Match] {
        let terms = Array(Set(SearchTerms.terms(text)))
        guard !terms.isEmpty, limit > 0 else { return [] }
        let weights = terms.map(weight)
        let total = weights.reduce(0, +)
        guard total > 0 else { return [] }
        var matchedWeight: [Int32: Double] = [:]
        var matchedCount: [Int32: Int] = [:]
        for (term, weight) in zip(terms, weights) where weight > 0 {
            guard let list = postings[term] else { continue }
            for document in list {
                matchedWeight[document, default: 0] += weight
                matchedCount[document, default: 0] += 1
            }
        }
        // Best document per node.
        var best: [Int32: (score: Double, document: Int32)] = [:]
        for (document, matched) in matchedWeight {
            let index = Int(document)
            let node = documentNode[index]
            if billableOnly && !codeSet.nodes[Int(node)].isBillable { continue }
            let coverage = Double(matchedCount[document] ?? 0) / Double(max(documentLength[index], 1))
            var score = matched / total * (0.5 + 0.5 * min(coverage, 1))
            if documentNote[index] >= 0 { score -= 0.001 }
            if let current = best[node], current.score >= score { continue }
            best[node] = (score, document)
        }
        let ranked = best.sorted { lhs, rhs in
            if lhs.value.score != rhs.value.score { return lhs.value.score > rhs.value.score }
            let left = codeSet.nodes[Int(lhs.key)], right = codeSet.nodes[Int(rhs.key)]
            if left.isBillable != right.isBillable { return left.isBillable }
            if left.code.utf8.count != right.code.utf8.count { return left.code.utf8.count < right.code.utf8.count }
            return left.code < right.code
        }
        return ranked.prefix(limit).map { node, value in
            let document = Int(value.document)
            let code = ICD10Code(codeSet: codeSet, index: node)
            let note = documentNote[document]
            let text = note >= 0 ? codeSet.notes[Int(note)].text : code.title
            return Match(code: code, matchedText: text, score: (max(0, min(1, value.score)) * 1000).rounded() / 1000)
        }
    }
}
