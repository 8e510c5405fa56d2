/// Rewrites for how notes write what was said: numbers in digits with unit abbreviations ("three out of six" →
/// "3/6", "five milligrams" → "5 mg"), and an examiner's spoken finding as a terse finding under its body
/// system ("on their heart exam I do appreciate a murmur" → "Cardiovascular: A murmur.").
extension Phrasing {
    static let unitAbbreviations: [String: String] = [
        "milligrams": "mg", "milligram": "mg", "micrograms": "mcg", "microgram": "mcg", "grams": "g",
        "centimeters": "cm", "centimeter": "cm", "millimeters": "mm", "millimeter": "mm", "milliliters": "mL",
        "milliliter": "mL", "kilograms": "kg", "kilogram": "kg", "percent": "%", "units": "units",
    ]
    /// Words after which `one` is a number (`one tablet`, `one week`); alone it is usually a pronoun.
    static let countedWords: Set<String> = [
        "mg", "milligram", "milligrams", "tablet", "tablets", "pill", "pills", "time", "times", "day", "days", "week",
        "weeks", "month", "months", "year", "years", "hour", "hours", "minute", "minutes", "centimeter",
        "centimeters", "millimeter", "millimeters", "percent", "out", "by", "to", "point", "hundred", "unit", "units",
        "cm", "mm", "inch", "inches", "pound", "pounds", "dose", "capsule", "capsules", "puff", "puffs", "drink",
        "drinks", "pack", "packs", "cup", "cups", "glass", "glasses", "gram", "grams", "liter", "liters",
    ]

    /// The sentence with a full stop when it ends without punctuation.
    static func terminated(_ text: String) -> String {
        guard let last = text.unicodeScalars.last, last.isLetter || last.isNumeral || last == ")" || last == "%"
        else { return text }
        return text + "."
    }

    static func bare(_ word: String) -> String {
        // One pass over the bytes where they are stored (a native or small string always has them in a row).
        let fast: String?? = word.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            var plain = true
            for byte in bytes {
                if byte >= 0x80 { return nil }
                // Most words are lower-case ASCII without punctuation: no new string for them.
                if !((byte >= 0x61 && byte <= 0x7A) || byte == 0x27 || byte == 0x2D || (byte >= 0x30 && byte <= 0x39)) {
                    plain = false
                }
            }
            if plain { return word }
            // ASCII: lower-cased and trimmed of marks, written into the new string's storage directly.
            var start = 0
            var end = bytes.count
            while start < end, isMark(bytes[start]) { start += 1 }
            while start < end, isMark(bytes[end - 1]) { end -= 1 }
            return String(unsafeUninitializedCapacity: end - start) { buffer in
                for offset in 0..<(end - start) {
                    let byte = bytes[start + offset]
                    buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                }
                return end - start
            }
        }
        if let fast = fast ?? nil { return fast }
        return word.lowercased().trimmingCharacters(in: ",.;:!?")
    }

    static func trailingPunctuation(_ word: String) -> String {
        guard let last = word.utf8.last, isMark(last) else { return "" }
        // Marks are ASCII, so the trailing run of mark bytes is the trailing run of mark characters.
        let count = word.utf8.reversed().prefix(while: isMark).count
        return String(decoding: word.utf8.suffix(count), as: UTF8.self)
    }

    /// A decimal point speech recognition wrote apart, once the numbers are digits: `a. 5 cm` → `0.5 cm`,
    /// `4. 4 cm` → `4.4 cm` (the sentence was kept whole by `Transcript.isSpokenDecimal`).
    static func joinedDecimals(_ words: [String]) -> [String] {
        guard words.count >= 2 else { return words }
        var output: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            // Inside one sentence (the splitter already judged the point a decimal), a number and a digit or two
            // after the point are one number even without a unit (`a temperature of 98. 4 which is normal`).
            if index + 1 < words.count, word.hasSuffix("."), word.count > 1,
                let fraction = words[index + 1].first, fraction.isNumber, words[index + 1].allSatisfy({ $0.isNumber }),
                index + 2 < words.count
                    && (Transcript.decimalUnits.contains(bare(words[index + 2])) || ["%"].contains(words[index + 2]))
                    || word.dropLast().allSatisfy({ $0.isNumber }) && words[index + 1].count <= 2
                        && (index + 2 == words.count || !SpokenNumber.timeUnits.contains(bare(words[index + 2])))
            {
                let whole = String(word.dropLast())
                let lowered = whole.lowercased()
                if lowered == "a" || lowered == "point" || whole.allSatisfy({ $0.isNumber }) {
                    let integer = whole.allSatisfy({ $0.isNumber }) ? whole : "0"
                    output.append((lowered == "a" ? "a " : "") + integer + "." + words[index + 1])
                    index += 2
                    continue
                }
            }
            output.append(word)
            index += 1
        }
        return output
    }

    /// Spoken numbers in digits, `X out of Y` as `X/Y`, `X by Y centimeters` as `X x Y cm`, units abbreviated
    /// after a number.
    /// Words after a murmur's spoken grade (`two over six systolic ejection murmur`).
    static let murmurWords: Set<String> = [
        "systolic", "diastolic", "holosystolic", "ejection", "murmur", "pansystolic", "crescendo", "blowing",
    ]

    static func withDigits(_ words: [String]) -> [String] {
        // Only sentences with a number change: most words are ruled out by their first letter.
        guard
            words.contains(where: { word in
                guard let first = word.utf8.first else { return false }
                if word.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) { return true }
                return SpokenNumber.initialTable[Int(first | 0x20)] && SpokenNumber.words.contains(bare(word))
            })
        else { return words }
        let keys = words.map(bare)
        let tokens = keys.map { Token(text: $0, kind: .word, range: 0..<0, candidate: true) }
        var output: [String] = []
        var index = 0
        func followsNumber() -> Bool {
            guard let last = output.last, let lastByte = last.utf8.last, !isMark(lastByte) else { return false }
            // `Double(_:)` only for words that can parse (digits, a sign or point, `inf`, `nan`).
            if let first = last.utf8.first,
                (0x30...0x39).contains(first) || [0x2B, 0x2D, 0x2E].contains(first)
                    || [0x69, 0x6E].contains(first | 0x20), Double(last) != nil
            {
                return true
            }
            return last.utf8.contains(0x2F)
        }
        while index < words.count {
            let key = keys[index]
            if SpokenNumber.words.contains(key), var (value, count) = SpokenNumber.read(tokens, at: index),
                words[index..<(index + count - 1)].allSatisfy({ trailingPunctuation($0).isEmpty })
            {
                // Said again (`five hundred five hundred milligrams`): the reading ran into the restart (`five
                // hundred five`, then `hundred`); the number is said once, as the second time.
                if count >= 3, index + count < keys.count, ["hundred", "thousand"].contains(keys[index + count]),
                    let (shorter, shorterCount) = SpokenNumber.read(Array(tokens[index..<(index + count - 1)]), at: 0),
                    shorterCount == count - 1,
                    let (again, againCount) = SpokenNumber.read(tokens, at: index + count - 1), again == shorter
                {
                    index += count - 1
                    (value, count) = (again, againCount)
                }
                let end = index + count
                let following = end < keys.count ? keys[end] : ""
                // `one` alone (`this one`, `one of them`) is a pronoun more often than a count.
                if !(value == 1 && count == 1 && !countedWords.contains(following)) {
                    let number = value == value.rounded() ? String(Int(value)) : String(value)
                    let trailing = trailingPunctuation(words[end - 1])
                    if trailing.isEmpty, following == "out", end + 2 < keys.count, keys[end + 1] == "of",
                        trailingPunctuation(words[end + 1]).isEmpty,
                        let (denominator, denominatorCount) = SpokenNumber.read(tokens, at: end + 2)
                    {
                        let last = end + 2 + denominatorCount
                        output.append("\(number)/\(Int(denominator))" + trailingPunctuation(words[last - 1]))
                        index = last
                    } else if trailing.isEmpty, following == "over", end + 2 < keys.count, value <= 6,
                        let (scale, scaleCount) = SpokenNumber.read(tokens, at: end + 1), scale == 4 || scale == 6,
                        end + 1 + scaleCount < keys.count, murmurWords.contains(keys[end + 1 + scaleCount])
                    {
                        // A murmur's grade (`a two over six systolic murmur` → `a 2/6 systolic murmur`).
                        let last = end + 1 + scaleCount
                        output.append("\(number)/\(Int(scale))" + trailingPunctuation(words[last - 1]))
                        index = last
                    } else {
                        output.append(number + trailing)
                        index = end
                    }
                    continue
                }
            }
            if followsNumber(), let unit = unitAbbreviations[key] {
                if unit == "%", let last = output.popLast() {
                    output.append(last + unit + trailingPunctuation(words[index]))
                } else {
                    output.append(unit + trailingPunctuation(words[index]))
                }
            } else if followsNumber(), key == "by", trailingPunctuation(words[index]).isEmpty, index + 1 < keys.count,
                SpokenNumber.words.contains(keys[index + 1]) || Double(keys[index + 1]) != nil
            {
                output.append("x")
            } else {
                output.append(words[index])
            }
            index += 1
        }
        return joinedDecimals(output)
    }

    /// Body words of an examination and the system a note files them under.
    static let examinedSystems: [String: String] = [
        "heart": "Cardiovascular", "cardiac": "Cardiovascular", "cardiovascular": "Cardiovascular",
        "lung": "Respiratory", "lungs": "Respiratory", "respiratory": "Respiratory", "pulmonary": "Respiratory",
        "neck": "Neck", "abdomen": "Gastrointestinal", "abdominal": "Gastrointestinal", "belly": "Gastrointestinal",
        "skin": "Skin", "neuro": "Neurological", "neurological": "Neurological", "neurologic": "Neurological",
        "vascular": "Vascular", "extremities": "Extremities", "extremity": "Extremities", "head": "Head",
        "eye": "Eyes", "eyes": "Eyes", "ear": "Ears", "ears": "Ears", "throat": "Throat", "back": "Back",
        "knee": "Knee", "shoulder": "Shoulder", "hip": "Hip", "ankle": "Ankle", "foot": "Foot", "wrist": "Wrist",
        "hand": "Hand", "elbow": "Elbow", "spine": "Spine", "musculoskeletal": "Musculoskeletal",
        "msk": "Musculoskeletal",
        "hent": "HEENT", "heent": "HEENT", "breast": "Breast", "rectal": "Rectal", "pelvic": "Pelvic",
        "psych": "Psychiatric", "chest": "Chest", "mouth": "Mouth", "nose": "Nose",
    ]
    /// Words of a finding that say which system it is of, beyond the systems' own names.
    static let findingWords: [String: String] = [
        "murmur": "Cardiovascular", "murmurs": "Cardiovascular", "rhythm": "Cardiovascular", "gallop": "Cardiovascular",
        "gallops": "Cardiovascular", "wheezing": "Respiratory", "wheezes": "Respiratory", "crackles": "Respiratory",
        "rales": "Respiratory", "rhonchi": "Respiratory", "bowel": "Gastrointestinal", "quadrant": "Gastrointestinal",
        "thyroid": "Neck", "thyromegaly": "Neck", "lymphadenopathy": "Neck", "edema": "Extremities",
        "rash": "Skin", "tonsils": "Throat", "sinuses": "Head", "distress": "Constitutional",
        "rebound": "Gastrointestinal", "guarding": "Gastrointestinal", "hepatosplenomegaly": "Gastrointestinal",
        "jugular": "Neck", "jvd": "Neck", "rub": "Cardiovascular", "rubs": "Cardiovascular",
    ]

    static let partDeterminers: Set<String> = [
        "the", "her", "his", "their", "your", "my", "lower", "upper", "mid", "right", "left", "of", "both",
    ]

    /// The system a finding is of, by the first word that names one (`his abdomen is soft` → Gastrointestinal).
    static func findingSystem(_ text: String) -> String? {
        let keys = words(text).prefix(12).map(bare)
        for (index, key) in keys.enumerated() {
            // `heart rate` is a vital sign.
            if key == "heart", index + 1 < keys.count, keys[index + 1] == "rate" { return nil }
            // `the back of her eye` is not the back.
            if key == "back", index + 1 < keys.count, keys[index + 1] == "of" { continue }
            // `by mouth` is how a drug is taken.
            if key == "mouth", index > 0, keys[index - 1] == "by" { continue }
            // `back`, `hand`, `head` name a part only after a determiner (`her lower back`, not `come back`).
            if ["back", "hand", "head"].contains(key),
                index == 0 || !partDeterminers.contains(keys[index - 1])
                    || index + 1 < keys.count && keys[index + 1] == "side"
            {
                continue
            }
            if let system = examinedSystems[key] ?? findingWords[key] { return system }
        }
        return nil
    }

    static let examinerOpenings: [[String]] = [
        ["i", "do", "appreciate"], ["i", "can", "appreciate"], ["i", "did", "appreciate"], ["i", "appreciate"],
        ["i", "do", "notice"], ["i", "did", "notice"], ["i", "notice"], ["i", "noticed"], ["i", "do", "see"],
        ["i", "can", "see"], ["i", "see"], ["i", "do", "hear"], ["i", "can", "hear"], ["i", "hear"],
        ["i", "do", "recognize"], ["i", "recognize"], ["i", "do", "feel"], ["i", "can", "feel"], ["i", "feel"],
        ["i", "also", "appreciate"], ["i", "also", "notice"], ["i", "also", "see"], ["i", "also", "hear"],
        ["i", "do", "have"], ["there", "is"], ["there's"], ["there", "are"], ["there", "was"], ["there", "were"],
        ["the", "patient", "has"], ["the", "patient", "does", "have"], ["they", "have"], ["it", "looks", "like"],
    ]
    /// What an examiner's `i see` may go on with before the finding: `that you do have`, `that he has`.
    static let perceivedClauses: [[String]] = {
        var clauses: [[String]] = []
        for subject in ["you", "he", "she", "they", "\u{1}P"] {
            for verb in [["do", "have"], ["does", "have"], ["have"], ["has"]] {
                clauses.append(["that", subject] + verb)
                clauses.append([subject] + verb)
            }
        }
        return clauses.sorted { $0.count > $1.count }
    }()
    static let examinerNegations: [[String]] = [
        ["i", "do", "not", "appreciate"], ["i", "don't", "appreciate"], ["i", "do", "n't", "appreciate"],
        ["i", "did", "not", "appreciate"], ["i", "didn't", "appreciate"], ["i", "did", "n't", "appreciate"],
        ["i", "do", "not", "see"], ["i", "don't", "see"], ["i", "do", "n't", "see"], ["i", "do", "not", "hear"],
        ["i", "don't", "hear"], ["i", "do", "n't", "hear"], ["i", "do", "not", "feel"], ["i", "don't", "feel"],
        ["i", "do", "n't", "feel"], ["i", "do", "not", "recognize"], ["i", "don't", "recognize"],
        ["i", "do", "n't", "recognize"], ["i", "do", "not", "notice"], ["i", "don't", "notice"],
        ["i", "do", "n't", "notice"],
    ]
    static let leadingDiscourse: Set<String> = [
        "so", "okay", "and", "now", "alright", "um", "uh", "well", "also", "but",
    ]
    static let examinationWords: Set<String> = ["exam", "examination", "exams"]
    static let possessives: Set<String> = [
        "his", "her", "their", "your", "the", "my", "a", "an", "physical", "\u{1}P", "of", "on",
    ]

    /// A spoken examination finding as a note writes it: `On their heart exam, I do appreciate a 3/6 murmur.` →
    /// `Cardiovascular: A 3/6 murmur.`; findings without an examined system keep their words, without the
    /// examiner's `I do appreciate` or `there is`.
    static func finding(_ words: [String]) -> [String] {
        let (system, rest) = examinedFinding(words)
        guard let system else { return rest }
        return rest.isEmpty ? [system + ":"] : [system + ":"] + rest
    }

    /// The examined system a finding names, and the finding's words without the announcement (none when the
    /// sentence only announces the examination: `on physical examination of your back`).
    static func examinedFinding(_ words: [String]) -> (system: String?, words: [String]) {
        var words = words
        while let first = words.first, leadingDiscourse.contains(bare(first)), words.count > 3 {
            words.removeFirst()
        }
        // `first of all on her heent exam`.
        if words.count > 4, words.prefix(3).map(bare) == ["first", "of", "all"] { words.removeFirst(3) }
        var label: String?
        // `on (their) (physical) heart exam(ination) (of the abdomen)`, said once or twice
        for _ in 0..<2 {
            guard let first = words.first, bare(first) == "on",
                let examAt = words.prefix(6).firstIndex(where: { examinationWords.contains(bare($0)) })
            else { break }
            var end = examAt + 1
            var body = words[1..<examAt].map(bare).filter { !possessives.contains($0) }
            if end + 1 < words.count, bare(words[end]) == "of", trailingPunctuation(words[examAt]).isEmpty {
                var cursor = end + 1
                while cursor < words.count,
                    possessives.contains(bare(words[cursor]))
                        || ["right", "left", "bilateral"].contains(bare(words[cursor]))
                {
                    cursor += 1
                }
                if cursor < words.count, examinedSystems[bare(words[cursor])] != nil {
                    body = [bare(words[cursor])]
                    end = cursor + 1
                }
            }
            if end == words.count, let part = body.last, let system = examinedSystems[part] {
                return (system, [])
            }
            guard end < words.count else { break }
            if let part = body.last, let system = examinedSystems[part] {
                label = system
            } else if !body.isEmpty && label == nil {
                break
            }
            words.removeFirst(end)
        }
        while let first = words.first, leadingDiscourse.contains(bare(first)), words.count > 3 {
            words.removeFirst()
        }
        // A word said twice at the start (`i i see`).
        while words.count > 3, bare(words[0]) == bare(words[1]), trailingPunctuation(words[0]).isEmpty {
            words.removeFirst()
        }
        let keys = words.map(bare)
        if let negation = examinerNegations.first(where: { keys.starts(with: $0) }), words.count > negation.count {
            words.removeFirst(negation.count)
            if let first = words.first, ["a", "an", "any"].contains(bare(first)), words.count > 1 {
                words.removeFirst()
            }
            words.insert("no", at: 0)
        } else if let opening = examinerOpenings.first(where: { keys.starts(with: $0) }),
            words.count > opening.count + 1
        {
            words.removeFirst(opening.count)
            // `i see that you do have pain to palpation` → `pain to palpation`.
            let rest = words.prefix(5).map(bare)
            if let said = perceivedClauses.first(where: { rest.starts(with: $0) }), words.count > said.count + 1 {
                words.removeFirst(said.count)
            }
            if let first = words.first, ["some", "a", "an"].contains(bare(first)), words.count > 2 {
                words.removeFirst()
            }
        }
        guard let first = words.first else { return (label, words) }
        words[0] = capitalized(first)
        return (label, words)
    }
}
