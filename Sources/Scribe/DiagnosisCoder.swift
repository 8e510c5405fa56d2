import Terminology

/// Codes a note's diagnoses in ICD-10-CM by the outpatient guidelines: the conditions named in the assessment
/// and plan, each made as specific as the documentation supports (side, type, complication, encounter);
/// negated, ruled-out and hypothetical conditions never coded; uncertain ones coded by their symptoms;
/// history of a resolved condition coded with its Z code; Excludes1 pairs never reported together.
struct DiagnosisCoder: Sendable {
    let codeSet: ICD10CM
    let index: DiagnosisIndex

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
        /// The chosen billable code and the context words it used.
        var code: ICD10Code?
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
        var mainReason = false
    }

    // MARK: - Reading statements

    /// A clause's words: lower-cased tokens, `/` kept inside (`s/p`, `r/o`).
    static func clauses(of text: String) -> [[String]] {
        var clauses: [[String]] = []
        var words: [String] = []
        var word = ""
        func flushWord() {
            if !word.isEmpty { words.append(word) }
            word = ""
        }
        func flushClause() {
            flushWord()
            if !words.isEmpty { clauses.append(words) }
            words = []
        }
        var previous: Character = " "
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "'" {
                word.append(character)
            } else if character == "/" && !word.isEmpty && previous.isLetter {
                word.append(character)
            } else if character == "-" && !word.isEmpty {
                flushWord()
            } else if character == "." || character == ";" || character == "!" || character == "?" || character == "\n"
                || character == ":"
            {
                // `3.5` stays a number: a dot between digits.
                if character == ".", previous.isNumber {
                    word.append(character)
                } else {
                    flushClause()
                }
            } else if character == "," {
                flushWord()
                words.append(",")
            } else {
                flushWord()
            }
            previous = character
        }
        flushClause()
        return clauses.map { clause in
            // A trailing dot of a number that ended the sentence.
            clause.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
        }
    }

    static let negationBefore: [[String]] = phrases(
        "no", "not", "denies", "denied", "deny", "without", "never", "none", "negative for", "free of", "absence of",
        "no evidence of", "no signs of", "no sign of", "no history of", "ruled out for", "rules out", "resolution of",
        "doesn't have", "does not have", "no longer", "not have")
    static let negationAfter: [[String]] = phrases(
        "ruled out", "is ruled out", "was ruled out", "negative", "is negative", "was negative", "resolved",
        "has resolved", "unlikely", "is unlikely", "excluded", "not present", "absent")
    static let uncertainBefore: [[String]] = phrases(
        "possible", "possibly", "probable", "probably", "likely", "suspect", "suspected", "suspicious for",
        "suspicion for", "suspicion of", "concern for", "concerning for", "concerned for", "rule out", "r/o", "question of",
        "questionable", "query", "may have", "might have", "could be", "may be", "might be", "differential",
        "differential diagnosis", "ddx", "consider", "considering", "versus", "vs", "evaluate for", "evaluation for",
        "presumed", "presumptive", "cannot exclude", "cannot rule out", "can't rule out", "consistent with",
        "compatible with", "suggestive of", "worrisome for", "possibility of", "working diagnosis", "favor")
    static let uncertainAfter: [[String]] = phrases(
        "versus", "vs", "suspected", "is suspected", "likely", "is likely", "possible", "not excluded",
        "cannot be excluded", "cannot be ruled out", "to be ruled out", "is possible", "is probable")
    static let hypotheticalBefore: [[String]] = phrases(
        "if", "return if", "call if", "watch for", "monitor for", "warning signs", "signs of", "risk of", "risk for",
        "at risk", "prevent", "prevention", "prevention of", "screen for", "screening", "screening for", "to avoid",
        "in case", "precautions", "avoid", "reduce risk", "prophylaxis", "unless")
    static let historyBefore: [[String]] = phrases(
        "history of", "hx of", "h/o", "hx", "s/p", "status post", "personal history", "past history", "previous",
        "previously", "prior", "remote", "former", "past medical history", "in the past", "used to have",
        "treated for", "recovered from", "survivor", "resolved", "healed")
    static let familyBefore: [[String]] = phrases(
        "family history", "family hx", "fhx", "fh", "mother", "father", "brother", "sister", "mom", "dad",
        "grandmother", "grandfather", "aunt", "uncle", "sibling", "siblings", "parent", "parents", "son", "daughter",
        "runs in the family", "maternal", "paternal")
    static let scopeEnds: Set<String> = [
        "but", "however", "although", "though", "except", "which", "who", "whereas", "yet", "while",
    ]

    static func phrases(_ list: String...) -> [[String]] {
        list.map { $0.split(separator: " ").map(String.init) }
    }

    /// Whether one of the phrases occurs in `words[range]`.
    static func occurs(_ phrases: [[String]], in words: [String], _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        for start in range {
            for phrase in phrases where start + phrase.count <= range.upperBound {
                var matched = true
                for (offset, word) in phrase.enumerated() where words[start + offset] != word {
                    matched = false
                    break
                }
                if matched { return true }
            }
        }
        return false
    }

    /// The conditions named in one clause, with their modifiers.
    func mentions(in words: [String]) -> [Mention] {
        // Sides are read as context, not as part of a condition's name (`left ankle sprain`), unless the
        // name has them (`left bundle branch block`): the longer match wins.
        let all = SearchTerms.terms(ofWords: words)
        let allTexts = all.map(\.term)
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
            if filteredIndex[position] >= 0, let (target, length) = index.match(filteredTexts, at: filteredIndex[position]) {
                let end = filtered[filteredIndex[position] + length - 1]
                if best == nil || end > (best?.end ?? 0) { best = (target, end) }
            }
            guard let (target, end) = best else {
                position += 1
                continue
            }
            found.append(Mention(target: target, words: all[position].first...all[end].last))
            position = end + 1
        }
        for index in found.indices {
            let span = found[index].words
            // Modifiers reach back over at most seven words, and not past a scope end or an earlier mention.
            var start = max(0, span.lowerBound - 7)
            for back in stride(from: span.lowerBound - 1, through: start, by: -1) where Self.scopeEnds.contains(words[back]) {
                start = back + 1
                break
            }
            let before = start..<span.lowerBound
            var end = min(words.count, span.upperBound + 1 + 4)
            for forward in (span.upperBound + 1)..<max(span.upperBound + 1, end)
            where Self.scopeEnds.contains(words[forward]) || words[forward] == "," {
                end = forward
                break
            }
            if index + 1 < found.count { end = min(end, found[index + 1].words.lowerBound) }
            let after = (span.upperBound + 1)..<max(span.upperBound + 1, end)
            found[index].negated = Self.occurs(Self.negationBefore, in: words, before)
                || Self.occurs(Self.negationAfter, in: words, after)
            found[index].uncertain = Self.occurs(Self.uncertainBefore, in: words, before)
                || Self.occurs(Self.uncertainAfter, in: words, after)
            let clauseBefore = 0..<span.lowerBound
            found[index].hypothetical = Self.occurs(Self.hypotheticalBefore, in: words, clauseBefore)
            found[index].family = Self.occurs(Self.familyBefore, in: words, clauseBefore)
            found[index].historical = Self.occurs(Self.historyBefore, in: words, before)
        }
        // `GERD versus gastritis`: both sides of a `versus` are uncertain.
        for index in found.indices where index + 1 < found.count && found[index + 1].uncertain {
            let between = (found[index].words.upperBound + 1)..<found[index + 1].words.lowerBound
            if Self.occurs(Self.phrases("versus", "vs", "or"), in: words, between) { found[index].uncertain = true }
        }
        return found
    }

    // MARK: - Choosing the code within a category

    /// The context of a clause for choosing among codes: the words said (with side and control words
    /// normalised), and the words said after a negation.
    struct Context {
        var positive: [String: Int] = [:]
        var negative: Set<String> = []
        /// Words said more than once, with their count.
        var repeated: [String: Int] = [:]
    }

    static let sideTerms: Set<String> = ["right", "left", "bilateral", "rt", "lt", "bilat", "b/l", "both", "bilaterally"]

    static let sideWords: [String: String] = [
        "rt": "right", "r": "right", "lt": "left", "l": "left", "bilat": "bilateral", "b/l": "bilateral",
        "both": "bilateral", "bilaterally": "bilateral",
    ]

    func context(of words: [String], excluding span: ClosedRange<Int>) -> Context {
        var context = Context()
        var negating = false
        var normalized: [String] = []
        var origins: [Int] = []
        for (position, word) in words.enumerated() {
            normalized.append(Self.sideWords[word] ?? word)
            origins.append(position)
        }
        let terms = SearchTerms.terms(ofWords: normalized)
        var previousWord = ""
        for (term, first, _) in terms {
            let word = words[first]
            if ["no", "not", "without", "denies", "negative"].contains(word) && previousWord != "well" {
                negating = true
            }
            if word == "," || ["with", "and", "but"].contains(word) { negating = false }
            previousWord = word
            if span.contains(first) && !Self.sideTerms.contains(term) {
                // The condition's own words count, but are not used up by a combination code.
                if context.positive[term] == nil { context.positive[term] = -1 }
                continue
            }
            if negating {
                context.negative.insert(term)
            } else if context.positive[term] == nil {
                context.positive[term] = first
            } else {
                context.repeated[term, default: 1] += 1
            }
        }
        // Implied words: a side implies one side; poor control of diabetes is hyperglycemia (ICD-10-CM index:
        // Diabetes, uncontrolled, meaning hyperglycemia); a flare is an exacerbation; follow-up of an injury is
        // a subsequent encounter.
        let joined = " " + words.joined(separator: " ") + " "
        if context.positive["right"] != nil || context.positive["left"] != nil { context.positive["unilateral"] = -1 }
        // Body regions as the titles name them.
        for (said, written) in Self.regionWords where context.positive[said] != nil {
            for word in written where context.positive[word] == nil { context.positive[word] = -1 }
        }
        for cue in [
            " uncontrolled ", " poorly controlled ", " not well controlled ", " inadequately controlled ",
            " suboptimally controlled ", " out of control ", " not controlled ", " elevated a1c ", " a1c above goal ",
            " above goal ",
        ] where joined.contains(cue) {
            context.positive["hyperglycemia"] = -1
        }
        for cue in [" flare ", " flaring ", " exacerbated ", " acute exacerbation "] where joined.contains(cue) {
            context.positive["exacerbation"] = -1
        }
        for cue in [" follow up ", " healing ", " subsequent ", " routine healing "] where joined.contains(cue) {
            context.positive["subsequent"] = -1
        }
        for cue in [" sequela ", " late effect "] where joined.contains(cue) { context.positive["sequela"] = -1 }
        return context
    }

    static let regionWords: [(String, [String])] = [
        ("leg", ["lower", "limb", "extremity"]), ("arm", ["upper", "limb", "extremity"]),
        ("shin", ["lower", "leg"]), ("calf", ["lower", "leg"]), ("thigh", ["thigh"]), ("one", ["single"]),
    ]

    /// Title words that cost nothing when the note does not say them: the defaults of the classification.
    static let neutralWords: Set<String> = [
        "with", "due", "primary", "essential", "initial", "encounter", "closed", "displaced", "type", "mellitus",
        "unspecified", "uncomplicated", "acute", "current", "episode", "pectoris", "injury",
    ]

    /// A title's words outside parentheses: said (positive) and after `without` / `not` (absent).
    static func analyse(_ title: String) -> (positive: [String], absent: [String]) {
        var positive: [String] = []
        var absent: [String] = []
        var bare = ""
        var depth = 0
        for character in title {
            if character == "(" || character == "[" {
                depth += 1
            } else if character == ")" || character == "]" {
                depth = max(0, depth - 1)
            } else if depth == 0 {
                bare.append(character)
            }
        }
        for segment in bare.split(separator: ",") {
            var negating = false
            for raw in segment.split(whereSeparator: { $0 == " " || $0 == "-" }) {
                let word = raw.lowercased()
                if word == "without" || word == "not" || word == "no" {
                    negating = true
                    continue
                }
                if word == "with" || word == "in" || word == "due" || word == "of" { negating = false }
                for term in SearchTerms.words(word) {
                    if negating { absent.append(term) } else { positive.append(term) }
                }
            }
        }
        return (positive, absent)
    }

    /// The billable code at or below `scope` that the context supports best, and the context words it used.
    func choose(within scope: ICD10Code, context: Context) -> (ICD10Code, Set<Int>)? {
        if scope.isBillable { return (scope, []) }
        let candidates = scope.billableDescendants
        guard !candidates.isEmpty else { return nil }
        let scopeWords = Set(Self.analyse(scope.title).positive)
        var best: (code: ICD10Code, score: Double, extra: Int, used: Set<Int>)?
        for candidate in candidates {
            let (positive, absent) = Self.analyse(candidate.title)
            var score = 0.0
            var used = Set<Int>()
            var extra = 0
            var seen: [String: Int] = [:]
            for word in positive where !scopeWords.contains(word) || context.positive[word] != nil {
                seen[word, default: 0] += 1
                let occurrence = seen[word] ?? 1
                if occurrence > 1 {
                    // A word the title repeats counts again only if the note repeats it (`first pregnancy,
                    // first trimester`).
                    if occurrence <= context.repeated[word] ?? 1 { score += 2 }
                    continue
                }
                extra += 1
                if let position = context.positive[word] {
                    score += 2
                    if position >= 0 { used.insert(position) }
                } else if context.negative.contains(word) {
                    score -= 2
                } else if word == "unspecified" {
                    score += 0.2
                } else if word == "other" {
                    score -= 1.5
                } else if !Self.neutralWords.contains(word) {
                    score -= 1
                }
            }
            var absentBonus = absent.isEmpty ? 0.0 : 0.05
            for word in absent where seen[word] == nil {
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
