import Scribe
import Terminology

/// A radiculopathy or sciatica caused by an intervertebral disc disorder is the disc disorder `with radiculopathy`
/// (M50.1-, M51.1-): ICD-10-CM's index (Disorder, disc, with radiculopathy; Sciatica, due to intervertebral disc
/// disorder) and the Excludes1 notes at M54.1 (`radiculopathy with cervical disc disorder (M50.1)`, `... with lumbar
/// and other intervertebral disc disorder (M51.1-)`) and M54.3-M54.4 (`sciatica due to intervertebral disc disorder
/// (M51.1-)`). The combination code holds the displacement or degeneration of the same disc.
extension DiagnosisCoder {
    /// The disc disorder with radiculopathy by the radiculopathy's region: cervical (M54.12, M54.13), thoracic,
    /// thoracolumbar, lumbar, lumbosacral; sciatica is of a lumbar disc (M54.3-, M54.4-); a radiculopathy of unstated
    /// region (M54.10, empty here) takes the region of the disc levels the statement names.
    static let discRadiculopathyByRegion: [(prefix: String, code: String)] = [
        ("M5412", "M50.1"), ("M5413", "M50.13"), ("M5414", "M51.14"), ("M5415", "M51.15"), ("M5416", "M51.16"),
        ("M5417", "M51.17"), ("M543", "M51.16"), ("M544", "M51.16"), ("M5410", ""),
    ]
    /// The disc disorders a combination with radiculopathy holds: displacement, degeneration, other and unspecified
    /// (M50.2-M50.9, M51.2-M51.9 but Schmorl's nodes).
    static let heldDiscDisorders = ["M502", "M503", "M508", "M509", "M512", "M513", "M518", "M519"]
    /// Words that name an intervertebral disc.
    static let discWords: Set<String> = ["disc", "discs", "disk", "disks"]
    /// Words that say what is wrong with a disc.
    static let discDisorderWords: Set<String> = [
        "herniation", "herniations", "herniated", "herniating", "bulge", "bulges", "bulging", "protrusion",
        "protrusions", "protruding", "extrusion", "extruded", "displacement", "displaced", "degeneration",
        "degenerative", "slipped", "ruptured", "rupture", "disease",
    ]
    /// Abbreviations that name a disc disorder on their own (herniated nucleus pulposus, degenerative disc disease).
    static let discAbbreviations: Set<String> = ["hnp", "ddd"]

    /// Whether a statement says a disc disorder, neither denied (`no disc herniation on the MRI`) nor doubted (`it
    /// might be a disc bulging`).
    static func saysDiscDisorder(_ text: String) -> Bool {
        clauses(of: text).contains(where: saysDiscDisorder(words:))
    }

    /// Whether a clause says a disc disorder, neither denied nor doubted, nor a relative's or a case considered.
    static func saysDiscDisorder(words: [String]) -> Bool {
        words.indices.contains { position in
            let word = words[position]
            let named =
                discAbbreviations.contains(word)
                || discWords.contains(word)
                    && words[max(0, position - 3)..<min(words.count, position + 3)].contains(
                        where: discDisorderWords.contains)
            guard named else { return false }
            let reading = ConditionContext.read(words, condition: position..<(position + 1))
            return !reading.denied && !reading.doubted && !reading.hypothetical && !reading.relative
        }
    }

    /// Replaces a radiculopathy or sciatica with the disc disorder with radiculopathy of its region where the visit
    /// says a disc disorder: in the same statement, coded beside it from that statement, or in another clause of the
    /// visit (`clauses`; the index links the two by `with`, presumed unless the visit says otherwise, guideline
    /// I.A.15). Removes the disc disorder the combination holds.
    func withDiscRadiculopathy(_ candidates: inout [Candidate], clauses: [[String]]) {
        // The visit's clauses are read only when a radiculopathy or sciatica is coded.
        guard
            candidates.contains(where: { candidate in
                Self.discRadiculopathyByRegion.contains { candidate.code.compactCode.hasPrefix($0.prefix) }
            })
        else { return }
        let discClauses = clauses.filter(Self.saysDiscDisorder(words:)).map { $0.joined(separator: " ") }
        for index in candidates.indices {
            let candidate = candidates[index]
            guard
                let (_, combination) = Self.discRadiculopathyByRegion.first(where: {
                    candidate.code.compactCode.hasPrefix($0.prefix)
                })
            else { continue }
            let statements = Set(candidate.evidence.map(\.statement))
            let discCoded = candidates.contains { other in
                Self.heldDiscDisorders.contains { other.code.compactCode.hasPrefix($0) }
                    && other.evidence.contains { statements.contains($0.statement) }
            }
            let statedHere = discCoded || statements.contains(where: Self.saysDiscDisorder)
            guard statedHere || !discClauses.isEmpty else { continue }
            let text = (statements + (statedHere ? [] : discClauses)).joined(separator: " ").lowercased()
            // A radiculopathy of unstated region takes the region of the disc's level (`an L5-S1 disc protrusion`).
            let parts = Self.spineParts(in: text)
            // Where the statement names the other part of the spine too (`lumbar radiculopathy and cervical disc
            // disease`), the disc is not said to be the cause; a radiculopathy of unstated region takes the one part
            // named.
            let region: String?
            switch (combination, parts.lumbar, parts.cervical) {
            case ("", true, false): region = "M51.16"
            case ("", false, true): region = "M50.1"
            case ("", _, _): region = nil
            case (_, _, true) where !combination.hasPrefix("M50"): region = nil
            case (_, true, _) where combination.hasPrefix("M50"): region = nil
            default: region = combination
            }
            guard let region, let code = codeSet.code(Self.discLevel(region, in: text)) else { continue }
            let billable = code.isBillable ? code : code.billableDescendants.first
            guard let billable, !candidates.contains(where: { $0.code == billable }) else { continue }
            candidates[index].code = billable
            candidates[index].reason +=
                "; due to an intervertebral disc disorder: the disc disorder with radiculopathy (\(billable.code), "
                + "Excludes1 at \(candidate.code.code))"
            candidates[index].traits = [.chronic]
        }
        // The displacement or degeneration a combination with radiculopathy of the same spine part holds.
        let combined = candidates.filter { ["M501", "M511"].contains(String($0.code.compactCode.prefix(4))) }
        guard !combined.isEmpty else { return }
        candidates.removeAll { candidate in
            let compact = candidate.code.compactCode
            guard Self.heldDiscDisorders.contains(where: { compact.hasPrefix($0) }) else { return false }
            return combined.contains { $0.code.category == candidate.code.category }
        }
    }

    /// The parts of the spine a statement names (`L4-L5`, `lumbar`; `C6-C7`, `cervical`).
    static func spineParts(in text: String) -> (lumbar: Bool, cervical: Bool) {
        let words = Set(SearchTerms.words(text))
        let lumbar =
            words.contains("lumbar") || words.contains("lumbosacral")
            || words.contains { $0.count == 2 && $0.hasPrefix("l") && ("1"..."5").contains(String($0.dropFirst())) }
        let cervical =
            words.contains("cervical")
            || words.contains { $0.count == 2 && $0.hasPrefix("c") && ("2"..."7").contains(String($0.dropFirst())) }
        return (lumbar, cervical)
    }

    /// The combination code at the level the statement names: a cervical disc by its level (`C5-C6` → M50.122),
    /// a lumbar one at L5-S1 is lumbosacral (M51.17).
    static func discLevel(_ code: String, in text: String) -> String {
        let compact = String(text.filter { $0 != " " })
        switch code {
        case "M50.1":
            if compact.contains("c4-c5") || compact.contains("c4-5") || compact.contains("c4c5") { return "M50.121" }
            if compact.contains("c5-c6") || compact.contains("c5-6") || compact.contains("c5c6") { return "M50.122" }
            if compact.contains("c6-c7") || compact.contains("c6-7") || compact.contains("c6c7") { return "M50.123" }
            if compact.contains("c7-t1") || compact.contains("c7t1") { return "M50.13" }
            if compact.contains("c2-c3") || compact.contains("c3-c4") || compact.contains("c3-4") { return "M50.11" }
            return "M50.10"
        case "M51.16":
            return compact.contains("l5-s1") || compact.contains("l5s1") || text.contains("lumbosacral")
                ? "M51.17" : "M51.16"
        default:
            return code
        }
    }
}
