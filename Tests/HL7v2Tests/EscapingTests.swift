import HL7v2
import Testing

@Suite("Escape sequences")
struct EscapingTests {
    static let cases: [(raw: String, decoded: String)] = [
        ("plain", "plain"),
        ("a\\F\\b", "a|b"),
        ("a\\S\\b\\T\\c\\R\\d\\E\\e", "a^b&c~d\\e"),
        ("line\\.br\\next", "line\nnext"),
        ("\\X41\\\\X42\\", "AB"),
        ("\\X4142\\", "AB"),
        ("\\XC3A9\\", "é"),
        ("\\H\\bold\\N\\", "\\H\\bold\\N\\"),
        ("\\C2842\\x\\C2D41\\", "\\C2842\\x\\C2D41\\"),
        ("\\M244A42\\", "\\M244A42\\"),
        ("\\Zlocal\\", "\\Zlocal\\"),
        ("\\.sp2\\", "\\.sp2\\"),
        // Unterminated and malformed sequences are kept literally, never dropped.
        ("tail\\F", "tail\\F"),
        ("\\", "\\"),
        ("\\X4\\", "\\X4\\"),
        ("\\XZZ\\", "\\XZZ\\"),
        ("\\Q\\", "\\Q\\"),
        ("C:\\dir\\file", "C:\\dir\\file"),
        ("\\\\", "\\\\"),
    ]

    @Test("decoding", arguments: cases)
    func decode(raw: String, decoded: String) {
        let value = HL7Escaping.decode(Array(raw.utf8), delimiters: .standard, characterSet: .utf8)
        #expect(value == decoded)
    }

    @Test("encoding then decoding returns the text", arguments: [
        "a|b^c&d~e\\f", "two\nlines", "carriage\rreturn", "\\H\\kept\\N\\", "é and ü", "", "\\X41\\",
    ])
    func roundTrip(text: String) {
        let encoded = HL7Escaping.encode(text, delimiters: .standard)
        #expect(!encoded.contains(UInt8(ascii: "|")))
        #expect(!encoded.contains(0x0D))
        #expect(!encoded.contains(0x0A))
        let decoded = HL7Escaping.decode(encoded, delimiters: .standard, characterSet: .utf8)
        #expect(decoded == text)
    }

    @Test("encoding writes the standard sequences")
    func encodeSequences() {
        let encoded = String(decoding: HL7Escaping.encode("a|b^c&d~e\\f\ng", delimiters: .standard), as: UTF8.self)
        #expect(encoded == "a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\.br\\g")
    }

    @Test("escapes follow non-standard delimiters")
    func customDelimiters() throws {
        let message = try HL7Message(parsing: "MSH#$*!@#A#B\rNTE#1#x!F!y!S!z$second\r")
        #expect(message.delimiters.field == UInt8(ascii: "#"))
        #expect(message.delimiters.escape == UInt8(ascii: "!"))
        #expect(message["NTE-2"] == "x#y$z")
        #expect(message["NTE-2.2"] == "second")
        #expect(message.segment("NTE")?.field(2)?.repetitionCount == 1)
    }
}
