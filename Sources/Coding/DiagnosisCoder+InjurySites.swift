import Scribe
import Terminology

extension DiagnosisCoder {
    /// The tissue an injury's phrase may name before its site (`the muscles of`): what the injury's codes are of.
    static let injuredTissues: Set<String> = ["muscle", "ligament", "tendon"]
    /// The small words a site phrase holds between its words; a comma, a conjunction or any other word ends it.
    static let sitePhraseJoiners: Set<String> = [
        "of", "the", "a", "your", "his", "her", "my", "their", "our", "in", "on", "to", "at",
    ]
    /// The prepositions that put a site after its injury (`strain of`, `sprain to`, `pulled ... in`).
    static let sitePrepositions: Set<String> = ["of", "in", "on", "to", "at"]

    /// The injury (a strain or a sprain) named at `all[position]` with the site the same phrase gives after it, read
    /// as the index names it (`strain of the muscles of your lower back` → `lower back strain`, S39.012), where the
    /// titles and the concept phrases name the site first (`low back strain`) or between (`Strain of muscle, fascia
    /// and tendon of lower back`): the injury's target and the last term of the site. Only the words of that phrase
    /// are its site (`the`, `of`, `your` between them, sides read as context), and only an injury code (chapter 19)
    /// is taken; `nil` when the phrase names no site the index knows with the injury.
    func siteFirstMatch(
        _ words: [String], terms all: [(term: String, first: Int, last: Int)], numbers: [Int32], at position: Int
    ) -> (target: DiagnosisIndex.Target, end: Int)? {
        // Asked at every term of every clause: the two words are compared before anything else.
        let term = all[position].term
        guard term == "strain" || term == "sprain" else { return nil }
        let injury = numbers[position]
        guard injury >= 0 else { return nil }
        var site: [Int] = []
        var previousLast = all[position].last
        var next = position + 1
        while next < all.count, site.count < 4 {
            let gap = words[min(previousLast + 1, all[next].first)..<all[next].first]
            guard gap.allSatisfy(Self.sitePhraseJoiners.contains) else { break }
            // The site follows its injury by a preposition (`strain of`), not just next to it.
            if next == position + 1, !gap.contains(where: Self.sitePrepositions.contains) { return nil }
            previousLast = all[next].last
            defer { next += 1 }
            if site.isEmpty && Self.injuredTissues.contains(all[next].term) { continue }
            if Self.sideTerms.contains(all[next].term) { continue }
            site.append(next)
        }
        guard !site.isEmpty else { return nil }
        // The longest run of the site's words that the index names with the injury after it.
        for length in stride(from: site.count, through: 1, by: -1) {
            for start in 0...(site.count - length) {
                let phrase = site[start..<(start + length)].map { numbers[$0] } + [injury]
                guard let (target, matched) = index.match(phrase, at: 0), matched == phrase.count,
                    target.code.compactCode.hasPrefix("S")
                else { continue }
                return (target, site[start + length - 1])
            }
        }
        return nil
    }
}
