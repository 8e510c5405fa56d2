/// The written conventions a note keeps that speech recognition drops: an age as one adjective
/// (`65-year-old`), the capital of a name after an honorific (`Ms. Cooper`, `Dr. Flores`), and abbreviations in
/// capitals (`MRI`, `COPD`, `hemoglobin A1c`).
extension ClinicalStyle {
    /// Honorifics, as written before a name.
    static let honorifics = WordTable(["mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "dr": "Dr."])
    /// Units of an age said as an adjective (`a 3 month old infant`).
    static let ageUnits: Set<String> = ["year", "month", "week", "day"]
    /// Abbreviations as notes write them, by the word transcripts give (only words that are nothing else).
    static let abbreviations: WordTable<String> = {
        var written = [
            "a1c": "A1c", "covid-19": "COVID-19", "nsaid": "NSAID", "nsaids": "NSAIDs", "ssris": "SSRIs",
            "ssri": "SSRI", "mris": "MRIs",
            "b12": "B12",
        ]
        for word in [
            "mri", "ct", "ekg", "ecg", "eeg", "emg", "cbc", "bmp", "cmp", "tsh", "psa", "hdl", "ldl", "bmi", "inr",
            "esr", "crp", "alt", "ast", "egd", "ppi", "copd", "chf", "cad", "gerd", "uti", "uri", "dvt", "ckd", "ibs",
            "tmj", "hiv", "hpv", "adhd", "ptsd", "ocd", "covid", "stemi", "nstemi", "mcl", "acl", "lcl", "pcl", "icu",
            "rca", "cabg", "gi", "iud",
        ] {
            written[word] = word.uppercased()
        }
        return WordTable(written)
    }()

    /// The longest abbreviation in bytes: longer words are not looked up.
    static let longestAbbreviation = abbreviations.dictionary.keys.map(\.utf8.count).max() ?? 0

    /// The byte offsets of an ASCII word between its marks (from its first to past its last letter or digit), or
    /// nil when the word is not ASCII or has no letter or digit.
    static func asciiCore(_ word: String) -> (Int, Int)? {
        var start: Int?
        var end = 0
        for (offset, byte) in word.utf8.enumerated() {
            if byte >= 0x80 { return nil }
            let isLetterOrDigit = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            guard isLetterOrDigit else { continue }
            if start == nil { start = offset }
            end = offset + 1
        }
        guard let start else { return nil }
        return (start, end)
    }

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
            // `34 -year-old` (speech recognition's space) → `34-year-old`.
            if index > 0, words[index].hasPrefix("-"), words[index - 1].allSatisfy(\.isNumber),
                ageUnits.contains(where: { words[index].hasPrefix("-" + $0 + "-old") })
            {
                words[index - 1] += words[index]
                words.remove(at: index)
                changed = true
                continue
            }
            // A year said in two (`in 20 18` → `in 2018`, `back in 19 99` → `1999`).
            if index > 1, ["19", "20"].contains(words[index - 1]), ["in", "since", "from", "of", "until"].contains(
                Phrasing.bare(words[index - 2])),
                words[index].utf8.count >= 2, words[index].prefix(2).allSatisfy(\.isNumber),
                words[index].dropFirst(2).allSatisfy({ !$0.isNumber && !$0.isLetter })
            {
                words[index - 1] += words[index]
                words.remove(at: index)
                changed = true
                continue
            }
            // `mri` → `MRI`, `(ppi).` → `(PPI).`: the word between its marks (ASCII only, where characters are bytes).
            if let (start, end) = asciiCore(words[index]), end - start <= longestAbbreviation {
                let word = words[index]
                let range = word.utf8.index(word.startIndex, offsetBy: start)..<word.utf8.index(word.startIndex, offsetBy: end)
                if let written = abbreviations[word[range].lowercased()], word[range] != written {
                    words[index].replaceSubrange(range, with: written)
                    changed = true
                }
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
