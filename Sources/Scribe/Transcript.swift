/// An encounter transcript read into speaker turns and sentences, every piece located by Unicode-scalar
/// offsets into the original text (the offsets a note's evidence uses).
///
/// Two forms are detected automatically: a dialogue (speaker turns labelled `[doctor]`, `Doctor:`, `DR:`,
/// `PT:`, `Clinician:`, or names followed by a colon) and a dictation (a clinician's narrative).
public struct Transcript: Sendable {
    /// Size limits for a transcript.
    public struct Limits: Hashable, Sendable {
        /// The fewest characters (Unicode scalars) a transcript may have.
        public var minimumCharacters: Int
        /// The most characters a transcript may have.
        public var maximumCharacters: Int

        /// Creates limits; the defaults are 50 and 100,000.
        public init(minimumCharacters: Int = 50, maximumCharacters: Int = 100_000) {
            self.minimumCharacters = minimumCharacters
            self.maximumCharacters = maximumCharacters
        }

        /// 50 to 100,000 characters.
        public static let `default` = Limits()
    }

    /// The two forms of transcript.
    public enum Kind: String, Hashable, Sendable {
        /// Speaker turns.
        case dialogue
        /// A clinician's narrative.
        case dictation
    }

    /// One speaker turn.
    public struct Turn: Hashable, Sendable {
        /// Who spoke.
        public var speaker: Speaker
        /// The label as written (`doctor`, `Dr. Lee`), empty for a dictation.
        public var label: String
        /// The scalar offsets of what was said, without the label.
        public var range: Range<Int>
    }

    /// One sentence of a turn.
    public struct Sentence: Hashable, Sendable {
        /// The scalar offsets of the sentence, trimmed of white space.
        public var range: Range<Int>
        /// The index of its turn in `turns`.
        public var turn: Int
        /// Who said it.
        public var speaker: Speaker
        /// The sentence's text.
        public var text: String
    }

    /// The transcript as given.
    public let text: String
    /// Dialogue or dictation.
    public let kind: Kind
    /// The turns in order (one narrator turn for a dictation).
    public let turns: [Turn]
    /// The sentences in order.
    public let sentences: [Sentence]
    /// The clinician and patient labels were swapped (a speech-recognition artefact) and have been put
    /// right: the labelled patient addressed the other as `you` far more than the labelled clinician did.
    public let speakersSwapped: Bool
    /// A dialogue from speech recognition without sentence punctuation, whose sentences were found by
    /// discourse cues (`okay`, `so let's`, a question's opening words).
    public let isUnpunctuated: Bool
    let scalars: [Unicode.Scalar]

    /// Reads a transcript.
    ///
    /// - Throws: `TranscriptError` for empty, too short, too long or non-text input, or input without a letter.
    public init(_ text: String, limits: Limits = .default) throws(TranscriptError) {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { !$0.isSpace }) else {
            throw TranscriptError(.empty, "is empty; send the encounter's transcript")
        }
        guard scalars.count >= limits.minimumCharacters else {
            throw TranscriptError(
                .tooShort, "is too short (\(scalars.count) characters; at least \(limits.minimumCharacters) are needed)"
            )
        }
        guard scalars.count <= limits.maximumCharacters else {
            throw TranscriptError(
                .tooLong, "is too long (\(scalars.count) characters; at most \(limits.maximumCharacters) are accepted)")
        }
        if let bad = scalars.firstIndex(where: Self.isDisallowedControl) {
            throw TranscriptError(.notText, "holds a control character at offset \(bad); send plain text")
        }
        guard scalars.contains(where: \.properties.isAlphabetic) else {
            throw TranscriptError(
                .noWords, "holds no words (only punctuation, symbols, digits or emoji); send the encounter's transcript"
            )
        }
        self.text = text
        self.scalars = scalars
        let lines = Self.lines(scalars)
        let labelled = lines.map { Self.speakerLabel(in: $0, scalars: scalars) }
        let known = labelled.compactMap { $0 }.filter { Speaker(label: $0.label) != nil }
        let nonEmptyLines = lines.filter { line in line.contains { !scalars[$0].isSpace } }.count
        let named = Self.nameLabels(labelled.compactMap { $0 }, nonEmptyLines: nonEmptyLines)
        if known.count >= 2 || named.count >= 2 {
            kind = .dialogue
            let labelledTurns = Self.dialogueTurns(lines: lines, labels: labelled, names: named, scalars: scalars)
            speakersSwapped = Self.labelsSwapped(labelledTurns, scalars: scalars)
            turns = speakersSwapped ? labelledTurns.map(Self.swapped) : labelledTurns
        } else {
            speakersSwapped = false
            kind = .dictation
            let start = scalars.firstIndex { !$0.isSpace } ?? 0
            let end = (scalars.lastIndex { !$0.isSpace } ?? (scalars.count - 1)) + 1
            turns = [Turn(speaker: .narrator, label: "", range: start..<end)]
        }
        isUnpunctuated = kind == .dialogue && Self.isUnpunctuated(scalars)
        var sentences: [Sentence] = []
        for (index, turn) in turns.enumerated() {
            for range in Self.sentenceRanges(in: turn.range, scalars: scalars) {
                guard isUnpunctuated else {
                    sentences.append(
                        Sentence(range: range, turn: index, speaker: turn.speaker, text: Self.string(scalars[range])))
                    continue
                }
                for segment in Self.segments(of: range, scalars: scalars) {
                    var speaker = turn.speaker
                    if segment.answersQuestion && turn.speaker == .clinician { speaker = .patient }
                    if segment.asksListener && turn.speaker == .patient { speaker = .clinician }
                    sentences.append(
                        Sentence(
                            range: segment.range, turn: index, speaker: speaker,
                            text: Self.string(scalars[segment.range])))
                }
            }
        }
        self.sentences =
            kind == .dialogue ? Self.joiningInterrupted(sentences, turns: turns, scalars: scalars) : sentences
    }

    /// How many characters (Unicode scalars) the transcript has: what its ``Limits`` were checked against.
    public var characterCount: Int { scalars.count }

    /// The text at scalar offsets.
    public func text(in range: Range<Int>) -> String {
        let clamped = range.clamped(to: 0..<scalars.count)
        return Self.string(scalars[clamped])
    }

    /// The index of the first sentence that ends after `offset` (binary search; `sentences.count` when none):
    /// the sentence holding the offset when one does, else the next one.
    func sentenceIndex(endingAfter offset: Int) -> Int {
        var low = 0
        var high = sentences.count
        while low < high {
            let middle = (low + high) / 2
            if sentences[middle].range.upperBound <= offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The index of the sentence holding a scalar offset, if one does.
    func sentenceIndex(at offset: Int) -> Int? {
        let index = sentenceIndex(endingAfter: offset)
        return index < sentences.count && sentences[index].range.contains(offset) ? index : nil
    }

    /// The number of Unicode scalars in the transcript.
    public var scalarCount: Int { scalars.count }

    // MARK: - Reading

    /// The text of a run of scalars (encoded to UTF-8 in one buffer: appending scalars to a
    /// `String.UnicodeScalarView` one by one is several times slower).
    static func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        // Measured first, then written straight into the string's storage: no intermediate byte array.
        var length = 0
        for scalar in slice { length += UTF8.width(scalar) }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var count = 0
            for scalar in slice {
                if scalar.value < 0x80 {
                    buffer[count] = UInt8(scalar.value)
                    count += 1
                } else {
                    UTF8.encode(scalar) { byte in
                        buffer[count] = byte
                        count += 1
                    }
                }
            }
            return count
        }
    }

    static func isDisallowedControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F: return true
        default: return false
        }
    }

    /// Line ranges (without the line break).
    static func lines(_ scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for (index, scalar) in scalars.enumerated() where scalar == "\n" || scalar == "\r" {
            lines.append(start..<index)
            start = index + 1
        }
        lines.append(start..<scalars.count)
        return lines
    }

    /// A speaker label at the start of a line: its text and where the spoken content starts.
    struct LineLabel {
        var label: String
        var contentStart: Int
    }

    static func speakerLabel(in line: Range<Int>, scalars: [Unicode.Scalar]) -> LineLabel? {
        var position = line.lowerBound
        while position < line.upperBound, scalars[position] == " " || scalars[position] == "\t" { position += 1 }
        guard position < line.upperBound else { return nil }
        if scalars[position] == "[" {
            guard let close = scalars[position..<line.upperBound].firstIndex(of: "]"), close - position <= 32 else {
                return nil
            }
            let label = string(scalars[(position + 1)..<close]).trimmingCharacters(in: " ")
            guard !label.isEmpty, label.unicodeScalars.allSatisfy({ $0.isLetter || " _-.".unicodeScalars.contains($0) })
            else { return nil }
            return LineLabel(label: label, contentStart: close + 1)
        }
        // `Label:` — one to three words of letters (and `_ . -`), at most 24 characters.
        var end = position
        while end < line.upperBound, end - position <= 24,
            scalars[end].isLetter || " _-.".unicodeScalars.contains(scalars[end])
        {
            end += 1
        }
        guard end < line.upperBound, scalars[end] == ":", end > position else { return nil }
        let label = string(scalars[position..<end]).trimmingCharacters(in: " ")
        guard !label.isEmpty, label.split(separator: " ").count <= 3, scalars[position].isLetter else {
            return nil
        }
        return LineLabel(label: label, contentStart: end + 1)
    }

    /// Labels that look like people's names (`Maria:`), used when at least two such speakers each speak at
    /// least twice and labelled lines are at least half the transcript's lines; all-capital labels and
    /// section or body-system words (`HEENT:`, `Plan:`, `Rectal:`) are not names.
    static func nameLabels(_ labels: [LineLabel], nonEmptyLines: Int) -> Set<String> {
        var counts: [String: Int] = [:]
        for line in labels where Speaker(label: line.label) == nil {
            let label = line.label
            guard let first = label.unicodeScalars.first, first.properties.isUppercase,
                label.unicodeScalars.contains(where: { $0.properties.isLowercase }),
                !sectionWords.contains(label.lowercased())
            else { continue }
            counts[label, default: 0] += 1
        }
        let speakers = counts.filter { $0.value >= 2 }
        let labelledLines = speakers.values.reduce(0, +)
        return speakers.count >= 2 && labelledLines * 2 >= nonEmptyLines ? Set(speakers.keys) : []
    }

    static let sectionWords: Set<String> = [
        "assessment", "plan", "impression", "diagnosis", "diagnoses", "exam", "examination", "physical exam",
        "history", "subjective", "objective", "medications", "allergies", "vitals", "vital signs", "labs",
        "results", "chief complaint", "review of systems", "recommendations", "disposition", "followup",
        "follow up", "follow-up", "procedure", "findings", "note", "comment", "comments", "general", "skin",
        "neck", "lungs", "heart", "abdomen", "extremities", "neurologic", "neuro", "psychiatric", "eyes", "ears",
        "nose", "throat", "mouth", "cardiovascular", "respiratory", "musculoskeletal", "back", "chest",
        "diagnostic studies", "imaging", "social history", "family history", "past medical history", "reason",
        "gi", "gu", "locomotor", "integumentary", "neuropsychiatric", "pelvic", "rectal", "genitourinary",
        "gastrointestinal", "lymphatic", "hematologic", "endocrine", "constitutional", "breast", "breasts",
        "genitalia", "head", "face", "oropharynx", "pulses", "spine", "joints", "mental status", "psych",
        "impression and plan", "assessment and plan", "history of present illness", "past surgical history",
        "operations", "operation", "indications", "technique", "description", "anesthesia", "complications",
        "reason for visit", "hpi", "ros", "pmh", "cc", "a/p", "s", "o", "a", "p", "data", "education", "goals",
    ]

    static func dialogueTurns(
        lines: [Range<Int>], labels: [LineLabel?], names: Set<String>, scalars: [Unicode.Scalar]
    ) -> [Turn] {
        var turns: [Turn] = []
        var nameQuestions: [String: Int] = [:]
        for (line, label) in zip(lines, labels) {
            if let label, Speaker(label: label.label) != nil || names.contains(label.label) {
                let speaker = Speaker(label: label.label) ?? .companion
                turns.append(Turn(speaker: speaker, label: label.label, range: label.contentStart..<line.upperBound))
                if names.contains(label.label) {
                    nameQuestions[label.label, default: 0] += scalars[line].filter { $0 == "?" }.count
                }
            } else if let last = turns.indices.last {
                // An unlabelled line continues the turn before it.
                turns[last].range = turns[last].range.lowerBound..<line.upperBound
            } else if line.contains(where: { !scalars[$0].isSpace }) {
                turns.append(Turn(speaker: .companion, label: "", range: line))
            }
        }
        // With no patient label, the non-clinician who speaks most is the patient's voice (a parent, a guest).
        if !turns.contains(where: { $0.speaker == .patient }) {
            var counts: [String: Int] = [:]
            for turn in turns where turn.speaker == .companion { counts[turn.label, default: 0] += 1 }
            if let voice = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key {
                for index in turns.indices where turns[index].label == voice { turns[index].speaker = .patient }
            }
        }
        // Named speakers: the one who asks most questions is the clinician, the next the patient.
        let ranked = nameQuestions.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        if let clinician = ranked.first {
            let patient = ranked.dropFirst().first
            for index in turns.indices where names.contains(turns[index].label) {
                let label = turns[index].label
                turns[index].speaker = label == clinician ? .clinician : (label == patient ? .patient : .companion)
            }
        }
        return turns.map { turn in
            var trimmed = turn
            trimmed.range = trim(turn.range, scalars: scalars)
            return trimmed
        }
    }

    static func trim(_ range: Range<Int>, scalars: [Unicode.Scalar]) -> Range<Int> {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, scalars[start].isSpace { start += 1 }
        while end > start, scalars[end - 1].isSpace { end -= 1 }
        return start..<end
    }

    static let abbreviations: Set<String> = [
        "dr", "mr", "mrs", "ms", "st", "vs", "etc", "e.g", "i.e", "approx", "no", "fig", "jr", "sr", "pt", "dx",
        "hx", "rx", "tx", "sx", "q", "p.o", "b.i.d", "t.i.d", "q.i.d", "q.d", "p.r.n", "a.m", "p.m", "mg", "ml",
    ]

    /// Sentence ranges inside a turn: split after `.`, `?`, `!` (and `;` in long runs) followed by white
    /// space, and at line breaks; abbreviations and decimals do not end a sentence.
    static func sentenceRanges(in range: Range<Int>, scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = range.lowerBound
        var position = range.lowerBound
        func emit(_ end: Int) {
            let trimmed = trim(start..<end, scalars: scalars)
            if trimmed.contains(where: { scalars[$0].isLetter || scalars[$0].isNumeral }) {
                ranges.append(trimmed)
            }
        }
        while position < range.upperBound {
            let scalar = scalars[position]
            if scalar == "\n" || scalar == "\r" {
                emit(position)
                start = position + 1
            } else if scalar == "." || scalar == "?" || scalar == "!" {
                let next = position + 1
                let atBoundary = next >= range.upperBound || scalars[next].isSpace
                if atBoundary,
                    scalar != "."
                        || !endsWithAbbreviation(scalars, wordEnd: position, from: start)
                            && !isSpokenDecimal(scalars, point: position, in: range)
                            && !isRestartEllipsis(scalars, point: position, from: start, to: range.upperBound)
                {
                    emit(next)
                    start = next
                }
            }
            position += 1
        }
        emit(range.upperBound)
        return ranges
    }

    /// A decimal point speech recognition wrote apart (`a . five centimeter stone`, `four . four centimeter`):
    /// a number (or `a`, `point`) before, a number after, and a unit within the next two words.
    static func isSpokenDecimal(_ scalars: [Unicode.Scalar], point: Int, in range: Range<Int>) -> Bool {
        guard point > range.lowerBound, scalars[point - 1] == " " else { return false }
        func word(from start: Int) -> (text: String, end: Int)? {
            var begin = start
            while begin < range.upperBound, scalars[begin] == " " { begin += 1 }
            var end = begin
            while end < range.upperBound, !scalars[end].isSpace { end += 1 }
            return end > begin ? (string(scalars[begin..<end]).lowercased(), end) : nil
        }
        var beforeEnd = point - 1
        while beforeEnd > range.lowerBound, scalars[beforeEnd - 1] == " " { beforeEnd -= 1 }
        var beforeStart = beforeEnd
        while beforeStart > range.lowerBound, !scalars[beforeStart - 1].isSpace { beforeStart -= 1 }
        let before = string(scalars[beforeStart..<beforeEnd]).lowercased()
        guard before == "a" || before == "point" || isNumber(before), let after = word(from: point + 1),
            isNumber(after.text)
        else { return false }
        var cursor = after.end
        for _ in 0..<2 {
            guard let next = word(from: cursor) else { break }
            if decimalUnits.contains(next.text) { return true }
            cursor = next.end
        }
        // A number and one digit after the point (`seven . three`, `twelve . five of aldactone`): speech
        // recognition writes a point between spoken numbers for a decimal, not for the end of a sentence.
        if isNumber(before), SpokenNumber.units[after.text].map({ $0 < 10 }) ?? (after.text.unicodeScalars.count == 1),
            !(word(from: after.end).map { SpokenNumber.timeUnits.contains($0.text) } ?? false)
        {
            return true
        }
        // A reading named just before (`a normal temperature at ninety eight . four which is ...`).
        guard isNumber(before), !decimalUnits.contains(after.text) else { return false }
        var wordEnd = beforeStart
        for _ in 0..<6 {
            while wordEnd > range.lowerBound, scalars[wordEnd - 1].isSpace { wordEnd -= 1 }
            var wordStart = wordEnd
            while wordStart > range.lowerBound, !scalars[wordStart - 1].isSpace { wordStart -= 1 }
            guard wordStart < wordEnd else { return false }
            let word = string(scalars[wordStart..<wordEnd]).lowercased()
            if word == "." || word == "?" { return false }
            if decimalReadings.contains(word) { return true }
            wordEnd = wordStart
        }
        return false
    }

    /// Readings said with a decimal (`temperature ninety eight . four`, `a1c of seven . two`).
    static let decimalReadings: Set<String> = [
        "temperature", "temp", "a1c", "hemoglobin", "creatinine", "potassium", "sodium", "weight", "weighs", "bmi",
        "inr", "tsh", "magnesium", "calcium", "glucose", "bilirubin", "albumin", "psa", "ferritin",
    ]

    static func isNumber(_ word: String) -> Bool {
        word.unicodeScalars.allSatisfy { $0.isNumeral } && !word.isEmpty || SpokenNumber.words.contains(word)
            || word == "hundred"
    }

    static let decimalUnits: Set<String> = [
        "centimeter", "centimeters", "cm", "millimeter", "millimeters", "mm", "milligram", "milligrams", "mg",
        "percent", "liter", "liters", "gram", "grams", "kilogram", "kilograms", "inch", "inches", "degrees",
    ]

    static func endsWithAbbreviation(_ scalars: [Unicode.Scalar], wordEnd: Int, from start: Int) -> Bool {
        var wordStart = wordEnd
        while wordStart > start, !scalars[wordStart - 1].isSpace { wordStart -= 1 }
        let word = string(scalars[wordStart..<wordEnd]).lowercased()
        if word.isEmpty { return false }
        if abbreviations.contains(word) { return true }
        // A list number at the start of a sentence (`1. Hypertension.`) ends nothing.
        if wordStart == start || scalars[start..<wordStart].allSatisfy({ $0.isSpace }),
            word.unicodeScalars.count <= 2, word.unicodeScalars.allSatisfy({ $0.isNumeral })
        {
            return true
        }
        // A single letter (an initial, "A.") ends no sentence.
        return word.unicodeScalars.count == 1 && word.unicodeScalars.allSatisfy { $0.isLetter }
    }
}
