import Foundation

/// Where a sentence ends in speech recognition written without punctuation: a logistic regression over the
/// words around each gap (two before, two after, their pairs) and the words since the last boundary, learned
/// from punctuated visit dialogues (`scripts/build_utterance_model.py`, ACI-Bench and MTS-Dialog training
/// splits).
struct UtteranceModel: Sendable {
    let weights: [String: Double]
    let bias: Double
    /// The log-odds above which a gap ends a sentence (0.3 probability: the threshold with the best boundary
    /// F1 on the ACI-Bench validation dialogues with their punctuation removed).
    let threshold: Double

    static let embedded = UtteranceModel(table: embeddedTable, probability: 0.3)

    init(table: String, probability: Double) {
        var weights: [String: Double] = [:]
        for row in EmbeddedTable.rows(table) {
            if let value = row.values.first { weights[row.name] = value }
        }
        bias = weights["bias"] ?? 0
        self.weights = weights
        threshold = log(probability / (1 - probability))
    }

    /// The log-odds that a sentence ends after `keys[index]`, `since` words into the current one.
    func score(_ keys: [String], after index: Int, since: Int) -> Double {
        let before = keys[index]
        let before2 = index > 0 ? keys[index - 1] : "<s>"
        let after = index + 1 < keys.count ? keys[index + 1] : "</s>"
        let after2 = index + 2 < keys.count ? keys[index + 2] : "</s>"
        var total = bias
        total += weights["a:" + before] ?? 0
        total += weights["b:" + after] ?? 0
        total += weights["c:" + after2] ?? 0
        total += weights["z:" + before2] ?? 0
        total += weights["ab:" + before + "|" + after] ?? 0
        total += weights["bc:" + after + "|" + after2] ?? 0
        total += weights["za:" + before2 + "|" + before] ?? 0
        total += weights["n:" + Self.sinceBucket(since)] ?? 0
        return total
    }

    static let neverLast: Set<String> = [
        "a", "an", "the", "of", "to", "with", "for", "from", "into", "and", "or", "but", "my", "your", "their",
        "our", "i", "we", "they", "he", "she", "i'm", "we're", "we'll", "i'll", "you're", "if", "because", "than",
        "his", "at", "below", "above", "under", "behind", "between", "toward", "towards", "near", "across", "during",
        "without", "within", "onto", "upon", "whether",
    ]

    static func sinceBucket(_ count: Int) -> String {
        switch count {
        case ...1: return "1"
        case 2: return "2"
        case 3: return "3"
        case 4...5: return "5"
        case 6...8: return "8"
        case 9...12: return "12"
        case 13...20: return "20"
        default: return "many"
        }
    }

    /// The indices of the words that start a new sentence (never the first).
    func starts(of keys: [String]) -> [Int] {
        var starts: [Int] = []
        var since = 0
        for index in keys.indices.dropLast() {
            since += 1
            // A sentence never ends on an article, a preposition, a conjunction, a possessive or a subject
            // pronoun (`refer to urology and we are | going to ...`): whatever the words around it say.
            if !Self.neverLast.contains(keys[index]), score(keys, after: index, since: since) > threshold {
                starts.append(index + 1)
                since = 0
            }
        }
        return starts
    }
}
