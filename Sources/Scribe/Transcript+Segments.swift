/// Sentence segmentation for speech-recognition output that has no sentence punctuation: a clinician's
/// turn of two hundred words ("okay so on physical examination there is no tenderness there is positive cva
/// tenderness so let's talk about my plan i'm going to prescribe ...") is split where a new utterance begins,
/// and a patient's answer caught inside the clinician's turn (a diarisation slip) is given back to the patient.
extension Transcript {
    /// Fewer than one `.`, `?` or `!` per 40 words over at least 80 words.
    static func isUnpunctuated(_ scalars: [Unicode.Scalar]) -> Bool {
        var marks = 0
        var words = 0
        var inWord = false
        for scalar in scalars {
            if scalar == "." || scalar == "?" || scalar == "!" { marks += 1 }
            let letter = !scalar.isSpace
            if letter && !inWord { words += 1 }
            inWord = letter
        }
        return words >= 80 && marks * 40 < words
    }

    /// A word of a run: its offsets and its lower-cased text.
    struct SpokenWord {
        var range: Range<Int>
        var key: String
    }

    static func spokenWords(in range: Range<Int>, scalars: [Unicode.Scalar]) -> [SpokenWord] {
        var words: [SpokenWord] = []
        var start: Int?
        var position = range.lowerBound
        while position <= range.upperBound {
            let isSpace = position == range.upperBound || scalars[position].isSpace
            if isSpace, let wordStart = start {
                var key = ""
                for scalar in scalars[wordStart..<position] {
                    if scalar.value < 0x80 {
                        if (0x41...0x5A).contains(scalar.value), let lower = Unicode.Scalar(scalar.value | 0x20) {
                            key.unicodeScalars.append(lower)
                        } else if scalar.isLetter || scalar.isNumeral || scalar == "'" {
                            key.unicodeScalars.append(scalar)
                        }
                    } else if scalar.isLetter || scalar.isNumeral {
                        key.unicodeScalars.append(scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar)
                    }
                }
                words.append(SpokenWord(range: wordStart..<position, key: key))
                start = nil
            } else if !isSpace, start == nil {
                start = position
            }
            position += 1
        }
        return words
    }

    /// A segment of a run and whether it reads as the patient's answer.
    struct Segment {
        var range: Range<Int>
        var answersQuestion: Bool
        /// It opens by asking the listener (`do you`, `have you`): the clinician's words.
        var asksListener: Bool = false
    }

    /// Splits an unpunctuated run into utterances; runs of fewer than `minimumWords` words stay whole.
    static func segments(of range: Range<Int>, scalars: [Unicode.Scalar], minimumWords: Int = 10) -> [Segment] {
        let words = spokenWords(in: range, scalars: scalars)
        guard words.count >= minimumWords else { return [Segment(range: range, answersQuestion: false)] }
        // Where the learned model ends a sentence (digits read as one word, as in training).
        let keys = words.map { word in word.key.first.map { $0.isNumber } == true ? "#" : word.key }
        let learned = UtteranceModel.embedded.starts(of: keys)
        // And where a question or a clinician's announcement opens (`do you`, `i'm going to`), which the rules
        // below know.
        var starts: [Int] = [0]
        var nextLearned = 0
        var segmentIsQuestion = asks(words, from: 0)
        // A learned cut refused between a side and its body part moves past the part to a discourse marker opening
        // the next words (`the proximal right ureter | so this ...`).
        var deferred = false
        var index = 1
        while index < words.count {
            let start = starts.last ?? 0
            if deferred {
                deferred = false
                if ["so", "and", "but", "okay", "now", "then"].contains(words[index].key), !starts.contains(index) {
                    starts.append(index)
                    segmentIsQuestion = asks(words, from: index)
                    // A learned cut here is this one.
                    if nextLearned < learned.count, learned[nextLearned] == index { nextLearned += 1 }
                    index += 1
                    continue
                }
            }
            if nextLearned < learned.count, learned[nextLearned] == index {
                nextLearned += 1
                let sided = namesSide(words, before: index)
                deferred = sided
                // Not after a decimal point written apart (`ninety eight . four`).
                let point = [words[index].range, words[index - 1].range].first {
                    $0.count == 1 && scalars[$0.lowerBound] == "."
                }
                // Nor after a word no utterance ends with (`they look | great`, `a | fracture`).
                if !(point.map { isSpokenDecimal(scalars, point: $0.lowerBound, in: range) } ?? false),
                    !unfinishedEnds.contains(words[index - 1].key), !sided
                {
                    starts.append(index)
                    segmentIsQuestion = asks(words, from: index)
                }
            } else if index - start >= 3, let cut = boundary(words, at: index, inQuestion: segmentIsQuestion),
                cut - start >= 3, cut == index || cut > start
            {
                if cut != start, !starts.contains(cut) {
                    starts.append(cut)
                    segmentIsQuestion = asks(words, from: cut)
                }
            }
            index += 1
        }
        starts = withTailsReattached(words, starts: starts)
        var segments: [Segment] = []
        var previousAsks = false
        for (number, start) in starts.enumerated() {
            let end = number + 1 < starts.count ? starts[number + 1] : words.count
            let segmentRange = words[start].range.lowerBound..<words[end - 1].range.upperBound
            let asks = asks(words, from: start)
            let answers = previousAsks && !asks && answerOpeners.contains(words[start].key)
            let asksListener = opensQuestion(words, at: start) && words[start + 1].key == "you"
                || start + 2 < end && opensQuestion(words, at: start + 1) && words[start + 2].key == "you"
            segments.append(Segment(range: segmentRange, answersQuestion: answers, asksListener: asksListener))
            previousAsks = asks
        }
        return segments
    }

    /// Whether the word before `index` is a side and the word at it the body part it names (`the proximal right |
    /// ureter`, `my right | knee`): one phrase, never two utterances.
    static func namesSide(_ words: [SpokenWord], before index: Int) -> Bool {
        index > 0 && index < words.count && ["right", "left"].contains(words[index - 1].key)
            && (ClinicalStyle.bodySiteWords.contains(words[index].key) || sidedParts.contains(words[index].key))
    }

    static let sidedParts: Set<String> = [
        "ureter", "lobe", "index", "middle", "ring", "pinky", "great", "big", "lateral", "medial", "knees", "ankles",
        "shoulders", "elbows", "wrists", "hands", "feet", "legs", "arms", "eyes", "ears", "lungs", "breasts",
    ]

    /// The starts with a cut that left the end of one utterance before the next one's `and` moved to that `and`:
    /// `i was trying to steal | the ball from another player and she ended up falling` ends after `player`. A start
    /// is moved when one to five words without a subject or verb of their own come before `and` and a subject.
    static func withTailsReattached(_ words: [SpokenWord], starts: [Int]) -> [Int] {
        var moved = starts
        for (number, start) in starts.enumerated() where start > 0 {
            let end = number + 1 < starts.count ? starts[number + 1] : words.count
            guard !tailOpeners.contains(words[start].key), !clauseWords.contains(words[start].key) else { continue }
            var offset = 1
            while offset <= 5, start + offset + 1 < end {
                let key = words[start + offset].key
                if key == "and" {
                    if tailSubjects.contains(words[start + offset + 1].key) { moved[number] = start + offset }
                    break
                }
                if clauseWords.contains(key) { break }
                offset += 1
            }
        }
        return moved
    }

    /// Words an utterance of its own opens with (a discourse marker, an answer, a question word).
    static let tailOpeners: Set<String> = [
        "okay", "so", "yeah", "well", "um", "uh", "and", "but", "then", "now", "oh", "alright", "right", "yes", "no",
        "mm-hmm", "hmm", "yep", "sure", "or", "what", "when", "where", "how", "why", "who", "which", "if",
        "because", "since", "also", "just", "maybe", "probably", "about", "like",
    ]
    static let tailSubjects: Set<String> = ["i", "she", "he", "we", "they", "it"]
    /// Words that make a clause: subjects, auxiliaries, copulas and contractions with them.
    static let clauseWords: Set<String> = [
        "i", "you", "he", "she", "we", "they", "it", "i'm", "you're", "he's", "she's", "we're", "they're", "it's",
        "i've", "you've", "we've", "they've", "i'd", "i'll", "you'll", "we'll", "there", "there's", "that's", "this",
        "that", "do", "does", "did", "is", "are", "was", "were", "have", "has", "had", "can", "could", "would",
        "should", "will", "don't", "doesn't", "didn't", "am", "be", "been", "let's",
    ]

    /// Words an utterance does not end with: an article, a possessive, a preposition that takes its object next,
    /// a linking verb before its complement.
    static let unfinishedEnds: Set<String> = [
        "the", "a", "an", "my", "your", "his", "her", "our", "their", "of", "with", "from", "look", "looks",
        "showed", "shows", "seems", "feels",
    ]

    /// Where a new utterance starts at `index`, the word it starts with (a joining `and`, `so`, `but`,
    /// `well` or `okay` before the cue goes with it).
    static func boundary(_ words: [SpokenWord], at index: Int, inQuestion: Bool) -> Int? {
        let key = words[index].key
        let next = index + 1 < words.count ? words[index + 1].key : ""
        let previous = words[index - 1].key
        var starts = false
        if resetWords.contains(key) {
            starts = !(key == "okay" && next.isEmpty)
        } else if key == "all", next == "right" {
            starts = true
        } else if key == "so" {
            starts = soFollowers.contains(next) && !soAdverbAfter.contains(previous)
        } else if key == "there", ["is", "are", "was", "were", "has"].contains(next) {
            starts = !["if", "that", "is"].contains(previous)
        } else if key == "there's" {
            starts = !["if", "that"].contains(previous)
        } else if key == "on", examOwners.contains(next), index + 2 < words.count,
            let exam = words[(index + 2)..<min(words.count, index + 5)].firstIndex(where: {
                examWords.contains($0.key)
            }),
            exam + 1 < words.count
        {
            // `lungs clear bilaterally | on his heart exam he has a murmur`: each region the examiner names opens
            // its findings (not when nothing follows the region).
            starts = !["that", "if", "because"].contains(previous)
        } else if clinicianOpeners.contains([key, next]) {
            starts = !["that", "if", "because"].contains(previous)
        } else if opensQuestion(words, at: index) {
            starts = !questionBlockers.contains(previous)
        } else if inQuestion, answerOpeners.contains(key) {
            starts = !questionBlockers.contains(previous) && !["what", "how", "where", "when", "why"].contains(previous)
        }
        guard starts else { return nil }
        return joiners.contains(previous) ? index - 1 : index
    }

    /// Whether the segment starting at `start` asks, after its joining words (`okay and do you ...`).
    static func asks(_ words: [SpokenWord], from start: Int) -> Bool {
        var index = start
        while index < words.count, index < start + 3, joiners.contains(words[index].key) { index += 1 }
        return opensQuestion(words, at: index)
    }

    static func opensQuestion(_ words: [SpokenWord], at index: Int) -> Bool {
        guard index + 1 < words.count else { return false }
        return Phrasing.questionPairs.contains([words[index].key, words[index + 1].key])
    }

    static let resetWords: Set<String> = ["okay", "ok", "alright", "now", "let's", "lets"]
    /// Whose examination `on ... exam` names (`on his heart exam`, `on the skin exam`).
    static let examOwners: Set<String> = ["his", "her", "your", "their", "the"]
    static let examWords: Set<String> = ["exam", "exams", "examination"]
    static let joiners: Set<String> = ["and", "so", "but", "well", "okay", "alright", "now", "um", "uh"]
    static let soFollowers: Set<String> = [
        "let's", "for", "on", "i", "we", "you", "what", "how", "in", "today", "looking", "if", "your", "that's",
        "it's", "essentially", "basically", "overall", "at", "from", "um", "uh", "the", "my", "when", "those",
    ]
    static let soAdverbAfter: Set<String> = ["is", "was", "it's", "not", "feel", "feels", "think", "hope", "very", "and", "or", "do", "did", "really"]
    static let questionBlockers: Set<String> = [
        "that", "if", "what", "how", "whether", "know", "ask", "asked", "wonder", "or", "to", "when", "because",
        "think", "say", "said", "see", "but", "tell",
    ]
    static let answerOpeners: Set<String> = [
        "yes", "yeah", "yep", "no", "nope", "nah", "i", "i've", "i'm", "i'd", "i'll", "my", "it's", "well",
        "not", "sometimes", "maybe", "probably", "mostly", "kinda", "just", "uh-huh", "mm-hmm", "hmm",
    ]
    static let clinicianOpeners: Set<[String]> = [
        ["i'm", "going"], ["i'm", "gon"], ["i", "wan"], ["i", "want"], ["i", "would"], ["i'd", "like"],
        ["i'm", "also"], ["i", "will"], ["i'll", "go"], ["we'll", "go"], ["we", "will"], ["we're", "going"],
        ["we", "can"], ["we", "could"], ["you", "can"], ["you", "should"], ["i", "reviewed"], ["i", "do"],
        ["i", "think"], ["on", "physical"], ["on", "exam"], ["on", "examination"], ["on", "my"], ["for", "your"],
        ["looking", "at"], ["in", "terms"], ["as", "far"], ["your", "x-ray"], ["your", "blood"], ["your", "labs"],
        ["i", "recommend"], ["i", "also"], ["i", "have"], ["we'll", "see"], ["we'll", "need"],
    ]

    // MARK: - Swapped labels

    /// Whether the clinician and patient labels are the wrong way round. A clinician says `you`/`your` more
    /// than `I`/`my`, a patient the reverse; labels are swapped when the labelled patient's balance exceeds
    /// the labelled clinician's by a wide margin (0.05 per word), each having said at least 40 words.
    static func labelsSwapped(_ turns: [Turn], scalars: [Unicode.Scalar]) -> Bool {
        var words = [Speaker: Int]()
        var balance = [Speaker: Int]()
        for turn in turns where turn.speaker == .clinician || turn.speaker == .patient {
            let (count, score) = pronounBalance(turn.range, scalars: scalars)
            words[turn.speaker, default: 0] += count
            balance[turn.speaker, default: 0] += score
        }
        let clinicianWords = words[.clinician] ?? 0
        let patientWords = words[.patient] ?? 0
        guard clinicianWords >= 40, patientWords >= 40 else { return false }
        let clinician = Double(balance[.clinician] ?? 0) / Double(clinicianWords)
        let patient = Double(balance[.patient] ?? 0) / Double(patientWords)
        return patient - clinician > 0.05
    }

    /// The words of a run, and its `you` words minus its `I` words. Words are packed into an integer of up to
    /// eight lower-case ASCII bytes and compared with packed constants: no strings are built.
    static func pronounBalance(_ range: Range<Int>, scalars: [Unicode.Scalar]) -> (words: Int, balance: Int) {
        var words = 0
        var balance = 0
        var packed: UInt64 = 0
        var length = 0
        var inWord = false
        func finish() {
            guard inWord else { return }
            words += 1
            if length <= 8 {
                if secondPerson.contains(packed) { balance += 1 } else if firstPerson.contains(packed) { balance -= 1 }
            }
            packed = 0
            length = 0
            inWord = false
        }
        for position in range {
            let scalar = scalars[position]
            if scalar.isSpace {
                finish()
                continue
            }
            inWord = true
            // Punctuation attached to a word (`you,` `me?`) is not part of it.
            switch scalar.value {
            case 0x2C, 0x2E, 0x3F, 0x21, 0x3B, 0x3A: continue  // , . ? ! ; :
            default: break
            }
            length += 1
            if length <= 8 {
                // An ASCII letter is A–Z or a–z: lower-cased by setting its 0x20 bit.
                let isLetter = (scalar.value | 0x20) >= 0x61 && (scalar.value | 0x20) <= 0x7A
                let value = scalar.value < 0x80 ? UInt64(scalar.value | (isLetter ? 0x20 : 0)) : 0xFF
                packed = packed << 8 | value
            }
        }
        finish()
        return (words, balance)
    }

    static func pack(_ word: String) -> UInt64 {
        word.utf8.reduce(0) { $0 << 8 | UInt64($1) }
    }

    static let secondPerson = Set(["you", "your", "you're", "you've", "yours", "yourself"].map(pack))
    static let firstPerson = Set(["i", "my", "me", "i'm", "i've", "mine", "myself"].map(pack))

    static func swapped(_ turn: Turn) -> Turn {
        var turn = turn
        switch turn.speaker {
        case .clinician: turn.speaker = .patient
        case .patient: turn.speaker = .clinician
        default: break
        }
        return turn
    }
}
