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

    @Test(
        "encoding then decoding returns the text",
        arguments: [
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

    /// Found by the `hl7v2` fuzz target (Benchmarks/RESULTS.md): malformed escapes (`\ mmol/L *\.br\ ...`) decode
    /// to text holding `\.br\` literally, which encoding wrote back as the formatting command, so that the text
    /// came back with a line break in its place.
    @Test("text holding \\.br\\ literally is escaped, so it decodes to itself")
    func literalLineBreakCommand() {
        let delimiters = HL7Delimiters.standard
        let raw = Array(#"pH 7.28 (N\ mmol/L *\.br\ Hb 13.9\.br\end"#.utf8)
        let text = HL7Escaping.decode(raw, delimiters: delimiters, characterSet: .utf8)
        #expect(text.contains(#"\.br\"#))
        let encoded = HL7Escaping.encode(text, delimiters: delimiters)
        #expect(HL7Escaping.decode(encoded, delimiters: delimiters, characterSet: .utf8) == text)
        #expect(HL7Escaping.encode(#"a\.br\b"#, delimiters: delimiters) == Array(#"a\E\.br\E\b"#.utf8))
        #expect(HL7Escaping.encode(#"a\.br2\b \H\"#, delimiters: delimiters) == Array(#"a\.br2\b \H\"#.utf8))
    }

    /// Found by the `hl7v2` fuzz target (Benchmarks/RESULTS.md): MSH-10 `\X1D0A\` decodes to a control character,
    /// which the acknowledgment wrote back raw into MSA-2, so that the acknowledgment did not parse.
    @Test("control characters are written as \\Xhh\\ (or a space without an escape character), so the result parses")
    func controlCharacters() throws {
        #expect(
            HL7Escaping.encode("a\u{1D}b\u{7F}c\td\u{0}", delimiters: .standard)
                == Array("a\\X1D\\b\\X7F\\c\td\\X00\\".utf8))
        let noEscape = try #require(HL7Delimiters(field: UInt8(ascii: "|"), encodingCharacters: Array("^~".utf8)))
        #expect(HL7Escaping.encode("a\u{1D}b", delimiters: noEscape) == Array("a b".utf8))
        let received = try HL7Message(parsing: "MSH|^~\\&|S|F|R|RF|20260101||ADT^A04|C\\X1D0A\\1|P|2.5.1\rPID|1\r")
        let header = HL7ReceivedHeader(message: received)
        #expect(header.controlID == "C\u{1D}\n1")
        let ack = try HL7Message(
            parsing: HL7AcknowledgmentBuilder().acknowledgment(for: header, code: .applicationAccept, controlID: "A1"))
        #expect(ack["MSA-2"] == "C\u{1D}\n1")
    }
}
