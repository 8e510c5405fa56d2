/// The written conventions a note keeps that speech recognition drops: an age as one adjective
/// (`65-year-old`), and the capital of a name after an honorific (`Ms. Cooper`, `Dr. Flores`).
extension ClinicalStyle {
    /// Honorifics, as written before a name.
    static let honorifics: [String: String] = ["mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "dr": "Dr."]
    /// Units of an age said as an adjective (`a 3 month old infant`).
    static let ageUnits: Set<String> = ["year", "month", "week", "day"]

    /// A statement with its ages and honorific names written as notes write them.
    static func writtenForm(_ text: String) -> String {
        var words = Phrasing.spaceSeparated(text)
        var changed = false
        var index = 0
        while index < words.count {
            let bare = Phrasing.bare(words[index])
            // `65 year old` → `65-year-old`.
            if index > 0, index + 1 < words.count, ageUnits.contains(bare), words[index] == bare,
                words[index - 1].allSatisfy(\.isNumber), Phrasing.bare(words[index + 1]) == "old",
                words[index + 1].hasPrefix("old")
            {
                words[index - 1] += "-" + bare + "-" + words[index + 1]
                words.removeSubrange(index...(index + 1))
                changed = true
                continue
            }
            // `ms. cooper` → `Ms. Cooper`.
            if index + 1 < words.count, let honorific = honorifics[bare],
                words[index].hasSuffix("."),
                let first = words[index + 1].unicodeScalars.first, first.properties.isLowercase
            {
                words[index] = honorific
                words[index + 1] = words[index + 1].prefix(1).uppercased() + words[index + 1].dropFirst()
                changed = true
            }
            index += 1
        }
        return changed ? words.joined(separator: " ") : text
    }
}
