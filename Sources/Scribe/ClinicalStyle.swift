/// The condensed style of a clinician's note, applied to a transcript sentence that is already cleaned and in
/// the third person: spoken hedges, fillers and discourse markers go; repeated words and self-repairs
/// collapse; fragments split at an ellipsis are joined; the clinician's first-person framing ("I want to",
/// "we'll go ahead and") becomes the plan item itself ("Order an x-ray."); and a sentence with nothing left
/// for a note (a question, a broken fragment, a few words of talk) is dropped.
///
/// It only deletes and reorders words of the sentence, or replaces framing with the standard word for it,
/// so the statement still says what its evidence says.
enum ClinicalStyle {
    /// Who said the sentence: the patient's words are reported, the clinician's are the record.
    enum Voice: Sendable {
        case patient
        case clinician
        /// A dictation: already the clinician's written register; only spoken debris is removed.
        case dictation
    }

    /// The sentence in note style, or nil when nothing worth a note's sentence is left.
    static func condensed(_ text: String, voice: Voice) -> String? {
        var words = Phrasing.spaceSeparated(text)
        // An impression reduced to the problem's name (`Reflux.`) is whole however short.
        var namesProblem = false
        words = withoutBrokenWords(words)
        words = withoutFillers(words)
        words = withoutRepeats(words)
        if voice != .dictation {
            words = withoutAbandonedSubject(words)
            words = measuredAmounts(words)
        }
        words = withoutLeadingDiscourse(words)
        switch voice {
        case .clinician:
            words = suggestedPlan(words)
            words = withoutOpeningThat(words)
            words = withoutVocative(words)
            words = withoutHedges(words)
            words = vitalSignsReview(words)
            words = withoutLeadingDiscourse(words)
            words = withoutProblemIntro(words)
            words = withoutTopicFraming(words)
            let impression = onlyNamedTopic(words) ?? topicName(words) ?? namedImpression(words)
            namesProblem = impression != words
            words = impression
            guard !words.isEmpty, let dictated = withoutNoteInstruction(words) else { return nil }
            words = dictated
            words = announcedHeading(words)
            words = planItem(words)
            words = clausePlanItems(words)
            words = followUpVisit(words)
            words = reportedByClinician(words)
            words = clinicTheObject(words)
            words = withoutPatientOn(words)
            words = withoutEvaluativeTail(words)
            words = withoutNiceAnd(words)
            words = recommendedPlan(words)
        case .patient:
            words = familyThirdPerson(words)
            words = providerAddressed(words)
            words = agreeing(words)
        case .dictation:
            break
        }
        words = withoutLeadingDiscourse(words)
        if voice != .dictation {
            words = withoutSpokenTransition(words)
            words = withoutTrailingConnective(words)
            if namesVitalOnly(words) { return nil }
        }
        if voice == .clinician,
            isAnnouncement(words) || isTimeOnly(words) || isInstruction(words) || isExaminerIntent(words)
                || asksWithin(words)
                || isRemark(words) || isPositioningRequest(words) || isStaffLogistics(words)
        {
            return nil
        }
        // Still speaking as `I` and `you` three times over: conversation between the two, not the record's words.
        if voice != .dictation,
            words.count(where: {
                mayBe($0, startingWith: "imwluoy", maxLength: 6) && firstPerson.contains(Phrasing.bare($0))
            }) >= 3
        {
            return nil
        }
        guard let last = words.last else { return nil }
        if last.hasSuffix("?") { return nil }
        if voice != .dictation, leansOnContext(words) { return nil }
        // A question tagged on without a question mark (`..., is that correct`).
        if voice != .dictation, words.count > 3, tagQuestionEnds.contains(Phrasing.bare(last)),
            tagQuestions.contains(where: { words.suffix($0.count).map(Phrasing.bare) == $0 })
        {
            return nil
        }
        // A question asked without a question mark (speech recognition): `have you done anything for it`.
        if voice != .dictation, words.count > 2,
            Phrasing.questionPairs.contains([Phrasing.bare(words[0]), Phrasing.bare(words[1])])
        {
            return nil
        }
        let content = words.filter { !$0.utf8.allSatisfy { Phrasing.isMark($0) } }
        guard content.count >= (voice == .dictation || namesProblem || isNegatedFinding(content) ? 1 : 3) else {
            return nil
        }
        // A sentence cut off mid-clause ("The patient has been taking.") says nothing whole.
        if voice != .dictation, danglingEnds.contains(Phrasing.bare(last)), !endsRelativeClause(words) { return nil }
        if voice != .dictation, isDependentClause(words) || isVerdict(words) { return nil }
        // A clause whose subject was cut off by speech recognition, or a question without its mark (`is contributing
        // to this and also probably the stress`, `is it worse in the morning`).
        if voice == .clinician, words.count > 1, ["is", "are"].contains(Phrasing.bare(words[0])) { return nil }
        // Written out, a contraction can repeat the word before it (`it it's` → `it it is`).
        words = withoutRepeats(withoutContractions(words))
        guard !words.isEmpty else { return nil }
        // The clinician's question once its contraction is written out and the talk before it is gone
        // (`I know what's his favorite type of pie` → `what is his ...`).
        if voice == .clinician, words.count > 2,
            Phrasing.questionPairs.contains([Phrasing.bare(words[0]), Phrasing.bare(words[1])])
        {
            return nil
        }
        words[0] = Phrasing.capitalized(words[0])
        var sentence = Phrasing.joined(words)
        // A comma left before the full stop by a removed tail.
        while let end = sentence.last, end == "," || end == ";" || end == ":" { sentence.removeLast() }
        return Phrasing.terminated(sentence)
    }

    /// A plan offered as a question (`why don't we have you come back in about two weeks?`, `why do n't you try
    /// the cream`): what it offers, as the plan's imperative (`have you come back in about two weeks.`, `try the
    /// cream`).
    static func suggestedPlan(_ words: [String]) -> [String] {
        guard let first = words.first, Phrasing.bare(first) == "why",
            let opening = suggestionOpening(words.prefix(6).map(Phrasing.bare))
        else { return words }
        var plain = Array(words[(opening + 1)...])
        if let last = plain.last, last.hasSuffix("?") {
            plain[plain.count - 1] = String(last.dropLast())
            if plain[plain.count - 1].isEmpty { plain.removeLast() }
        }
        return plain
    }

    /// `Recommend we give her some motrin` → `Give her some motrin`: the plan item the recommendation names.
    static func recommendedPlan(_ words: [String]) -> [String] {
        guard words.count > 3, ["recommend", "suggest"].contains(Phrasing.bare(words[0])),
            Phrasing.bare(words[1]) == "we", Phrasing.trailingPunctuation(words[1]).isEmpty,
            planItemOpenings.contains(Phrasing.bare(words[2])) || Phrasing.bare(words[2]) == "get"
        else { return words }
        return [Phrasing.capitalized(words[2])] + words[3...]
    }

    /// A clause split from the verb it completes (`I see | that she is diabetic`, `so | that she can continue with
    /// the radiation`) without its `That`: `She is diabetic`, `She can continue with the radiation`.
    static func withoutOpeningThat(_ words: [String]) -> [String] {
        guard words.count > 3, Phrasing.bare(words[0]) == "that", Phrasing.trailingPunctuation(words[0]).isEmpty,
            ["she", "he", "they"].contains(Phrasing.bare(words[1])),
            finiteVerbs.contains(Phrasing.bare(words[2]))
        else { return words }
        return Array(words.dropFirst())
    }

    /// How many of the first words (lower-cased, bare) ask `why don't we` before what is suggested, or nil. The
    /// contraction may be one word, two (`do n't`) or split at the apostrophe (`don t`, `do n t`).
    static func suggestionOpening(_ keys: [String]) -> Int? {
        guard keys.count > 4, keys[0] == "why" else { return nil }
        let opening =
            switch (keys[1], keys[2], keys[3]) {
            case ("don't", _, _), ("dont", _, _): 2
            case ("do", "n't", _), ("don", "t", _): 3
            case ("do", "n", "t"): 4
            default: 0
            }
        guard opening > 0, opening + 1 < keys.count, ["we", "you", "i"].contains(keys[opening]) else { return nil }
        return opening
    }

    /// Whether every word of a spoken sentence leans on what was said before it (`He is taking it.`, `That will
    /// be able to help her.`, `She may also see it.`): pronouns, auxiliaries and light verbs, with nothing a reader
    /// of the note could take alone. `well` after `as` is such a word; `doing well` states something.
    static func leansOnContext(_ words: [String]) -> Bool {
        var previous = ""
        for word in words {
            let key = Phrasing.bare(word)
            if key.isEmpty { continue }
            guard contextWords.contains(key) || key == "well" && previous == "as" else { return false }
            previous = key
        }
        return !previous.isEmpty
    }

    /// Words that take their meaning from the sentence before (`leansOnContext`).
    static let contextWords: Set<String> = [
        "a", "an", "the", "that", "this", "these", "those", "it", "its", "he", "she", "they", "him", "her", "them",
        "his", "their", "patient", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do",
        "does", "did", "will", "would", "can", "could", "may", "might", "should", "able", "to", "take", "taking",
        "takes", "help", "helps", "helping", "keep", "keeps", "see", "get", "gets", "also", "still", "too", "as",
        "lot", "so", "then", "again", "there", "here", "with", "of",
    ]

    // MARK: Spoken debris

    /// Contractions written out, as notes write them: `doesn't` → `does not`, `it's` → `it is` (`it has`
    /// before `been` or `got`), `we'll` → `we will`, `i'm` → `I am`. A possessive (`the patient's`) and the
    /// ambiguous `'d` stay.
    static func withoutContractions(_ words: [String]) -> [String] {
        guard words.contains(where: { $0.utf8.contains(0x27) || $0.utf8.contains(0xE2) }) else { return words }
        var output: [String] = []
        output.reserveCapacity(words.count + 4)
        for (index, word) in words.enumerated() {
            // `’` is E2 80 99 in UTF-8: a word without the byte E2 cannot hold it.
            guard word.utf8.contains(0x27) || word.utf8.contains(0xE2) && word.contains("\u{2019}") else {
                output.append(word)
                continue
            }
            let core = String(Phrasing.bare(word).map { $0 == "\u{2019}" ? "'" : $0 })
            let next = index + 1 < words.count ? Phrasing.bare(words[index + 1]) : ""
            guard let expansion = expandedContraction(core, next: next) else {
                output.append(word)
                continue
            }
            var parts = expansion
            if word.first?.isUppercase == true, let first = parts.first, first != "I" {
                parts[0] = Phrasing.capitalized(first)
            }
            parts[parts.count - 1] += Phrasing.trailingPunctuation(word)
            output.append(contentsOf: parts)
        }
        return output
    }

    static let negatedAuxiliaries: [String: String] = [
        "doesn't": "does", "don't": "do", "didn't": "did", "hasn't": "has", "haven't": "have", "hadn't": "had",
        "isn't": "is", "wasn't": "was", "weren't": "were", "aren't": "are", "couldn't": "could",
        "wouldn't": "would", "shouldn't": "should",
    ]
    /// Words whose `'s` is `is` or `has`, never a possessive.
    static let isContracted: Set<String> = [
        "it", "that", "there", "he", "she", "what", "here", "who", "everything", "nothing", "something", "where",
        "this",
    ]

    static func expandedContraction(_ word: String, next: String) -> [String]? {
        if let auxiliary = negatedAuxiliaries[word] { return [auxiliary, "not"] }
        switch word {
        case "can't": return ["cannot"]
        case "won't": return ["will", "not"]
        case "i'm": return ["I", "am"]
        case "let's": return nil
        default: break
        }
        guard let apostrophe = word.lastIndex(of: "'") else { return nil }
        let stem = String(word[..<apostrophe])
        let stemWord = stem == "i" ? "I" : stem
        switch word[word.index(after: apostrophe)...] {
        case "s":
            guard isContracted.contains(stem) else { return nil }
            return [stemWord, next == "been" || next == "got" ? "has" : "is"]
        case "re": return ["we", "they", "you"].contains(stem) ? [stemWord, "are"] : nil
        case "ve":
            return ["we", "they", "you", "i", "could", "would", "should"].contains(stem) ? [stemWord, "have"] : nil
        case "ll":
            return ["we", "they", "you", "i", "it", "he", "she", "that", "there"].contains(stem)
                ? [stemWord, "will"] : nil
        default: return nil
        }
    }

    /// Words cut off by the speaker (`ex-`, `mel-...`) go, and an ellipsis joins what it split: the words
    /// around it are one sentence in the note.
    static func withoutBrokenWords(_ words: [String]) -> [String] {
        var output: [String] = []
        output.reserveCapacity(words.count)
        for (index, word) in words.enumerated() {
            // Only a word with a full stop, a hyphen or a non-ASCII character can be broken.
            guard word.utf8.contains(where: { $0 == 0x2E || $0 == 0x2D || $0 >= 0x80 }) else {
                output.append(word)
                continue
            }
            var word = word
            var trailsOff = false
            while word.hasSuffix("...") || word.hasSuffix("…") {
                word = word.hasSuffix("…") ? String(word.dropLast()) : String(word.dropLast(3))
                trailsOff = true
            }
            // Said again after the ellipsis (`see you three months ... three months ago`): the first try goes.
            defer { if trailsOff { takeBackRestart(&output, before: words[(index + 1)...]) } }
            while word.hasPrefix("...") { word = String(word.dropFirst(3)) }
            if word.isEmpty || word == "-" || word == "--" || word == "—" { continue }
            // A stutter joined by a hyphen (`i-i'd`, `th-the`): the word as finished.
            if let hyphen = word.firstIndex(of: "-"), hyphen > word.startIndex {
                let start = word[..<hyphen].lowercased()
                let finished = word[word.index(after: hyphen)...]
                if start.count <= 3, finished.lowercased().hasPrefix(start), !finished.isEmpty {
                    word = String(finished)
                }
            }
            // A cut-off word: a hyphen at its end (`ex-`), which no written word has. A long word that ends the
            // sentence is finished and only trails off (`refer you to physical therapy-`).
            if word.hasSuffix("-") || word.hasSuffix("-,") || word.hasSuffix("-.") {
                let stem = word.trimmingCharacters(in: "-,.")
                if index == words.count - 1, stem.count >= 6, stem.allSatisfy(\.isLetter) {
                    output.append(stem + (word.hasSuffix(".") ? "." : ""))
                }
                continue
            }
            output.append(word)
        }
        return output
    }

    /// Takes the end of `output` back when `next` says it again (see `Transcript.restartStart`).
    static func takeBackRestart(_ output: inout [String], before next: ArraySlice<String>) {
        var positions: [Int] = []
        var plain: [String] = []
        var index = output.count - 1
        while index >= 0, plain.count < Transcript.restartReach {
            let bare = Phrasing.bare(output[index])
            if index > 0, Transcript.isFillerPair(Phrasing.bare(output[index - 1]), bare) {
                index -= 2
                continue
            }
            if !bare.isEmpty, !Phrasing.fillers.contains(bare) {
                positions.append(index)
                plain.append(bare)
            }
            index -= 1
        }
        let after = Transcript.withoutFillerPairs(
            next.prefix(12).map(Phrasing.bare).filter { !$0.isEmpty && !Phrasing.fillers.contains($0) })
        guard let start = Transcript.restartStart(before: plain.reversed(), after: after.prefix(6)) else { return }
        output.removeSubrange(positions[plain.count - 1 - start]...)
    }

    /// Spoken hedges, intensifiers and asides that a clinician's note never holds; their punctuation moves
    /// to the word before them when it ends the sentence.
    static func withoutFillers(_ words: [String]) -> [String] {
        let keys = words.map(Phrasing.bare)
        var output: [String] = []
        output.reserveCapacity(words.count)
        var index = 0
        func drop(_ count: Int) {
            let trailing = Phrasing.trailingPunctuation(words[index + count - 1])
            if !trailing.isEmpty, let last = output.last {
                // Set off by commas on both sides (`is, you know, tired`): both commas go; an end mark moves on.
                if trailing != "," || last.hasSuffix(",") {
                    output[output.count - 1] = last.trimmingCharacters(in: ",;:") + (trailing == "," ? "" : trailing)
                }
            }
            index += count
        }
        while index < words.count {
            let key = keys[index]
            // One lookup says whether the word opens a filler phrase, is a filler word, or neither.
            let filler = fillerKeys[key]
            if let phrases = filler?.phrases,
                let phrase = phrases.first(where: { phrase in
                    phrase.first == key && index + phrase.count <= keys.count
                        && keys[index..<(index + phrase.count)].elementsEqual(phrase)
                        && words[index..<(index + phrase.count - 1)].allSatisfy {
                            Phrasing.trailingPunctuation($0).isEmpty
                        }
                })
            {
                drop(phrase.count)
                continue
            }
            // `okay` after a verb of being is what the patient is (`doing alright aside from the pain`).
            if filler?.isWord == true,
                !(Self.statedStates.contains(key) && output.last.map { Self.beingVerbs.contains(Phrasing.bare($0)) } == true
                    && Phrasing.trailingPunctuation(output.last ?? "").isEmpty)
            {
                drop(1)
                continue
            }
            // A tag at the end (`..., right.`, `..., correct?`) asks for agreement.
            if index == words.count - 1, index > 0, words[index - 1].hasSuffix(","),
                ["right", "correct", "huh", "no"].contains(key)
            {
                drop(1)
                continue
            }
            // `go ahead increase the lisinopril`: `go ahead` before a plan verb says nothing.
            if key == "go", index + 2 < keys.count, keys[index + 1] == "ahead",
                planItemOpenings.contains(keys[index + 2]) || keys[index + 2] == "get",
                !["go", "come"].contains(keys[index + 2]),
                Phrasing.trailingPunctuation(words[index + 1]).isEmpty || Phrasing.trailingPunctuation(words[index + 1]) == ","
            {
                index += 2
                continue
            }
            // `pretty good` is `good`; `pretty much` is nothing.
            if key == "pretty", index + 1 < keys.count, Phrasing.trailingPunctuation(words[index]).isEmpty {
                drop(keys[index + 1] == "much" ? 2 : 1)
                continue
            }
            // `like` set off by commas, or before a number, is a filler (`it's, like, 3 weeks`).
            if key == "like", index + 1 < keys.count,
                Phrasing.trailingPunctuation(words[index]) == ","
                    || output.last?.hasSuffix(",") == true
                    || keys[index + 1].utf8.first.map({ (0x30...0x39).contains($0) }) == true
                    || likeBefore.contains(keys[index + 1])
                    // After a quantifier (`i don't appreciate any like adenopathy`).
                    || output.last.map { ["any", "some", "no"].contains(Phrasing.bare($0)) } == true
            {
                drop(1)
                continue
            }
            output.append(words[index])
            index += 1
        }
        return output
    }

    /// The hedge speech puts on an amount, as notes write it: `a little bit of fluid` → `some fluid`, `a little bit
    /// of a cough` → `a cough`, `a little bit high` → `slightly high`, and `a little bit` before anything else gone
    /// (`it bothers her a little bit but not much`).
    static func measuredAmounts(_ words: [String]) -> [String] {
        guard words.contains(where: { $0 == "little" || $0 == "Little" }) else { return words }
        var output: [String] = []
        var index = 0
        while index < words.count {
            let article = Phrasing.bare(words[index]) == "a" ? 1 : 0
            // `a little dizzy` → `slightly dizzy`.
            if article == 1, index + 2 < words.count, Phrasing.bare(words[index + 1]) == "little",
                Phrasing.trailingPunctuation(words[index + 1]).isEmpty,
                slightWords.contains(Phrasing.bare(words[index + 2]))
            {
                output.append(words[index].first?.isUppercase == true ? "Slightly" : "slightly")
                index += 2
                continue
            }
            let bit = index + article + 1
            guard bit < words.count, Phrasing.bare(words[index + article]) == "little",
                Phrasing.bare(words[bit]) == "bit",
                words[index..<bit].allSatisfy({ Phrasing.trailingPunctuation($0).isEmpty })
            else {
                output.append(words[index])
                index += 1
                continue
            }
            let capital = words[index].first?.isUppercase == true
            func said(_ word: String) -> String { capital ? Phrasing.capitalized(word) : word }
            let punctuation = Phrasing.trailingPunctuation(words[bit])
            let next = bit + 1 < words.count ? Phrasing.bare(words[bit + 1]) : ""
            if !punctuation.isEmpty || next.isEmpty {
                // `it hurts a little bit.` → `it hurts.`
                if let last = output.popLast() { output.append(last + punctuation) } else { return words }
                index = bit + 1
            } else if next == "of", bit + 2 < words.count, Phrasing.trailingPunctuation(words[bit + 1]).isEmpty {
                let after = Phrasing.bare(words[bit + 2])
                if after == "a" || after == "an" {
                    index = bit + 2
                    if capital { output.append(said(words[index])); index += 1 }
                } else {
                    output.append(said("some"))
                    index = bit + 2
                }
            } else if slightWords.contains(next) || (next.hasSuffix("ed") && next.count > 4) || next.hasSuffix("er") {
                output.append(said("slightly"))
                index = bit + 1
            } else {
                index = bit + 1
                if capital, index < words.count { output.append(said(words[index])); index += 1 }
            }
        }
        return output
    }

    /// Words a spoken `a little bit` makes slight (`a little bit high`, `a little bit dizzy`).
    static let slightWords: Set<String> = [
        "high", "low", "more", "less", "better", "worse", "dizzy", "lightheaded", "nauseated", "nauseous", "swollen",
        "tender", "short", "tight", "stiff", "sore", "weak", "tired", "red", "warm", "elevated", "different", "light",
        "achy", "anxious", "depressed", "pale",
    ]

    /// Fillers that after a verb of being say how someone is (`doing okay`, `feels alright`).
    static let statedStates: Set<String> = ["okay", "ok", "alright"]
    static let beingVerbs: Set<String> = [
        "doing", "feeling", "feel", "feels", "felt", "is", "was", "am", "are", "been", "be", "seems", "seemed",
        "looks", "looked",
    ]

    static let fillerWords: Set<String> = [
        "really", "just", "actually", "basically", "kinda", "sorta", "okay", "ok", "alright", "alrighty", "yeah", "yep",
        "yup",
        "literally", "honestly", "definitely", "totally", "absolutely", "um", "uh", "uhm", "hmm", "mm-hmm", "uh-huh",
        "gonna", "wanna",
    ]

    /// Words before which `like` is a filler (`it hurts like in the inside`, `like about 3 weeks`).
    static let likeBefore: Set<String> = [
        "in", "on", "at", "around", "behind", "under", "over", "about", "maybe", "probably", "almost", "every",
    ]

    static let fillerPhrases: [[String]] = [
        ["you", "know"], ["i", "mean"], ["kind", "of"], ["sort", "of"], ["i", "guess"], ["or", "something"],
        ["or", "anything"], ["and", "stuff"], ["and", "everything"], ["and", "things", "like", "that"],
        ["or", "so"], ["all", "right"], ["to", "be", "honest"], ["you", "see"], ["let's", "see"],
        ["go", "ahead", "and"], ["for", "sure"], ["first", "of", "all"],
    ]

    /// Per word: the filler phrases it opens (in the order of `fillerPhrases`) and whether it is a filler word.
    static let fillerKeys: WordTable<(phrases: [[String]]?, isWord: Bool)> = {
        var keys: [String: (phrases: [[String]]?, isWord: Bool)] = [:]
        for phrase in fillerPhrases {
            guard let first = phrase.first else { continue }
            keys[first, default: (nil, false)].phrases = (keys[first]?.phrases ?? []) + [phrase]
        }
        for word in fillerWords { keys[word, default: (nil, false)].isWord = true }
        return WordTable(keys)
    }()

    /// A subject the speaker gave up for another (`she her wrist started to hurt` from `i just my wrist started
    /// to hurt`, `it is she feels better` from `it's she feels better`): the new start stands. A subject pronoun
    /// right before a possessive or an article, or `it is` right before a subject pronoun and its verb, is never
    /// written English.
    static func withoutAbandonedSubject(_ words: [String]) -> [String] {
        guard words.count > 2 else { return words }
        var output: [String] = []
        output.reserveCapacity(words.count)
        var index = 0
        while index < words.count {
            let word = words[index]
            guard index + 1 < words.count, Phrasing.trailingPunctuation(word).isEmpty,
                mayBe(word, startingWith: "shtiw", maxLength: 4)
            else {
                output.append(word)
                index += 1
                continue
            }
            let key = Phrasing.bare(word)
            let next = Phrasing.bare(words[index + 1])
            // Capitalized as the sentence's first word was.
            let first = output.isEmpty && word.first?.isUppercase == true
            // `the patient their wrist`: the neutral subject given up.
            let subjectLength = key == "the" && next == "patient" && index + 2 < words.count ? 2 : 1
            let afterSubject = Phrasing.bare(words[index + subjectLength])
            if abandonedSubjects.contains(key) || subjectLength == 2, abandonedBefore.contains(afterSubject),
                index + subjectLength + 1 < words.count,
                Phrasing.trailingPunctuation(words[index + subjectLength - 1]).isEmpty
            {
                let following = Phrasing.bare(words[index + subjectLength + 1])
                if following.hasSuffix("ed") || pastVerbs.contains(following) {
                    // `she my noticed that ...`: the possessive was the slip; the subject and its verb stand.
                    output.append(contentsOf: words[index..<(index + subjectLength)])
                    index += subjectLength + 1
                    continue
                }
                index += subjectLength
                if first { output.append(Phrasing.capitalized(words[index])); index += 1 }
                continue
            }
            if key == "it" && next == "is" || key == "it's", index + 2 < words.count,
                Phrasing.trailingPunctuation(words[index + (key == "it" ? 1 : 0)]).isEmpty
            {
                let subject = index + (key == "it" ? 2 : 1)
                if subject + 1 < words.count, ["she", "he", "they"].contains(Phrasing.bare(words[subject])),
                    !["who", "that", "and", "or"].contains(Phrasing.bare(words[subject + 1]))
                {
                    index = subject
                    if first { output.append(Phrasing.capitalized(words[index])); index += 1 }
                    continue
                }
            }
            output.append(word)
            index += 1
        }
        return output
    }

    /// Subject pronouns, and the words no subject pronoun stands right before.
    static let abandonedSubjects: Set<String> = ["she", "he", "they", "we", "i"]
    static let abandonedBefore: Set<String> = ["her", "his", "their", "my", "our", "the"]
    /// Past tenses without `-ed`, which no possessive stands right before.
    static let pastVerbs: Set<String> = [
        "made", "got", "had", "did", "went", "was", "were", "said", "took", "gave", "felt", "found", "saw", "told",
        "thought", "kept", "began", "came", "fell", "broke", "hurt",
    ]

    /// A word said twice, or two or three words said twice (`the, the`, `it was, it was`), is said once.
    static func withoutRepeats(_ words: [String]) -> [String] {
        var words = words
        var keys = words.map(Phrasing.bare)
        var index = 0
        while index < words.count {
            var removed = false
            for length in (1...3).reversed() where index + 2 * length <= words.count {
                // Compared word by word in place: most positions differ at the first word.
                guard keys[index] == keys[index + length],
                    (0..<length).allSatisfy({ keys[index + $0] == keys[index + length + $0] })
                else { continue }
                // Numbers may repeat for real (`10 10`), and the first copy must not end the sentence.
                guard !keys[index..<(index + length)].contains(where: { $0.first?.isNumber == true || $0.isEmpty }),
                    !Phrasing.trailingPunctuation(words[index + length - 1]).contains(".")
                else { continue }
                words.removeSubrange(index..<(index + length))
                keys.removeSubrange(index..<(index + length))
                removed = true
                break
            }
            if !removed { index += 1 }
        }
        return words
    }

    /// The patient addressed by name before what the clinician says to them (`carolyn tell me about your
    /// headache`, `carolyn for your first problem ...`): the name goes.
    static func withoutVocative(_ words: [String]) -> [String] {
        guard words.count > 3, FirstNames.embedded[Phrasing.bare(words[0])] != nil,
            addressedOpenings.contains(Phrasing.bare(words[1]))
        else { return words }
        var words = Array(words.dropFirst())
        words[0] = Phrasing.capitalized(words[0])
        return words
    }

    static let addressedOpenings: Set<String> = [
        "tell", "for", "can", "could", "let's", "let", "i", "we", "so", "now", "how", "what", "do", "did", "are",
        "you", "your",
    ]

    /// Words that open a spoken sentence and carry nothing (`so`, `and`, `well`, `yes,`, `no,`).
    static func withoutLeadingDiscourse(_ words: [String]) -> [String] {
        var words = words
        while words.count > 2, let first = words.first {
            let key = Phrasing.bare(first)
            // `in terms of, my impression ...`: a topic announced and never named.
            if key == "in", words.count > 5, words[2].hasSuffix(","), Phrasing.bare(words[1]) == "terms",
                Phrasing.bare(words[2]) == "of"
            {
                words.removeFirst(3)
                continue
            }
            // The patient addressed by title and name (`Ms. Cooper, often when we ...`).
            if words.count > 4, ["mr", "mrs", "ms", "miss"].contains(key), words[1].hasSuffix(","),
                words[1].first?.isLetter == true
            {
                words.removeFirst(2)
                continue
            }
            let hasComma = Phrasing.trailingPunctuation(first) == ","
            // The name the patient is addressed by (`david, so you were ...`, `david so he was ...`).
            let addressed =
                FirstNames.embedded[key] != nil && !namesThatAreWords.contains(key)
                && (hasComma || vocativeFollowers.contains(Phrasing.bare(words[1])))
            // An answer written without its comma before the clause it opens (`no he does not take any medicines`).
            let answerBeforeSubject =
                !hasComma && answerWords.contains(key) && answeredSubjects.contains(Phrasing.bare(words[1]))
            if leadingDiscourse.contains(key) || (hasComma && answerWords.contains(key)) || addressed
                || answerBeforeSubject
            {
                words.removeFirst()
            } else {
                break
            }
        }
        return words
    }

    /// Subjects an answer word can stand before without a comma (`no he does not`, `yes she has`).
    static let answeredSubjects: Set<String> = [
        "he", "she", "they", "i", "we", "it", "there", "he's", "she's", "they're", "i'm", "it's", "there's",
    ]

    /// First names that are also words a sentence opens with (`will you`, `hope you feel better`).
    static let namesThatAreWords: Set<String> = [
        "will", "may", "hope", "mark", "bill", "grace", "joy", "faith", "june", "april", "rose", "sunny", "summer",
        "art", "don", "guy", "pat", "ray", "rich", "sue", "dean", "dawn", "frank", "gene", "jack", "jean", "lane",
        "miles", "norm", "pearl", "ruby", "sage", "august", "major", "king", "young", "long", "love", "chance",
        "early", "else", "so", "ok", "lee", "ivy", "iris", "holly", "fern", "page", "penny", "star", "chase",
    ]

    /// Words after which a first name opening the sentence addressed the patient.
    static let vocativeFollowers: Set<String> = [
        "so", "and", "okay", "alright", "you", "your", "i", "we", "let's", "how", "what", "do", "did", "are", "have",
        "he", "she", "his", "her", "it's", "it", "now", "well", "just", "good",
    ]

    static let leadingDiscourse: Set<String> = [
        "so", "and", "but", "well", "now", "okay", "ok", "alright", "oh", "anyway", "um", "uh", "then", "also",
        "sure", "right", "yeah", "yep", "hey", "dragon", "dax", "because", "cause", "'cause", "like", "wow", "gosh",
        "great", "perfect", "awesome", "cool", "hmm", "ah", "sorry",
    ]
    /// A spoken transition to the next point (`Lastly, for his ...`, `Again, not even ...`): the note's order says
    /// it. Dictated notes keep theirs (`Otherwise, no past medical history.` is written that way).
    static func withoutSpokenTransition(_ words: [String]) -> [String] {
        guard words.count > 3, let first = words.first, Phrasing.trailingPunctuation(first) == ",",
            spokenTransitions.contains(Phrasing.bare(first))
        else { return words }
        return Array(words.dropFirst())
    }

    /// `Follow up in 7 days and then.`, `... running in the low 200s or what.`: the speaker moved on mid-sentence or
    /// tagged it; what was said before stands.
    static func withoutTrailingConnective(_ words: [String]) -> [String] {
        // `... or what`, `... and what`: a tag, or a clause cut off after it (`and pass the stone what`).
        if words.count > 4, let last = words.last, Phrasing.bare(last) == "what",
            ["", "."].contains(Phrasing.trailingPunctuation(last))
        {
            let cut = ["and", "or"].contains(Phrasing.bare(words[words.count - 2])) ? 2 : 1
            var kept = Array(words.dropLast(cut))
            if let end = kept.last, Phrasing.trailingPunctuation(end).isEmpty || end.hasSuffix(",") {
                kept[kept.count - 1] = end.trimmingCharacters(in: ",") + "."
                return kept
            }
            return words
        }
        // Speech recognition without punctuation leaves the last word bare.
        guard words.count > 4, let last = words.last, ["", "."].contains(Phrasing.trailingPunctuation(last)) else {
            return words
        }
        let keys = words.suffix(8).map(Phrasing.bare)
        let count = keys.count
        let cut: Int
        // `every now and then`, `since then`, `until then` end where they should.
        if ["and", "but", "so"].contains(keys[count - 2]), ["then", "so", "now", "also"].contains(keys[count - 1]),
            keys[count - 3] != "now"
        {
            cut = 2
        } else if keys[count - 1] == "and" {
            cut = 1
        } else if count > 4, ["hi", "hello", "hey"].contains(keys[count - 2]), keys[count - 1] == "there" {
            // `... who is here today with a headache so hi there`: the greeting after the summary.
            cut = ["so", "and", "okay", "well"].contains(keys[count - 3]) ? 3 : 2
        } else if count > 4, trailingSubjects.contains(keys[count - 2]), trailingAuxiliaries.contains(keys[count - 1]) {
            // `Order some blood tests we will.`, `Refer to urology and we are.`: the next clause, cut off.
            cut = ["and", "but", "so"].contains(keys[count - 3]) ? 3 : 2
        } else if trailingContractions.contains(keys[count - 1]) {
            // The same written as one word (`Order some blood tests we'll.`).
            cut = ["and", "but", "so"].contains(keys[count - 2]) ? 2 : 1
        } else if keys[count - 1] == "right", ["but", "for", "so", "and", "okay"].contains(keys[count - 2]) {
            // `Obtain an x-ray but right.`: a question tag.
            cut = 2
        } else if keys[count - 1] == "right", !rightAfter.contains(keys[count - 2]) {
            // `Blood pressure's about 122 over 70 right.`, `She is in a ton of pain right.`: a question tag after a
            // whole statement; `on the right`, `it is not right` keep it.
            cut = 1
        } else if count > 4, addressingEnds.contains(keys[count - 2]), FirstNames.embedded[keys[count - 1]] != nil,
            !namesThatAreWords.contains(keys[count - 1])
        {
            // `Follow up in 2 weeks carolyn.`: the patient addressed by name.
            cut = 1
        } else if let from = goFromThere(keys) {
            // `..., and we will go from there.`: the visit's talk, not a plan item.
            cut = count - from
        } else if let length = cutOffAdverbial(keys) {
            // `... and then all of a sudden.`, `Think on this but in the meantime.`: what came next was cut off.
            cut = length
        } else if trailingAdverbs.contains(keys[count - 1]),
            !["me", "you", "and", "is", "are"].contains(keys[count - 2])
        {
            // `She still has those, too.`, `Continue that once a week also.`: spoken, not written.
            cut = 1
        } else {
            return words
        }
        var kept = Array(words.dropLast(cut))
        // What is left must end whole (`surgery for that too` is not cut to `surgery for that`).
        guard let end = kept.last, Phrasing.trailingPunctuation(end).isEmpty || end.hasSuffix(","),
            !danglingEnds.contains(Phrasing.bare(end))
        else {
            return words
        }
        kept[kept.count - 1] = end.trimmingCharacters(in: ",") + "."
        return kept
    }

    /// The length of an adverbial that opens a clause, with the connectives before it, when the clause after it was
    /// cut off (`and then all of a sudden`, `but in the meantime`).
    static func cutOffAdverbial(_ keys: [String]) -> Int? {
        let count = keys.count
        guard count > 5 else { return nil }
        let phrase: Int
        if keys.suffix(4).elementsEqual(["all", "of", "a", "sudden"]) {
            phrase = 4
        } else if keys.suffix(3).elementsEqual(["in", "the", "meantime"]), ["but", "and"].contains(keys[count - 4]) {
            phrase = 3
        } else {
            return nil
        }
        let joined = keys[..<(count - phrase)].suffix(2)
        let connective = joined.last.map { ["then", "but", "and"].contains($0) } == true ? 1 : 0
        return phrase + connective + (joined.first == "and" && joined.last == "then" && joined.count == 2 ? 1 : 0)
    }

    /// A subject and its auxiliary that end a sentence only when the clause after them was cut off.
    static let trailingSubjects: Set<String> = ["we", "i", "he", "she", "they", "you"]
    static let trailingAuxiliaries: Set<String> = ["are", "will", "is", "can", "would", "were", "was", "have", "do"]
    static let trailingContractions: Set<String> = [
        "we're", "we'll", "i'll", "he'll", "she'll", "they'll", "you'll", "they're", "you're", "we've", "i've",
    ]
    /// Words that end a clause, after which a first name is the patient addressed (`in 2 weeks carolyn`), not a
    /// word that happens to be a name (`during football season`).
    static let addressingEnds: Set<String> = [
        "weeks", "week", "days", "day", "months", "month", "today", "tomorrow", "okay", "now", "soon", "then", "too",
        "well", "there", "here", "that", "it", "them", "this",
    ]

    static let spokenTransitions: Set<String> = [
        "lastly", "again", "finally", "additionally", "otherwise", "first", "secondly", "next", "anyways", "plus",
        "overall", "besides", "honestly", "luckily", "thankfully", "fortunately", "unfortunately", "obviously",
    ]

    /// Words that answer a question and, with a comma after them, open the answer (`No, she quit.`).
    static let answerWords: Set<String> = ["yes", "no", "nope", "correct", "exactly", "true"]

    /// Section names a clinician dictates to (`in the plan, include ...`, `in the result section, note that ...`).
    static let dictatedSections: Set<String> = [
        "assessment", "plan", "result", "results", "hpi", "history", "exam", "examination", "impression",
    ]
    /// Verbs that instruct whoever writes the note (`please summarize`, `include our discussion`).
    static let instructionVerbs: Set<String> = [
        "please", "summarize", "include", "list", "add", "put", "document", "mention", "write",
    ]

    /// A clinician's instruction to whoever writes the note, opened by the section it is for: `in the result
    /// section, note that her ECOG status is 0` is the fact (`Her ECOG status is 0.`); `in the plan, include our
    /// discussion of the EGD` says nothing of the patient and is left out (nil).
    static func withoutNoteInstruction(_ words: [String]) -> [String]? {
        guard words.count > 3, Phrasing.bare(words[0]) == "in" else { return words }
        var next = 1
        if Phrasing.bare(words[next]) == "the" { next += 1 }
        guard next < words.count, dictatedSections.contains(Phrasing.bare(words[next])) else { return words }
        next += 1
        if next < words.count, Phrasing.bare(words[next - 1]) != "section", Phrasing.bare(words[next]) == "section" {
            next += 1
        }
        // The section's name must end its phrase (`in the plan,`), or the sentence is about the plan itself.
        guard next < words.count,
            words[next - 1].hasSuffix(",") || instructionVerbs.contains(Phrasing.bare(words[next]))
                || Phrasing.bare(words[next]) == "note"
        else { return words }
        let rest = Array(words[next...])
        if rest.count > 2, Phrasing.bare(rest[0]) == "note", Phrasing.bare(rest[1]) == "that" {
            return Array(rest[2...])
        }
        return instructionVerbs.contains(Phrasing.bare(rest[0])) ? nil : words
    }

    /// `See him again in 2 weeks`, `Have them come back in 2 weeks` → `Follow up in 2 weeks`: the next visit as a
    /// plan writes it.
    static func followUpVisit(_ words: [String]) -> [String] {
        // `Have them come back in about 2 weeks.` is the same visit.
        if words.count > 4, Phrasing.bare(words[0]) == "have",
            ["him", "her", "them", "you"].contains(Phrasing.bare(words[1])), Phrasing.bare(words[2]) == "come",
            Phrasing.bare(words[3]) == "back", Phrasing.trailingPunctuation(words[3]).isEmpty,
            ["in", "on", "at", "next", "after"].contains(Phrasing.bare(words[4]))
        {
            return ["Follow", "up"] + words[4...]
        }
        guard words.count > 3, Phrasing.bare(words[0]) == "see",
            ["him", "her", "them", "you"].contains(Phrasing.bare(words[1])),
            Phrasing.trailingPunctuation(words[1]).isEmpty
        else { return words }
        var next = 2
        if ["again", "back"].contains(Phrasing.bare(words[next])), Phrasing.trailingPunctuation(words[next]).isEmpty {
            next += 1
        }
        guard next + 1 < words.count, ["in", "on", "at", "next", "after"].contains(Phrasing.bare(words[next])) else {
            return words
        }
        return ["Follow", "up"] + words[next...]
    }

    /// Words that open a clause that cannot stand alone (`until we meet in 2 weeks`).
    static let subordinators: Set<String> = [
        "until", "unless", "although", "though", "whereas", "including", "which", "whether",
    ]

    /// Whether the words are a dependent clause with no main clause after it (`Until we meet in 2 weeks.`,
    /// `Not that she has noticed.`): a sentence split from the one it belonged to. A comma can mark the main
    /// clause (`Because of the swelling, she uses a brace.`), and then the sentence stands.
    /// A clinician's sentence that is the tail of another, split off at a preposition (`For his left shoulder to be
    /// sure that there is nothing else going on.`, `For his shoulder which can provide some relief.`): it opens on
    /// `for`, has no comma to end a topic, and reaches a relative or an infinitive before any verb of its own.
    static func isPrepositionalTail(_ words: [String]) -> Bool {
        guard words.count > 2, Phrasing.bare(words[0]) == "for",
            !words.dropLast().contains(where: { $0.hasSuffix(",") || $0.hasSuffix(";") })
        else { return false }
        for word in words.dropFirst() {
            let key = Phrasing.bare(word)
            if ["which", "that", "to", "who"].contains(key) { return true }
            if finiteVerbs.contains(key) || planItemOpenings.contains(key) { return false }
        }
        return true
    }

    static let finiteVerbs: Set<String> = [
        "is", "are", "was", "were", "has", "have", "had", "will", "can", "should", "would", "could", "may", "might",
        "does", "do", "did", "need", "needs", "want", "wants",
    ]

    static func isDependentClause(_ words: [String]) -> Bool {
        guard let first = words.first.map(Phrasing.bare) else { return false }
        if first == "not", words.count > 1, Phrasing.bare(words[1]) == "that" { return true }
        // `As far as his diabetes.`: a topic announced and never spoken of.
        let asFarAs =
            first == "as" && words.count > 2 && Phrasing.bare(words[1]) == "far"
            && Phrasing.bare(words[2]) == "as"
        let hasComma = words.dropLast().contains { $0.hasSuffix(",") || $0.hasSuffix(";") }
        // `If he tries to even lay on that shoulder.`, `Aside from the projects.`, `As long as she does not move her
        // shoulder.`: a condition or a setting whose main clause never came. A
        // main clause names its own subject after the opening clause's (`When she lies down she gets short of
        // breath.`), which speech recognition writes without the comma.
        let asLongAs =
            first == "as" && words.count > 2 && Phrasing.bare(words[1]) == "long"
            && Phrasing.bare(words[2]) == "as"
        if conditionalOpenings.contains(first) || asLongAs {
            guard !hasComma, words.count > 2 else { return false }
            let opening = asLongAs ? 3 : 1
            // The opening clause's own subject (`aside from` has none), then any subject after it; a subject of a
            // relative clause (`the pain that he has`) is neither.
            let rest = words[opening...].map(Phrasing.bare)
            let subjects = rest.indices.filter { index in
                mainSubjects.contains(rest[index])
                    && (index == rest.startIndex || !["that", "which", "who", "what"].contains(rest[index - 1]))
                    // What `aside from` sets apart can be a noun its relative clause tells of (`aside from this
                    // shoulder pain that he has been having`): no subject of a main clause.
                    && !(first == "aside" && index + 1 < rest.endIndex && ["that", "which"].contains(rest[index + 1]))
            }
            return subjects.count < (first == "aside" ? 1 : 2)
        }
        if !hasComma, isTopicOnly(words) { return true }
        guard subordinators.contains(first) || asFarAs else { return false }
        return !hasComma
    }

    /// `For her primary diagnosis of a colles' fracture.`, `In terms of his diabetes.`, `For her high blood pressure
    /// when she came in today.`: a problem announced as the topic and nothing said of it. Something is said when the
    /// words before any subordinate clause hold a subject, an auxiliary or a plan verb (`For her surgery we are going
    /// to ...`, `For his coronary artery disease continue his statin.`), or a subordinate clause is followed by a
    /// main clause with a subject of its own.
    static func isTopicOnly(_ words: [String]) -> Bool { topicAnnouncement(words) != nil }

    /// The words made bare and where the topic starts after its opening, when the words announce a topic and say
    /// nothing of it; nil otherwise. The opening is looked for in the first words before the whole sentence is read.
    static func topicAnnouncement(_ words: [String]) -> (keys: [String], opening: Int)? {
        guard topicOpening(words.prefix(5).map(Phrasing.bare)) != nil,
            // `For the record, that is ...`: a comma marks the main clause.
            !words.dropLast().contains(where: { $0.hasSuffix(",") || $0.hasSuffix(";") })
        else { return nil }
        let keys = words.map(Phrasing.bare)
        guard let opening = topicOpening(keys), keys.count > opening else { return nil }
        let rest = keys[opening...]
        let clause = rest.firstIndex(where: topicClauseOpenings.contains) ?? rest.endIndex
        if rest[..<clause].contains(where: { mainSubjects.contains($0) || topicPredicates.contains($0) }) {
            return nil
        }
        let subjects = rest[clause...].indices.filter { index in
            mainSubjects.contains(rest[index]) && !["that", "which", "who", "what"].contains(rest[index - 1])
        }
        return subjects.count < 2 ? (keys, opening) : nil
    }

    /// The problem a topic-only sentence names (`For her primary diagnosis of a colles' fracture.` → `Colles'
    /// fracture.`): the clinician announcing the next problem of the assessment, which heads what follows.
    static func topicName(_ words: [String]) -> [String]? {
        // With a clause after it (`For his left shoulder to be sure that ...`) the topic is the end of a sentence
        // split from its start, not an announcement.
        guard let (keys, opening) = topicAnnouncement(words),
            !keys[opening...].contains(where: topicClauseOpenings.contains),
            let introduced = keys[opening...].lastIndex(where: topicNameIntroductions.contains)
        else { return nil }
        let name = Array(words[(introduced + 1)...])
        guard let last = name.last, (1...5).contains(name.count) else { return nil }
        return name.dropLast() + [last.trimmingCharacters(in: ".,;:!?") + "."]
    }

    /// Where the words after a topic's opening start (`for`, `regarding`, `in terms of`, after a spoken transition
    /// such as `lastly`), or nil when the words open no topic.
    static func topicOpening(_ keys: [String]) -> Int? {
        let start = keys.prefix(2).firstIndex { !topicTransitions.contains($0) } ?? 0
        let rest = keys[start...]
        if rest.first == "for" || rest.first == "regarding" { return start + 1 }
        if rest.starts(with: ["in", "terms", "of"]) { return start + 3 }
        return nil
    }

    static let topicTransitions: Set<String> = ["lastly", "finally", "next", "secondly", "then", "and", "now", "also"]

    /// The words before a problem's name in its announcement (`his third diagnosis of`, `this acute`, not `acute`).
    static let topicNameIntroductions = topicIntroducingWords.union(["primary", "main", "a", "an", "this", "that"])

    /// Words that open a clause inside a topic (`since`, `when`, `to be sure that`).
    static let topicClauseOpenings: Set<String> = [
        "since", "when", "whenever", "because", "if", "while", "although", "though", "until", "unless", "to",
        "that", "which", "who", "where",
    ]

    /// Auxiliaries, copulas and the verbs that open a plan item: a clause is being said.
    static let topicPredicates: Set<String> = [
        "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "will", "would", "can",
        "could", "should", "may", "might", "must", "need", "needs", "continue", "start", "stop", "take", "increase",
        "decrease", "order", "refer", "recommend", "keep", "check", "use", "get", "schedule", "follow", "try", "avoid",
        "hold", "add", "switch", "change", "resume", "apply", "return", "let's", "seems", "sounds", "looks", "feels",
    ]

    /// Words that open a condition or a setting (`if`, `when`, `aside from`) a main clause must follow.
    static let conditionalOpenings: Set<String> = ["if", "when", "whenever", "because", "while", "aside"]

    /// Subjects of a clause: a second one after a conditional opening's own starts the main clause.
    static let mainSubjects: Set<String> = [
        "i", "we", "you", "he", "she", "it", "they", "there", "patient", "pain", "i'm", "he's",
        "she's", "it's", "they're", "there's", "we'll", "i'll", "you'll",
    ]

    /// Whether the sentence ends on a relative clause whose object is its antecedent (`the mitral regurgitation that
    /// he has.`, `the medication which she had`): whole, though its last word is an auxiliary.
    static func endsRelativeClause(_ words: [String]) -> Bool {
        let keys = words.suffix(3).map(Phrasing.bare)
        return keys.count == 3 && ["that", "which", "what"].contains(keys[0])
            && ["he", "she", "they", "you", "i", "we"].contains(keys[1])
            && ["has", "have", "had", "does", "did", "do"].contains(keys[2])
    }

    /// Words a sentence cannot end on: it was cut off.
    static let danglingEnds: Set<String> = [
        "a", "an", "the", "and", "or", "but", "of", "to", "with", "for", "in", "on", "at", "from", "by", "is",
        "are", "was", "were", "be", "been", "being", "have", "has", "had", "that", "which", "who", "like", "about",
        "because", "if", "my", "your", "their", "his", "some", "any", "these", "those", "very",
        "than", "as", "into", "when", "where", "so", "not", "does", "do", "did", "can", "could", "would", "should",
        "will", "taking", "get", "getting", "feels", "felt", "it's", "i'm", "she's", "he's", "there's", "i", "we",
        "he", "she", "they", "looks", "seems", "sounds", "me", "greater", "lesser", "hopefully", "maybe", "perhaps",
        "missing", "what",
    ]

    // MARK: The clinician's framing

    /// `I think`, `it sounds like`, `it looks like` before a statement: the note states it.
    /// Openings that doubt what follows (built once, not per sentence).
    static let doubtOpenings: [[String]] = [
        ["i", "don't", "think"], ["i", "do", "not", "think"], ["i", "don't", "believe"],
    ]

    static func withoutHedges(_ words: [String]) -> [String] {
        var words = words
        // `I don't think this is pneumonia` → `Unlikely that this is pneumonia`.
        let opening = words.prefix(4).map(Phrasing.bare)
        for doubt in doubtOpenings where opening.starts(with: doubt) && words.count > doubt.count + 2 {
            return ["Unlikely", "that"] + words[doubt.count...]
        }
        // Inside the sentence too: `that means I think he is retaining fluid`.
        var index = 1
        while index + 2 < words.count {
            guard mayBe(words[index], startingWith: "i", maxLength: 1) else {
                index += 1
                continue
            }
            let pair = [Phrasing.bare(words[index]), Phrasing.bare(words[index + 1])]
            let knowThat = pair == ["i", "know"] && Phrasing.bare(words[index + 2]) == "that"
            if pair == ["i", "think"] || pair == ["i", "believe"] || knowThat,
                Phrasing.trailingPunctuation(words[index + 1]).isEmpty
            {
                words.removeSubrange(index...(index + 1))
                if index < words.count, Phrasing.bare(words[index]) == "that", index + 1 < words.count {
                    words.remove(at: index)
                }
            } else {
                index += 1
            }
        }
        var changed = true
        while changed {
            changed = false
            let keys = words.prefix(5).map(Phrasing.bare)
            for hedge in hedges
            where keys.starts(with: hedge) && words.count > hedge.count + 2
                && Phrasing.trailingPunctuation(words[hedge.count - 1]) != "."
            {
                words.removeFirst(hedge.count)
                if let first = words.first, Phrasing.bare(first) == "that", words.count > 3 { words.removeFirst() }
                changed = true
                break
            }
        }
        return words
    }

    static let hedges: [[String]] = [
        // Reading from the chart (`it looks like here that you came in for ...`, `i see here that ...`).
        ["it", "looks", "like", "here", "that"], ["it", "looks", "like", "here"], ["i", "see", "here", "that"],
        ["i", "see", "here"], ["looks", "like", "here", "that"], ["looks", "like", "here"],
        ["i", "think"], ["i", "believe"], ["i", "feel", "like"], ["it", "sounds", "like"], ["it", "looks", "like"],
        ["it", "seems", "like"], ["i'm", "sure"], ["i", "am", "sure"], ["i", "would", "say"], ["i'd", "say"],
        ["i", "see", "that"], ["i", "know"], ["i", "noticed", "that"], ["i", "see"], ["you", "know"],
        // The examiner putting a finding into words (`we'll say you have some mild tenderness ...`).
        ["we'll", "say"], ["we", "will", "say"], ["let's", "say"], ["i'll", "say"], ["i", "will", "say"],
        ["looks", "like"], ["sounds", "like"], ["seems", "like"],
        ["i", "do", "think"], ["i", "do", "believe"],
    ]

    /// The clinician's plan framing made the plan item: `I want to start` / `we'll go ahead and start` →
    /// `Start`; `I want her to take` → `Advised to take`; `I recommend` → `Recommend`.
    /// Framing verbs a stressing `do` can come before (`I do want`, `I do recommend`).
    static let stressedFramings: Set<String> = ["want", "recommend", "need", "suggest", "encourage", "like"]

    /// What a patient can be advised to do in one word (`Advised to rest.`).
    static let intransitiveAdvice: Set<String> = [
        "rest", "hydrate", "exercise", "return", "walk", "stretch", "relax", "sleep", "fast", "quit", "elevate",
        "swim", "run", "stop", "wait", "ice",
    ]

    /// Adverbs and the stressing `do` between the clinician and the framing verb (`I certainly want him to ...`).
    static let framingAdverbs: Set<String> = [
        "also", "really", "then", "definitely", "probably", "certainly", "do", "strongly",
    ]

    static func planItem(_ words: [String]) -> [String] {
        // `what we are going to do is, start an anti-inflammatory`, `(what i'm going to) do for that is going to
        // prescribe ...`: the item is what follows `is`.
        if let rest = afterWhatWeDo(words) { return planItem(rest) }
        // A word or two left over from the sentence before, cut off mid-phrase (`good | job let's continue the
        // lisinopril`): `let's` opens the item.
        if words.count > 4,
            let at = (1...2).first(where: {
                let key = Phrasing.bare(words[$0])
                return key == "let's" || key == "lets"
            })
        {
            return planItem(Array(words[at...]))
        }
        // `we also need to`, `I really want to`: the framing without the adverb.
        guard let opening = words.first, mayBe(opening, startingWith: "iwlmtaf", maxLength: 6) else { return words }
        if words.count > 3, clinicianFramingSubjects.contains(Phrasing.bare(words[0])),
            framingAdverbs.contains(Phrasing.bare(words[1])), Phrasing.trailingPunctuation(words[1]).isEmpty,
            // `I do want her to ...` stresses the verb; `I do not want ...` denies it, `we do a ...` is the verb.
            Phrasing.bare(words[1]) != "do" || stressedFramings.contains(Phrasing.bare(words[2]))
        {
            let shorter = [words[0]] + words[2...]
            let item = planItem(shorter)
            if item != shorter { return item }
        }
        // Framings and the patterns after them are a few words long.
        let keys = words.prefix(12).map(Phrasing.bare)
        // `I want her to take ibuprofen` → `Advised to take ibuprofen`.
        for framing in advisingFramings where keys.starts(with: framing) {
            var at = framing.count
            if at + 1 < keys.count, keys[at] == "the", keys[at + 1] == "patient" { at += 1 }
            if at + 2 < keys.count, patientWords.contains(keys[at]), keys[at + 1] == "to" {
                // `I do want you to check | your blood sugars`: a verb that needs its object, cut off from it.
                if words.count == at + 3, !intransitiveAdvice.contains(keys[at + 2]) { return [] }
                return ["Advised", "to"] + words[(at + 2)...]
            }
        }
        // `I'm also placing a referral` → `Place a referral`.
        if keys.count > 2, ["i'm", "we're"].contains(keys[0]) {
            let verbAt = keys[1] == "also" ? 2 : 1
            if verbAt + 1 < keys.count, !["getting", "checking", "giving"].contains(keys[verbAt]),
                let verb = progressiveVerbs[keys[verbAt]]
            {
                return [Phrasing.capitalized(verb) + Phrasing.trailingPunctuation(words[verbAt])]
                    + words[(verbAt + 1)...]
            }
        }
        guard let first = keys.first, let candidates = framingsByFirstWord[first] else { return words }
        for framing in candidates where keys.starts(with: framing) && words.count > framing.count + 1 {
            var rest = Array(words[framing.count...])
            // `I'm going to feel his belly`: the examiner narrating the examination, not a plan item.
            if examActions.contains(Phrasing.bare(rest[0])) { return [] }
            // `I would recommend X` → `Recommend X`: the verb is the item's own.
            if let verb = framing.last, verb == "recommend" || verb == "suggest" { rest.insert("Recommend", at: 0) }
            // `I will be ordering an MRI` → `Order an MRI`.
            if rest.count > 2, Phrasing.bare(rest[0]) == "be", let verb = progressiveVerbs[Phrasing.bare(rest[1])] {
                rest.replaceSubrange(0..<2, with: [verb + Phrasing.trailingPunctuation(rest[1])])
            }
            // `I want to be sure`: a state, not an item.
            if let first = rest.first, ["be", "say", "know"].contains(Phrasing.bare(first)) { return words }
            while let first = rest.first,
                ["also", "just", "then", "probably", "first", "that", "we"].contains(Phrasing.bare(first)),
                rest.count > 2
            {
                rest.removeFirst()
            }
            // Framings nest (`at this point, my recommendation would be to ...`).
            if rest.count < words.count, let next = rest.first.map(Phrasing.bare), framingsByFirstWord[next] != nil {
                let nested = planItem(rest)
                if nested != rest { return nested }
            }
            // `have her come back` → `Return`; `see him back` → `Follow up`; `give her` → `Give`.
            let restKeys = rest.prefix(6).map(Phrasing.bare)
            if restKeys.count > 3, restKeys[0] == "have", patientWords.contains(restKeys[1]), restKeys[2] == "come",
                restKeys[3].hasPrefix("back")
            {
                rest.replaceSubrange(0..<4, with: ["Return" + Phrasing.trailingPunctuation(rest[3])])
                return rest
            }
            if restKeys.count > 2, restKeys[0] == "see", patientWords.contains(restKeys[1]),
                restKeys[2].hasPrefix("back")
            {
                rest.replaceSubrange(0..<3, with: ["Follow", "up" + Phrasing.trailingPunctuation(rest[2])])
                return rest
            }
            if restKeys.count > 2, ["give", "send", "refer", "start", "place", "keep"].contains(restKeys[0]),
                patientWords.contains(restKeys[1])
            {
                rest.remove(at: 1)
                if restKeys[0] == "start" || restKeys[0] == "keep", Phrasing.bare(rest[1]) == "on", rest.count > 2 {
                    rest.remove(at: 1)
                }
            }
            // `put her on lisinopril` → `Start lisinopril`.
            if rest.count > 3, Phrasing.bare(rest[0]) == "put", patientWords.contains(Phrasing.bare(rest[1])),
                Phrasing.bare(rest[2]) == "on"
            {
                rest.replaceSubrange(0..<3, with: ["Start"])
            } else if let first = rest.first, let verb = planVerbs[Phrasing.bare(first)],
                rest.count < 2 || !objectPronouns.contains(Phrasing.bare(rest[1])),
                rest.count < 3 || Phrasing.bare(rest[2]) != "look"
            {
                rest[0] = verb + Phrasing.trailingPunctuation(first)
            }
            return rest
        }
        return words
    }

    /// The words after a `what we are going to do (for X) is` framing, or nil.
    static func afterWhatWeDo(_ words: [String]) -> [String]? {
        guard words.count > 4, let first = words.first, mayBe(first, startingWith: "wdisa", maxLength: 5) else {
            return nil
        }
        let keys = words.prefix(14).map(Phrasing.bare)
        // The framing says what the clinician intends (`going to`, `will`, `want to`): `what we do for a living
        // is ...` is no plan.
        guard let doAt = keys.prefix(7).firstIndex(of: "do"),
            keys[..<doAt].allSatisfy({ whatWeDoFraming.contains($0) }),
            keys[..<doAt].contains(where: { ["going", "gonna", "will", "we'll", "i'll", "want", "wanna"].contains($0) })
        else { return nil }
        var at = doAt + 1
        if at < keys.count, ["for", "about", "with"].contains(keys[at]) {
            guard let isAt = keys[at...].prefix(5).firstIndex(of: "is") else { return nil }
            at = isAt
        }
        guard at < keys.count, keys[at] == "is" else { return nil }
        at += 1
        if at + 1 < keys.count, keys[at] == "going", keys[at + 1] == "to" {
            at += 2
        } else if at < keys.count, keys[at] == "to" {
            at += 1
        }
        guard words.count - at >= 2 else { return nil }
        var rest = Array(words[at...])
        rest[0] = Phrasing.capitalized(rest[0])
        return rest
    }

    static let whatWeDoFraming: Set<String> = [
        "what", "we", "i", "we're", "i'm", "are", "am", "going", "to", "gonna", "gon", "na", "will", "we'll", "i'll",
        "want", "wanna", "so", "and",
    ]

    /// Openings that put the plan in the first person; what follows is the item itself (a verb).
    static let planFramings: [[String]] = [
        ["i", "want", "to"], ["i'd", "like", "to"], ["i", "would", "like", "to"], ["i'm", "going", "to"],
        ["i", "am", "going", "to"], ["i'll"], ["i", "will"], ["we're", "going", "to"], ["we", "are", "going", "to"],
        ["we'll"], ["we", "will"], ["let's"], ["let", "us"], ["we", "want", "to"], ["we'd", "like", "to"],
        ["we", "would", "like", "to"], ["we", "need", "to"], ["i", "need", "to"], ["we", "should"],
        ["we", "can"], ["i", "can"], ["we're", "gonna"], ["i'm", "gonna"], ["i", "plan", "to"],
        ["we", "plan", "to"], ["i'm", "also", "going", "to"], ["we're", "also", "going", "to"],
        ["i", "would", "recommend"], ["i'd", "recommend"], ["i", "recommend"], ["i", "suggest"],
        ["i", "would", "suggest"], ["i'd", "suggest"], ["i", "would"], ["i'd"],
        ["my", "recommendation", "would", "be", "to"], ["my", "recommendation", "is", "to"],
        ["my", "plan", "is", "to"],
        ["the", "plan", "is", "to"], ["my", "plan", "would", "be", "to"], ["the", "plan", "would", "be", "to"],
        ["i", "do", "want", "to"], ["i", "also", "want", "to"], ["we", "also", "want", "to"],
        ["i", "also", "would", "like", "to"],
        ["i", "also", "would", "recommend"], ["i", "also", "recommend"], ["i'd", "also", "like", "to"],
        ["i", "want", "you", "to"], ["we", "do", "want", "to"], ["i", "think", "we", "should"],
        ["we're", "just", "going", "to"],
        ["at", "this", "point"], ["at", "this", "time"], ["for", "now"],
    ]

    /// The plan framings by their first word (all are written bare: lower case, no punctuation).
    static let framingsByFirstWord: [String: [[String]]] = Dictionary(grouping: planFramings) { $0.first ?? "" }

    static let clinicianFramingSubjects: Set<String> = ["i", "we", "i'll", "we'll", "i'm", "we're", "i'd", "we'd"]

    /// Openings that ask the patient to do something (`I want her to ...`).
    static let advisingFramings: [[String]] = [
        ["i", "want"], ["i'd", "like"], ["i", "would", "like"], ["we", "want"], ["we'd", "like"], ["i", "need"],
        ["we", "need"],
    ]
    static let patientWords: Set<String> = ["she", "he", "her", "him", "them", "they", "patient"]
    /// Words after `get` that make it `get her better`, not `get an x-ray`.
    static let objectPronouns: Set<String> = [
        "she", "he", "her", "him", "them", "they", "it", "you", "that", "this", "back", "better", "started", "going",
        "rid", "used", "ready", "through",
    ]

    /// `be ordering` → `order`: the progressive plan verbs and their imperative.
    static let progressiveVerbs: [String: String] = [
        "ordering": "order", "prescribing": "prescribe", "sending": "send", "referring": "refer", "starting": "start",
        "placing": "place", "scheduling": "schedule", "giving": "give", "putting": "put", "increasing": "increase",
        "decreasing": "decrease", "changing": "change", "adding": "add", "stopping": "stop", "checking": "check",
        "continuing": "continue", "switching": "switch", "recommending": "recommend", "getting": "obtain",
    ]

    /// `for your first problem of X, ...` / `for her last problem, her hypertension, ...`: the problem's heading
    /// says it; the sentence keeps what it says of the problem, and goes when that is all it says.
    static func withoutProblemIntro(_ words: [String]) -> [String] {
        guard let intro = problemIntro(words) else { return words }
        // Nothing said of the problem beyond naming it (`for your first problem, your back pain.`).
        guard intro.rest.count >= 3 else { return [] }
        if let first = intro.rest.first, introPossessives.contains(Phrasing.bare(first)),
            intro.rest.count <= 5, !intro.rest.contains(where: { namingVerbs.contains(Phrasing.bare($0)) })
        {
            return []
        }
        return Array(intro.rest)
    }

    /// `For his congestive heart failure, he is doing well.`, `From a diabetes standpoint, increase ...`,
    /// `Regarding her asthma, ...`: the problem's heading names the topic when it is a problem the lexicon knows (headings come from the transcript's
    /// mentions, not from this text), and the sentence keeps what it says of it. A span of time framed the same way
    /// (`For the next 2 weeks, ...`) stays.
    static func withoutTopicFraming(_ words: [String]) -> [String] {
        guard words.count > 5, let opening = words.first.map(Phrasing.bare), topicOpenings.contains(opening),
            let comma = words.prefix(9).firstIndex(where: { $0.hasSuffix(",") }), comma >= 2,
            words.count - comma - 1 >= 3
        else { return words }
        let topic = words[...comma].map(Phrasing.bare)
        guard !topic.contains(where: { $0.contains(where: \.isNumber) || topicTimeWords.contains($0) }) else {
            return words
        }
        // What follows refers back to the topic (`For her medical history, it is high cholesterol.`): it stays named.
        if let subject = words[(comma + 1)...].first.map(Phrasing.bare),
            ["it", "it's", "that", "that's", "they", "they're"].contains(subject)
        {
            return words
        }
        // The word naming the topic, before any framing noun or verb after it.
        var named = topic.endIndex - 1
        switch opening {
        case "for":
            guard topicPossessives.contains(topic[1]) else { return words }
        case "regarding":
            break
        case "from":
            // `from a diabetes standpoint,`
            guard ["standpoint", "perspective"].contains(topic[named]) else { return words }
            named -= 1
        case "as":
            // `as for her asthma,`, `as far as her reflux goes,` / `is concerned,`
            if topic[1] == "far", topic[named] == "goes" {
                named -= 1
            } else if topic[1] == "far", topic[named] == "concerned", topic[named - 1] == "is" {
                named -= 2
            } else if topic[1] != "for" {
                return words
            }
        default:
            // `with regard to`, `in regards to`, `in terms of` her asthma.
            let framed =
                (["regard", "regards"].contains(topic[1]) && topic.count > 3 && topic[2] == "to")
                || (opening == "in" && topic[1] == "terms" && topic.count > 3 && topic[2] == "of")
            guard framed else { return words }
        }
        // A topic that is no problem (`For their home exercise program, ...`) is no heading's: it stays.
        guard named > 1, problemEndWords.contains(topic[named]) else { return words }
        return Array(words[(comma + 1)...])
    }

    /// The last words of the problems the lexicon knows, with their plurals (`failure`, `asthma`, `stones`).
    static let problemEndWords: Set<String> = Set(
        ClinicalLexicon.problems.flatMap { $0.split(separator: "|") }.compactMap { name in
            name.split(separator: " ").last.map(String.init)
        }.flatMap { [$0, $0 + "s"] })

    /// `This is reflux.` → `Reflux.`, `It is most likely a muscular strain.` → `Likely a muscular strain.`: the
    /// impression names the problem, as an assessment writes it. Only a short name ending on a problem the
    /// lexicon knows is taken.
    static func namedImpression(_ words: [String]) -> [String] {
        guard (3...9).contains(words.count), let last = words.last, Phrasing.trailingPunctuation(last) == ".",
            problemEndWords.contains(Phrasing.bare(last)),
            words.dropLast().allSatisfy({ Phrasing.trailingPunctuation($0).isEmpty })
        else { return words }
        let keys = words.map(Phrasing.bare)
        var at: Int
        if ["this", "it", "that"].contains(keys[0]), keys[1] == "is" {
            at = 2
        } else if ["this's", "it's", "that's"].contains(keys[0]) {
            at = 1
        } else {
            return words
        }
        var likely = false
        if at + 1 < keys.count, keys[at] == "most", keys[at + 1] == "likely" {
            likely = true
            at += 2
        } else if at < keys.count, ["probably", "likely"].contains(keys[at]) {
            likely = true
            at += 1
        }
        if at + 1 < keys.count, keys[at] == "consistent", keys[at + 1] == "with" {
            likely = true
            at += 2
        }
        if at + 1 < keys.count, keys[at] == "more", keys[at + 1] == "of" { at += 2 }
        if at < keys.count, ["a", "an"].contains(keys[at]) { at += 1 }
        // The name itself: a few words, none of them a verb of its own (`it is what causes the pain`).
        let name = words[at...]
        guard (1...5).contains(name.count),
            !name.contains(where: { impressionNonWords.contains(Phrasing.bare($0)) }),
            let first = name.first.map(Phrasing.bare), !impressionNonStarts.contains(first)
        else { return words }
        return (likely ? ["Likely"] : []) + name
    }

    /// Words an impression's name cannot open with: what follows is a cause or a degree (`It is all from his
    /// asthma.`), not a name.
    /// Words no problem's name holds: a clause goes on (`it is what causes the pain`, `it's is all from ...`).
    static let impressionNonWords: Set<String> = [
        "what", "why", "how", "not", "that", "when", "is", "are", "was", "were", "be", "been", "has", "have", "had",
        "it", "this", "which", "if",
    ]
    static let impressionNonStarts: Set<String> = [
        "all", "from", "due", "because", "just", "only", "also", "very", "so", "still", "about", "like", "caused",
        "related", "secondary", "part", "his", "her", "their", "your", "my", "the",
    ]

    static let topicOpenings: Set<String> = ["for", "regarding", "from", "as", "with", "in"]
    static let topicPossessives: Set<String> = ["his", "her", "their", "your", "the", "this", "that", "these", "those"]
    /// Words that make a framed span a time, not a topic.
    static let topicTimeWords: Set<String> = [
        "past", "last", "next", "time", "moment", "now", "rest", "day", "days", "week", "weeks", "month", "months",
        "year", "years", "while", "most", "record", "sake", "future", "meantime", "interim", "today", "tonight",
        "morning", "evening", "night", "weekend",
    ]

    /// Verbs that make the words after a problem's introduction a statement, not its name again.
    static let namingVerbs: Set<String> = [
        "is", "are", "was", "were", "has", "have", "had", "seems", "looks", "sounds", "feels", "gets", "got",
    ]

    /// The problem a sentence introduces by name (`for his second problem of his tick bite.` → `tick bite`),
    /// whether or not the lexicon knows it.
    static func introducedProblem(_ words: [String]) -> String? {
        guard let name = problemIntro(words)?.name, !name.isEmpty, name.count <= 5,
            name.contains(where: { $0.count >= 3 && !problemIntroSubjects.contains(Phrasing.bare($0)) })
        else { return nil }
        return name.map(Phrasing.bare).joined(separator: " ")
    }

    /// A problem introduction's parts: the words naming the problem (empty when the sentence does not name it
    /// apart) and what the sentence goes on to say.
    static func problemIntro(_ words: [String]) -> (name: ArraySlice<String>, rest: ArraySlice<String>)? {
        guard words.count > 2, Phrasing.bare(words[0]) == "for" else { return nil }
        let keys = words.prefix(12).map(Phrasing.bare)
        var at = 1
        guard ["his", "her", "their", "your", "the", "this"].contains(keys[at]) else { return nil }
        at += 1
        if at < keys.count, ordinalWords.contains(keys[at]) || keys[at] == "main" {
            at += 1
        }
        guard at < keys.count, ["problem", "issue", "concern"].contains(keys[at]) else { return nil }
        let named = at + 1 < words.count && keys[at + 1] == "of"
        var nameStart = at + 2
        if named, nameStart < words.count, introPossessives.contains(Phrasing.bare(words[nameStart])) {
            nameStart += 1
        }
        if let comma = words[at...].prefix(9).firstIndex(where: { $0.hasSuffix(",") }) {
            let rest = words[(comma + 1)...]
            // `for your next problem of your tick bite, we will ...`
            if named, comma >= nameStart { return (words[nameStart...comma], rest) }
            // The problem named again before the clause (`for her last problem, her hypertension, it is ...`).
            if let again = rest.prefix(5).firstIndex(where: { $0.hasSuffix(",") }),
                let first = rest.first.map(Phrasing.bare), introPossessives.contains(first)
            {
                return (words[(rest.startIndex + 1)...again], words[(again + 1)...])
            }
            return (words[comma..<comma], rest)
        }
        guard named else { return nil }
        // The clause about the problem starts at its subject; a sentence that only names the problem has none.
        let subject = words.indices.dropFirst(at + 3).prefix(6).first {
            problemIntroSubjects.contains(Phrasing.bare(words[$0]))
        }
        if let subject { return (words[min(nameStart, subject)..<subject], words[subject...]) }
        return words.count - nameStart <= 5 ? (words[min(nameStart, words.count)...], words[words.count...]) : nil
    }

    static let problemIntroSubjects: Set<String> = [
        "his", "her", "their", "the", "it", "it's", "this", "that", "he", "she", "i", "we", "you", "my", "there",
        "there's", "i'm", "we're", "i'd", "i'll", "we'll",
    ]

    /// Whether a condensed sentence is written as a plan item: it opens on the imperative of a plan verb (`Start`,
    /// `Advised to`, `Follow up`), or on a condition with the instruction after it (`If it worsens, call the clinic.`).
    /// Whether a sentence opens on a verb of ordering or treating (`Order an MRI.`, `Follow up in 2 weeks.`).
    static func opensWithPlanVerb(_ text: String) -> Bool {
        let words = Phrasing.spaceSeparated(text)
        guard let first = words.first, first.first?.isUppercase == true else { return false }
        let key = Phrasing.bare(first)
        guard planItemOpenings.contains(key) else { return false }
        let next = words.count > 1 ? Phrasing.bare(words[1]) : ""
        switch key {
        case "follow": return next == "up"
        // `Watch for redness`, not `Watch that`; `Keep it clean`, not `Keep in mind`.
        case "watch": return next == "for"
        case "keep": return next != "in"
        default: return true
        }
    }

    /// The clinician's own act, now or next (`We are giving him his tdap vaccine today.`, `I will send ...`).
    static func isClinicianAct(_ text: String) -> Bool {
        let words = Phrasing.spaceSeparated(text)
        guard words.count > 3 else { return false }
        let subject = Phrasing.bare(words[0])
        return (subject == "we" || subject == "i") && ["are", "am", "will"].contains(Phrasing.bare(words[1]))
            && clinicianActs.contains(Phrasing.bare(words[2]))
    }

    static func isPlanItem(_ text: String) -> Bool {
        if opensWithPlanVerb(text) { return true }
        let words = Phrasing.spaceSeparated(text)
        guard let first = words.first, first.first?.isUppercase == true else { return false }
        let key = Phrasing.bare(first)
        if isPatientInstruction(words.map(Phrasing.bare)) { return true }
        if isClinicianAct(text) { return true }
        guard key == "if", let comma = words.firstIndex(where: { $0.hasSuffix(",") }), comma + 1 < words.count else {
            return false
        }
        return planItemOpenings.contains(Phrasing.bare(words[comma + 1]))
    }

    /// What the patient is to do, said of them (`He can do that for 20 minutes at a time.`, `She should elevate
    /// the leg.`, `She will be wearing the brace for 6 weeks.`): the patient as subject and a modal of instruction
    /// before a verb of doing, not of perceiving (`She can feel it in her fingers.`) or a state (`He will be fine.`).
    static func isPatientInstruction(_ keys: [String]) -> Bool {
        guard keys.count >= 4, ["he", "she", "they"].contains(keys[0]) else { return false }
        var verb = 2
        switch keys[1] {
        case "can", "should", "must": break
        case "will", "needs", "need":
            if keys[2] == "need", keys[3] == "to" { verb = 4 } else if keys[1] != "will", keys[2] == "to" { verb = 3 }
        default: return false
        }
        guard verb < keys.count else { return false }
        if keys[verb] == "be" { return verb + 1 < keys.count && keys[verb + 1].hasSuffix("ing") }
        return !notInstructions.contains(keys[verb])
    }

    static let notInstructions: Set<String> = [
        "not", "feel", "see", "notice", "hear", "tell", "remember", "expect", "have", "still", "also", "probably",
        "definitely", "possibly", "get", "understand", "say", "think", "know",
        // No verb after the modal: a broken sentence (`She should the same as the other knee.`).
        "the", "a", "an", "and", "or", "but", "this", "that", "it", "these", "those", "either", "if", "so",
    ]

    static let planItemOpenings: Set<String> = [
        "advised", "start", "continue", "increase", "decrease", "obtain", "order", "refer", "schedule", "follow",
        "return", "recommend", "consider", "give", "prescribe", "stop", "discontinue", "repeat", "call", "place",
        "avoid", "take", "apply", "add", "come", "go", "hold", "resume", "restart", "switch", "change", "taper",
        "refill", "recheck", "keep", "elevate", "wear", "wash", "watch", "try",
    ]

    /// What a clinician does for the patient, after `we are` or `I will`: a plan item whatever section routed it.
    static let clinicianActs: Set<String> = [
        "giving", "give", "starting", "start", "prescribing", "prescribe", "sending", "send", "ordering", "order",
        "referring", "refer", "scheduling", "schedule", "increasing", "increase", "decreasing", "decrease",
        "switching", "switch", "stopping", "stop", "adding", "add", "placing", "place", "arranging", "arrange",
    ]

    /// Spoken plan verbs and the word a note uses.
    static let planVerbs: [String: String] = [
        "get": "Obtain", "recommend": "Recommend", "suggest": "Recommend",
    ]

    /// `I reviewed`, `we discussed`, `I don't hear` — the clinician as the subject of what the record states.
    static func reportedByClinician(_ words: [String]) -> [String] {
        var words = words
        var index = 0
        while index < words.count {
            guard mayBe(words[index], startingWith: "iw", maxLength: 5),
                clinicianSubjects.contains(Phrasing.bare(words[index]))
            else {
                index += 1
                continue
            }
            let keys = words[index...].prefix(4).map(Phrasing.bare)
            // `I don't hear any crackles` → `no crackles`.
            if let negation = perceptionNegations.first(where: { keys.starts(with: $0) }) {
                words.replaceSubrange(index..<(index + negation.count), with: ["no"])
                if index + 1 < words.count, ["any", "a", "an"].contains(Phrasing.bare(words[index + 1])),
                    words.count > index + 2
                {
                    words.remove(at: index + 1)
                }
                index += 1
                continue
            }
            // `I hear a murmur`, `I appreciate edema` → `a murmur`, `edema`.
            if let perception = perceptions.first(where: { keys.starts(with: $0) }),
                index + perception.count < words.count,
                Phrasing.trailingPunctuation(words[index + perception.count - 1]).isEmpty
            {
                words.removeSubrange(index..<(index + perception.count))
                continue
            }
            // `we discussed`, `I reviewed`, `I've also ordered` → `discussed`, `reviewed`, `ordered`.
            var verbAt = index + 1
            while verbAt < words.count,
                ["have", "'ve", "also", "already", "had"].contains(Phrasing.bare(words[verbAt]))
            {
                verbAt += 1
            }
            if index == 0 || words[index - 1].hasSuffix(",") || words[index - 1].hasSuffix(";")
                || words[index - 1].hasSuffix(":"),
                verbAt < words.count, verbAt + 1 < words.count
            {
                let verb = Phrasing.bare(words[verbAt])
                if verb.hasSuffix("ed"), verb.count > 4, !["need", "feed", "seed", "bleed"].contains(verb) {
                    words.removeSubrange(index..<verbAt)
                    index += 1
                    continue
                }
                // `we did review the x-ray` → `reviewed the x-ray`: `did` only stresses the verb after it.
                if verb == "did", let past = stressedPast[Phrasing.bare(words[verbAt + 1])] {
                    words.replaceSubrange(index...(verbAt + 1), with: [past])
                    index += 1
                    continue
                }
                if let phrase = spokenReports.first(where: { words[verbAt...].map(Phrasing.bare).starts(with: $0.0) }) {
                    words.replaceSubrange(index..<(verbAt + phrase.0.count), with: [phrase.1])
                    index += 1
                    continue
                }
            }
            index += 1
        }
        return words
    }

    static let clinicianSubjects: Set<String> = ["i", "we", "i've", "we've"]

    static let perceptions: [[String]] = [
        ["i", "do", "appreciate"], ["i", "can", "appreciate"], ["i", "appreciate"], ["i", "do", "hear"],
        ["i", "can", "hear"], ["i", "hear"], ["i", "do", "see"], ["i", "can", "see"], ["i", "do", "notice"],
        ["i", "notice"], ["i", "do", "feel"], ["i", "can", "feel"], ["i", "also", "appreciate"],
        ["i", "also", "notice"],
        ["i", "also", "hear"], ["i", "also", "see"], ["i", "did", "appreciate"], ["we", "did", "appreciate"],
        ["i", "did", "notice"], ["we", "did", "notice"], ["i", "did", "hear"], ["i", "did", "feel"],
        ["i", "did", "see"],
        ["we", "did", "see"],
    ]
    /// Verbs after a stressing `did` (`we did review`), and the past form a note writes.
    static let stressedPast: [String: String] = [
        "review": "reviewed", "get": "obtained", "take": "obtained", "check": "checked", "order": "ordered",
        "discuss": "discussed", "do": "performed", "perform": "performed", "send": "sent", "give": "gave",
        "start": "started", "repeat": "repeated", "obtain": "obtained", "examine": "examined", "look": "reviewed",
    ]
    static let perceptionNegations: [[String]] = {
        var negations: [[String]] = []
        for verb in ["appreciate", "hear", "see", "feel", "notice", "palpate", "detect"] {
            for negation in [["do", "not"], ["don't"], ["did", "not"], ["didn't"], ["can't"], ["cannot"]] {
                negations.append(["i"] + negation + [verb])
            }
        }
        return negations
    }()
    /// Spoken reports of what the clinician did, and the word a note uses.
    static let spokenReports: [([String], String)] = [
        (["went", "over"], "reviewed"), (["looked", "at"], "reviewed"), (["talked", "about"], "discussed"),
        (["spoke", "about"], "discussed"), (["did"], "performed"), (["got"], "obtained"), (["took"], "obtained"),
        (["sent"], "sent"), (["gave"], "gave"),
        // `I had a chance to look at her x-ray` (`had` is passed over above).
        (["a", "chance", "to", "look", "at"], "reviewed"), (["a", "chance", "to", "review"], "reviewed"),
        (["the", "chance", "to", "look", "at"], "reviewed"), (["the", "chance", "to", "review"], "reviewed"),
    ]

    /// `..., which is good.` / `, which is great` after a finding: the evaluation goes, the finding stays.
    static let tagQuestionEnds: Set<String> = ["correct", "right", "true", "sense"]
    static let tagQuestions: [[String]] = [
        ["is", "that", "correct"], ["is", "that", "right"], ["does", "that", "sound", "right"], ["is", "that", "true"],
        ["does", "that", "sound", "correct"], ["am", "i", "right"], ["does", "that", "make", "sense"],
    ]

    /// `nice and soft`, `nice and clear`, `a nice regular rate`: the finding without the praise.
    static func withoutNiceAnd(_ words: [String]) -> [String] {
        guard words.count > 3, words.contains(where: { $0 == "nice" || $0 == "Nice" }) else { return words }
        var output: [String] = []
        var index = 0
        while index < words.count {
            if index + 2 < words.count, Phrasing.bare(words[index]) == "nice",
                Phrasing.trailingPunctuation(words[index]).isEmpty,
                Phrasing.bare(words[index + 1]) == "and", Phrasing.trailingPunctuation(words[index + 1]).isEmpty
            {
                index += 2
                continue
            }
            if index + 1 < words.count, Phrasing.bare(words[index]) == "nice",
                Phrasing.trailingPunctuation(words[index]).isEmpty,
                praisedFindings.contains(Phrasing.bare(words[index + 1]))
            {
                // `a nice regular rate` → `a regular rate`; `Nice regular rate` → `Regular rate`.
                let finding = words[index + 1]
                output.append(words[index] == "Nice" ? Phrasing.capitalized(finding) : finding)
                index += 2
                continue
            }
            output.append(words[index])
            index += 1
        }
        return output
    }

    /// Findings said with `nice` before them (`a nice regular rhythm`, `nice strong pulses`).
    static let praisedFindings: Set<String> = [
        "regular", "soft", "clear", "normal", "strong", "even", "full", "healthy",
    ]

    /// Adverbs a spoken sentence trails off with (`..., too.`, `... also.`, `... though.`).
    static let trailingAdverbs: Set<String> = ["too", "also", "though"]
    /// Words after which a sentence's last `right` is a word of the sentence (the side, correct), not a question tag.
    static let rightAfter: Set<String> = [
        "the", "is", "not", "isn't", "that's", "it's", "all", "to", "on", "was", "be", "been", "feel", "feels", "felt",
        "look", "looks", "looked", "seem", "seems", "doing", "proximal", "distal", "upper", "lower", "far", "your",
        "my", "his", "her", "their", "are", "exactly", "quite", "just", "both", "go", "turn",
        "turned", "turning", "toward", "towards", "than", "more", "front",
    ]

    /// Where `(and) (we will) go from there` starts in the last words, if they end with it.
    static func goFromThere(_ keys: [String]) -> Int? {
        guard keys.count >= 4, keys.suffix(3).elementsEqual(["go", "from", "there"]) else { return nil }
        var start = keys.count - 3
        if start >= 2, ["we'll", "i'll"].contains(keys[start - 1]) {
            start -= 1
        } else if start >= 3, ["will", "can"].contains(keys[start - 1]), ["we", "i"].contains(keys[start - 2]) {
            start -= 2
        }
        while start >= 2, ["and", "then"].contains(keys[start - 1]) { start -= 1 }
        return start
    }

    static func withoutEvaluativeTail(_ words: [String]) -> [String] {
        // The tail is the last few words.
        let tail = max(0, words.count - 6)
        let keys = Array(repeating: "", count: tail) + words[tail...].map(Phrasing.bare)
        guard let which = keys.lastIndex(where: { $0 == "which" || $0 == "that's" || $0 == "that" }), which > 2,
            keys.count - which <= 5, keys[(which + 1)...].contains(where: { evaluations.contains($0) })
        else { return words }
        // `..., which is good`, `..., so that is good`, and `which` without its comma when the verdict ends the
        // sentence (`No fracture of the elbow which is good.`).
        let soThat = keys[which - 1] == "so" && words[which - 2].hasSuffix(",")
        guard
            words[which - 1].hasSuffix(",") || soThat
                || (keys[which] == "which" && keys.last.map(evaluations.contains) == true)
        else { return words }
        var kept = Array(words[..<(soThat ? which - 1 : which)])
        kept[kept.count - 1] = kept[kept.count - 1].trimmingCharacters(in: ",") + "."
        return kept
    }

    static let evaluations: Set<String> = [
        "good", "great", "fine", "reassuring", "excellent", "wonderful", "awesome", "perfect", "nice", "encouraging",
    ]

    // MARK: The patient's words

    /// `we`, `our`, `us` in the patient's words are the household: `they`, `their`, `them`.
    static func familyThirdPerson(_ words: [String]) -> [String] {
        words.map { word in
            guard mayBe(word, startingWith: "wou", maxLength: 9), let replacement = familyWords[Phrasing.bare(word)]
            else {
                return word
            }
            let trailing = Phrasing.trailingPunctuation(word)
            let capital = word.first?.isUppercase == true
            return (capital ? Phrasing.capitalized(replacement) : replacement) + trailing
        }
    }

    static let familyWords: [String: String] = [
        "we": "they", "our": "their", "us": "them", "we're": "they are", "we've": "they have", "we'll": "they will",
        "we'd": "they would", "ours": "theirs", "ourselves": "themselves",
    ]
}

extension ClinicalStyle {
    /// Whether a sentence without a subject is the rest of an answer that reads as nothing alone: no verb, and it
    /// opens on a preposition, a conjunction or a vague amount (`At the shoulder.`, `Several times in a row.`, `Or
    /// even surgery to clean out the joint sometimes.`). A finding in a few words (`No fever.`, `Some numbness, but
    /// no tingling.`) or a count (`Two ibuprofen last night, 200 mg each.`) opens otherwise and stays.
    static func isAnswerDebris(_ text: String) -> Bool {
        let keys = Phrasing.spaceSeparated(text).map(Phrasing.bare).filter { !$0.isEmpty }
        guard let first = keys.first, isFragment(text) else { return false }
        let opensAsDebris =
            debrisOpenings.contains(first) || keys.starts(with: ["a", "lot", "of"]) || keys.starts(with: ["other", "than"])
        guard opensAsDebris else { return false }
        return !keys.contains { key in
            finiteVerbs.contains(key) || pastVerbs.contains(key) || beingVerbs.contains(key)
                || (key.count > 4 && key.hasSuffix("ed"))
        }
    }

    /// A sentence and the rest of the answer after it as one sentence (`... cannot get back to sleep, maybe 5 hours a
    /// night.`), when the first ends with a full stop.
    static func joined(_ sentence: String, then rest: String) -> String? {
        guard sentence.hasSuffix("."), !rest.isEmpty else { return nil }
        return String(sentence.dropLast()) + ", " + lowercasedFirst(rest)
    }

    static let debrisOpenings: Set<String> = [
        "at", "on", "after", "before", "or", "and", "when", "about", "couple", "several", "usually", "maybe",
        "probably", "like", "until", "since", "because", "in", "with", "for", "from", "to", "but", "then", "just",
    ]

    /// Whether a reported sentence lacks a subject of its own (`Mostly dry, sometimes in the morning.`): an
    /// answer that means something only with its question.
    static func isFragment(_ text: String) -> Bool {
        !Phrasing.spaceSeparated(text).contains { subjects.contains(Phrasing.bare($0)) }
    }

    static let subjects: Set<String> = [
        "she", "he", "they", "patient", "it", "it's", "this", "that", "there", "there's", "which", "i", "we", "she's",
        "he's", "they're", "they've", "she'd", "he'd", "that's", "owner", "client", "mother", "father", "wife",
        "husband", "son", "daughter", "pain", "who", "what",
    ]

    /// The sentence with its first letter in lower case, unless the first word is an acronym or a name-like
    /// capitalised word in the middle of the text (`MRI`, `I`).
    static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        let firstWord = text.prefix { $0 != " " }
        if firstWord.count > 1, firstWord.dropFirst().first?.isUppercase == true { return text }
        if firstWord == "I" { return text }
        return first.lowercased() + text.dropFirst()
    }
}

extension ClinicalStyle {
    /// Whether a clinician's sentence only announces or frames the visit (`Let me go over my assessment and
    /// plan.`, `Do a quick physical exam.`): no word of it is clinical content.
    static func isAnnouncement(_ words: [String]) -> Bool {
        let keys = words.prefix(5).map(Phrasing.bare)
        if words.count <= 8, lookingAnnouncements.contains(where: { keys.starts(with: $0) }) { return true }
        // Showing the image or the result before reading it (`here is the, here is his right knee x-ray.`); what
        // it shows is a sentence of its own.
        if words.count <= 12,
            keys.starts(with: ["here", "is"]) || keys.starts(with: ["here's"])
                || keys.starts(with: ["here", "are"]),
            !words.contains(where: { ["shows", "showed", "which", "that", "with"].contains(Phrasing.bare($0)) })
        {
            return true
        }
        // The examiner narrating what they do next (`quickly listen to her heart and lungs`).
        if words.count <= 8,
            let action = keys.first(where: { !["quickly", "just", "now", "then", "also", "and", "so"].contains($0) }),
            examActions.contains(action) || action == "focus"
        {
            return true
        }
        // Nothing but talk about the visit (a name the clinician addresses the patient by included).
        return !words.contains { word in
            let key = Phrasing.bare(word)
            return !key.isEmpty && !visitTalk.contains(key) && FirstNames.embedded[key] == nil
        }
    }

    /// Whether a clinician's sentence is nothing but a span of time (`After that 6 to 8 weeks.`, `Hopefully, within
    /// the next 2 weeks.`, `At least 3 times a week.`): the end of a plan item whose start was split off.
    static func isTimeOnly(_ words: [String]) -> Bool {
        var counted = false
        for word in words {
            let key = Phrasing.bare(word)
            let amount =
                key.allSatisfy({ $0.isNumber || $0 == "." || $0 == "/" }) || SpokenNumber.words.contains(key)
                || vagueAmounts.contains(key)
            if key.isEmpty || amount {
                counted = counted || !key.isEmpty
                continue
            }
            guard timeWords.contains(key) else { return false }
        }
        return counted
    }

    /// Amounts said without a number (`a few weeks`, `a couple of days`).
    static let vagueAmounts: Set<String> = ["few", "couple", "several"]
    static let timeWords: Set<String> = [
        "about", "after", "that", "within", "the", "next", "at", "least", "most", "hopefully", "times", "time", "a",
        "an", "week", "weeks", "day", "days", "month", "months", "year", "years", "hour", "hours", "minutes", "to",
        "for", "or", "maybe", "approximately", "around", "every", "per", "once", "twice", "of", "in", "another",
        "probably", "then", "so", "and", "like", "roughly", "over", "than", "more", "less", "up",
    ]

    /// `let's start by ...`, `begin by ...` (built once, not per sentence).
    static let examinerStartOpenings: [[String]] = [
        ["start", "by"], ["let's", "start", "by"], ["begin", "by"], ["let's", "begin", "by"],
    ]

    /// The examiner saying what they are about to do (`I am going to examine her arm.`, `I will be gentle.`,
    /// `I want to listen to his heart.`): no finding yet.
    static func isExaminerIntent(_ words: [String]) -> Bool {
        guard words.count <= 14 else { return false }
        let keys = words.prefix(6).map(Phrasing.bare)
        // `let's start by listening to your heart and lungs`.
        for opening in examinerStartOpenings where keys.starts(with: opening) {
            return keys.dropFirst(opening.count).first.map(examGerunds.contains) ?? false
        }
        guard let intent = examinerIntents.first(where: { keys.starts(with: $0) }) else { return false }
        let rest = keys.dropFirst(intent.count)
        return rest.first.map {
            examActions.contains($0) || ["be", "have", "do", "go", "take", "check", "just"].contains($0)
        } ?? true
    }

    /// The examiner asking the patient onto the table or into position, wherever in the sentence (`if you want to
    /// lay down here on the table for me and let's take a look at you`): the visit's choreography, not a finding
    /// or a plan item.
    static func isPositioningRequest(_ words: [String]) -> Bool {
        guard words.count <= 30 else { return false }
        let keys = words.map(Phrasing.bare)
        for index in keys.indices {
            let next = keys[(index + 1)...].prefix(3)
            if keys[index] == "let's" || keys[index] == "lets",
                next.starts(with: ["take", "a", "look"]) || next.starts(with: ["have", "a", "look"])
            {
                return true
            }
            if positioningVerbs.contains(keys[index]), next.prefix(2).contains(where: positioningDirections.contains),
                keys.contains("table") || zip(keys, keys.dropFirst()).contains(where: { $0 == "for" && $1 == "me" })
                    // `lay back so i can examine your abdomen`.
                    || keys[index...].indices.contains(where: { at in
                        at + 3 < keys.count && keys[at] == "so" && ["i", "we"].contains(keys[at + 1])
                            && keys[at + 2] == "can" && examActions.contains(keys[at + 3])
                    })
            {
                return true
            }
        }
        return false
    }

    /// The staff taking over at the end of the visit (`the nurse will be in soon`, `my nurse will come in to help him
    /// get checked out`): the visit's logistics, unless they carry out an item of the plan (`the nurse will be back
    /// to give him the MMR`, `... to get the CAT scan scheduled`).
    static func isStaffLogistics(_ words: [String]) -> Bool {
        let keys = words.map(Phrasing.bare)
        guard let staff = keys.firstIndex(where: { staffInitials.mayOpen($0) && staffWords.contains($0) }),
            staff + 3 < keys.count,
            keys[staff + 1] == "will" || keys[staff + 1] == "'ll",
            ["be", "come"].contains(keys[staff + 2]), ["in", "back", "by"].contains(keys[staff + 3])
        else { return false }
        return !keys.contains { staffCarriedItems.contains($0) }
    }

    /// A sentence that only names the problem about to be discussed, as unpunctuated speech leaves it (`For her
    /// second problem the hypertension.`, `For the diabetes mellitus.`): the problem's name (`Hypertension.`,
    /// `Diabetes mellitus.`), which the assessment lists.
    static func onlyNamedTopic(_ words: [String]) -> [String]? {
        guard (2...9).contains(words.count), words.dropLast().allSatisfy({ Phrasing.trailingPunctuation($0).isEmpty })
        else { return nil }
        var keys = words.map(Phrasing.bare)
        var name = words[...]
        let introduced = keys.first == "for"
        if introduced {
            keys.removeFirst()
            name = name.dropFirst()
        }
        // A tag left on by speech recognition (`... blood pressure right.`).
        if keys.count > 2, let last = keys.last, ["right", "okay", "ok"].contains(last) {
            keys.removeLast()
            name = name.dropLast()
        }
        guard let first = keys.first, topicPossessives.contains(first), keys.count <= 7, let last = keys.last,
            problemEndWords.contains(last), !keys.contains(where: namingVerbs.contains),
            !keys.contains(where: { ["no", "not", "without", "and", "with", "from", "since"].contains($0) })
        else { return nil }
        // Without `for`, only a possessive opens a name (`The associated swelling.` is a finding).
        guard introduced || ["his", "her", "their", "your"].contains(first) else { return nil }
        // The name starts after the words that introduce it (`her second problem the`), and nothing else comes
        // before it (`this will help to decrease the inflammation` says more).
        guard let start = keys.lastIndex(where: topicIntroducingWords.contains),
            keys[...start].allSatisfy(topicIntroducingWords.contains)
        else { return nil }
        let named = Array(name.dropFirst(start + 1))
        guard let end = named.last, !named.isEmpty else { return nil }
        return named.dropLast() + [end.trimmingCharacters(in: ".,;:!?") + "."]
    }

    static let ordinalWords: Set<String> = [
        "first", "second", "third", "fourth", "fifth", "next", "last", "final", "other",
    ]
    /// Words that introduce a problem's name (`her second problem the`), read once.
    static let topicIntroducingWords = topicPossessives.union(["problem", "issue", "concern", "diagnosis", "of"])
        .union(ordinalWords)
    /// Possessives before a problem's name in its introduction (`for your first problem of your tick bite`).
    static let introPossessives: Set<String> = ["his", "her", "their", "your", "the"]

    static let staffWords: Set<String> = ["nurse", "assistant", "desk", "scheduler", "receptionist", "staff", "tech"]
    static let staffInitials = WordInitials(staffWords)
    /// Plan items the staff carry out, which keep the sentence.
    static let staffCarriedItems: Set<String> = [
        "scan", "test", "tests", "vaccine", "vaccines", "mmr", "shot", "shots", "injection", "blood", "lab", "labs",
        "ultrasound", "mri", "x-ray", "xray", "referral", "prescription", "prescriptions", "medication", "medications",
        "dressing", "splint", "brace", "cast", "crutches", "boot", "ekg", "echocardiogram", "bloodwork", "culture",
        "swab", "instructions",
    ]

    static let positioningVerbs: Set<String> = ["lay", "lie", "hop", "sit", "stand", "scoot", "lean", "turn", "roll"]
    static let positioningDirections: Set<String> = ["down", "up", "back", "over", "forward", "onto"]

    /// A clinician's remark that records nothing: how they feel about the news (`I am so glad she is doing
    /// well.`), or a manoeuvre narrated as an unfinished condition (`If I bend it this way.`). A short verdict
    /// (`It is fantastic.`) is left out for every speaker by `isVerdict`.
    static func isRemark(_ words: [String]) -> Bool {
        let keys = words.prefix(4).map(Phrasing.bare)
        guard keys.count >= 2 else { return false }
        var rest = keys[...]
        if keys.starts(with: ["i", "am"]) {
            rest = keys.dropFirst(2)
        } else if keys[0] == "i'm" {
            rest = keys.dropFirst()
        }
        if rest.count < keys.count {
            if let first = rest.first, ["so", "very", "really"].contains(first) { rest = rest.dropFirst() }
            return rest.first.map { feelings.contains($0) } ?? false
        }
        // `If I push on his big toe and move it.`: the condition never reaches what follows from it.
        return keys.starts(with: ["if", "i"]) && !words.contains { $0.hasSuffix(",") }
    }

    static let feelings: Set<String> = [
        "glad", "happy", "sorry", "excited", "pleased", "thrilled", "proud", "relieved", "sad",
    ]
    static let verdicts: Set<String> = [
        "fantastic", "great", "wonderful", "annoying", "awesome", "amazing", "exciting", "terrible", "unfortunate",
        "frustrating", "good", "nice", "fine", "crazy", "busy", "tough", "relief", "whirlwind", "rough", "fun",
        "interesting", "bad", "hard",
    ]
    /// The subject and verb a verdict opens with (`that is`, `it has been`, `this sounds`).
    static let verdictOpenings: [[String]] = [
        ["it", "is"], ["that", "is"], ["this", "is"], ["it", "was"], ["that", "was"], ["it", "has", "been"],
        ["that", "has", "been"], ["it's", "been"], ["that's", "been"], ["that", "sounds"], ["that", "seems"],
        ["it", "sounds"], ["it's"], ["that's"],
    ]

    /// A few words that only say how something was (`That is exciting.`, `It has been a crazy year.`, `That is a
    /// relief to hear.`): small talk, however it was worded, whoever said it. A verdict with a number (`It has
    /// been bad, 8 out of 10.`) says more and stays.
    static func isVerdict(_ words: [String]) -> Bool {
        guard words.count <= 8, !words.contains(where: { $0.contains(where: \.isNumber) }) else { return false }
        let keys = words.map(Phrasing.bare)
        guard let opening = verdictOpenings.first(where: { keys.starts(with: $0) }) else { return false }
        var rest = keys.dropFirst(opening.count)
        while let first = rest.first, ["so", "very", "really", "pretty", "a", "an", "quite", "such"].contains(first) {
            rest = rest.dropFirst()
        }
        guard let verdict = rest.first, verdicts.contains(verdict) else { return false }
        // `a crazy year`, `a relief to hear`; not `a nice, normal EKG`.
        return rest.dropFirst().allSatisfy { verdictTails.contains($0) }
    }

    /// Words a verdict may end with and still say nothing clinical.
    static let verdictTails: Set<String> = [
        "year", "day", "week", "month", "time", "of", "stuff", "to", "hear", "for", "me", "him", "her", "them", "you",
        "everyone", "everybody", "thing", "things",
    ]

    static let examinerIntents: [[String]] = [
        ["i", "am", "going", "to"], ["i'm", "going", "to"], ["i'm", "gonna"], ["i", "will"], ["i'll"],
        ["i", "want", "to"],
        ["i'd", "like", "to"], ["we", "are", "going", "to"], ["we're", "going", "to"], ["we", "will"], ["we'll"],
    ]

    /// A question asked inside a clinician's sentence (`... is there anything that he was doing ...`): the
    /// answer is the record, not the asking.
    static func asksWithin(_ words: [String]) -> Bool {
        let haystack = Phrasing.bareHaystack(words)
        return embeddedQuestions.any(in: haystack)
    }

    static let embeddedQuestions = PhraseList([
        "is there anything", "is there any", "anybody in the family", "anyone in the family", "any questions",
        "do you have any", "does he have any", "does she have any", "do they have any", "have you had any",
        "has he had any", "has she had any", "did you have any", "did he have any", "did she have any",
        // The clinician saying they meant to ask (`i was just going to ask you if you were taking your lisinopril`).
        "going to ask", "gonna ask", "gon na ask", "wanted to ask", "meant to ask", "want to ask",
    ])

    /// `take a look at her x-rays`: the results follow in the clinician's next sentences.
    static let lookingAnnouncements: [[String]] = [
        ["take", "a", "look"], ["let's", "take", "a", "look"], ["let", "me", "take", "a", "look"], ["look", "at"],
        ["let's", "look"], ["let", "me", "look"], ["let's", "see"], ["let", "me", "see"], ["let's", "go", "ahead"],
        ["let", "me", "just"], ["let's", "just"], ["let's", "go", "over"], ["let's", "talk"], ["let", "me", "talk"],
        ["let", "me", "go", "over"], ["let", "me", "review"], ["let's", "review"], ["review", "her"],
        ["review", "his"],
        ["review", "their"], ["order", "the", "medications"], ["finalize"], ["lem", "me"], ["let", "me", "take"],
        ["take", "a", "listen"], ["take", "a", "quick"], ["do", "some", "maneuvers"], ["do", "a", "few", "maneuvers"],
        ["call", "out"], ["calling", "out"], ["take", "a", "peek"],
    ]

    /// Function words and the words of talk about the visit itself.
    static let visitTalk: Set<String> = [
        "a", "an", "the", "and", "or", "but", "of", "to", "for", "in", "on", "at", "with", "about", "over", "up",
        "it", "it's", "is", "are", "was", "be", "been", "this", "that", "these", "those", "some", "little", "bit",
        "let", "let's", "me", "my", "i", "i'm", "i'll", "i'd", "we", "we'll", "we're", "you", "your", "their",
        "patient", "go", "going", "talk", "discuss", "review", "now", "today", "here", "quick", "do", "does", "did",
        "take", "look", "looking", "physical", "exam", "examination", "assessment", "plan", "plans", "first",
        "next", "second", "then", "things", "thing", "couple", "few", "want", "like", "tell", "just", "so", "okay",
        "all", "right", "what", "how", "see", "while", "seen", "since", "again", "well", "good", "great", "lot",
        "have", "has", "had", "problem", "problems", "questions", "question", "any", "other", "more", "can", "will",
        "would", "could", "should", "get", "started", "start", "begin", "there", "out", "into", "her", "his", "him",
        "she", "he", "they", "them", "as", "together", "through", "fine", "done", "finished", "ahead", "also",
        "past", "lem", "history", "minute", "moment", "brief", "briefly", "listen", "check", "checked", "come", "back",
        "wanted", "said", "say", "thanks", "thank", "appreciate", "glad", "nice", "sorry", "bye",
        // Talk about the talk itself (`We covered a lot of material quickly.`, `That will be our next step.`).
        "am", "our", "us", "explain", "information", "material", "covered", "quickly", "option", "options", "step",
        "steps", "stick", "develop", "careful",
    ]

    /// A reported sentence's verbs agree with its third-person subject (`he feel it` → `he feels it`), once
    /// hedges that stood between them are gone.
    static func agreeing(_ words: [String]) -> [String] {
        var words = words
        for index in words.indices.dropLast()
        where mayBe(words[index], startingWith: "hs", maxLength: 3)
            && ["he", "she"].contains(Phrasing.bare(words[index]))
            && Phrasing.trailingPunctuation(words[index]).isEmpty
        {
            var at = index + 1
            // Over an adverb with no comma after it (`he sometimes forget`).
            if at + 1 < words.count, Phrasing.verbAdverbs.contains(Phrasing.bare(words[at])),
                Phrasing.trailingPunctuation(words[at]).isEmpty
            {
                at += 1
            }
            let verb = Phrasing.bare(words[at])
            if Phrasing.samePastForms.contains(verb),
                words.contains(where: { Phrasing.pastCues.contains(Phrasing.bare($0)) })
            {
                continue
            }
            if let agreed = Phrasing.thirdPersonVerbs[verb], verb != "are", verb != "were" {
                words[at] = agreed + Phrasing.trailingPunctuation(words[at])
            }
        }
        return words
    }
}

extension ClinicalStyle {
    /// A plan framing that opens a later clause (`..., and if it's not better, we'll get an MRI`) becomes its
    /// item too (`..., obtain an MRI`).
    static func clausePlanItems(_ words: [String]) -> [String] {
        var words = words
        var index = 1
        while index < words.count - 1 {
            defer { index += 1 }
            guard words[index - 1].hasSuffix(",") || words[index - 1].hasSuffix(";") else { continue }
            var start = index
            if ["and", "so", "but", "then"].contains(Phrasing.bare(words[start])), start + 1 < words.count {
                start += 1
            }
            guard framingsByFirstWord[Phrasing.bare(words[start])] != nil else { continue }
            let clause = Array(words[start...])
            let item = planItem(clause)
            guard item != clause, let first = item.first else { continue }
            var lowered = item
            lowered[0] = ClinicalStyle.lowercasedFirst(first)
            words.replaceSubrange(start..., with: lowered)
        }
        return words
    }

    /// `continue him on the metformin` → `continue the metformin`, `put her on lisinopril` → `start lisinopril`:
    /// whose medication it is goes without saying in the patient's note. A past tense (`his PCP started him on`)
    /// reports history and stays.
    static func withoutPatientOn(_ words: [String]) -> [String] {
        var words = words
        // `We have him on the protonix 40 mg a day.` → `He is on the protonix 40 mg a day.`; `We had put her on
        // prozac last year.` → `She was put on prozac last year.`
        let opening = words.prefix(5).map(Phrasing.bare)
        if opening.count == 5, ["we", "i"].contains(opening[0]) {
            let put = opening[1] == "had" && opening[2] == "put" ? 1 : 0
            if ["have", "had"].contains(opening[1]), let subject = Self.objectSubjects[opening[2 + put]],
                opening[3 + put] == "on", words[...(3 + put)].allSatisfy({ Phrasing.trailingPunctuation($0).isEmpty }),
                words.count > 5 + put
            {
                let verb = opening[1] == "have" ? ["is"] : put == 1 ? ["was", "put"] : ["was"]
                words.replaceSubrange(0...(3 + put), with: [subject] + verb + ["on"])
            }
        }
        var index = 0
        while index + 3 < words.count {
            defer { index += 1 }
            guard mayBe(words[index], startingWith: "cskpmr", maxLength: 8),
                let verb = patientOnVerbs[Phrasing.bare(words[index])]
            else { continue }
            // `put` is past as well (`Dr. Brown put her on buspar.`): it is the plan's only where a plan item starts.
            if verb == "start", Phrasing.bare(words[index]) == "put", index > 0,
                !["and", "to", "then", "will", "we'll", "i'll"].contains(Phrasing.bare(words[index - 1])),
                !words[index - 1].hasSuffix(",")
            {
                continue
            }
            var object = index + 1
            if Phrasing.bare(words[object]) == "the", Phrasing.bare(words[object + 1]) == "patient" { object += 1 }
            guard ["him", "her", "them", "patient"].contains(Phrasing.bare(words[object])), object + 2 < words.count,
                Phrasing.bare(words[object + 1]) == "on",
                words[index...(object + 1)].allSatisfy({ Phrasing.trailingPunctuation($0).isEmpty })
            else { continue }
            words.replaceSubrange(index...(object + 1), with: [verb])
        }
        return words
    }

    /// The patient as the object of the clinician's sentence, and as the subject of the note's.
    static let objectSubjects: [String: String] = ["him": "He", "her": "She", "them": "They"]

    /// Verbs that put a patient on a medication, and the verb the note writes.
    static let patientOnVerbs: [String: String] = [
        "continue": "continue", "start": "start", "keep": "continue", "put": "start", "maintain": "continue",
        "restart": "restart", "resume": "resume",
    ]

    /// `call me`, `contact me`, `with me`: the clinician as the one to reach is the clinic in the record.
    static func clinicTheObject(_ words: [String]) -> [String] {
        var words = words
        // `give us a call` → `call the clinic`.
        var index = 0
        while index + 3 < words.count {
            defer { index += 1 }
            guard mayBe(words[index], startingWith: "g", maxLength: 4), Phrasing.bare(words[index]) == "give" else {
                continue
            }
            let keys = words[index...(index + 3)].map(Phrasing.bare)
            if keys == ["give", "us", "a", "call"] || keys == ["give", "me", "a", "call"] {
                words.replaceSubrange(
                    index...(index + 3),
                    with: ["call", "the", "clinic" + Phrasing.trailingPunctuation(words[index + 3])])
            }
        }
        // `that seems stable to me.`: the clinician's view is the note's.
        if words.count > 4, words.suffix(2).map(Phrasing.bare) == ["to", "me"] {
            let end = Phrasing.trailingPunctuation(words[words.count - 1])
            words.removeLast(2)
            words[words.count - 1] = words[words.count - 1].trimmingCharacters(in: ",") + end
        }
        for index in words.indices.dropFirst()
        where mayBe(words[index], startingWith: "m", maxLength: 2)
            && Phrasing.bare(words[index]) == "me"
            && ["call", "contact", "with", "message", "email", "notify", "see"].contains(
                Phrasing.bare(words[index - 1]))
        {
            words[index] = "the clinic" + Phrasing.trailingPunctuation(words[index])
        }
        return words
    }
}

extension ClinicalStyle {
    /// The words of a speaker about themselves or the listener.
    static let firstPerson: Set<String> = [
        "i", "i'm", "i've", "i'd", "i'll", "me", "my", "we", "we're", "we'll", "let's", "us", "our", "you", "you're",
        "your", "you've",
    ]
}

extension ClinicalStyle {
    /// An instruction to the patient during the examination (`take a deep breath for me`, `lie back for me`).
    static func isInstruction(_ words: [String]) -> Bool {
        if words.count >= 2, words.suffix(2).map(Phrasing.bare) == ["for", "me"] { return true }
        let keys = words.prefix(4).map(Phrasing.bare)
        return examInstructions.contains { keys.starts(with: $0) }
    }

    /// What an examiner does while examining (`feel`, `listen`, `tap`): narrated, it is no item of the note.
    static let examGerunds: Set<String> = [
        "listening", "examining", "looking", "feeling", "checking", "pressing", "palpating",
    ]

    static let examActions: Set<String> = [
        "feel", "examine", "listen", "press", "palpate", "tap", "touch", "measure", "push", "bend", "look", "ask",
        "lift", "rotate", "flex", "extend",
    ]

    static let examInstructions: [[String]] = [
        ["tell", "me"], ["let", "me", "know", "when"],
        ["take", "a", "deep", "breath"], ["take", "some", "deep", "breaths"], ["take", "a", "deep", "breaths"],
        ["breathe", "in"], ["breathe", "out"], ["lie", "back"], ["lay", "back"], ["sit", "up"], ["squeeze", "my"],
        ["push", "against"], ["follow", "my", "finger"], ["open", "your", "mouth"], ["say", "ah"],
    ]
}

extension ClinicalStyle {
    /// `my impression is that he has ...` → `Impression: he has ...`: the clinician's announcement made the
    /// heading a note gives it.
    static func announcedHeading(_ words: [String]) -> [String] {
        let keys = words.prefix(6).map(Phrasing.bare)
        for (opening, heading) in announcedHeadings where keys.starts(with: opening) && words.count > opening.count + 1
        {
            var rest = Array(words[opening.count...])
            // `my impression of him, he has ...`, `my impression of her is that ...`: the one the impression is of.
            if ["of", "for"].contains(Phrasing.bare(rest[0])), rest.count > 3,
                patientWords.contains(Phrasing.bare(rest[1]))
            {
                if rest[1].hasSuffix(",") {
                    rest.removeFirst(2)
                } else if Phrasing.bare(rest[2]) == "is", rest.count > 4 {
                    rest.removeFirst(3)
                }
            }
            if let first = rest.first, Phrasing.bare(first) == "that", rest.count > 2 { rest.removeFirst() }
            rest[0] = lowercasedFirst(rest[0])
            return [heading] + rest
        }
        return words
    }

    static let announcedHeadings: [([String], String)] = [
        (["my", "impression", "is", "that"], "Impression:"), (["my", "impression", "is"], "Impression:"),
        (["my", "impression"], "Impression:"), (["my", "assessment", "is", "that"], "Assessment:"),
        (["my", "assessment", "is"], "Assessment:"), (["my", "diagnosis", "is"], "Diagnosis:"),
    ]

    /// The patient speaking to the clinician about what the clinician did (`the one that you prescribed`): the
    /// record says the provider.
    static func providerAddressed(_ words: [String]) -> [String] {
        var words = words
        for index in words.indices.dropLast()
        where mayBe(words[index], startingWith: "y", maxLength: 3)
            && Phrasing.bare(words[index]) == "you"
            && Phrasing.trailingPunctuation(words[index]).isEmpty
        {
            var next = index + 1
            if Phrasing.bare(words[next]) == "had", next + 1 < words.count { next += 1 }
            if providerActions.contains(Phrasing.bare(words[next])) {
                words[index] = index == 0 ? "The provider" : "the provider"
            }
        }
        return words
    }

    static let providerActions: Set<String> = [
        "said", "prescribed", "mentioned", "told", "gave", "recommended", "ordered", "wanted", "asked", "changed",
        "increased", "decreased", "started", "put", "sent", "suggested", "referred", "explained", "did", "checked",
    ]
}

extension ClinicalStyle {
    /// Whether a word may be one of a few short words starting with one of `letters` (lower case): a check on
    /// its first byte and length that rules most words out before `Phrasing.bare` builds anything.
    @inline(__always) static func mayBe(_ word: String, startingWith letters: StaticString, maxLength: Int) -> Bool {
        guard let first = word.utf8.first, word.utf8.count <= maxLength + 4 else { return false }
        return letters.withUTF8Buffer { $0.contains(first | 0x20) }
    }
}
