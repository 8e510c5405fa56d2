import Foundation

/// A naive Bayes model of which SOAP division a sentence belongs to, from word presence.
///
/// Built by `scripts/build_section_model.py` from public training notes (see `SectionModelData.swift`);
/// the table is embedded in the binary, so the engine does no I/O.
public struct SectionModel: Sendable {
    /// The three divisions a sentence can be routed to.
    public enum Division: Int, CaseIterable, Sendable {
        /// Subjective: history, symptoms, medications, allergies.
        case subjective = 0
        /// Objective: vitals, examination, results.
        case objective = 1
        /// Assessment and plan.
        case assessmentPlan = 2
    }

    let logPrior: [Double]
    /// Per token: log P(present | division) for each division.
    let logPresent: [String: [Double]]
    /// Log P(token unseen | division) for tokens outside the vocabulary.
    let logUnseen: [Double]

    /// The model built from the embedded table.
    public static let embedded = SectionModel(table: embeddedTable)

    /// Parses a table of `token<TAB>count…` lines after a `#sentences<TAB>n…` line.
    init(table: String) {
        var sentences = [1.0, 1.0, 1.0]
        var counts: [String: [Double]] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 4 else { continue }
            let values = fields[1...].map { Double($0) ?? 0 }
            let name = fields[0].trimmingPrefix(while: { $0 == " " })
            if name == "#sentences" {
                sentences = values
            } else {
                counts[String(name)] = values
            }
        }
        let total = sentences.reduce(0, +)
        logPrior = sentences.map { log(max($0, 1) / max(total, 1)) }
        let smoothing = 0.5
        logPresent = counts.mapValues { values in
            values.indices.map { log((values[$0] + smoothing) / (sentences[$0] + 2 * smoothing)) }
        }
        logUnseen = sentences.map { log(smoothing / ($0 + 2 * smoothing)) }
    }

    /// The lower-case word and number tokens of a text (every number is `#`), as the builder tokenises.
    public static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var currentIsDigit = false
        func flush() {
            if !current.isEmpty { tokens.append(currentIsDigit ? "#" : String(current)) }
            current = String.UnicodeScalarView()
        }
        for scalar in text.lowercased().unicodeScalars {
            let isLetter = scalar.value >= 0x61 && scalar.value <= 0x7A
            let isDigit = scalar.value >= 0x30 && scalar.value <= 0x39
            if isLetter || isDigit {
                if !current.isEmpty && isDigit != currentIsDigit { flush() }
                currentIsDigit = isDigit
                current.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// Log-likelihood of a sentence under each division (without the prior), and how many of its
    /// distinct tokens the model knows.
    public func scores(_ text: String) -> (logLikelihood: [Double], knownTokens: Int) {
        var result = [0.0, 0.0, 0.0]
        var known = 0
        for token in Set(Self.tokens(text)) {
            if let present = logPresent[token] {
                known += 1
                for division in 0..<3 { result[division] += present[division] }
            } else {
                for division in 0..<3 { result[division] += logUnseen[division] }
            }
        }
        return (result, known)
    }

    /// The prior log-probability of each division.
    public var priors: [Double] { logPrior }
}
