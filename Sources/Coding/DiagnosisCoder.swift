import Scribe
import Terminology

/// Codes a note's diagnoses in ICD-10-CM by the outpatient guidelines: the conditions named in the assessment
/// and plan, each made as specific as the documentation supports (side, type, complication, encounter);
/// negated, ruled-out and hypothetical conditions never coded; uncertain ones coded by their symptoms;
/// history of a resolved condition coded with its Z code; Excludes1 pairs never reported together.
struct DiagnosisCoder: Sendable {
    let codeSet: ICD10CM
    let index: DiagnosisIndex
    let ids: Words

    init(codeSet: ICD10CM, index: DiagnosisIndex) {
        self.codeSet = codeSet
        self.index = index
        self.ids = Words(index)
    }

    /// A condition named in a statement.
    struct Mention {
        var target: DiagnosisIndex.Target
        /// Raw word span in the clause.
        var words: ClosedRange<Int>
        var negated = false
        var uncertain = false
        var hypothetical = false
        var historical = false
        var family = false
        /// Said to have resolved (`pneumonia, resolved`): coded by its history code, never as current.
        var resolved = false
        /// Said only to be gone (`that's long gone`), with no treatment that ended it: a history, not a follow-up.
        var lapsed = false
        /// The chosen billable codes (two for both sides where the classification has no bilateral code) and
        /// the context words they used.
        var codes: [ICD10Code] = []
        var used: Set<Int> = []
        var absorbed = false
    }

    /// A code before ranking.
    struct Candidate {
        var code: ICD10Code
        var confidence: Double
        var reason: String
        var evidence: [CodeEvidence]
        /// Statement order, then position, for ranking.
        var order: Int
        var traits: Concepts.Traits
        /// The statement it comes from (-1 for codes added by a rule).
        var statement: Int = -1
        /// Read from the statement of the visit's reason (the chief complaint, the indication).
        var reasonForVisit = false
        /// A substance use disorder's uncomplicated code where the visit names the disorder more specifically.
        var absorbedBySpecific = false
    }

    // MARK: - Reading statements

    /// A clause's words: lower-cased tokens, `/` kept inside (`s/p`, `r/o`), commas kept as `,`; clauses end
    /// at `.` (not between digits), `;`, `:`, `!`, `?` and line ends.
    static func clauses(of text: String) -> [[String]] {
        var clauses: [[String]] = []
        var words: [String] = []
        var word: [UInt8] = []
        func flushWord() {
            if !word.isEmpty {
                let text = String(decoding: word, as: UTF8.self)
                // A contraction written apart (`does n't`, as recorded transcripts tokenize) is one word.
                if text == "n't", let last = words.last, last != "," {
                    words[words.count - 1] = last + text
                } else {
                    words.append(text)
                }
            }
            word.removeAll(keepingCapacity: true)
        }
        func flushClause() {
            flushWord()
            if !words.isEmpty { clauses.append(Self.nerveDamage(Self.numberedStages(words))) }
            words = []
        }
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || byte >= 0x80 }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        let bytes = Array(text.utf8)
        var previous: UInt8 = 0x20
        for (position, raw) in bytes.enumerated() {
            let byte = raw >= 0x41 && raw <= 0x5A ? raw + 32 : raw
            if isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "'") {
                word.append(byte)
            } else if byte == UInt8(ascii: "/"), !word.isEmpty, isLetter(previous) {
                word.append(byte)
            } else if byte == UInt8(ascii: ".") && isDigit(previous) && position + 1 < bytes.count
                && isDigit(bytes[position + 1])
            {
                // `3.5` stays a number.
                word.append(byte)
            } else if byte == UInt8(ascii: "."), word.count == 1, isLetter(previous),
                Self.speciesFollows(bytes, after: position)
            {
                // The genus of an organism abbreviated (`E. coli`, `H. pylori`) does not end the clause.
                flushWord()
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "!")
                || byte == UInt8(ascii: "?") || byte == 0x0A || byte == UInt8(ascii: ":")
            {
                flushClause()
            } else if byte == UInt8(ascii: ",") {
                flushWord()
                words.append(",")
            } else {
                flushWord()
            }
            previous = byte
        }
        flushClause()
        return clauses
    }

    /// A stage or grade said in words as the titles write it: `stage three b` → `stage 3b`, `grade two` →
    /// `grade 2`, `stage iv` → `stage 4`.
    static func numberedStages(_ words: [String]) -> [String] {
        guard words.contains(where: { $0 == "stage" || $0 == "grade" || $0 == "class" }) else { return words }
        let numerals = ["ii": 2, "iii": 3, "iv": 4]  // `i` and `v` are also words
        var result: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            result.append(word)
            index += 1
            guard ["stage", "grade", "class"].contains(word), index < words.count,
                let number = Int(words[index]) ?? SpokenNumber.units[words[index]] ?? numerals[words[index]],
                number <= 5
            else { continue }
            var stage = String(number)
            index += 1
            // `3 a`, `three b`: the substage letter joins the number.
            if number == 3, index < words.count, words[index] == "a" || words[index] == "b" {
                stage += words[index]
                index += 1
            }
            result.append(stage)
        }
        return result
    }

    /// Damaged nerves said in lay words, and where: `nerve damage` is a neuropathy, and a neuropathy of both feet,
    /// of the feet or of the hands and feet (`the nerve damage in your feet`, `neuropathy in both feet`) is a
    /// polyneuropathy, as the index names it (Diabetes, with, polyneuropathy).
    static func nerveDamage(_ words: [String]) -> [String] {
        guard words.contains("neuropathy") || words.contains("nerve") else { return words }
        var result: [String] = []
        var index = 0
        while index < words.count {
            if words[index] == "nerve", index + 1 < words.count, words[index + 1] == "damage" {
                result.append("neuropathy")
                index += 2
            } else {
                result.append(words[index])
                index += 1
            }
        }
        for position in result.indices where result[position] == "neuropathy" {
            let after = result[(position + 1)...].prefix(5)
            if after.contains("feet") || after.contains("stocking") || after.contains("legs") {
                // `peripheral neuropathy in both feet`: the polyneuropathy is the peripheral one.
                result[position] = "polyneuropathy"
            }
        }
        return result
    }

    /// Species names written after an abbreviated genus (`E. coli`).
    static let species: Set<String> = [
        "coli", "pylori", "aureus", "pneumoniae", "pyogenes", "epidermidis", "diff", "difficile", "influenzae",
        "aeruginosa",
        "agalactiae", "faecalis", "vulgaris", "mirabilis",
    ]

    /// Whether a species name follows the byte at `position` after spaces.
    static func speciesFollows(_ bytes: [UInt8], after position: Int) -> Bool {
        var start = position + 1
        while start < bytes.count && bytes[start] == 0x20 { start += 1 }
        var end = start
        while end < bytes.count, end - start <= 12, (bytes[end] | 0x20) >= 0x61 && (bytes[end] | 0x20) <= 0x7A {
            end += 1
        }
        guard end > start else { return false }
        return species.contains(String(decoding: bytes[start..<end].map { $0 | 0x20 }, as: UTF8.self))
    }

    /// The engine's cue phrases (`ConditionContext.Cues`), which the coder's own rules read too.
    static let cues = ConditionContext.Cues.shared
    /// Words right after a condition that make it the name of something else: a vaccination named by its disease
    /// (`tetanus up to date`, `rabies vaccination current`), immunity to it from a titer (`rubella immune`), the time
    /// of year named after it (`flu season`), or the examination named after it (`diabetic foot exam normal`).
    static let namesOtherAfter: CueList = phrases(
        "up to date", "utd", "vaccination", "vaccine", "vaccines", "immunization", "booster", "shot", "shots", "toxoid",
        "immune", "nonimmune", "non immune", "immunity", "titer", "titers", "season", "foot exam", "foot examination",
        "foot exams", "eye exam", "eye examination", "eye exams", "retinal exam", "retinal examination",
        "retinal screening")
    /// Words that name a treatment (`gone after your treatment`).
    static let treatmentWords: Set<String> = ["treatment", "treated", "therapy", "antibiotics", "antibiotic"]
    /// Marks an operation or a procedure leaves, whose healing is their own.
    static let operationMarks: Set<String> = ["scar", "scars", "incision", "incisions", "wound", "site", "graft"]
    /// Words before a condition that say its treatment is over (`after completed treatment of`).
    static let resolvedBefore: CueList = phrases(
        "completed treatment of", "completed treatment for", "after treatment of", "after treatment for")
    /// Words after a condition that say it cleared (`the infection cleared up`, `has cleared`).
    static let clearedAfter: CueList = phrases(
        "cleared up", "has cleared", "have cleared", "had cleared", "completely cleared", "fully cleared",
        "all cleared up")
    /// Words that say a condition went away without treatment.
    static let byItself: CueList = phrases("on its own", "by itself", "without treatment", "without antibiotics")
    static let vaccinationAfter: CueList = phrases(
        "vaccine", "vaccines", "vaccination", "immunization", "shot", "shots", "booster", "toxoid")

    /// Whether the words say something happened long ago: `N years ago`, `N months ago` (N ≥ 2), `last year`,
    /// `in 2019`.
    static func saysLongAgo(_ words: [String], _ range: Range<Int>) -> Bool {
        for position in range {
            let word = words[position]
            if word == "ago", position >= range.lowerBound + 1 {
                let unit = words[position - 1]
                if unit == "years" || unit == "year" || unit == "decades" { return true }
                if unit == "months", position >= 2, let count = Self.count(words[position - 2]), count >= 2 {
                    return true
                }
            }
            if word == "last", position + 1 < words.count, words[position + 1] == "year" { return true }
            if word == "in", position + 1 < words.count, let year = Int(words[position + 1]),
                (1940...2030).contains(year)
            {
                return true
            }
        }
        return false
    }

    /// A count said in digits, in words (`six`) or vaguely (`several`).
    static func count(_ word: String) -> Int? {
        Int(word) ?? SpokenNumber.units[word] ?? ["several": 3, "few": 3, "many": 6][word]
    }

    /// Words right after a condition that make it a risk, a measure or a goal (`weight loss will help his sugars`).
    static let hypotheticalAfter: CueList = phrases(
        "risk", "risks", "prevention", "prophylaxis", "precautions", "screening", "education", "will help",
        "would help",
        "should help", "could help", "can help", "helps", "is part", "goal", "goals")
    /// Words that name a test after the condition it looks for (`pregnancy test`, `strep testing`).
    static let testNames: Set<String> = ["test", "tests", "testing"]
    /// Verbs that make a condition more likely (`exposure makes ear infections more likely`): a risk.
    static let riskMakers: CueList = phrases("make", "makes", "making", "made")
    static let moreLikely: CueList = phrases("more likely")
    /// The screening encounters, whose test is what the visit does.
    static let screeningCategories: Set<String> = ["Z11", "Z12", "Z13"]
    /// Cue phrases by first word: the engine's matcher.
    typealias CueList = CuePhrases

    static func phrases(_ list: String...) -> CueList { CuePhrases(words: list) }

    /// Whether one of the phrases starts in `words[starts]` and ends before `end`.
    static func occurs(_ cues: CueList, in words: [String], starting starts: Range<Int>, within end: Int) -> Bool {
        cues.occurs(in: words, starting: starts, within: end)
    }

    /// Whether one of the phrases occurs in `words[range]`.
    static func occurs(_ cues: CueList, in words: [String], _ range: Range<Int>) -> Bool {
        cues.occurs(in: words, range)
    }

    /// The conditions named in one clause, with their modifiers.
    ///
    /// - Parameter keeping: when given, only the conditions it accepts are read for their context and returned (a
    ///   pass over the whole visit that looks for a few kinds reads only those).
    func mentions(in words: [String], keeping: ((DiagnosisIndex.Target) -> Bool)? = nil) -> [Mention] {
        // Sides are read as context, not as part of a condition's name (`left ankle sprain`), unless the
        // name has them (`left bundle branch block`): the longer match wins.
        let all = SearchTerms.terms(ofWords: words)
        let allTexts = index.numbers(all.map(\.term))
        var filtered: [Int] = []
        var filteredIndex = [Int](repeating: -1, count: all.count)
        for (position, term) in all.enumerated() where !Self.sideTerms.contains(term.term) {
            filteredIndex[position] = filtered.count
            filtered.append(position)
        }
        let filteredTexts = filtered.map { allTexts[$0] }
        var found: [Mention] = []
        var position = 0
        while position < all.count {
            var best: (target: DiagnosisIndex.Target, end: Int)?
            if let (target, length) = index.match(allTexts, at: position) {
                best = (target, position + length - 1)
            }
            if filteredIndex[position] >= 0,
                let (target, length) = index.match(filteredTexts, at: filteredIndex[position])
            {
                let end = filtered[filteredIndex[position] + length - 1]
                if best == nil || end > (best?.end ?? 0) { best = (target, end) }
            }
            // An injury named before its site (`strain of the muscles of your lower back`) is coded by that site.
            if let sited = siteFirstMatch(words, terms: all, numbers: allTexts, at: position) { best = sited }
            guard let (target, end) = best else {
                position += 1
                continue
            }
            let mentioned = all[position].first...all[end].last
            // `hearing aids`, `walking aids`: devices, not the disease.
            if mentioned.count == 1, words[mentioned.lowerBound] == "aids" || words[mentioned.lowerBound] == "aid",
                mentioned.lowerBound > 0, Self.aidKinds.contains(words[mentioned.lowerBound - 1])
            {
                position = end + 1
                continue
            }
            found.append(Mention(target: target, words: mentioned))
            position = end + 1
        }
        // Every condition bounds its neighbours' context; only the kept ones are read.
        for index in found.indices where keeping?(found[index].target) ?? true {
            let span = found[index].words
            // What the words around it say of it: the engine the note writer reads conditions with too. A hedged
            // impression (`I think this is a sprain`) is the clinician's diagnosis; a doubt is not.
            let nextStart = index + 1 < found.count ? found[index + 1].words.lowerBound : nil
            let reading = ConditionContext.read(
                words, condition: span.lowerBound..<(span.upperBound + 1), next: nextStart)
            let (before, after) = (reading.before, reading.after)
            found[index].negated = reading.denied || Self.occurs(Self.namesOtherAfter, in: words, after)
            // A symptom is observed: `likely` before it doubts its cause, not the symptom.
            found[index].uncertain =
                !found[index].target.traits.contains(.symptom) && (reading.doubted || reading.qualified)
            found[index].hypothetical = reading.hypothetical
            found[index].family = reading.relative
            found[index].historical = reading.past
            // The rest of the clause up to the next condition: `resolved` past a comma, a vaccination named by
            // its disease (`flu vaccine given`) even where the vaccination is a condition of its own.
            let clauseEnd = index + 1 < found.count ? found[index + 1].words.lowerBound : words.count
            let rest = (span.upperBound + 1)..<max(span.upperBound + 1, clauseEnd)
            // What is said of the condition's scar or incision (`the melanoma scar is well healed`) is not said of it.
            let restOfCondition =
                rest.lowerBound..<(words[rest].firstIndex(where: Self.operationMarks.contains) ?? rest.upperBound)
            if Self.occurs(Self.cues.goneAfter, in: words, restOfCondition),
                !Self.occurs(Self.cues.resolvedAfter, in: words, restOfCondition)
            {
                found[index].resolved = true
                found[index].historical = true
                found[index].lapsed = !words.contains(where: Self.treatmentWords.contains)
            }
            if Self.occurs(Self.cues.resolvedAfter, in: words, restOfCondition)
                || Self.occurs(Self.resolvedBefore, in: words, before)
            {
                found[index].resolved = true
                found[index].historical = true
            }
            // `the pneumonia has completely cleared up`: over, after its treatment unless it cleared by itself.
            if Self.occurs(Self.clearedAfter, in: words, restOfCondition) {
                found[index].resolved = true
                found[index].historical = true
                found[index].lapsed = Self.occurs(Self.byItself, in: words, restOfCondition)
            }
            let next = (span.upperBound + 1)..<min(words.count, span.upperBound + 3)
            if Self.occurs(Self.vaccinationAfter, in: words, next) { found[index].negated = true }
            // An event a year or more ago, or months ago, is history (`MI 6 years ago`: old MI).
            var timeEnd = min(words.count, span.upperBound + 6)
            for forward in (span.upperBound + 1)..<max(span.upperBound + 1, timeEnd)
            where ConditionContext.endsScope(words[forward]) || words[forward] == "," {
                timeEnd = forward
                break
            }
            if Self.saysLongAgo(words, before.lowerBound..<max(before.lowerBound, timeEnd)) {
                found[index].historical = true
            }
            // An event the patient `had` (`someone who's had a heart attack`) is over, unless said to be recent.
            if Self.pastEvents.contains(found[index].target.code.category),
                Self.occurs(Self.pastEventBefore, in: words, before),
                !Self.occurs(Self.recentCues, in: words, 0..<words.count)
            {
                found[index].historical = true
            }
            // Contraception offered as an option (`we could try a birth control pill`) is not managed at the visit.
            if found[index].target.code.category == "Z30", ConditionContext.offered(words, before: span.lowerBound) {
                found[index].hypothetical = true
            }
            // `stroke risk`, `colon cancer prevention`: what may happen, not what is.
            if Self.occurs(Self.hypotheticalAfter, in: words, next) { found[index].hypothetical = true }
            // A test named after the condition (`a urine pregnancy test, which was negative`, `the strep test`)
            // looks for it: only a positive result in the clause says it. A screening test is the encounter's
            // reason itself (`the pap with the hpv test`, Z11-Z13).
            if span.upperBound + 1 < words.count, Self.testNames.contains(words[span.upperBound + 1]),
                !words.contains("positive"), !Self.screeningCategories.contains(found[index].target.code.category)
            {
                found[index].hypothetical = true
            }
            // `smoke can make ear infections more likely`: a risk the visit talks over, neither the condition nor
            // a doubt about it.
            if Self.occurs(Self.riskMakers, in: words, before), Self.occurs(Self.moreLikely, in: words, after) {
                found[index].hypothetical = true
                found[index].uncertain = false
            }
            // An encounter reason of another visit, before or after this one.
            if Self.otherVisitReasons.contains(found[index].target.code.category),
                Self.occurs(Self.otherVisitBefore, in: words, before)
                    || Self.occurs(
                        Self.otherVisitAfter, in: words, (span.upperBound + 1)..<min(words.count, span.upperBound + 7))
            {
                found[index].hypothetical = true
            }
        }
        // `COVID-19 and influenza PCR negative`: a denial after a list reaches back through `and` / `or`.
        for index in found.indices.reversed() where index + 1 < found.count && found[index + 1].negated {
            let lower = found[index].words.upperBound + 1, upper = found[index + 1].words.lowerBound
            guard lower <= upper else { continue }
            let between = words[lower..<upper]
            if !between.isEmpty, between.allSatisfy({ ["and", "or", ",", "nor"].contains($0) }) {
                let nextAfter = (found[index + 1].words.upperBound + 1)..<words.count
                if Self.occurs(
                    Self.cues.denialAfter, in: words,
                    nextAfter.prefix(6).startIndex..<min(words.count, nextAfter.lowerBound + 6))
                {
                    found[index].negated = true
                }
            }
        }
        // `GERD versus gastritis`: both sides of a `versus` are uncertain.
        for index in found.indices where index + 1 < found.count && found[index + 1].uncertain {
            let lower = found[index].words.upperBound + 1, upper = found[index + 1].words.lowerBound
            guard lower <= upper else { continue }
            let between = lower..<upper
            if Self.occurs(Self.phrases("versus", "vs", "or"), in: words, between) { found[index].uncertain = true }
        }
        if let keeping { found.removeAll { !keeping($0.target) } }
        return found
    }

    // MARK: - Choosing the code within a category

    /// The context of a clause for choosing among codes: the words said (with side and control words
    /// normalised) by number, with the position of the word they come from (-1 for implied words and the
    /// condition's own words), and the words said after a negation.
    struct Context {
        var positive: [Int32: Int] = [:]
        var negative: Set<Int32> = []
        /// Words said more than once, with their count.
        var repeated: [Int32: Int] = [:]
    }

    static let sideTerms: Set<String> = [
        "right", "left", "bilateral", "rt", "lt", "bilat", "b/l", "both", "bilaterally", "sided", "dorsum", "dorsal",
        "volar", "palmar",
    ]

    static let sideWords: [String: String] = [
        "rt": "right", "r": "right", "lt": "left", "l": "left", "bilat": "bilateral", "b/l": "bilateral",
        "both": "bilateral", "bilaterally": "bilateral",
    ]

    static let negators: Set<String> = ["no", "not", "without", "denies", "negative"]

    /// A clause's terms for `context(of:terms:excluding:)`, with sides normalised.
    static func contextTerms(_ words: [String]) -> [(term: String, first: Int, last: Int)] {
        SearchTerms.terms(ofWords: words.map { sideWords[$0] ?? $0 })
    }

    func context(of words: [String], excluding span: ClosedRange<Int>) -> Context {
        context(of: words, terms: Self.contextTerms(words), excluding: span)
    }

    func context(of words: [String], terms: [(term: String, first: Int, last: Int)], excluding span: ClosedRange<Int>)
        -> Context
    {
        var context = Context()
        var negating = false
        var previousWord = ""
        var previousTerm = ""
        var scanned = 0
        for (term, first, _) in terms {
            // Negation runs from `no` / `without` to the next comma, `with`, `and` or `but` (words that give no
            // term, like the comma, are read too).
            while scanned <= first && scanned < words.count {
                let word = words[scanned]
                if Self.negators.contains(word) && previousWord != "well" { negating = true }
                if word == "," || word == "with" || word == "and" || word == "but" { negating = false }
                previousWord = word
                scanned += 1
            }
            defer { previousTerm = term }
            // `type 2` (diabetes) says nothing about a stage or a class.
            if previousTerm == "type", term.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { continue }
            guard let number = index.number(term) else { continue }
            if span.contains(first) && !Self.sideTerms.contains(term) {
                // The condition's own words count, but are not used up by a combination code.
                if context.positive[number] == nil { context.positive[number] = -1 }
                continue
            }
            if negating {
                context.negative.insert(number)
            } else if context.positive[number] == nil {
                context.positive[number] = first
            } else {
                context.repeated[number, default: 1] += 1
            }
        }
        func imply(_ word: Int32?) {
            if let word, context.positive[word] == nil { context.positive[word] = -1 }
        }
        // Implied words: a side implies one side; poor control of diabetes is hyperglycemia (ICD-10-CM index:
        // Diabetes, uncontrolled, meaning hyperglycemia); a flare is an exacerbation; follow-up of an injury is
        // a subsequent encounter; body regions as the titles name them.
        if let bilateral = ids.bilateral, context.positive[bilateral] != nil {
            // `both knees, R > L`: both sides.
            for side in [ids.right, ids.left, ids.unilateral] { if let side { context.positive[side] = nil } }
        } else {
            if let right = ids.right, context.positive[right] != nil { imply(ids.unilateral) }
            if let left = ids.left, context.positive[left] != nil { imply(ids.unilateral) }
        }
        for (said, written) in ids.regions where words.contains(said) {
            for word in written { imply(word) }
        }
        let all = 0..<words.count
        if Self.occurs(Self.hyperglycemiaCues, in: words, all) { imply(ids.hyperglycemia) }
        if Self.occurs(Self.exacerbationCues, in: words, all) { imply(ids.exacerbation) }
        if Self.occurs(Self.subsequentCues, in: words, all) { imply(ids.subsequent) }
        if Self.occurs(Self.sequelaCues, in: words, all) { imply(ids.sequela) }
        if Self.occurs(Self.stableAnginaCues, in: words, all) {
            // ICD-10-CM index: Angina, stable: other forms of angina pectoris.
            imply(ids.other)
            imply(ids.form)
        }
        return context
    }

    static let hyperglycemiaCues = phrases(
        "uncontrolled", "poorly controlled", "not well controlled", "inadequately controlled",
        "suboptimally controlled",
        "out of control", "not controlled", "elevated a1c", "a1c above goal", "above goal")
    static let exacerbationCues = phrases("flare", "flaring", "exacerbated", "acute exacerbation")
    static let subsequentCues = phrases("follow up", "healing", "subsequent", "routine healing")
    static let sequelaCues = phrases("sequela", "late effect")
    static let stableAnginaCues = phrases("stable angina", "chronic stable angina", "exertional angina")

    static let regionWords: [(String, [String])] = [
        ("leg", ["lower", "limb", "extremity"]), ("arm", ["upper", "limb", "extremity"]),
        ("shin", ["lower", "leg", "limb"]), ("calf", ["lower", "leg", "limb"]), ("one", ["single"]),
        ("mtp", ["foot"]), ("mtpj", ["foot"]), ("feet", ["foot"]), ("toe", ["foot"]), ("heel", ["foot"]),
        ("cheek", ["face"]), ("forehead", ["face"]),
        ("chin", ["face"]), ("thigh", ["lower", "limb"]), ("forearm", ["upper", "limb"]),
    ]

    /// Title words that cost nothing when the note does not say them: the defaults of the classification.
    static let neutralWords: [String] = [
        "with", "due", "primary", "essential", "initial", "encounter", "closed", "displaced", "type", "mellitus",
        "unspecified", "uncomplicated", "acute", "current", "episode", "pectoris", "injury",
    ]

    /// Word numbers the coder looks for.
    struct Words: Sendable {
        var right: Int32?
        var left: Int32?
        var bilateral: Int32?
        var form: Int32?
        var unilateral: Int32?
        var hyperglycemia: Int32?
        var exacerbation: Int32?
        var subsequent: Int32?
        var sequela: Int32?
        var unspecified: Int32?
        var other: Int32?
        var with: Int32?
        var neutral: Set<Int32>
        /// A title word a code needs said.
        var longstanding: Int32?
        var regions: [(String, [Int32])]

        init(_ index: DiagnosisIndex) {
            right = index.number("right")
            left = index.number("left")
            bilateral = index.number("bilateral")
            form = index.number("form")
            unilateral = index.number("unilateral")
            hyperglycemia = index.number("hyperglycemia")
            exacerbation = index.number("exacerbation")
            subsequent = index.number("subsequent")
            sequela = index.number("sequela")
            unspecified = index.number("unspecified")
            other = index.number("other")
            with = index.number("with")
            neutral = Set(DiagnosisCoder.neutralWords.compactMap(index.number))
            longstanding = index.number("longstanding")
            regions = DiagnosisCoder.regionWords.map { said, written in (said, written.compactMap(index.number)) }
        }
    }

    /// The codes for a condition: one, or two where the note says both sides and the classification has only
    /// right and left codes (`bilateral pes planus`: M21.41 and M21.42).
    func chooseAll(within scope: ICD10Code, context: Context) -> [(ICD10Code, Set<Int>)] {
        guard let best = choose(within: scope, context: context) else { return [] }
        guard let bilateral = ids.bilateral, let right = ids.right, let left = ids.left,
            context.positive[bilateral] != nil, !index.titleTerms(of: best.0).positive.contains(bilateral),
            !scope.isBillable
        else { return [best] }
        // The bilateral code may sit beside the scope (`unilateral primary osteoarthritis of knee` and
        // `bilateral primary osteoarthritis of knee` under M17).
        if let parent = scope.parent, let wider = choose(within: parent, context: context),
            index.titleTerms(of: wider.0).positive.contains(bilateral)
        {
            return [wider]
        }
        var sides: [(ICD10Code, Set<Int>)] = []
        for side in [right, left] {
            var sided = context
            sided.positive[bilateral] = nil
            sided.positive[side] = -1
            if let unilateral = ids.unilateral { sided.positive[unilateral] = -1 }
            if let chosen = choose(within: scope, context: sided),
                index.titleTerms(of: chosen.0).positive.contains(side)
            {
                sides.append(chosen)
            }
        }
        return sides.count == 2 ? sides : [best]
    }

    /// The billable code at or below `scope` that the context supports best, and the context words it used.
    func choose(within scope: ICD10Code, context: Context) -> (ICD10Code, Set<Int>)? {
        if scope.isBillable { return (scope, []) }
        let candidates = scope.billableDescendants
        guard !candidates.isEmpty else { return nil }
        let scopeWords = Set(index.titleTerms(of: scope).positive)
        var best: (code: ICD10Code, score: Double, extra: Int, used: Set<Int>)?
        var seen: [Int32: Int] = [:]
        for candidate in candidates {
            let terms = index.titleTerms(of: candidate)
            var score = 0.0
            var used = Set<Int>()
            var extra = 0
            seen.removeAll(keepingCapacity: true)
            for word in terms.positive where !scopeWords.contains(word) || context.positive[word] != nil {
                seen[word, default: 0] += 1
                let occurrence = seen[word] ?? 1
                if occurrence > 1 {
                    // A word the title repeats counts again only if the note repeats it (`first pregnancy,
                    // first trimester`); a second `with` says nothing of what it is with (`with hypoglycemia with
                    // coma` against `... without coma`, where the note says `with` twice of other things).
                    if word != ids.with, occurrence <= context.repeated[word] ?? 1 { score += 2 }
                    continue
                }
                extra += 1
                // `with` said anywhere in the clause (`coronary artery disease, with a stent`) says no complication
                // unless the note also says what the title has it with.
                if word == ids.with, context.positive[word] != nil,
                    let at = terms.positive.firstIndex(of: word),
                    !terms.positive[(at + 1)...].contains(where: {
                        context.positive[$0] != nil && !ids.neutral.contains($0)
                    })
                {
                    continue
                }
                if let position = context.positive[word] {
                    score += 2
                    if position >= 0 { used.insert(position) }
                } else if context.negative.contains(word) {
                    score -= 2
                } else if word == ids.unspecified {
                    score += 0.2
                } else if word == ids.other {
                    score -= 1.5
                } else if word == ids.longstanding {
                    // A duration the title names (`longstanding persistent atrial fibrillation`) is the clinician's
                    // to say: a code that needs it is chosen only when it is said, below the residual `other`.
                    score -= 2
                } else if !ids.neutral.contains(word) {
                    score -= 1
                }
            }
            // A word of an axis left unspecified (`unspecified angina pectoris`) that the note denies.
            for word in terms.axis where context.negative.contains(word) { score -= 2 }
            var absentBonus = terms.absent.isEmpty ? 0.0 : 0.05
            for word in terms.absent where seen[word] == nil {
                seen[word] = 1
                if context.negative.contains(word) {
                    score += 1
                } else if context.positive[word] != nil {
                    score -= 2
                    absentBonus = 0
                }
            }
            score += absentBonus
            if let current = best {
                if score < current.score - 1e-9 { continue }
                if abs(score - current.score) < 1e-9 && extra >= current.extra { continue }
            }
            best = (candidate, score, extra, used)
        }
        return best.map { ($0.code, $0.used) }
    }
}
