import Testing

@testable import Scribe

/// The note engine's byte-level fast paths give what the general string operations they stand in for give, for
/// ASCII text and for the text outside ASCII that the fast paths hand back to the general way (the Kelvin sign
/// and `İ` lower-case to ASCII letters, so text with them must not be read byte by byte).
@Suite("Note engine fast paths")
struct FastPathTests {
    static let texts = [
        "BP 120/80, HR 72.", "She has a history of DIABETES; it's well controlled!", "", "  42-year-old  ",
        "Ünïcode — end", "\u{212A}elvin sign", "İstanbul trip", "naïve café, RÉSUMÉ", "a\u{301}ccent",
    ]

    @Test("ASCII lower-cased on its bytes matches lowercased()", arguments: texts)
    func lowercasedBytes(text: String) {
        let general = Array(text.lowercased().utf8)
        if let bytes = LowercasedBytes.ascii(text) {
            #expect(bytes == general)
            #expect(text.utf8.allSatisfy { $0 < 0x80 })
        } else {
            #expect(text.utf8.contains { $0 >= 0x80 })
        }
        #expect(PhraseList.haystack(text) == general)
        #expect(SectionModel.tokens(text) == SectionModel.tokens(lowercasedUTF8: text.lowercased().utf8))
        #expect(SectionModel.tokenCount(text) == SectionModel.tokens(text).count)
    }

    @Test("the Kelvin sign is lower-cased the general way, to k")
    func kelvin() {
        #expect(SectionModel.tokens("\u{212A}ELVIN") == ["kelvin"])
        #expect(LowercasedBytes.ascii("\u{212A}ELVIN") == nil)
    }

    @Test("bare words' haystack matches the bare words joined and lower-cased", arguments: texts)
    func bareHaystack(text: String) {
        let words = Phrasing.spaceSeparated(text) + ["", "...", "Yes,"]
        #expect(Phrasing.bareHaystack(words) == PhraseList.haystack(words.map(Phrasing.bare).joined(separator: " ")))
    }

    @Test("capitalized matches upper-casing the first character", arguments: texts + ["hello there", "x", "1 tab"])
    func capitalized(text: String) {
        let general = text.first.map { $0.uppercased() + text.dropFirst() } ?? text
        #expect(Phrasing.capitalized(text) == general)
    }

    @Test("a sentence's word test matches the set of its words")
    func sentenceWords() {
        let words: Set<String> = ["er", "home", "today"]
        for text in ["Seen in the ER's waiting room.", "At HOME it was high", "Fine.", "Tödäy at hôme", "er"] {
            let sentence = Transcript.Sentence(range: 0..<text.count, turn: 0, speaker: .clinician, text: text)
            let general = !Set(text.lowercased().split { !$0.isLetter }.map(String.init)).isDisjoint(with: words)
            #expect(sentence.hasWord(in: words) == general, "\(text)")
        }
    }

    @Test("a word's first byte rules it out only when no listed word opens with it")
    func wordInitials() {
        let initials = WordInitials(["tooth", "molar", "#"])
        #expect(initials.mayOpen("tooth") && initials.mayOpen("teeth") && initials.mayOpen("#14"))
        #expect(!initials.mayOpen("knee") && !initials.mayOpen(""))
        #expect(WordInitials(["", "a"]).mayOpen(""))
    }

    @Test(
        "speaker labels name their roles",
        arguments: [
            ("[doctor]", Speaker.clinician), ("DR", .clinician), ("Patient", .patient), ("Guest_family", .companion),
            ("guest_clinician", .clinician), ("Nurse Practitioner", .clinician), ("interviewee", .patient),
        ])
    func speakerLabels(label: String, role: Speaker) {
        #expect(Speaker(label: label) == role)
    }

    @Test("a label that names no role is none")
    func speakerNames() {
        #expect(Speaker(label: "Maria") == nil)
        #expect(Speaker(label: "") == nil)
    }

    @Test(
        "substring and number tests on bytes match the character functions",
        arguments: texts + ["a\r\nb", "5\u{301} mg"])
    func substringTests(text: String) {
        for pattern in ["", "a", "e", "\r", "\n", "\r\n", "she has", "DIABETES", "café", "cafe", "end", "k", " "] {
            #expect(text.containsText(pattern) == text.contains(pattern), "\(text) / \(pattern)")
        }
        #expect(text.containsNumber == text.contains(where: \.isNumber))
    }

    @Test("words joined on bytes match joined(separator:)", arguments: texts)
    func joinedWords(text: String) {
        let words = Phrasing.spaceSeparated(text)
        for list in [words, words + [""], [""] + words, ["", ""], [], [text]] {
            #expect(Phrasing.joined(list) == list.joined(separator: " "))
            #expect(Array(Phrasing.joined(list).utf8) == Array(list.joined(separator: " ").utf8))
        }
    }

    @Test("a word table answers as its dictionary does, for words outside ASCII too")
    func wordTable() {
        let dictionary = ["k": 1, "kelvin": 2, "a": 3, "a1c": 4, "": 5, "mm-hmm": 6]
        let table = WordTable(dictionary)
        let queries = [
            "k", "\u{212A}", "\u{212A}elvin", "kelvin", "a", "b", "", "a1c", "A1C", "mm-hmm", "é", "kelvins",
        ]
        for word in queries { #expect(table[word] == dictionary[word], "\(word)") }
        // A key outside ASCII: canonically equivalent spellings find it, as in the dictionary.
        let accented = ["café": 1, "naïve": 2]
        let accentedTable = WordTable(accented)
        for word in ["café", "cafe\u{301}", "cafe", "naïve", "nai\u{308}ve", "x"] {
            #expect(accentedTable[word] == accented[word], "\(word)")
        }
        #expect(WordTable([String: Int]())["x"] == nil)
    }

    @Test("a phrase list finds what a plain substring search finds", arguments: texts + ["x", "tab", "i am here"])
    func phraseList(text: String) {
        let phrases = ["a", "am", "ta", "he", "t", "diabetes", "it's", "80,", " ", "q1", "é", "ün"]
        let haystack = PhraseList.haystack(text)
        let present = phrases.filter { phrase in
            let needle = Array(phrase.utf8)
            guard needle.count <= haystack.count else { return false }
            return (0...(haystack.count - needle.count)).contains {
                Array(haystack[$0..<($0 + needle.count)]) == needle
            }
        }
        for list in [phrases, phrases.filter { $0.utf8.count > 1 }, ["zz", "q1"]] {
            let expected = present.filter(list.contains)
            #expect(PhraseList(list).count(in: haystack) == expected.count, "\(text)")
            #expect(PhraseList(list).any(in: haystack) == !expected.isEmpty, "\(text)")
        }
    }

    @Test("an ASCII token lower-cased on its scalars matches lowercased()", arguments: texts)
    func tokenText(text: String) {
        let scalars = Array(text.unicodeScalars)
        if let lowered = Token.lowercasedASCII(scalars[...]) {
            #expect(lowered == text.lowercased())
        } else {
            #expect(text.unicodeScalars.contains { $0.value >= 0x80 })
        }
    }
}
