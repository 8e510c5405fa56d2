/// Light rewriting of spoken sentences into note language.
package enum Phrasing {
    static let fillers: Set<String> = [
        "um", "uh", "uhm", "hmm", "mm", "mm-hmm", "uh-huh", "er", "ah", "oh",
    ]

    /// Words after which `er` names the emergency room (`the er`, `an er visit`).
    static let erDeterminers: Set<String> = ["the", "an", "that", "this", "our", "their"]

    /// Words that cannot end a phrase: a comma after one of them marks a pause (`i was, um, trying`).
    static let pauseWords: Set<String> = [
        "a", "an", "the", "my", "your", "his", "her", "their", "our", "is", "was", "were", "are", "am", "be", "been",
        "i", "we", "he", "she", "they", "to", "of", "in", "on", "at", "for", "with", "from", "and", "or", "but",
        "that", "this", "it", "it's", "i'm", "have", "has", "had", "do", "did", "some", "any", "just", "like",
    ]

    /// Checks of understanding tagged on to a statement (`..., okay?`, `..., all right?`): the statement asks
    /// nothing. `..., right?` asks the listener to confirm a fact, and stays a question.
    static let tagChecks: [[String]] = [["okay"], ["ok"], ["alright"], ["all", "right"], ["sound", "good"]]

    /// A statement with a check tagged on after a comma (`we'll see how you do, okay?`) without the check:
    /// `we'll see how you do.`
    static func withoutTagQuestion(_ words: [String]) -> [String] {
        guard words.count > 4, let last = words.last, last.hasSuffix("?") else { return words }
        for tag in tagChecks where words.count > tag.count + 3 {
            let tail = words.suffix(tag.count).map(bare)
            let before = words[words.count - tag.count - 1]
            guard tail == tag, before.hasSuffix(",") else { continue }
            var statement = Array(words.dropLast(tag.count))
            statement[statement.count - 1] = String(before.dropLast()) + "."
            return statement
        }
        return words
    }

    /// Words that open spoken sentences and carry nothing for a note (`okay, so`, `all right`).
    static let openers: [[String]] = [
        ["hey", "dragon"], ["hey", "dax"], ["all", "right"], ["okay"], ["ok"], ["so"], ["well"], ["yeah"], ["yes"],
        ["alright"], ["and"], ["now"], ["right"], ["great"], ["good"],
    ]

    /// The lower-case first letters of the fillers and wake words.
    static let fillerInitials = WordInitials(fillers.union(["dragon", "dax"]))

    /// Whether a byte is one of `,.;:!?` (a switch: no hashing per byte).
    @inline(__always) static func isMark(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"),
            UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }

    /// Drops fillers, wake words and spoken openers, and tidies punctuation (`word , , word .` → `word, word.`).
    static func clean(_ text: String) -> String {
        joined(cleanWords(text))
    }

    /// The words of a text split at spaces, as `split(separator: " ")` does; ASCII text (nearly all) is split
    /// on its UTF-8 bytes directly.
    static func spaceSeparated(_ text: String) -> [String] {
        let split: [String]?? = text.utf8.withContiguousStorageIfAvailable { bytes -> [String]? in
            var words: [String] = []
            // At most one word more than spaces: counted first, so the array is allocated once.
            var spaces = 0
            for byte in bytes where byte == 0x20 { spaces += 1 }
            words.reserveCapacity(spaces + 1)
            var start = 0
            for index in 0...bytes.count {
                if index < bytes.count {
                    // Outside ASCII a space may combine with the next scalar: the generic split decides.
                    if bytes[index] >= 0x80 { return nil }
                    if bytes[index] != 0x20 { continue }
                }
                if index > start {
                    words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                }
                start = index + 1
            }
            return words
        }
        if let split = split ?? nil { return split }
        return text.split(separator: " ").map(String.init)
    }

    /// `clean(_:)` as a list of words (the first capitalised), for the steps that work on words.
    package static func cleanWords(_ text: String) -> [String] {
        var words: [String] = []
        words.reserveCapacity(24)
        // The word a spoken pause followed, when its comma is the pause's, not the sentence's.
        var pausedAfter: Int?
        for word in spaceSeparated(text) {
            let marksOnly = word.utf8.allSatisfy { isMark($0) }
            // Fillers and wake words are short and start with one of a few letters: other words skip the lookup.
            if !marksOnly, word.utf8.count <= 12, let first = word.utf8.first(where: { !isMark($0) }),
                fillerInitials.mayOpen(byte: first | 0x20)
            {
                let bare = Self.bare(word)
                // `the er` is the emergency room, not a pause (`a referral from the er`): written `ER`.
                if bare == "er", let last = words.last, erDeterminers.contains(last.lowercased()) {
                    words.append("ER" + word.suffix(word.utf8.reversed().prefix(while: isMark).count))
                    continue
                }
                if fillers.contains(bare) || bare == "dragon" || bare == "dax" {
                    // A pause set off by commas after a word that cannot end a phrase (`was, um, trying`): no comma.
                    if let last = words.last, last.hasSuffix(","),
                        pauseWords.contains(Self.bare(String(last.dropLast())))
                    {
                        if word.hasSuffix(",") {
                            words[words.count - 1] = String(last.dropLast())
                        } else {
                            pausedAfter = words.count - 1
                        }
                    }
                    continue
                }
            }
            if marksOnly {
                // Punctuation on its own joins the word before it; repeated commas collapse.
                guard let last = words.last else { continue }
                if word == ",", pausedAfter == words.count - 1 {
                    words[words.count - 1] = String(last.dropLast())
                    pausedAfter = nil
                    continue
                }
                if word == ",", last.hasSuffix(",") { continue }
                words[words.count - 1] =
                    last.hasSuffix(",") && word != "," ? String(last.dropLast()) + word : last + word
                continue
            }
            // Speech recognition splits contractions (`do n't`, `gon na`): join them again.
            if let last = words.last, let first = word.utf8.first,
                first == UInt8(ascii: "n") || first == UInt8(ascii: "N"),
                !last.utf8.contains(where: { isMark($0) })
            {
                let lowered = last.lowercased()
                if word.lowercased().hasPrefix("n't") {
                    words[words.count - 1] = last + word
                    continue
                }
                if bare(word) == "na", lowered == "gon" || lowered == "wan" {
                    words[words.count - 1] = lowered == "gon" ? "going" : "want"
                    words.append("to" + word.dropFirst(2))
                    continue
                }
            }
            words.append(word)
        }
        words = withoutSpokenAsides(words)
        words = withoutTagQuestion(words)
        // Spoken openers at the start of the sentence go.
        var changed = true
        while changed {
            changed = false
            // Openers are at most two words: compare against the first two, made bare once per round.
            let head = words.prefix(2).map(bare)
            for opener in openers where words.count > opener.count && head.starts(with: opener) {
                words.removeFirst(opener.count)
                changed = true
                break
            }
        }
        while let first = words.first, first.utf8.allSatisfy({ isMark($0) }) { words.removeFirst() }
        // The pronoun `I` in capitals (transcripts often write it in lower case).
        for index in words.indices where words[index].utf8.first == UInt8(ascii: "i") {
            let bare = words[index].trimmingCharacters(in: ",.;:!?")
            if ["i", "i'm", "i've", "i'll", "i'd"].contains(bare) { words[index] = "I" + words[index].dropFirst() }
        }
        if let first = words.first { words[0] = capitalized(first) }
        return words
    }

    /// Spoken asides set off by a comma (`you know,`, `i mean,`, `, you know.`) carry nothing for a note.
    static func withoutSpokenAsides(_ words: [String]) -> [String] {
        var output: [String] = []
        output.reserveCapacity(words.count)
        var index = 0
        while index < words.count {
            // Only a word starting with `y` or `i` (either case) lower-cases to `you` or `i`: others skip
            // `lowercased()`.
            if index + 1 < words.count, words[index].utf8.count <= 3, let first = words[index].utf8.first,
                first | 0x20 == UInt8(ascii: "y") || first | 0x20 == UInt8(ascii: "i"),
                ["you", "i"].contains(words[index].lowercased())
            {
                let next = words[index + 1].lowercased()
                let bareNext = next.trimmingCharacters(in: ",.;:!?")
                let trailing = String(next.dropFirst(bareNext.count))
                let afterComma = output.last?.hasSuffix(",") == true
                if (bareNext == "know" || bareNext == "mean") && (trailing == "," || (afterComma && !trailing.isEmpty))
                {
                    // `, you know.` ends the sentence: the previous word takes the full stop instead of the comma.
                    if trailing != ",", let last = output.last {
                        output[output.count - 1] = String(last.dropLast()) + trailing
                    }
                    index += 2
                    continue
                }
            }
            output.append(words[index])
            index += 1
        }
        return output
    }

    // Replacements write pronoun markers (`S` subject, `P` possessive, `O` object, `R` reflexive after
    // `Pronouns.marker`), made words by `Pronouns` once the verbs agree.
    static let patientReplacements: [([String], [String])] = [
        (["i'm"], ["\u{1}S", "is"]), (["i", "am"], ["\u{1}S", "is"]), (["i've"], ["\u{1}S", "has"]),
        (["i", "have"], ["\u{1}S", "has"]),
        (["i", "was"], ["\u{1}S", "was"]), (["i", "had"], ["\u{1}S", "had"]), (["i", "feel"], ["\u{1}S", "feels"]),
        (["i", "get"], ["\u{1}S", "gets"]), (["i", "take"], ["\u{1}S", "takes"]), (["i", "do"], ["\u{1}S", "does"]),
        (["i'd"], ["\u{1}S", "would"]), (["i'll"], ["\u{1}S", "will"]), (["i"], ["\u{1}S"]), (["my"], ["\u{1}P"]),
        (["me"], ["\u{1}O"]),
        (["myself"], ["\u{1}R"]),
    ]

    static let clinicianReplacements: [([String], [String])] = [
        (["you're"], ["\u{1}S", "is"]), (["you", "are"], ["\u{1}S", "is"]), (["you've"], ["\u{1}S", "has"]),
        (["you'll"], ["\u{1}S", "will"]),
        (["you", "have"], ["\u{1}S", "has"]), (["you", "do", "have"], ["\u{1}S", "has"]),
        (["you", "were"], ["\u{1}S", "was"]),
        (["you", "guys"], ["you", "guys"]), (["you", "all"], ["you", "all"]), (["you"], ["\u{1}S"]),
        (["your"], ["\u{1}P"]),
        (["yourself"], ["\u{1}R"]),
    ]

    /// First person to third person for a patient's statement (`i have` → `the patient has`, or `she has`).
    static func thirdPerson(_ text: String, pronouns: Pronouns = .neutral) -> String {
        thirdPerson(words: words(text), pronouns: pronouns)
    }

    /// The same, for a sentence already split into words.
    static func thirdPerson(words: [String], pronouns: Pronouns) -> String {
        let replaced = replace(
            words, patientReplacements, firstWords: patientReplacementStarts, initials: patientReplacementInitials)
        return capitalized(joined(pronouns.render(agreeingVerbs(replaced))))
    }

    /// Second person to third person for a clinician's statement about the patient (`your knee` → `their knee`).
    static func aboutPatient(_ text: String, pronouns: Pronouns = .neutral) -> String {
        aboutPatient(words: words(text), pronouns: pronouns)
    }

    /// The same, for a sentence already split into words.
    static func aboutPatient(words: [String], pronouns: Pronouns) -> String {
        let replaced = replace(
            withObjectYou(words), clinicianReplacements, firstWords: clinicianReplacementStarts,
            initials: clinicianReplacementInitials)
        return capitalized(joined(pronouns.render(agreeingVerbs(replaced))))
    }

    /// `you` as an object (`I want you to`, `we'll see you back`, `examine you`) made the object marker, so that
    /// it becomes `her`, not `she`: `you` is the subject only at the start of a clause (after `if`, `and`, a
    /// comma) or before an auxiliary.
    static func withObjectYou(_ words: [String]) -> [String] {
        var output = words
        // Only a word with a `y` or `Y` byte can be `you` made bare: the others skip `bare`.
        for index in words.indices
        where words[index].utf8.contains(where: { $0 | 0x20 == UInt8(ascii: "y") }) && bare(words[index]) == "you" {
            let next = index + 1 < words.count ? bare(words[index + 1]) : ""
            guard index > 0, words[index - 1].utf8.last.map(isMark) == false,
                !clauseOpeners.contains(bare(words[index - 1])),
                causatives.contains(bare(words[index - 1]))
                    || !subjectFollowers.contains(next) && thirdPersonVerbs[next] == nil
            else { continue }
            output[index] = Pronouns.marker + "O" + trailingPunctuation(words[index])
        }
        return output
    }

    /// Verbs whose object does the next verb (`have you use crutches` → `have her use crutches`, not `have
    /// she uses`).
    static let causatives: Set<String> = ["have", "having", "let", "letting", "help", "helping", "make", "making"]

    /// Words after which `you` opens a clause (and is its subject).
    static let clauseOpeners: Set<String> = [
        "if", "when", "and", "but", "that", "because", "so", "since", "as", "until", "whether", "where", "how", "what",
        "why", "or", "then", "unless", "while", "once", "before", "after", "think", "know", "sure", "hope", "guess",
        "mean", "which", "who", "okay",
        "now", "maybe", "also", "still", "like", "though", "although", "whenever", "wherever", "today", "currently",
        "recently", "yesterday", "tonight", "usually", "always", "never", "sometimes", "often",
    ]
    /// Words after which `you` is the subject whatever comes before (`you are`, `you have`).
    static let subjectFollowers: Set<String> = [
        "are", "were", "have", "had", "can", "could", "should", "will", "would", "need", "do", "did", "don't",
        "didn't", "may", "might", "must",
    ]

    static let patientReplacementStarts = Set(patientReplacements.compactMap { $0.0.first })
    static let clinicianReplacementStarts = Set(clinicianReplacements.compactMap { $0.0.first })
    static let patientReplacementInitials = WordInitials(patientReplacementStarts)
    static let clinicianReplacementInitials = WordInitials(clinicianReplacementStarts)

    /// Replaces word sequences, comparing words without case and trailing punctuation and keeping that
    /// punctuation on the last word of the replacement.
    static func replace(
        _ words: [String], _ table: [([String], [String])], firstWords: Set<String>, initials: WordInitials
    ) -> [String] {
        let bare = words.map(Self.bare)
        var output: [String] = []
        output.reserveCapacity(words.count + 2)
        var index = 0
        while index < words.count {
            if initials.mayOpen(bare[index]), firstWords.contains(bare[index]),
                let (pattern, replacement) = table.first(where: { pattern, _ in
                    index + pattern.count <= words.count && bare[index..<(index + pattern.count)].elementsEqual(pattern)
                        && !words[index..<(index + pattern.count - 1)].contains(where: {
                            $0.last.map { ",.;:!?".contains($0) } ?? false
                        })
                })
            {
                let trailing = trailingPunctuation(words[index + pattern.count - 1])
                var replaced = replacement
                replaced[replaced.count - 1] += trailing
                output.append(contentsOf: replaced)
                index += pattern.count
            } else {
                output.append(words[index])
                index += 1
            }
        }
        return output
    }

    static let thirdPersonVerbs: [String: String] = [
        "think": "thinks", "feel": "feels", "get": "gets", "want": "wants", "need": "needs", "worry": "worries",
        "look": "looks", "take": "takes", "have": "has", "haven't": "hasn't", "don't": "doesn't", "do": "does",
        "go": "goes", "know": "knows", "seem": "seems", "sleep": "sleeps", "wake": "wakes", "eat": "eats",
        "walk": "walks", "notice": "notices", "say": "says", "try": "tries", "use": "uses", "like": "likes",
        "work": "works", "hurt": "hurts", "live": "lives", "smoke": "smokes", "drink": "drinks", "miss": "misses",
        "exercise": "exercises", "wear": "wears", "run": "runs", "play": "plays", "see": "sees", "hear": "hears",
        "are": "is", "were": "was", "stay": "stays", "keep": "keeps", "wonder": "wonders", "remember": "remembers",
        "lead": "leads", "mean": "means", "guess": "guesses", "fall": "falls", "come": "comes", "start": "starts",
        "call": "calls", "check": "checks", "forget": "forgets", "struggle": "struggles", "cough": "coughs",
        "experience": "experiences", "lose": "loses", "gain": "gains", "avoid": "avoids", "skip": "skips",
        "ride": "rides", "swim": "swims", "cook": "cooks", "read": "reads", "watch": "watches", "wait": "waits",
        "spend": "spends", "help": "helps", "bring": "brings", "put": "puts", "buy": "buys", "follow": "follows",
        "sit": "sits", "stand": "stands", "travel": "travels", "visit": "visits", "drive": "drives",
        "carry": "carries", "lift": "lifts", "bend": "bends", "climb": "climbs", "change": "changes",
        "continue": "continues", "stop": "stops", "plan": "plans", "prefer": "prefers", "believe": "believes",
        "understand": "understands", "agree": "agrees", "tend": "tends", "love": "loves", "enjoy": "enjoys",
        "snore": "snores", "urinate": "urinates", "monitor": "monitors", "measure": "measures", "test": "tests",
        "vape": "vapes", "chew": "chews", "limp": "limps", "leave": "leaves", "return": "returns", "finish": "finishes",
        "develop": "develops", "breathe": "breathes", "move": "moves", "apply": "applies", "bleed": "bleeds",
        "pass": "passes", "wash": "washes", "schedule": "schedules", "pick": "picks",
    ]
    /// Adverbs that may stand between a subject and its verb (`he sometimes forget` → `he sometimes forgets`).
    static let verbAdverbs: Set<String> = [
        "sometimes", "usually", "always", "never", "often", "still", "also", "just", "really", "only", "actually",
        "regularly", "occasionally", "rarely", "generally", "typically", "normally", "mostly", "even", "now",
        "constantly", "frequently", "definitely", "barely", "hardly", "already",
    ]
    /// Verbs whose past tense is the present's form, and words that place a sentence in the past.
    static let samePastForms: Set<String> = ["hurt", "put", "read", "cut", "quit", "hit", "set"]
    static let pastCues: Set<String> = [
        "ago", "yesterday", "last", "when", "fell", "was", "were", "had", "did", "while",
    ]
    static let adverbs: Set<String> = [
        "still", "also", "just", "really", "usually", "always", "never", "sometimes", "often", "only", "even",
        "definitely", "probably", "mostly", "rarely", "ever", "finally", "now",
    ]

    /// `the patient think` → `the patient thinks` (also across one adverb: `the patient still worry`).
    static func agreeingVerbs(_ words: [String]) -> [String] {
        var words = words
        var index = 0
        while index + 1 < words.count {
            if words[index] == Pronouns.subjectMarker
                // Only a word of 7 ASCII bytes lower-cases to `patient`: the others skip `lowercased()`.
                || index > 0 && words[index].utf8.count == 7 && words[index].lowercased() == "patient"
                    && words[index - 1].lowercased() == "the"
            {
                var verb = index + 1
                if adverbs.contains(words[verb].lowercased()), verb + 1 < words.count { verb += 1 }
                let bare = Self.bare(words[verb])
                // `I hurt my knee two days ago`: the past tense, which reads the same.
                let past =
                    samePastForms.contains(bare)
                    && words.contains { pastCues.contains(Self.bare($0)) }
                if !past, let agreed = thirdPersonVerbs[bare], words[verb].lowercased().hasPrefix(bare) {
                    words[verb] = agreed + words[verb].dropFirst(bare.count)
                }
            }
            index += 1
        }
        return words
    }

    /// `PhraseList.haystack(words.map(bare).joined(separator: " "))`: for ASCII words (nearly all), each word's
    /// bare bytes (trimmed of marks, lower-cased) are written straight into one byte array, without building the
    /// bare words and the sentence.
    static func bareHaystack(_ words: [String]) -> [UInt8] {
        var haystack: [UInt8] = []
        haystack.reserveCapacity(words.reduce(0) { $0 + $1.utf8.count + 1 })
        for (index, word) in words.enumerated() {
            let written = word.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                for byte in bytes where byte >= 0x80 { return false }
                var start = 0
                var end = bytes.count
                while start < end, isMark(bytes[start]) { start += 1 }
                while start < end, isMark(bytes[end - 1]) { end -= 1 }
                if index > 0 { haystack.append(0x20) }
                for position in start..<end { haystack.append(LowercasedBytes.lowered(bytes[position])) }
                return true
            }
            if written != true { return PhraseList.haystack(words.map(bare).joined(separator: " ")) }
        }
        return haystack
    }

    /// The words of a sentence (split at spaces).
    static func words(_ text: String) -> [String] {
        spaceSeparated(text)
    }

    /// `words.joined(separator: " ")`, its bytes written into the new string's storage at once (the general
    /// `joined` appends word by word, checking each append).
    static func joined(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        let count = words.reduce(words.count - 1) { $0 + $1.utf8.count }
        return String(unsafeUninitializedCapacity: count) { buffer in
            var offset = 0
            for (index, word) in words.enumerated() {
                if index > 0 {
                    buffer[offset] = 0x20
                    offset += 1
                }
                offset = UnsafeMutableBufferPointer(rebasing: buffer[offset...]).initialize(from: word.utf8).1 + offset
            }
            return offset
        }
    }

    /// The sentence with its first letter in upper case.
    static func capitalized(_ text: String) -> String {
        // ASCII text (nearly all): only a lower-case first letter changes, written into the new string directly.
        let ascii: String?? = text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            for byte in bytes where byte >= 0x80 { return nil }
            guard let first = bytes.first, first >= 0x61, first <= 0x7A else { return text }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for offset in 0..<bytes.count { buffer[offset] = bytes[offset] }
                buffer[0] = first & 0xDF
                return bytes.count
            }
        }
        if let ascii = ascii ?? nil { return ascii }
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    static let examinationTriggers = PhraseList([
        "physical exam", "on exam", "your exam", "examination", "when i examine", "when i examined",
        "let me examine", "let me take a look", "i'm going to examine", "let's examine", "vital signs", "vitals",
        "on physical", "listen to your heart", "listen to your lungs", "listen to her", "listen to his",
        "listen to their", "take a listen", "quick listen", "take a look", "quick look", "heart and lungs",
        "let me listen", "let's listen", "listening to your",
    ])

    static let assessmentPlanTriggers = PhraseList([
        "assessment and plan", "my assessment", "my impression", "impression", "assessment", "my plan",
        "the plan", "plan is", "diagnosis", "so for your", "in terms of your", "for your", "let's talk about",
        "what i want to do", "i want to", "i'm going to prescribe", "we're going to", "i recommend",
        "i'm going to order", "i'll order", "we'll order", "i'm going to refer", "i'll refer", "we'll refer",
        "i'm going to start you", "i'll start you", "i'm going to switch", "i'll switch",
    ])

    /// A patient asking what the clinician makes of it (`so what do you think it is ?`): after the examination, the
    /// answer is the assessment.
    static let diagnosisQuestions = PhraseList([
        "what is it", "what's wrong", "what is wrong", "what do you think", "what's going on", "what is going on",
        "what's the diagnosis", "what is the diagnosis", "what's causing", "what is causing", "what did you find",
    ])

    /// Words that open a question when a transcript has no question marks.
    static let questionOpeners: Set<String> = [
        "what", "how", "when", "where", "why", "who", "which", "can", "could", "would", "do", "does", "did", "are",
        "have", "has", "any", "anything", "is", "were", "was", "should", "will", "shall",
    ]

    /// A question: it ends with `?`, or, unpunctuated, opens with a question word (`what is the dosage`).
    static func isQuestion(_ text: String, words: [String]) -> Bool {
        // A plan offered as a question (`why don't we get an x-ray?`) is said to be done.
        if let first = words.first, bare(first) == "why",
            ClinicalStyle.suggestionOpening(words.prefix(6).map(bare)) != nil
        {
            return false
        }
        if text.hasSuffix("?") { return true }
        guard var first = words.first else { return false }
        // A question word followed by an auxiliary asks, whatever the punctuation (`how has her weight been.`),
        // also after a greeting (`hi maria how are you`).
        var start = 0
        // After discourse words (`and are you able to ...`, `sorry have you ever ...`).
        while start + 2 < words.count, ClinicalStyle.leadingDiscourse.contains(first) {
            start += 1
            first = words[start]
        }
        if greetings.contains(first), words.count > start + 3 {
            start += questionPairs.contains([words[start + 1], words[start + 2]]) ? 1 : 2
            first = words[start]
        }
        if words.count > start + 1, questionPairs.contains([first, words[start + 1]]) { return true }
        // The scale set out before the question (`on a scale of 1 to 10 how severe is the pain`).
        if words[start...].starts(with: ["on", "a", "scale"]),
            let asks = words[start...].prefix(12).firstIndex(where: { $0 == "how" || $0 == "what" }),
            asks + 1 < words.count, questionPairs.contains([words[asks], words[asks + 1]])
                || ["severe", "bad"].contains(words[asks + 1])
        {
            return true
        }
        guard !text.hasSuffix(".") && !text.hasSuffix("!") else { return false }
        return questionOpeners.contains(first)
    }

    static let greetings: Set<String> = ["hi", "hello", "hey", "morning", "afternoon", "evening"]

    static let questionPairs: Set<[String]> = [
        ["how", "has"], ["how", "have"], ["how", "is"], ["how", "are"], ["how", "do"], ["how", "does"], ["how", "did"],
        ["how", "long"], ["how", "much"], ["how", "many"], ["how", "often"], ["how", "was"], ["what", "is"],
        ["what", "are"], ["what", "was"], ["what", "do"], ["what", "does"], ["what", "did"], ["do", "you"],
        ["did", "you"], ["are", "you"], ["have", "you"], ["is", "there"], ["are", "there"], ["can", "you"],
        ["could", "you"], ["would", "you"], ["when", "did"], ["where", "is"], ["where", "does"], ["does", "it"],
        ["is", "it"], ["any", "other"], ["does", "anything"], ["is", "anything"], ["has", "anything"],
        ["did", "anything"], ["do", "they"], ["did", "it"], ["have", "they"], ["are", "they"], ["was", "it"],
        ["were", "you"], ["what", "about"], ["how", "about"], ["has", "it"], ["have", "there"],
        // Contracted (`what's your favorite type of pie`, `how's your knee`).
        ["what's", "your"], ["what's", "going"], ["how's", "your"], ["how's", "the"], ["how's", "it"],
        ["how's", "that"], ["where's", "the"], ["where's", "your"],
    ]

    /// Conversation that is not about the patient's health (greetings, weather, travel, sport), and dictated
    /// identification (name, date of birth).
    static let smallTalk = PhraseList([
        "good morning", "good afternoon", "nice to meet", "nice to see you", "how are you doing", "how's it going",
        "have a seat", "come on in", "freezing", "the weather", "snow this", "so cold out", "so hot out", "rain ",
        "raining", "sunny", "traffic", "parking", "the game", "your team", "vacation", "the weekend", "this weekend",
        "holiday", "happy birthday", "thank you for coming", "thanks for coming", "see you later", "take care",
        "hey dragon", "hi there", "hello there", "how was your trip", "good to see you", "good to meet", "nice meeting",
        "show me the",
        // Dictated identification belongs to the record's header, not the note's findings.
        "date of birth", "next patient", "next is ", "medical record number",
        "show me your", "hi, i'm", "hi i'm", "hello, i'm", "hello i'm", "my name is", "how are you",
        // The visit's own logistics and commands to the recording assistant.
        "finalize the", "been a little while", "been a while", "come with me", "get you checked out",
        "nurse told you", "tell dax", "tell dragon", "about dax", "about dragon", "have a good day",
        "have a great day", "have a nice day", "thank you", "thanks so much", "thanks for", "since i've seen",
        "since i last saw", "since we've seen", "since we last saw", "since i saw", "so happy the", "nice to see",
        "exam template", "my template", "use my general", "excuse me", "i'm sorry", "my gosh", "oh my",
    ])

    /// The visit phase after a clinician's sentence.
    package static func phase(after haystack: [UInt8], current: NoteWriter.VisitPhase) -> NoteWriter.VisitPhase {
        if assessmentPlanTriggers.any(in: haystack) {
            let announcesAssessment = announcements.any(in: haystack)
            // During the examination a sentence about the examination ("for your vital signs ...") stays there, and
            // so does the review of results that follows it ("I want to look at some of your results").
            let continuesExamination =
                current == .examination && !announcesAssessment
                && (examinationTriggers.any(in: haystack) || resultReviewCues.any(in: haystack))
            if current != .history || announcesAssessment, !continuesExamination { return .assessmentPlan }
        }
        // After the examination, the clinician telling what they make of it (`so here's what's going on`, `i
        // think you have a sprain`) starts the assessment, whether or not they call it one.
        if current == .examination, haystack.last != UInt8(ascii: "?"), diagnosisOpenings.any(in: haystack) {
            return .assessmentPlan
        }
        if current == .history, examinationTriggers.any(in: haystack) {
            return .examination
        }
        // A summary dictated after the plan was discussed starts again at the examination.
        if current == .assessmentPlan, examinationAnnouncements.any(in: haystack), !isPlan(haystack) {
            return .examination
        }
        return current
    }

    static let announcements = PhraseList(["assessment", "impression", "plan"])
    /// How a clinician opens what they make of the findings, without calling it an assessment.
    static let diagnosisOpenings = PhraseList([
        "here's what's going on", "here is what's going on", "here is what is going on", "what's going on is",
        "what is going on is", "here's what i think", "here is what i think", "i think you have", "i think he has",
        "i think she has", "sounds like you have", "what you have is", "so what you have", "i think this is",
        "my impression", "this is most likely", "most likely you have", "to sum up", "to sum it up", "in summary",
        // A well visit summed up (`so this is a healthy twelve month old`).
        "this is a healthy", "he is a healthy", "she is a healthy", "he's a healthy", "she's a healthy",
        "to summarize", "to recap", "putting it all together", "put it all together",
    ])
    /// Words of a review of results already in hand (not an order for a new study).
    static let resultReviewCues = PhraseList([
        "your results", "the results", "results of", "show me", "look at your", "looking at your", "looking at the",
        "look at the", "review your", "reviewed your", "went over your",
    ])
    static let examinationAnnouncements = PhraseList([
        "physical exam", "physical examination", "on exam", "exam shows", "exam reveals", "exam findings",
    ])

    static let planCues = PhraseList([
        "plan", "will ", "going to", "prescrib", "follow up", "follow-up", "followup", "refer", "order", "schedule",
        "recommend", "continue", "start", "increase", "decrease", "return", "discontinue", "advised", "counsel",
        "we'll", "i'll", "let's", "instruct", "check", "repeat", "take ", "recheck", "keep doing", "adding",
        "home exercise", "sets of", "times a week", "per week",
        "ice for", "referral", "prescription",
        // Vaccines due or given, and the next visit, in the assessment and plan.
        "due for", "vaccin", "immuniz", "next visit",
    ])

    /// Whether an assessment-and-plan sentence reads as plan rather than assessment.
    static func isPlan(_ haystack: [UInt8]) -> Bool {
        planCues.any(in: haystack)
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        func byCharacters() -> String {
            var view = Substring(self)
            while let first = view.first, set.contains(first) { view.removeFirst() }
            while let last = view.last, set.contains(last) { view.removeLast() }
            return String(view)
        }
        // Most words have nothing to trim: answered without building anything.
        guard let firstByte = utf8.first, let lastByte = utf8.last else { return self }
        if !set.utf8.contains(firstByte) && !set.utf8.contains(lastByte) && firstByte < 0x80 && lastByte < 0x80 {
            return self
        }
        let setBytes = Array(set.utf8)
        guard setBytes.allSatisfy({ $0 < 0x80 }) else { return byCharacters() }
        // ASCII marks never occur inside a multi-byte UTF-8 sequence, so trimming bytes trims characters,
        // unless a non-ASCII scalar (which may combine with a mark) borders what was trimmed.
        let bytes = utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, setBytes.contains(bytes[start]) { start = bytes.index(after: start) }
        while start < end, setBytes.contains(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        if start > bytes.startIndex, start < bytes.endIndex, bytes[start] >= 0x80 { return byCharacters() }
        if end < bytes.endIndex, bytes[end] >= 0x80 { return byCharacters() }
        if start == bytes.startIndex, end == bytes.endIndex { return self }
        return String(self[start..<end])
    }
}

/// The words a note uses for the patient: `the patient`/`their`, `she`/`her`, `he`/`his`, or a reporter such
/// as `the owner` when someone speaks for the patient.
struct Pronouns: Hashable, Sendable {
    var subject: String
    var possessive: String
    var object: String
    var reflexive: String

    static let neutral = Pronouns(subject: "the patient", possessive: "their", object: "them", reflexive: "themselves")
    static let female = Pronouns(subject: "she", possessive: "her", object: "her", reflexive: "herself")
    static let male = Pronouns(subject: "he", possessive: "his", object: "him", reflexive: "himself")

    /// The patient's own words reported by someone else (`the owner`, `the client`).
    static func reporter(_ name: String) -> Pronouns {
        Pronouns(subject: name, possessive: "their", object: "them", reflexive: "themselves")
    }

    /// The text with its pronoun markers replaced (keeping punctuation after a marker).
    func render(_ words: [String]) -> [String] {
        words.map { word -> String in
            // The marker is the byte 01: a word starting with another byte skips `hasPrefix`.
            guard word.utf8.first == 0x01, word.hasPrefix(Self.marker), word.count >= 2 else { return word }
            let rest = word.dropFirst(2)
            switch word.dropFirst().first {
            case "S": return subject + rest
            case "P": return possessive + rest
            case "O": return object + rest
            case "R": return reflexive + rest
            default: return word
            }
        }
    }

    /// Markers start with U+0001, which a transcript cannot hold (control characters are refused).
    static let marker = "\u{1}"
    static let subjectMarker = marker + "S"
}
