import Foundation
import HL7v2
import Testing

/// MSH-2 with fewer than four encoding characters (`^~\`, `^~}`, `^~`, `^`), read the way HAPI reads it:
/// the characters given take their positions in the order component, repetition, escape, subcomponent; a
/// position left out does not split, so its usual character is data.
@Suite("MSH-2 with fewer than four encoding characters")
struct ShortEncodingCharactersTests {
    static func text(_ header: String, _ segments: String...) -> String {
        ([header] + segments).joined(separator: "\r") + "\r"
    }

    static let header3 = "MSH|^~\\|CLINIC|NORTH|NB|NB|20261101120000||MDM^T02|SHORT-1|P|2.5.1"

    @Test("^~\\ parses, keeps MSH-2 as sent and round-trips byte for byte", arguments: [
        "^~\\", "^~}", "^~", "^", "^~\\&", "^~\\&#",
    ])
    func roundTrip(encoding: String) throws {
        let text = Self.text(
            "MSH|\(encoding)|CLINIC|NORTH|NB|NB|20261101120000||MDM^T02|RT-1|P|2.5.1",
            "PID|1||MRN-1^^^NORTH^MR||DOE^JANE||19800101|F", "OBX|1|TX|^NOTE||a & b ~ c")
        let message = try HL7Message(parsing: text)
        #expect(message.bytes == Array(text.utf8))
        #expect(message["MSH-2"] == encoding)
        #expect(message.delimiters.encodingCharacters == Array(encoding.utf8))
        #expect(message["MSH-9.2"] == "T02")
        #expect(message["PID-5.2"] == "JANE")
        // Rebuilding from the parsed elements gives the same bytes.
        #expect(try HL7MessageBuilder(message: message).build().bytes == Array(text.utf8))
    }

    @Test("with ^~\\ an & is data, not a subcomponent separator")
    func ampersandIsData() throws {
        let message = try HL7Message(parsing: Self.text(Self.header3, "PID|1||A&B^^^NORTH", "NTE|1||Smith & Jones"))
        #expect(!message.delimiters.hasSubcomponentSeparator)
        #expect(message.delimiters.hasEscape)
        #expect(message["PID-3.1"] == "A&B")
        #expect(message["PID-3.1.2"] == nil)
        #expect(message["PID-3.4"] == "NORTH")
        #expect(message["NTE-3"] == "Smith & Jones")
    }

    @Test("with ^~} the escape character is }, and escape sequences use it")
    func braceEscape() throws {
        let message = try HL7Message(
            parsing: Self.text(
                "MSH|^~}|CLINIC|NORTH|NB|NB|20261101120000||MDM^T02|SHORT-2|P|2.5.1",
                "OBX|1|TX|^NOTE||pipe }F} caret }S} tilde }R} back\\slash}.br}next"))
        #expect(message.delimiters.escape == UInt8(ascii: "}"))
        #expect(message["OBX-5"] == "pipe | caret ^ tilde ~ back\\slash\nnext")
        // \T\ has no meaning without a subcomponent separator and stays as written.
        let unknown = try HL7Message(
            parsing: Self.text("MSH|^~}|A|B|C|D|1||MDM^T02|S3|P|2.5.1", "NTE|1||x}T}y"))
        #expect(unknown["NTE-3"] == "x}T}y")
    }

    @Test("with ^~ there is no escape character: backslashes are data")
    func noEscape() throws {
        let message = try HL7Message(
            parsing: Self.text("MSH|^~|A|B|C|D|1||MDM^T02|S4|P|2.5.1", "NTE|1||C:\\F\\notes~second^x"))
        #expect(!message.delimiters.hasEscape)
        let nte = try #require(message.segment("NTE"))
        #expect(nte.field(3)?.repetitionCount == 2)
        #expect(message["NTE-3.1"] == "C:\\F\\notes")
        #expect(message["NTE-3(2).2"] == "x")
    }

    @Test("encoding text with short delimiters escapes what is declared and leaves the rest as data")
    func encodeWithShortDelimiters() throws {
        let threeCharacters = try #require(HL7Delimiters(field: UInt8(ascii: "|"), encodingCharacters: Array("^~\\".utf8)))
        #expect(String(decoding: HL7Escaping.encode("a|b^c&d\\e", delimiters: threeCharacters), as: UTF8.self)
            == "a\\F\\b\\S\\c&d\\E\\e")
        let twoCharacters = try #require(HL7Delimiters(field: UInt8(ascii: "|"), encodingCharacters: Array("^~".utf8)))
        // Nothing can be escaped: delimiters become spaces so the structure is never broken.
        #expect(String(decoding: HL7Escaping.encode("a|b^c\nd\\e", delimiters: twoCharacters), as: UTF8.self)
            == "a b c d\\e")
    }

    @Test("the acknowledgment of a ^~\\ message answers with the same MSH-2 and parses")
    func acknowledgment() throws {
        let message = try HL7Message(parsing: Self.text(Self.header3, "PID|1||MRN-1"))
        let header = HL7ReceivedHeader(message: message)
        let bytes = HL7AcknowledgmentBuilder(applicationName: "NOTEBRIDGE").acknowledgment(
            for: header, code: .applicationError,
            errors: [HL7AcknowledgmentError(code: .dataTypeError, location: HL7Location(segmentIndex: 2, segmentName: "PID", field: 3), diagnostic: "bad & worse")],
            controlID: "ACK-S1")
        let ack = try HL7Message(parsing: bytes)
        #expect(ack["MSH-2"] == "^~\\")
        #expect(ack["MSA-1"] == "AE")
        #expect(ack["MSA-2"] == "SHORT-1")
        #expect(ack["ERR-7"] == "bad & worse")
        #expect(ack.encodedValue(at: try HL7TerserPath(parsing: "ERR-3")) == "102^Data type error^HL70357")
    }

    @Test("a header probed from bytes that do not parse keeps the short MSH-2")
    func probedHeader() throws {
        let bytes = Array(Self.text(Self.header3, "pid|1").utf8)
        let header = try #require(HL7ReceivedHeader(probing: bytes))
        #expect(header.delimiters.encodingCharacters == Array("^~\\".utf8))
        #expect(header.controlID == "SHORT-1")
    }

    @Test("MSH-2 that is empty, too long, repeated or not punctuation is still refused", arguments: [
        "MSH||A", "MSH|^~\\&#!|A", "MSH|^^|A", "MSH|^~^|A", "MSH|^A|B", "MSH|^~|\\|A",
    ])
    func stillRefused(header: String) throws {
        do {
            let message = try HL7Message(parsing: header + "\rPID|1\r")
            // "MSH|^~|\\|A": MSH-2 is "^~"; the next field is data, which is fine.
            #expect(header == "MSH|^~|\\|A")
            #expect(message.delimiters.encodingCharacters == Array("^~".utf8))
        } catch {
            #expect(error.code == .invalidDelimiters)
            #expect(error.location?.segmentIndex == 1)
            #expect(error.location?.field == 2)
        }
    }
}
