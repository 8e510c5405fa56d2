import Foundation

/// Routes transcript sentences to SOAP divisions.
///
/// A dictation runs subjective → objective → assessment/plan, so its sentences are labelled by a Viterbi
/// decode that only moves forward through the divisions, over the section model's per-sentence scores and a
/// prior on where in a dictation each division lies.
/// A dialogue is routed sentence by sentence: the patient's words are history, the clinician's are
/// routed by the model where they dictate findings, assessment or plan.
public struct SectionRouter: Sendable {
    let model: SectionModel
    /// The weight of the position prior's log against the model's logits (0 leaves position out).
    let positionWeight: Double

    /// Creates a router over a section model.
    public init(model: SectionModel = .embedded, positionWeight: Double = 0.5) {
        self.model = model
        self.positionWeight = positionWeight
    }

    /// The division of each sentence of a dictation, in order, never moving backwards.
    ///
    /// - Parameter paragraphStarts: whether each sentence opens a paragraph (a line of its own). A dictation
    ///   typed in paragraphs changes section at a paragraph break far more often than inside a paragraph, so
    ///   with three or more paragraphs a change inside one costs more.
    public func routeDictation(_ sentences: [String], paragraphStarts: [Bool] = []) -> [SectionModel.Division] {
        guard !sentences.isEmpty else { return [] }
        let paragraphed = paragraphStarts.count == sentences.count && paragraphStarts.filter { $0 }.count >= 3
        var scores = sentences.map { divisionScores($0).scores }
        // A paragraphed note ends with its assessment and plan: the last paragraph leans that way.
        if paragraphed, let lastStart = paragraphStarts.lastIndex(of: true) {
            for index in lastStart..<scores.count { scores[index][2] += lastParagraphBonus }
            // And it opens with the history: the first paragraph leans to subjective.
            let firstEnd = paragraphStarts.dropFirst().firstIndex(of: true) ?? scores.count
            for index in 0..<firstEnd { scores[index][0] += firstParagraphBonus }
        }
        // Where a sentence sits in the dictation (the share of the text before its middle) weighs for the
        // division usually found there.
        let lengths = sentences.map { Double($0.utf8.count + 1) }
        let total = lengths.reduce(0, +)
        var before = 0.0
        for index in scores.indices {
            let middle = (before + lengths[index] / 2) / total
            before += lengths[index]
            let prior = Self.positionPrior[min(Int(middle * Double(Self.positionPrior.count)), Self.positionPrior.count - 1)]
            for division in scores[index].indices where division < prior.count {
                scores[index][division] += positionWeight * log(prior[division] + positionSmoothing)
            }
        }
        let divisions = SectionModel.Division.allCases.count
        // best[i][d]: best log score of sentences 0...i with sentence i in division d.
        var best = Array(repeating: Array(repeating: -Double.infinity, count: divisions), count: scores.count)
        var back = Array(repeating: Array(repeating: 0, count: divisions), count: scores.count)
        let switchPenalty = 1.5
        let skipFactor = 4.0
        best[0][0] = scores[0][0]
        best[0][1] = scores[0][1] - 2 * switchPenalty
        best[0][2] = scores[0][2] - 3 * switchPenalty
        for index in 1..<scores.count {
            for division in 0..<divisions {
                var choice = division
                var value = best[index - 1][division]
                for previous in 0..<division {
                    // Skipping a division (history straight to plan) costs more than passing through it.
                    var penalty = switchPenalty * Double(division - previous) * (division - previous > 1 ? skipFactor : 1)
                    if paragraphed && !paragraphStarts[index] { penalty *= inParagraphFactor }
                    if best[index - 1][previous] - penalty > value {
                        value = best[index - 1][previous] - penalty
                        choice = previous
                    }
                }
                best[index][division] = value + scores[index][division]
                back[index][division] = choice
            }
        }
        var division = (0..<divisions).max { best[scores.count - 1][$0] < best[scores.count - 1][$1] } ?? 0
        var labels = Array(repeating: SectionModel.Division.subjective, count: scores.count)
        for index in stride(from: scores.count - 1, through: 0, by: -1) {
            labels[index] = SectionModel.Division(rawValue: division) ?? .subjective
            division = back[index][division]
        }
        return labels
    }

    /// What is added to each share of the position prior, so that no division is ruled out anywhere.
    let positionSmoothing = 0.02

    /// How much more a change of division costs inside a paragraph than at a paragraph break.
    let inParagraphFactor = 10.0
    /// The assessment-and-plan bonus of each sentence of a paragraphed dictation's last paragraph.
    let lastParagraphBonus = 4.0
    /// The subjective bonus of each sentence of its first paragraph.
    let firstParagraphBonus = 4.0

    /// How much one unit of the model's logits weighs against the cue bonuses and switch penalties.
    let logitScale = 1.0

    /// A sentence's score for each division (model logits plus cue bonuses), and how many of its features
    /// the model knows.
    func divisionScores(_ text: String) -> (scores: [Double], knownFeatures: Int) {
        let haystack = PhraseList.haystack(text)
        return divisionScores(tokens: SectionModel.tokens(lowercasedUTF8: haystack), haystack: haystack)
    }

    /// The same, from the sentence's model tokens and lower-cased bytes when the caller has them already.
    func divisionScores(tokens: [String], haystack: [UInt8]) -> (scores: [Double], knownFeatures: Int) {
        let model = self.model.scores(tokens: tokens)
        return (zip(model.logits, SectionCues.bonus(haystack)).map { $0 * logitScale + $1 }, model.knownFeatures)
    }

    /// The most likely division of one sentence, and how many of its features the model knows.
    public func classify(_ text: String) -> (division: SectionModel.Division, knownFeatures: Int) {
        let haystack = PhraseList.haystack(text)
        return classify(tokens: SectionModel.tokens(lowercasedUTF8: haystack), haystack: haystack)
    }

    /// The same, from the sentence's model tokens and lower-cased bytes.
    func classify(tokens: [String], haystack: [UInt8]) -> (division: SectionModel.Division, knownFeatures: Int) {
        let (scores, known) = divisionScores(tokens: tokens, haystack: haystack)
        var best = 0
        for division in scores.indices where scores[division] > scores[best] { best = division }
        return (SectionModel.Division(rawValue: best) ?? .subjective, known)
    }

    /// The most likely division of one sentence.
    public func routeSentence(_ text: String) -> SectionModel.Division {
        classify(text).division
    }
}
