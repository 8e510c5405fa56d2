/// Sides of the body and tooth numbers.
extension EntityExtractor {
    static let sideWords: [String: String] = [
        "left": "left", "right": "right", "bilateral": "bilateral", "bilaterally": "bilateral", "both": "bilateral",
    ]
    static let sitePhrases = TokenPhrases(ClinicalLexicon.bodySites, matchPlurals: true)

    func sides(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            // Every side word starts with `l`, `r` or `b`: other tokens skip the lookup.
            guard let first = tokens[index].text.utf8.first,
                first == UInt8(ascii: "l") || first == UInt8(ascii: "r") || first == UInt8(ascii: "b"),
                let side = Self.sideWords[tokens[index].text]
            else {
                index += 1
                continue
            }
            // `left knee`, `right lower extremity`, `both ankles`; `right` as in "all right" is no side.
            if index > 0, ["all", "alright", "that's", "you're", "is"].contains(tokens[index - 1].text) {
                index += 1
                continue
            }
            var found: (start: Int, count: Int, value: String)?
            for probe in (index + 1)..<min(tokens.count, index + 4) {
                if let (site, count) = Self.sitePhrases.match(tokens, at: probe) {
                    found = (probe, count, site)
                    break
                }
                if tokens[probe].kind == .punctuation { break }
            }
            guard let found else {
                index += 1
                continue
            }
            let range = Self.span(tokens, index, found.start + found.count - 1)
            entities.append(
                ClinicalEntity(
                    kind: .laterality, text: transcript.text(in: range), evidence: [range], name: found.value,
                    value: side))
            index = found.start + found.count
        }
        return entities
    }

    static let toothWords: Set<String> = [
        "tooth", "teeth", "molar", "premolar", "incisor", "canine", "cuspid", "cavity", "filling", "crown", "decay",
        "caries", "root", "fill", "extraction", "extract",
    ]

    static let toothWordInitials = WordInitials(toothWords)
    /// The words that anchor a tooth number (`tooth number 3`, `#14`).
    static let toothAnchors = ["tooth", "number", "#", "teeth", "numbers"]

    func teeth(_ tokens: [Token], _ transcript: Transcript) -> [ClinicalEntity] {
        guard
            tokens.contains(where: { Self.toothWordInitials.mayOpen($0.text) && Self.toothWords.contains($0.text) })
        else { return [] }
        var entities: [ClinicalEntity] = []
        var index = 0
        while index < tokens.count {
            // `tooth number 3`, `tooth #14`, `#14`, `number 30`
            var probe = index
            let anchored = Self.toothAnchors.contains(tokens[index].text)
            guard anchored else {
                index += 1
                continue
            }
            while probe < tokens.count, Self.toothAnchors.contains(tokens[probe].text) {
                probe += 1
            }
            guard probe > index, let (value, count) = SpokenNumber.read(tokens, at: probe), value >= 1, value <= 32,
                value == value.rounded()
            else {
                index = max(index + 1, probe)
                continue
            }
            let range = Self.span(tokens, index, probe + count - 1)
            entities.append(
                ClinicalEntity(
                    kind: .tooth, text: transcript.text(in: range), evidence: [range], name: "tooth",
                    value: Self.format(value), attributes: ["system": "universal"]))
            index = probe + count
        }
        return entities
    }
}
