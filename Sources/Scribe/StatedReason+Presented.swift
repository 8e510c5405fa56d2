/// The reason the clinician's opening line states (`... here for right knee pain`, `... who presents today with
/// some back pain`, `the medical assistant told me that you have a tick bite`): the problem named after the cue,
/// as said. A side the patient corrects straight after (`it's not the right knee , it's the left knee`) is
/// taken from the correction.
extension StatedReason {
    /// Words that introduce why the patient came.
    static let presentationCues: [[String]] = [
        ["here", "for"], ["here", "today", "for"], ["here", "with"], ["here", "today", "with"], ["presents", "with"],
        ["presents", "today", "with"], ["presenting", "with"], ["presents", "for"], ["presents", "today", "for"],
        ["in", "for"], ["come", "in", "with"], ["came", "in", "with"], ["coming", "in", "with"], ["come", "in", "for"],
        ["coming", "in", "for"], ["complaining", "of"], ["complains", "of"], ["told", "me", "that", "you", "have"],
        ["told", "me", "you", "have"], ["told", "me", "that", "you", "had"], ["told", "me", "you", "had"],
        ["evaluation", "of"], ["to", "be", "seen", "for"], ["seen", "for"], ["referred", "for"],
    ] + havingCues
    /// `so you're having some difficulty urinating`, `you've been having some difficulty swallowing`: a reason only
    /// when what follows is a complaint of two words or more that names no body part (a part's pain is read, with
    /// its side, from the patient's words by ``reason(in:tokens:turns:annualTurns:)``).
    static let havingCues: [[String]] = [
        ["you're", "having"], ["you", "are", "having"], ["you've", "been", "having"], ["you", "have", "been", "having"],
    ]
    /// Words between the cue and the problem that say nothing of it.
    static let leadIns: Set<String> = [
        "a", "an", "the", "some", "his", "her", "your", "my", "their", "little", "bit", "of", "kind", "sort", "this",
        "that", "these", "new", "ongoing", "evaluation", "follow", "up", "follow-up", "complaints", "complaint",
    ]
    /// Words that end the problem's phrase.
    static let phraseEnds: Set<String> = [
        "and", "that", "which", "who", "so", "since", "today", "for", "but", "because", "as", "that's", "is", "was",
        "to", "from", "in", "on", "at", "after", "when", "he", "she", "you", "i", "we", "they", "can", "could",
        "about", "or", "with", "if", "like", "um", "uh", "okay", "now", "it", "it's", "there", "your", "my", "his",
        "her", "their", "evaluation", "management", "follow", "follow-up", "check", "over", "past", "during",
        "you're", "yes", "yeah", "this",
    ]
    static let sides: Set<String> = ["right", "left"]
    /// The problem the opening line names and where, from the sentences of the first `turns` turns.
    static func presented(in transcript: Transcript, tokens: [[Token]], turns: Int = 10) -> (
        text: String, evidence: Range<Int>
    )? {
        for (number, (sentence, sentenceWords)) in zip(transcript.sentences, tokens).enumerated() {
            guard sentence.turn < turns else { break }
            // `you were in the hospital` is the clinician's, whoever the transcript gives it to (a slip that hands the
            // clinician's words after a question to the patient).
            if sentence.turn < 3, let visit = hospitalFollowUp(sentenceWords) { return visit }
            guard sentence.speaker == .clinician || sentence.speaker == .narrator else { continue }
            // A phrase cut by a sentence boundary (unpunctuated speech: `... a tick | bite is that ...`) reads on
            // into the next sentence of the turn.
            var words = sentenceWords
            if number + 1 < tokens.count, transcript.sentences[number + 1].turn == sentence.turn {
                words += tokens[number + 1].prefix(3)
            }
            let keys = words.map(\.text)
            let summary = isSummary(keys)
            for index in keys.indices {
                // `referred by diane nelson for a long-standing iron deficiency anemia`: the referrer's name is
                // looked past.
                let cue: [String]
                if keys[index] == "referred", index + 1 < keys.count, keys[index + 1] == "by",
                    let reason = keys[(index + 2)..<min(keys.count, index + 6)].firstIndex(of: "for")
                {
                    cue = Array(keys[index...reason])
                } else if let listed = presentationCues.first(where: { keys[index...].starts(with: $0) }) {
                    cue = listed
                } else {
                    continue
                }
                // `a history of ... seen for`: the history's, not today's; `a history of gout who presents for` is today's.
                let before = keys[max(0, index - 4)..<index]
                if let history = before.lastIndex(of: "history"), !before[history...].contains("who") { continue }
                if summary, let followUp = followUp(words, from: index + cue.count) { return followUp }
                var start = index + cue.count
                while start < keys.count, leadIns.contains(keys[start]) { start += 1 }
                // `here today with her mom for her 4 year well child visit`: the one who came along, then the reason.
                if start < keys.count, ClinicalLexicon.companions.contains(keys[start]) {
                    guard let reason = keys[start...].prefix(4).firstIndex(of: "for") else { continue }
                    start = reason + 1
                    while start < keys.count, leadIns.contains(keys[start]) { start += 1 }
                }
                var end = start
                // The phrase ends at a word that ends phrases, or at the patient's name opening the next clause
                // (`... a new right eye twitch karen is accompanied by ...`).
                while end < keys.count, end - start < 6, words[end].kind == .word, !phraseEnds.contains(keys[end]),
                    end == start || FirstNames.embedded[keys[end]] == nil
                {
                    end += 1
                }
                guard end > start else { continue }
                // The clinician's one-line summary (`... a 58-year-old male here for evaluation of high blood
                // sugar .`) names the reason in its own words, recognised or not; a phrase cut off by a verb
                // (`... twitch karen is ...`) runs on into another clause and is not taken unrecognised.
                let ownWords =
                    summary && end - start <= 4 && !(end < keys.count && clauseVerbs.contains(keys[end]))
                    && bodyParts[keys[end - 1]] == nil
                guard isProblem(words, start..<end) || ownWords else { continue }
                if havingCues.contains(cue),
                    end - start < 2 || keys[start..<end].contains(where: { bodyParts[$0] != nil })
                {
                    continue
                }
                var phrase = Array(keys[start..<end])
                // Where it is (`this ulcer on your right foot` -> `Ulcer on right foot.`).
                if let site = site(words, after: end) {
                    phrase += site.words
                    end = site.end
                }
                if let side = phrase.firstIndex(where: { sides.contains($0) }),
                    let corrected = correctedSide(phrase[side], after: number, in: transcript, tokens: tokens)
                {
                    phrase[side] = corrected
                }
                let text = Phrasing.capitalized(phrase.joined(separator: " ")) + "."
                return (text, EntityExtractor.span(words, start, end - 1))
            }
        }
        return nil
    }

    /// Verbs that show a phrase ran on into a clause of its own.
    static let clauseVerbs: Set<String> = ["is", "was", "has", "had", "are", "were"]
    /// Words that say a visit follows up (`follow up`, `follow-up`, `followup`), and the words that join what it
    /// follows up.
    static let followUpWords: [[String]] = [["follow", "up"], ["follow-up"], ["followup"]]
    static let followUpJoins: Set<String> = ["of", "for", "from", "after", "with", "on"]
    /// The possessives dropped from a follow-up's phrase (`the` is kept: `from the emergency room`).
    static let possessiveWords = possessives.subtracting(["the"])

    /// Whether a sentence is the clinician's one-line summary of the patient: it states the age.
    static func isSummary(_ keys: [String]) -> Bool {
        keys.indices.contains { index in
            keys[index].hasSuffix("year-old")
                || (["year", "years"].contains(keys[index]) && index + 1 < keys.count && keys[index + 1] == "old")
        }
    }

    /// A follow-up visit the summary states after its cue (`presents for follow up of her chronic problems` →
    /// `Follow-up of chronic problems.`, `here for emergency room follow-up for some chest pain` → `Emergency room
    /// follow-up for chest pain.`): up to three words that say what kind, the follow-up, and what it follows,
    /// without possessives; `Follow-up.` alone when what follows is not said plainly.
    static func followUp(_ words: [Token], from cueEnd: Int) -> (text: String, evidence: Range<Int>)? {
        let keys = words.map(\.text)
        let skipped: Set<String> = possessiveWords.union(["some"])
        var start = cueEnd
        while start < keys.count, ["a", "an", "the"].contains(keys[start]) || skipped.contains(keys[start]) {
            start += 1
        }
        guard
            let (at, said) = (start..<min(keys.count, start + 4)).lazy.compactMap({ at in
                followUpWords.first { keys[at...].starts(with: $0) }.map { (at, $0) }
            }).first,
            keys[start..<at].allSatisfy({ !phraseEnds.contains($0) && !skipped.contains($0) })
        else { return nil }
        var phrase = keys[start..<at] + ["follow-up"]
        var last = at + said.count - 1
        // `a follow-up with me for ...`: who sees the patient says nothing of what is followed.
        if last + 3 < keys.count, keys[last + 1] == "with", ["me", "us"].contains(keys[last + 2]) { last += 2 }
        if last + 2 < keys.count, followUpJoins.contains(keys[last + 1]) {
            var next = last + 2
            while next < keys.count, skipped.contains(keys[next]) { next += 1 }
            var end = next
            while end < keys.count, end - next < 6, words[end].kind == .word, !phraseEnds.contains(keys[end]) {
                end += 1
            }
            if end > next, !(end < keys.count && clauseVerbs.contains(keys[end])) {
                phrase += [keys[last + 1]] + keys[next..<end]
                last = end - 1
            }
        }
        return (Phrasing.capitalized(phrase.joined(separator: " ")) + ".", EntityExtractor.span(words, start, last))
    }

    /// A visit after a stay the clinician names in the opening (`so you were just in the emergency department`, `you
    /// were in the hospital for some heart failure`): `Emergency department follow-up.`, `Hospital follow-up for heart
    /// failure.`
    static func hospitalFollowUp(_ words: [Token]) -> (text: String, evidence: Range<Int>)? {
        let keys = words.map(\.text)
        for index in keys.indices.dropLast(3) where keys[index] == "you" && ["were", "went"].contains(keys[index + 1]) {
            var at = index + 2
            if ["just", "recently"].contains(keys[at]) { at += 1 }
            guard at + 1 < keys.count, ["in", "to", "into"].contains(keys[at]) else { continue }
            at += 1
            if keys[at] == "the" { at += 1 }
            guard at < keys.count else { continue }
            let place: String
            var last = at
            if keys[at] == "hospital" {
                place = "Hospital"
            } else if keys[at] == "er" {
                place = "Emergency department"
            } else if keys[at] == "emergency", at + 1 < keys.count, ["room", "department"].contains(keys[at + 1]) {
                place = "Emergency department"
                last = at + 1
            } else {
                continue
            }
            var text = place + " follow-up"
            // What the stay was for, when said after it (`for some heart failure`).
            if last + 2 < keys.count, keys[last + 1] == "for" {
                var start = last + 2
                while start < keys.count, leadIns.contains(keys[start]) { start += 1 }
                var end = start
                while end < keys.count, end - start < 4, words[end].kind == .word, !phraseEnds.contains(keys[end]),
                    !questionWords.contains(keys[end])
                {
                    end += 1
                }
                if end > start, isProblem(words, start..<end) {
                    text += " for " + keys[start..<end].joined(separator: " ")
                    last = end - 1
                }
            }
            return (text + ".", EntityExtractor.span(words, index, last))
        }
        return nil
    }

    static let questionWords: Set<String> = ["what", "how", "when", "where", "why", "who"]

    /// The site after a complaint's phrase (`on your right foot`, `in her left eye`): the preposition, the side
    /// and the body part, without the possessive, and the index after the part.
    static func site(_ words: [Token], after end: Int) -> (words: [String], end: Int)? {
        let keys = words.map(\.text)
        guard end + 2 < keys.count, ["on", "in", "of"].contains(keys[end]), possessives.contains(keys[end + 1]) else {
            return nil
        }
        var part = end + 2
        if sides.contains(keys[part]), part + 1 < keys.count { part += 1 }
        guard bodyParts[keys[part]] != nil else { return nil }
        return ([keys[end]] + keys[(end + 2)...part], part + 1)
    }

    /// Whether the words name a problem: a phrase of the problem word lists, or a body part with pain or injury.
    static func isProblem(_ words: [Token], _ range: Range<Int>) -> Bool {
        let phrase = Array(words[range])
        if phrase.indices.contains(where: { EntityExtractor.problemPhrases.match(phrase, at: $0) != nil }) {
            return true
        }
        let keys = phrase.map(\.text)
        if let last = keys.last, complaintNouns.contains(last) { return true }
        // `difficulty urinating`, `trouble swallowing`.
        if keys.count >= 2, ["difficulty", "trouble"].contains(keys[0]), keys[1].hasSuffix("ing") { return true }
        return keys.contains { bodyParts[$0] != nil } && keys.contains { complaintNouns.contains($0) }
    }

    /// Nouns a complaint ends with (`tick bite`, `a lump`).
    static let complaintNouns: Set<String> = [
        "pain", "injury", "swelling", "bite", "bites", "rash", "wound", "laceration", "lump", "mass", "burn", "sting",
        "cut", "fall", "bump", "bruise", "lesion", "spot", "mole", "twitch", "twitching", "spasm", "spasms",
    ]

    /// The other side, when the patient's next turns say it is not this one (`not the right knee , the left`).
    static func correctedSide(_ side: String, after number: Int, in transcript: Transcript, tokens: [[Token]])
        -> String?
    {
        let other = side == "right" ? "left" : "right"
        let turn = transcript.sentences[number].turn
        for (sentence, words) in zip(transcript.sentences, tokens).dropFirst(number + 1) {
            guard sentence.turn <= turn + 2 else { break }
            guard sentence.speaker == .patient else { continue }
            let keys = words.map(\.text)
            guard
                let denied = keys.indices.first(where: { index in
                    keys[index] == "not" && keys[(index + 1)..<min(keys.count, index + 4)].contains(side)
                })
            else { continue }
            if keys[denied...].contains(other) { return other }
        }
        return nil
    }
}
