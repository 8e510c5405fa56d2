import Foundation

/// A word index over every ICD-10-CM title and inclusion term, queried with the synonym table applied.
///
/// A text's score for a code is, over its best title or inclusion term: the share of the query's weight
/// (inverse document frequency) that the term holds, times how much of the term the query covers
/// (0.5 + 0.5 × matched / term words). 1.0 is an exact match of every word. Codes made with a 7th
/// character are found through the code they extend (the character chosen from the query, `initial
/// encounter` when it says none).
public final class ICD10Search: Sendable {
    /// The index of the shared code set, built on first use.
    public static let shared = ICD10Search(codeSet: .shared)

    let codeSet: ICD10CM
    /// Word → its number.
    let vocabulary: [String: Int32]
    /// Word number → document numbers, ascending.
    let postings: [[Int32]]
    /// Word number → weight (inverse document frequency).
    let weights: [Float]
    /// Document → node of the code set.
    let documentNode: [Int32]
    /// Document → its number of distinct words.
    let documentLength: [UInt8]
    /// Document → the note it is (an inclusion term or includes note), or -1 for the title.
    let documentNote: [Int32]

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
        var vocabulary: [String: Int32] = [:]
        vocabulary.reserveCapacity(32_000)
        var postings: [[Int32]] = []
        var documentNode: [Int32] = []
        var documentLength: [UInt8] = []
        var documentNote: [Int32] = []
        documentNode.reserveCapacity(64_000)
        var seen: [Int32] = []
        func add(_ text: String, node: Int, note: Int32) {
            let document = Int32(documentNode.count)
            seen.removeAll(keepingCapacity: true)
            SearchTerms.forEachWord(in: text) { word in
                let number: Int32
                if let known = vocabulary[word] {
                    number = known
                } else {
                    number = Int32(postings.count)
                    vocabulary[word] = number
                    postings.append([])
                }
                guard !seen.contains(number) else { return }
                seen.append(number)
                postings[Int(number)].append(document)
            }
            guard !seen.isEmpty else { return }
            documentNode.append(Int32(node))
            documentLength.append(UInt8(min(seen.count, 255)))
            documentNote.append(note)
        }
        for (index, node) in codeSet.nodes.enumerated() where !node.isExtended {
            add(node.title, node: index, note: -1)
            for note in node.notes {
                let kind = codeSet.notes[Int(note)].kind
                if kind == .inclusionTerm || kind == .includes { add(codeSet.notes[Int(note)].text, node: index, note: note) }
            }
        }
        let count = Float(max(documentNode.count, 1))
        self.weights = postings.map { log(count / Float(max($0.count, 1))) + 0.1 }
        self.vocabulary = vocabulary
        self.postings = postings
        self.documentNode = documentNode
        self.documentLength = documentLength
        self.documentNote = documentNote
    }

    /// The best codes for a text, best first; billable codes only when `billableOnly`; at most `limit`.
    /// Texts longer than `SearchTerms.maximumQueryLength` bytes are read up to that length.
    public func search(_ text: String, limit: Int = 10, billableOnly: Bool = false) -> [Match] {
        let queryTerms = SearchTerms.terms(text)
        var terms: [Int32] = []
        for term in queryTerms {
            if let number = vocabulary[term], !terms.contains(number) { terms.append(number) }
        }
        let unknown = Set(queryTerms).count - terms.count
        guard !terms.isEmpty, limit > 0 else { return [] }
        // Unknown words weigh as much as a rare word: a query that is half unknown matches at most half.
        let total = terms.reduce(Float(unknown) * 8) { $0 + weights[Int($1)] }
        var matchedWeight = [Float](repeating: 0, count: documentNode.count)
        var matchedCount = [UInt8](repeating: 0, count: documentNode.count)
        var touched: [Int32] = []
        for term in terms {
            let weight = weights[Int(term)]
            for document in postings[Int(term)] {
                if matchedCount[Int(document)] == 0 { touched.append(document) }
                matchedWeight[Int(document)] += weight
                matchedCount[Int(document)] &+= 1
            }
        }
        // Best document per node, kept as the top `limit` nodes.
        var bestByNode: [Int32: (score: Float, document: Int32)] = [:]
        bestByNode.reserveCapacity(min(touched.count, 4096))
        for document in touched {
            let index = Int(document)
            let node = documentNode[index]
            if billableOnly && !codeSet.nodes[Int(node)].isBillable && !hasMadeCodes(node) { continue }
            let coverage = Float(matchedCount[index]) / Float(max(documentLength[index], 1))
            var score = matchedWeight[index] / total * (0.5 + 0.5 * min(coverage, 1))
            if documentNote[index] >= 0 { score -= 0.001 }
            if let current = bestByNode[node], current.score >= score { continue }
            bestByNode[node] = (score, document)
        }
        func precedes(_ lhs: (node: Int32, score: Float), _ rhs: (node: Int32, score: Float)) -> Bool {
            if lhs.score != rhs.score { return lhs.score > rhs.score }
            let left = codeSet.nodes[Int(lhs.node)], right = codeSet.nodes[Int(rhs.node)]
            if left.isBillable != right.isBillable { return left.isBillable }
            if left.code.utf8.count != right.code.utf8.count { return left.code.utf8.count < right.code.utf8.count }
            return left.code < right.code
        }
        var top: [(node: Int32, score: Float)] = []
        for (node, value) in bestByNode {
            let entry = (node: node, score: value.score)
            if top.count == limit, let last = top.last, !precedes(entry, last) { continue }
            let position = top.firstIndex { precedes(entry, $0) } ?? top.count
            top.insert(entry, at: position)
            if top.count > limit { top.removeLast() }
        }
        let queryWords = Set(queryTerms)
        return top.map { entry in
            let document = Int(bestByNode[entry.node]?.document ?? 0)
            var node = entry.node
            if billableOnly && !codeSet.nodes[Int(node)].isBillable { node = madeCode(of: node, words: queryWords) }
            let note = documentNote[document]
            let code = ICD10Code(codeSet: codeSet, index: node)
            let text = note >= 0 ? codeSet.notes[Int(note)].text : codeSet.title(of: entry.node)
            return Match(code: code, matchedText: text, score: (Double(max(0, min(1, entry.score))) * 1000).rounded() / 1000)
        }
    }

    /// Whether a node's codes are made with a 7th character (a leaf with made children).
    func hasMadeCodes(_ node: Int32) -> Bool {
        let range = codeSet.nodes[Int(node)].children
        guard let first = codeSet.children[Int(range.lowerBound)..<Int(range.upperBound)].first else { return false }
        return codeSet.nodes[Int(first)].isExtended
    }

    /// The made code of a node whose 7th character's meaning the query's words fit best (the first one,
    /// usually `initial encounter`, when none fits).
    func madeCode(of node: Int32, words: Set<String>) -> Int32 {
        let range = codeSet.nodes[Int(node)].children
        let children = codeSet.children[Int(range.lowerBound)..<Int(range.upperBound)]
        guard var best = children.first else { return node }
        var bestScore = 0
        for child in children {
            let meaning = codeSet.extensions[Int(codeSet.nodes[Int(child)].seventh)][Int(codeSet.nodes[Int(child)].extensionIndex)].meaning
            let score = SearchTerms.words(meaning).filter { words.contains($0) }.count
            if score > bestScore {
                bestScore = score
                best = child
            }
        }
        return best
    }
}
