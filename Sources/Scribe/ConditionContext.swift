/// The one negation and context engine of the note writer and the billing coder: what the words around a condition
/// named in a clause say of it. It reads one table of cue phrases (`ConditionContext.Cues`) with one rule for how far
/// each cue reaches, so the note writer and the coder read `no fever, chills or cough`, `rule out pneumonia` and `his
/// mother had breast cancer` the same way. What each does with a reading is its own: the note writer leaves a hedged
/// problem (`I think it is a sprain`) out of the problem headings, while the coder codes a hedged impression as
/// stated and only a doubt (`possible`, `versus`, `rule out`) by its signs and symptoms.
///
/// Words are lower-cased, with punctuation as words of its own (`,`, `.`, `?`); a contraction written apart
/// (`do n't`) may be one word or two.
public enum ConditionContext {
    /// What the words around one condition say of it.
    public struct Reading: Hashable, Sendable {
        /// Denied or ruled out (`no`, `denies`, `negative for`, `... was negative`).
        public var denied = false
        /// Doubted as a diagnosis (`possible`, `probable`, `rule out`, `versus`, `... is suspected`).
        public var doubted = false
        /// Stated as an impression with a hedge (`I think`, `looks like`, `sounds like`).
        public var hedged = false
        /// Tied to findings (`consistent with`, `suggestive of`): an impression, though uncertain for coding.
        public var qualified = false
        /// Only considered in case it happens, looked for or prevented (`call if`, `screen for`, `risk of`).
        public var hypothetical = false
        /// A relative's condition (`his mother had`, `family history of`).
        public var relative = false
        /// In the past (`history of`, `status post`, `her cancer history`).
        public var past = false
        /// Said to be over right after it (`pneumonia, resolved`, `the rash went away`).
        public var resolved = false
        /// The words before the condition its modifiers were read in (``ConditionContext/scopeBefore(_:before:)``).
        public var before: Range<Int> = 0..<0
        /// The words after it they were read in (``ConditionContext/scopeAfter(_:after:next:)``).
        public var after: Range<Int> = 0..<0

        /// A reading that says nothing of the condition.
        public init() {}
    }

    /// How many words before a condition its modifiers reach.
    public static let reachBefore = 7
    /// How many words after a condition its modifiers reach.
    public static let reachAfter = 4
    /// How many words past that a doubt said after it may end (`prostate cancer needs to be ruled out`).
    public static let doubtOverrun = 2

    /// Reads the words around `condition` in `words`. `next` is where the next condition of the clause starts: the
    /// words after this one end there.
    public static func read(_ words: [String], condition: Range<Int>, next: Int? = nil) -> Reading {
        var reading = Reading()
        let before = scopeBefore(words, before: condition.lowerBound)
        let after = scopeAfter(words, after: condition.upperBound, next: next)
        reading.before = before
        reading.after = after
        let cues = Cues.shared
        reading.denied =
            denies(words, before) || cues.denialAfter.occurs(in: words, after)
        reading.resolved = cues.resolvedAfter.occurs(in: words, after) || cues.goneAfter.occurs(in: words, after)
        // A doubt said after it may end two words past the scope, though not past a comma, a scope end or the next
        // condition.
        var reach = after.upperBound
        while reach < min(words.count, after.upperBound + doubtOverrun), !endsScope(words[reach]), words[reach] != ",",
            next.map({ reach < $0 }) ?? true
        {
            reach += 1
        }
        reading.doubted =
            cues.doubtBefore.occurs(in: words, before)
            || cues.doubtAfter.occurs(in: words, starting: after, within: reach)
        reading.hedged = cues.hedgeBefore.occurs(in: words, before)
        reading.qualified = cues.qualifiedBefore.occurs(in: words, before)
        let clause = clauseStart(words, before: condition.lowerBound)..<condition.lowerBound
        // `any` asks from anywhere in the clause up to a scope end (`take ibuprofen for any pain and to reduce the
        // swelling`); after a denial it is the denial's own word (`I have not had any chest pain`).
        var asked = condition.lowerBound
        while asked > clause.lowerBound, !endsScope(words[asked - 1]) { asked -= 1 }
        reading.hypothetical =
            cues.hypotheticalBefore.occurs(in: words, clause)
            || (!reading.denied && cues.askedBefore.occurs(in: words, asked..<condition.lowerBound))
        reading.relative = namesRelative(words, clause) && !ownedAfterRelative(words, before: condition.lowerBound)
        reading.past =
            cues.pastBefore.occurs(in: words, before)
            || (condition.lowerBound > 0 && cues.overJustBefore.contains(words[condition.lowerBound - 1]))
            || (condition.upperBound < words.count && words[condition.upperBound] == "history")
        return reading
    }

    /// Whether the words before `index` in its scope offer what is named there as an option rather than decide it
    /// (`we could try a birth control pill`): a treatment talked over, not prescribed.
    /// A decision said after the offer (`if you want, we will start the pill today`) makes it decided.
    public static func offered(_ words: [String], before index: Int) -> Bool {
        let scope = scopeBefore(words, before: index)
        guard let offer = Cues.shared.offeredBefore.firstMatch(in: words, scope) else { return false }
        return !Cues.shared.decidedBefore.occurs(in: words, (offer.start + offer.count)..<index)
    }

    /// Whether a word ends the reach of a modifier: a scope word (`but`, `which`, `because`) or a sentence mark.
    public static func endsScope(_ word: String) -> Bool {
        Cues.shared.scopeEnds.contains(word)
    }

    /// The words before `index` that a modifier may stand in: at most ``reachBefore``, not back over a scope end.
    public static func scopeBefore(_ words: [String], before index: Int) -> Range<Int> {
        var start = max(0, index - reachBefore)
        for back in stride(from: index - 1, through: start, by: -1) where endsScope(words[back]) {
            start = back + 1
            break
        }
        return start..<index
    }

    /// The words after `end` that a modifier may stand in: at most ``reachAfter``, not past a scope end, a comma or
    /// the next condition.
    public static func scopeAfter(_ words: [String], after end: Int, next: Int? = nil) -> Range<Int> {
        var upper = min(words.count, end + reachAfter, next ?? Int.max)
        for forward in end..<max(end, upper) where endsScope(words[forward]) || words[forward] == "," {
            upper = forward
            break
        }
        return end..<max(end, upper)
    }

    /// Where the clause holding `index` starts: after the last sentence mark before it.
    public static func clauseStart(_ words: [String], before index: Int) -> Int {
        var start = index
        while start > 0, !Cues.clauseMarks.contains(words[start - 1]) { start -= 1 }
        return start
    }

    /// Whether the words in `before` deny what follows them (`no`, `denies`, `I have not had`). `not sure`, `not
    /// only` and `not just` do not. A `without` followed by a comma reaches no further than the comma, unless a
    /// list denial (`no`, `denies`) comes before it (`no fever, chills or cough`).
    public static func denies(_ words: [String], _ before: Range<Int>) -> Bool {
        let cues = Cues.shared
        var start = before.lowerBound
        if let comma = words[before].lastIndex(of: ","), words[before.lowerBound..<comma].contains("without"),
            !cues.listDenials.occurs(in: words, before.lowerBound..<comma)
        {
            start = comma
        }
        var from = start
        while let match = cues.denialBefore.firstMatch(in: words, from..<before.upperBound) {
            let next = match.start + 1
            if words[match.start] == "not", next < words.count, ["sure", "only", "just"].contains(words[next]) {
                from = match.start + 1
                continue
            }
            return true
        }
        return false
    }

    /// Whether a relative is named in `words[range]` other than spoken to (`so mom, this is a normal well-child
    /// visit` addresses the parent who came with the child) or named as the one who brought the patient (`brought
    /// in by his father for his cough`).
    public static func namesRelative(_ words: [String], _ range: Range<Int>) -> Bool {
        let cues = Cues.shared
        var named = false
        for start in range where cues.relativeBefore.occurs(in: words, start..<range.upperBound, startingAt: start) {
            // The opener may stand apart by its own comma (`so , mom , what's happening is ...`).
            let opener = start >= 2 && words[start - 1] == "," ? start - 2 : start - 1
            let addressed =
                start + 1 < words.count && words[start + 1] == ","
                && (start == 0 || opener >= 0 && Cues.addressOpeners.contains(words[opener]))
            if !addressed {
                named = true
                break
            }
        }
        guard named else { return false }
        return !(cues.companionBefore.occurs(in: words, range) && !words[range].contains("history"))
    }

    /// Whether the patient's own `your` or `my` comes between the last relative named before `position` and it:
    /// `with your father's heart attack at a young age, your past smoking, and your hyperlipidemia` lists the
    /// patient's own risks after the father's.
    public static func ownedAfterRelative(_ words: [String], before position: Int) -> Bool {
        let cues = Cues.shared
        guard
            let relative = (0..<position).last(where: { start in
                cues.relativeBefore.occurs(in: words, start..<min(position, start + 4), startingAt: start)
            })
        else { return false }
        // After a relative's possessive (`his father's heart attack, his past smoking`) a third person's own is the
        // patient's too; after `my father had ... in his fifties` it is the relative's.
        let owners: Set<String> =
            words[relative].hasSuffix("'s") || words[relative].hasSuffix("s'")
            ? ["your", "my", "his", "her", "their"] : ["your", "my"]
        return words[(relative + 1)..<position].contains(where: owners.contains)
    }
}

/// Cue phrases on lower-cased words: the engine's one word-phrase matcher (`TokenPhrases`), read on words.
public typealias CuePhrases = TokenPhrases
