import EncounterModel
import Foundation
import Testing

@testable import Mapping

/// The byte-level fast paths of the delivery and intake paths give what the character-level code they replace gives.
@Suite("ASCII fast paths: the same answers as the character-level code")
struct ASCIIFastPathTests {
    static let texts: [String] = [
        "", " ", "\n", "one", "  two words  ", "a\nb", "a\r\nb", "a\r\n\r\nb", "\r\n", "a\rb\u{B}c\u{C}d",
        "tab\tseparated\twords", "  indented line\n\tand a tabbed one\t\n\n trailing   ", "control\u{1}\u{1F}chars",
        "Doctor: What brings you in today?\nPatient: My left knee hurts.", "caf\u{E9} cr\u{E8}me", "a\u{A0}b",
        "a\u{2028}b\u{2029}c\u{85}d", "e\u{301} combining", " \u{301}after a space", "\n\u{301}after a newline",
        "emoji 😀 here", "a\u{3000}b", "line \u{2003}\n\u{2003}indented by an em space",
    ]

    @Test("A stored note's lines: split at line breaks, spaces and tabs trimmed, empty lines left out")
    func lines() {
        for text in Self.texts {
            let expected = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            #expect(NoteRecord.lines(of: text) == expected, "\(text.debugDescription)")
        }
    }

    @Test("A transcript's words and characters are counted as Character and isWhitespace count them")
    func counts() {
        for text in Self.texts {
            #expect(
                HL7EncounterReader.wordCount(text) == text.split(whereSeparator: { $0.isWhitespace }).count,
                "\(text.debugDescription)")
            #expect(HL7EncounterReader.characterCount(text) == text.count, "\(text.debugDescription)")
        }
    }

    @Test("Base64 of every length and byte value is Foundation's")
    func base64() {
        var bytes: [UInt8] = []
        for length in 0..<70 {
            #expect(Base64.encode(bytes) == Data(bytes).base64EncodedString(), "length \(length)")
            bytes.append(UInt8(truncatingIfNeeded: length &* 37 &+ 11))
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Base64.encode(all) == Data(all).base64EncodedString())
    }
}
