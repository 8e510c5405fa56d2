/// Examination findings and results in the terse form notes write them, from the examiner's spoken sentence:
/// the framing of what is being looked at goes (`Looking at him,`, `Here in the office today,`), the subject
/// and verb that only carry the finding go (`His abdomen is soft` → `Abdomen soft`, `He has some tenderness`
/// → `Tenderness`), findings of several parts said in one sentence become one finding each (`..., and his
/// heart is a regular rate and rhythm`), and the examiner's narration of what they do (`I am feeling his
/// neck.`) is no finding at all.
///
/// Like the rest of the style, it only deletes words of the sentence or moves the examined part to the front,
/// so every finding still says what its evidence says.
extension ClinicalStyle {
    /// The findings of one sentence; the label it carries (`Neck:`) stays on the first. Empty when the sentence
    /// states no finding.
    static func findings(_ text: String) -> [String] {
        var words = Phrasing.spaceSeparated(text)
        var label: String?
        if let colon = words.prefix(3).firstIndex(where: { $0.hasSuffix(":") }), colon + 1 < words.count,
            words[0].first?.isUppercase == true
        {
            label = words[...colon].joined(separator: " ")
            words.removeFirst(colon + 1)
        }
        var output: [String] = []
        for clause in clauses(words) {
            guard let rewritten = finding(clause, labelled: label != nil || !output.isEmpty),
                // A negation left alone (`there's no...` cut off) states nothing.
                let first = rewritten.first, let last = rewritten.last,
                rewritten.count > 1 || !["no", "not", "none", "nothing"].contains(Phrasing.bare(first)),
                // A clause cut off mid-phrase (`Arthritis in.`) states nothing whole.
                !danglingEnds.contains(Phrasing.bare(last)) || endsRelativeClause(rewritten)
            else { continue }
            let terminated = Phrasing.terminated(rewritten.joined(separator: " "))
            if output.isEmpty, let label {
                output.append(label + " " + terminated)
            } else {
                output.append(terminated)
            }
        }
        return output
    }

    /// A finding without the clause the examiner joins to it about themselves (`..., which we have heard in the
    /// past.`, `..., that we are working on improving.`, `..., so we will watch it.`); unchanged when the finding
    /// before it would be under four words.
    static func withoutExaminerTail(_ text: String) -> String {
        let words = Phrasing.spaceSeparated(text)
        let keys = words.map(Phrasing.bare)
        var index = 4
        while index < words.count - 1 {
            if words[index - 1].hasSuffix(",") {
                // A clause joined to the finding (`, which we`, `, so we`); `Under the Ottawa ankle rules, I am
                // checking ...` is narration whole, not a finding with a tail.
                let subject = index + 1
                // `, and I do not hear wheezes` is a finding; `, which we have heard` is not.
                let perceives = subject + 1 < keys.count && perceptionWords.contains(keys[subject + 1])
                if ["that", "which", "so", "and", "but"].contains(keys[index]),
                    keys[subject] == "we" || keys[subject] == "i" && !perceives
                {
                    var kept = Array(words[..<index])
                    kept[kept.count - 1].removeLast()
                    return Phrasing.terminated(kept.joined(separator: " "))
                }
            }
            index += 1
        }
        return text
    }

    /// Whether an examination or result statement only narrates the examiner's next step (`Do a focused exam on
    /// that right elbow.`, `Review the x-ray that we did of his elbow.`) or frames one with no finding (`On his
    /// neurovascular exam of his left arm.`): findings never open on an imperative, unless a finding follows in the
    /// sentence (`Check reflexes and they are all normal.`). A `System:` label is looked past.
    static func isExaminerNarration(_ text: String) -> Bool {
        var words = Phrasing.spaceSeparated(text)
        if let colon = words.prefix(3).firstIndex(where: { $0.hasSuffix(":") }) { words.removeFirst(colon + 1) }
        guard let first = words.first.map(Phrasing.bare) else { return false }
        let keys = words.map(Phrasing.bare)
        // `Do not see any fracture.` and `Check reflexes and they are all normal.` state a finding.
        if narrationVerbs.contains(first) {
            return !(keys.count > 1 && ["not", "n't"].contains(keys[1]))
                && !keys.contains(where: { findingWords.contains($0) })
        }
        return ["on", "in", "for", "with"].contains(first)
            && keys.contains(where: { ["exam", "examination", "evaluation"].contains($0) })
            && !keys.contains(where: { finiteVerbs.contains($0) || predicateWords.contains($0) })
    }

    /// Whether an examination statement says only where or how the examiner looked, with no finding: a setting
    /// (`On her chest.`, `Out of curiosity with the left foot.`, `Per the template, down through neurologic.`), the
    /// examiner's gerund (`Looking at her head and her neck.`) or a bare place (`The inside of his right elbow.`).
    /// A verb, a number or a finding word makes it a finding. A `System:` label is looked past.
    static func isBareSetting(_ text: String) -> Bool {
        var words = Phrasing.spaceSeparated(text)
        if let colon = words.prefix(3).firstIndex(where: { $0.hasSuffix(":") }) { words.removeFirst(colon + 1) }
        let keys = words.map(Phrasing.bare).filter { !$0.isEmpty }
        guard let first = keys.first,
            !keys.contains(where: { key in
                key.contains(where: \.isNumber) || finiteVerbs.contains(key) || findingWords.contains(key)
                    || findingVerbs.contains(key) || key == "not" || key.hasSuffix("n't")
            })
        else { return false }
        if settingOpenings.contains(first) || examinerGerunds.contains(first) { return true }
        return keys.allSatisfy { placeWords.contains($0) || bodySiteWords.contains($0) }
    }

    /// Words a setting opens with (`on`, `out of`, `per`).
    static let settingOpenings: Set<String> = [
        "on", "in", "out", "down", "after", "per", "at", "from", "to", "with", "within", "during", "before",
    ]
    /// The examiner's gerunds (`looking at`, `listening to`).
    static let examinerGerunds: Set<String> = [
        "looking", "listening", "checking", "feeling", "examining", "pressing", "pushing", "moving", "palpating",
    ]
    /// Verbs a finding is stated with besides the finite ones (`shows`, `looks`, `seems`).
    static let findingVerbs: Set<String> = [
        "shows", "showed", "show", "looks", "look", "appears", "appear", "seems", "seem", "sounds", "sound", "feels",
        "revealed", "reveals", "demonstrates", "demonstrated", "noted", "measures", "measured",
    ]
    /// Words of a place on the body that are not a finding (`the inside of his right elbow`).
    static let placeWords: Set<String> = [
        "the", "a", "an", "his", "her", "their", "its", "of", "on", "in", "at", "and", "or", "inside", "outside",
        "medial", "lateral", "anterior", "posterior", "aspect", "side", "part", "area", "left", "right", "both",
        "upper", "lower", "front", "back", "top", "bottom", "it", "that", "this",
    ]
    /// Single-word body sites (`ClinicalLexicon.bodySites`).
    static let bodySiteWords: Set<String> = Set(
        ClinicalLexicon.bodySites.flatMap { $0.split(separator: " ").map(String.init) })

    static let findingWords: Set<String> = [
        "normal", "abnormal", "good", "fine", "clear", "intact", "no", "negative", "positive", "tender", "tenderness",
        "swelling", "edema", "murmur", "pain", "effusion", "evidence", "fracture", "well", "stable", "unremarkable",
    ]

    /// The examiner stating what they perceive, negated, in the sentence's first words (`i don't appreciate any`,
    /// `i do not hear a murmur`, `i don't see any swelling`): a finding. Lower-cased spoken words.
    static func statesPerceivedFinding(_ words: [String]) -> Bool {
        let opening = words.prefix(6)
        guard let negation = opening.firstIndex(where: { $0 == "don't" || $0 == "not" || $0 == "n't" }) else {
            return false
        }
        return opening[(negation + 1)...].prefix(2).contains { perceivingVerbs.contains($0) }
    }

    static let perceivingVerbs: Set<String> = ["appreciate", "hear", "see", "feel", "palpate", "note", "detect"]

    /// Whether an examiner's sentence states how something looks, feels or sounds (`cervix looks healthy`, `lungs
    /// sound clear`): a finding, whatever else the sentence says (`..., i'm taking the pap sample now`).
    static func statesHowItIs(_ words: [String]) -> Bool {
        for index in words.indices.dropLast() where sensedVerbs.contains(words[index]) {
            if sensedStates.contains(Phrasing.bare(words[index + 1])) { return true }
        }
        return false
    }

    static let sensedVerbs: Set<String> = [
        "looks", "look", "feels", "feel", "sounds", "sound", "appears", "appear", "seems", "seem",
    ]
    static let sensedStates: Set<String> = [
        "healthy", "normal", "clear", "fine", "good", "great", "unremarkable", "intact", "soft", "tender", "swollen",
        "red", "inflamed", "irritated", "enlarged", "abnormal", "pink", "moist", "dry", "warm",
    ]

    /// An examination's negative finding in two words (`No murmur.`, `No thyromegaly.`): whole, though short.
    static func isNegatedFinding(_ words: [String]) -> Bool {
        words.count == 2 && Phrasing.bare(words[0]) == "no" && negatableFindings.contains(Phrasing.bare(words[1]))
    }

    static let negatableFindings: Set<String> = Set(Phrasing.findingWords.keys).union([
        "rub", "rubs", "bruit", "bruits", "adenopathy", "ecchymosis", "erythema", "effusion", "swelling", "tenderness",
        "deformity", "crepitus", "clubbing", "cyanosis", "masses", "lesions", "warmth", "drainage", "guarding",
        "rebound", "nystagmus", "induration",
    ])

    static let narrationVerbs: Set<String> = [
        "do", "review", "check", "look", "take", "listen", "examine", "go", "let", "let's", "start", "get", "see",
        "press", "move", "bend", "push", "lift", "squeeze", "touch", "test", "want", "need",
    ]

    static let perceptionWords: Set<String> = [
        "do", "don't", "did", "didn't", "can", "could", "hear", "heard", "see", "saw", "feel", "felt", "appreciate",
        "appreciated", "note", "noted", "find", "found", "palpate", "palpated",
    ]

    /// The sentence cut where a new part's finding starts (`, and his lungs are clear`, `and there is no edema`,
    /// `but other than that,`).
    static func clauses(_ words: [String]) -> [[String]] {
        let keys = words.map(Phrasing.bare)
        var cuts: [Int] = []
        var index = 2
        while index < words.count - 1 {
            let afterComma = words[index - 1].hasSuffix(",")
            var start = index
            if keys[index] == "and" || keys[index] == "but" { start = index + 1 }
            let joined = start > index || afterComma
            // What comes before states a finding of its own (not `Here in the office,` or `His heart rate and`).
            let before = keys[(cuts.last ?? 0)..<index]
            let stated =
                before.contains { predicateWords.contains($0) }
                || keys[start] == "there" && before.count >= 3 && !before.allSatisfy { frameWords.contains($0) }
                    && !lookingWords.contains(before.first ?? "")
            if joined, start + 1 < words.count, startsFinding(keys, at: start), stated {
                cuts.append(index)
                index = start + 2
                continue
            }
            index += 1
        }
        guard !cuts.isEmpty else { return [words] }
        var result: [[String]] = []
        var from = 0
        for cut in cuts + [words.count] {
            var clause = Array(words[from..<cut])
            while let first = clause.first, ["and", "but"].contains(Phrasing.bare(first)), clause.count > 1 {
                clause.removeFirst()
            }
            // `but other than that,` only joins.
            if clause.count > 3, Array(clause.prefix(3).map(Phrasing.bare)) == ["other", "than", "that"] {
                clause.removeFirst(3)
            }
            if var last = clause.last, last.hasSuffix(",") {
                last.removeLast()
                clause[clause.count - 1] = last
            }
            if clause.count >= 2 { result.append(clause) }
            from = cut
        }
        return result
    }

    /// Whether the words at `index` open a finding of their own: a part with its owner (`his lungs`), `there is`,
    /// `he has`, `other than that`.
    static func startsFinding(_ keys: [String], at index: Int) -> Bool {
        let first = keys[index]
        let second = keys[index + 1]
        if ownerWords.contains(first) {
            let part = index + 2 < keys.count && sideWords.contains(second) ? keys[index + 2] : second
            return Phrasing.examinedSystems[part] != nil || findingParts.contains(part)
        }
        if first == "there" { return ["is", "are", "was", "were"].contains(second) }
        if first == "there's" { return true }
        if ["he", "she"].contains(first) { return ["has", "had", "does", "did"].contains(second) }
        return first == "other" && second == "than"
    }

    /// One clause as a finding, or nil when it states none.
    static func finding(_ clause: [String], labelled: Bool) -> [String]? {
        var words = clause
        var keys = words.map(Phrasing.bare)
        // What was looked at, heading the finding when it is not a system the label names (`Lab results:`).
        var heading: String?
        func headed(_ finding: [String]) -> [String] {
            guard let heading else { return finding }
            var finding = finding
            if let first = finding.first, first.dropFirst().first?.isUppercase != true {
                finding[0] = ClinicalStyle.lowercasedFirst(first)
            }
            return [heading] + finding
        }
        func drop(_ count: Int) {
            words.removeFirst(count)
            keys.removeFirst(count)
        }
        // Where and when: `Here in the office today,`, `Generally,`.
        if let comma = words.prefix(6).firstIndex(where: { $0.hasSuffix(",") }), comma + 2 < words.count,
            keys[...comma].allSatisfy({ frameWords.contains($0) })
        {
            drop(comma + 1)
        }
        // What is looked at: `Looking at him,`, `Listening to his lungs,`, `In reviewing his labs,`.
        if let first = keys.first, first == "in" || lookingWords.contains(first),
            let comma = words.prefix(10).firstIndex(where: { $0.hasSuffix(",") }), comma + 2 < words.count
        {
            let opening = first == "in" ? 1 : 0
            if opening < keys.count, lookingWords.contains(keys[opening]) {
                var object = Array(words[(opening + 1)...comma])
                object[object.count - 1] = String(object[object.count - 1].dropLast())
                // `the results of his echocardiogram` → `echocardiogram`.
                if let of = object.lastIndex(where: { Phrasing.bare($0) == "of" }), of + 1 < object.count {
                    object.removeFirst(of + 1)
                }
                object.removeAll { lookedAtFillers.contains(Phrasing.bare($0)) }
                drop(comma + 1)
                // `it looks like his ekg is normal`: the `it` points at nothing.
                if keys.count > 4, keys[0] == "it", ["looks", "seems", "appears"].contains(keys[1]),
                    ["like", "that"].contains(keys[2])
                {
                    drop(3)
                    return tidied(words)
                }
                let pronoun = keys.first.map { ["it", "they", "these", "those"].contains($0) } ?? false
                if !object.isEmpty, !object.allSatisfy({ lookedAtPronouns.contains(Phrasing.bare($0)) }) {
                    let namesSystem = object.contains { Phrasing.examinedSystems[Phrasing.bare($0)] != nil }
                    if pronoun {
                        // `Looking at her blood pressure, it is a little elevated.` → `Blood pressure is a little ...`
                        words[0] = object.joined(separator: " ")
                        keys[0] = Phrasing.bare(words[0])
                    } else if !namesSystem || !labelled, object.count <= 3,
                        !object.contains(where: { ["and", "or"].contains(Phrasing.bare($0)) })
                    {
                        heading = Phrasing.capitalized(object.joined(separator: " ")) + ":"
                    }
                }
            }
        }
        guard keys.count >= 2 else { return nil }
        // The examiner's narration: `I am feeling his neck.`, `Let me check out her heart.`
        if narrations.contains(where: { keys.starts(with: $0) }) { return nil }
        // An explanation to the patient, not a finding.
        if keys.count > 2, ["it", "that", "which"].contains(keys[0]), keys[1] == "means" { return nil }
        // `Her neck, there is no thyroid enlargement.`: the part names the system the label already gives.
        if ownerWords.contains(keys[0]), keys.count > 3, words[1].hasSuffix(","),
            Phrasing.examinedSystems[keys[1]] != nil, keys[2] == "there"
        {
            let part = Phrasing.capitalized(String(words[1].dropLast()))
            drop(2)
            if !labelled && heading == nil { heading = part + ":" }
        }
        // A word or two a restart left before `there is` (`It there is some swelling`, `Normal there is no
        // fracture`): they name no part and belong to no clause, so the finding starts at `there`.
        if let there = keys.prefix(3).firstIndex(of: "there"), there > 0, there + 2 < keys.count,
            copulas.contains(keys[there + 1]), keys[there + 2] != "that",
            !keys[..<there].contains(where: namesPlace)
        {
            drop(there)
        }
        // `There is no edema` → `No edema`; `there is some swelling` → `Swelling`.
        if keys.count > 2, keys[0] == "there", copulas.contains(keys[1]) {
            drop(2)
            if keys.count > 1, ["some", "a", "an"].contains(keys[0]),
                !["little", "bit", "lot", "few"].contains(keys[1])
            {
                drop(1)
            }
            return headed(tidied(words))
        }
        // `shows that he has some erythema` → `shows erythema`.
        if let shows = keys.firstIndex(where: { ["shows", "show", "showed", "demonstrates"].contains($0) }),
            shows + 3 < keys.count, keys[shows + 1] == "that", ["he", "she", "there"].contains(keys[shows + 2]),
            ["has", "had", "is", "are", "was"].contains(keys[shows + 3])
        {
            var cut = 3
            if shows + 4 < keys.count - 1, ["some", "a", "an"].contains(keys[shows + 4]) { cut = 4 }
            words.removeSubrange((shows + 1)...(shows + cut))
            keys.removeSubrange((shows + 1)...(shows + cut))
        }
        // `His abdomen is soft` → `Abdomen soft`; `His lungs have some crackles` → `Lungs have some crackles`.
        if ownerWords.contains(keys[0]), keys.count > 2 {
            let nounEnd = keys.prefix(5).dropFirst().firstIndex { copulas.contains($0) }
            let part = sideWords.contains(keys[1]) ? keys[2] : keys[1]
            if Phrasing.examinedSystems[part] != nil || findingParts.contains(part) {
                // The part said without a pause before its verb (`Her neck, there is ...` keeps its words).
                let copula = nounEnd.flatMap { end in words[1..<end].contains { $0.hasSuffix(",") } ? nil : end }
                drop(1)
                // The copula goes when something follows it, and so does an article after it (`Heart regular
                // rate and rhythm`), unless it measures (`a little`).
                if let copula, copula - 1 < keys.count - 1 {
                    words.remove(at: copula - 1)
                    keys.remove(at: copula - 1)
                    if copula < keys.count, ["a", "an"].contains(keys[copula - 1]),
                        !["little", "bit", "lot", "few", "bit."].contains(keys[copula])
                    {
                        words.remove(at: copula - 1)
                        keys.remove(at: copula - 1)
                    }
                }
            }
        } else if ["he", "she", "they"].contains(keys[0]) || keys.starts(with: ["the", "patient"]) {
            let subject = keys[0] == "the" ? 2 : 1
            let verb = Array(keys[subject...].prefix(4))
            if let have = possessionVerbs.first(where: { verb.starts(with: $0) }), keys.count > subject + have.count {
                drop(subject + have.count)
                if keys.count > 1, ["some", "a", "an", "these", "this"].contains(keys[0]) { drop(1) }
            } else if let lack = lackVerbs.first(where: { verb.starts(with: $0) }), keys.count > subject + lack.count {
                drop(subject + lack.count)
                if keys.count > 1, ["a", "an", "any"].contains(keys[0]) { drop(1) }
                words.insert("no", at: 0)
                keys.insert("no", at: 0)
            } else if ["is", "was", "appears"].contains(verb.first ?? ""), keys.count > subject + 1 {
                drop(subject + 1)
            }
        } else if keys.count > 2, ["it", "it's"].contains(keys[0]),
            labelled || keys.contains(where: { Phrasing.findingWords[$0] != nil })
        {
            drop(keys[0] == "it" && ["is", "was"].contains(keys[1]) ? 2 : 1)
            if keys.count > 1, ["a", "an"].contains(keys[0]) { drop(1) }
        }
        guard words.count >= 1 else { return nil }
        return headed(tidied(words))
    }

    /// The finding with its first word capitalised and a place word that only points (`swelling there.`) gone.
    static func tidied(_ words: [String]) -> [String] {
        var words = words
        if words.count > 2, let last = words.last, ["there", "there.", "here", "here."].contains(last.lowercased()) {
            let mark = Phrasing.trailingPunctuation(last)
            words.removeLast()
            words[words.count - 1] = words[words.count - 1].trimmingCharacters(in: ",") + mark
        }
        if words.count > 3, Array(words.suffix(2).map(Phrasing.bare)) == ["as", "well"] {
            let mark = Phrasing.trailingPunctuation(words[words.count - 1])
            words.removeLast(2)
            words[words.count - 1] = words[words.count - 1].trimmingCharacters(in: ",") + mark
        }
        // `No, fracture` (a pause after the negation).
        if words.count > 1, words[0].lowercased() == "no," { words[0] = "no" }
        // `No fracture or there is no dislocation` → `No fracture or dislocation`: the second negation only
        // repeats the first.
        let keys = words.map(Phrasing.bare)
        if keys.first == "no",
            let join = keys.indices.dropFirst(2).first(where: { index in
                index + 3 < keys.count && ["or", "and", "nor"].contains(keys[index]) && keys[index + 1] == "there"
                    && copulas.contains(keys[index + 2]) && keys[index + 3] == "no"
            })
        {
            words.removeSubrange((join + 1)...(join + 3))
        }
        if let first = words.first { words[0] = Phrasing.capitalized(first) }
        return words
    }

    /// Whether a word names a part of the body or a place on it, or opens one (`on`, `his`, `medial`), rather
    /// than only pointing (`it`, `the`, `that`).
    static func namesPlace(_ key: String) -> Bool {
        (placeWords.contains(key) && !pointingWords.contains(key)) || findingParts.contains(key)
            || bodySiteWords.contains(key) || settingOpenings.contains(key) || Phrasing.examinedSystems[key] != nil
    }
    static let pointingWords: Set<String> = ["the", "a", "an", "it", "that", "this", "and", "or"]

    static let ownerWords: Set<String> = ["his", "her", "their", "patient's"]
    static let sideWords: Set<String> = ["right", "left", "lower", "upper", "bilateral", "both"]
    /// Parts whose findings are examined beyond the systems' own names.
    static let findingParts: Set<String> = [
        "thyroid", "pulses", "pulse", "strength", "reflexes", "gait", "range", "incision", "wound", "scar", "finger",
        "fingers", "toe", "toes", "leg", "legs", "arm", "arms", "face", "joint", "joints", "tonsils", "pupils",
        "vital", "vitals", "blood", "temperature", "oxygen", "weight", "sensation", "lymph", "tympanic", "heart's",
        "lungs'", "spine", "calf", "thigh", "forearm", "muscles", "mood", "affect", "exam", "examination",
    ]
    static let frameWords: Set<String> = [
        "here", "in", "the", "office", "today", "generally", "overall", "again", "on", "this", "exam", "so", "now",
        "clinic",
    ]
    static let lookingWords: Set<String> = [
        "looking", "listening", "feeling", "palpating", "examining", "reviewing", "checking", "assessing",
    ]
    static let lookedAtFillers: Set<String> = [
        "at", "to", "over", "on", "of", "here", "today", "the", "his", "her", "their", "in", "office", "quickly",
    ]
    static let lookedAtPronouns: Set<String> = ["him", "her", "them", "it", "you", "that", "this", "everything"]
    static let narrations: [[String]] = [
        ["i", "am"], ["i'm"], ["i", "will"], ["i'll"], ["i", "want"], ["let", "me"], ["let's"], ["talk"], ["talked"],
        ["check", "out"], ["we", "will"], ["we'll"], ["i", "just"], ["i", "would"], ["i'd"],
    ]
    static let copulas: Set<String> = ["is", "are", "was", "were"]
    /// Words that make a clause state something (a verb of a finding, or its negation).
    static let predicateWords: Set<String> = [
        "is", "are", "was", "were", "has", "have", "had", "shows", "show", "look", "looks", "sounds", "feels", "feel",
        "seems", "appears", "no", "not", "does", "did", "clear", "soft", "normal", "intact", "tender", "regular",
        "'s", "it's", "that's", "there's", "positive", "negative", "decreased", "increased", "tenderness",
        "swelling", "edema", "murmur", "pain", "effusion", "erythema",
    ]
    static let possessionVerbs: [[String]] = [
        ["has", "got"], ["also", "has"], ["does", "have"], ["has"], ["had"], ["exhibits"], ["demonstrates"],
    ]
    static let lackVerbs: [[String]] = [
        ["does", "not", "have"], ["doesn't", "have"], ["did", "not", "have"], ["didn't", "have"],
    ]
}
