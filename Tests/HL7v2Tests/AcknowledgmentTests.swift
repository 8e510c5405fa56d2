import Foundation
import HL7v2
import Testing

@Suite("Acknowledgments")
struct AcknowledgmentTests {
    let builder = HL7AcknowledgmentBuilder(applicationName: "NOTEBRIDGE")
    let date = Date(timeIntervalSince1970: 1_795_000_000.25)

    @Test("AA for a v2.5.1 message swaps sender and receiver")
    func accept() throws {
        let received = try HL7Message(parsing: try TestData.fixture("adt-a04-synthetic.hl7"))
        let header = HL7ReceivedHeader(message: received)
        #expect(header.isEnhancedMode)
        let ack = try HL7Message(
            parsing: builder.acknowledgment(for: header, code: .commitAccept, controlID: "ACK-1", date: date))
        #expect(ack["MSH-3"] == "NOTEBRIDGE")
        #expect(ack["MSH-4"] == "NB")
        #expect(ack["MSH-5"] == "CLINIC_EHR")
        #expect(ack["MSH-6"] == "NORTH_CAMPUS")
        #expect(ack["MSH-7"] == "20261118110640.250+0000")
        #expect(ack.encodedValue(at: try HL7TerserPath(parsing: "MSH-9")) == "ACK^A04^ACK")
        #expect(ack["MSH-10"] == "ACK-1")
        #expect(ack["MSH-12"] == "2.5.1")
        #expect(ack["MSH-15"] == "NE")
        #expect(ack["MSH-16"] == "NE")
        #expect(ack["MSH-18"] == "UNICODE UTF-8")
        #expect(ack["MSA-1"] == "CA")
        #expect(ack["MSA-2"] == "CTRL-0001")
        #expect(ack.segment("ERR") == nil)
    }

    @Test("v2.5+ errors go into ERR with location, table 0357 code and severity")
    func errorSegment() throws {
        let received = try HL7Message(parsing: TestData.msh25 + "\rPID|1||SECRET-MRN\r")
        let error = HL7AcknowledgmentError(
            code: .dataTypeError, location: HL7Location(segmentIndex: 2, segmentName: "PID", field: 3, component: 1),
            diagnostic: "identifier is malformed")
        let bytes = builder.acknowledgment(
            for: HL7ReceivedHeader(message: received), code: .applicationError, errors: [error], controlID: "A2",
            date: date)
        let ack = try HL7Message(parsing: bytes)
        #expect(ack["MSA-1"] == "AE")
        #expect(ack["MSA-2"] == "C1")
        #expect(ack.encodedValue(at: try HL7TerserPath(parsing: "ERR-2")) == "PID^2^3^^1^")
        #expect(ack.encodedValue(at: try HL7TerserPath(parsing: "ERR-3")) == "102^Data type error^HL70357")
        #expect(ack["ERR-4"] == "E")
        #expect(ack["ERR-7"] == "identifier is malformed")
        #expect(ack["ERR-8"]?.contains("102 Data type error at segment 2 (PID) field 3 component 1") == true)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("SECRET"))
        #expect(ack.header?.applicationAcknowledgmentType == "")
    }

    @Test("before v2.5 the reason goes into MSA-3")
    func oldVersions() throws {
        let received = try HL7Message(parsing: "MSH|^~\\&|S|F|R|RF|199305021848||ADT^A01|X9|P|2.3\rPID|1\r")
        let ack = try HL7Message(
            parsing: builder.acknowledgment(
                for: HL7ReceivedHeader(message: received), code: .applicationReject,
                errors: [HL7AcknowledgmentError(code: .unsupportedMessageType, diagnostic: "route refuses ADT")],
                controlID: "A3", date: date))
        #expect(ack["MSA-3"] == "200 Unsupported message type: route refuses ADT")
        #expect(ack.segment("ERR") == nil)
        #expect(ack.encodedValue(at: try HL7TerserPath(parsing: "MSH-9")) == "ACK^A01")
        let v21 = try HL7Message(parsing: "MSH|^~\\&|S|F|R|RF|199305021848||ADT|X9|P|2.1\r")
        let ack21 = try HL7Message(
            parsing: builder.acknowledgment(
                for: HL7ReceivedHeader(message: v21), code: .applicationAccept, controlID: "A4"))
        #expect(ack21.encodedValue(at: try HL7TerserPath(parsing: "MSH-9")) == "ACK")
    }

    @Test("a NAK keeps the sender's delimiters and escapes its text")
    func delimitersAndEscaping() throws {
        let received = try HL7Message(parsing: "MSH#$*!@#S#F#R#RF#1##ADT$A01#X#P#2.6\r")
        let error = HL7AcknowledgmentError(code: .dataTypeError, diagnostic: "value has # and $ in it")
        let ack = try HL7Message(
            parsing: builder.acknowledgment(
                for: HL7ReceivedHeader(message: received), code: .applicationError, errors: [error], controlID: "Z"))
        #expect(ack.delimiters == received.delimiters)
        #expect(ack["ERR-7"] == "value has # and $ in it")
    }

    @Test("the header of a message that does not parse can still be probed")
    func probe() throws {
        let broken = Array("MSH|^~\\&|LAB|HOSP|NB|NB|2026||ORU^R01|CTRL-77|P|2.4\rpid|bad\r".utf8)
        #expect(throws: HL7ParseError.self) { try HL7Message(parsing: broken) }
        let header = try #require(HL7ReceivedHeader(probing: broken))
        #expect(header.controlID == "CTRL-77")
        #expect(header.version == "2.4")
        #expect(header.triggerEvent == "R01")
        #expect(HL7ReceivedHeader(probing: Array("PID|1\r".utf8)) == nil)
        let noMSH = builder.acknowledgment(
            for: .unknown, code: .applicationReject,
            errors: [HL7AcknowledgmentError(code: .segmentSequenceError, diagnostic: "no MSH")], controlID: "N1")
        let ack = try HL7Message(parsing: noMSH)
        #expect(ack["MSA-1"] == "AR")
        #expect(ack["MSA-2"] == "")
        #expect(ack["MSH-12"] == "2.5")
    }

    @Test("acknowledgment conditions")
    func conditions() {
        #expect(HL7AcknowledgmentCondition(field: "AL").shouldSend(.commitAccept))
        #expect(!HL7AcknowledgmentCondition(field: "NE").shouldSend(.commitReject))
        #expect(HL7AcknowledgmentCondition(field: "ER").shouldSend(.commitError))
        #expect(!HL7AcknowledgmentCondition(field: "ER").shouldSend(.commitAccept))
        #expect(HL7AcknowledgmentCondition(field: "SU").shouldSend(.commitAccept))
        #expect(HL7AcknowledgmentCondition(field: "").shouldSend(.commitAccept))
        #expect(HL7AcknowledgmentCode(.reject, enhanced: true) == .commitReject)
        #expect(HL7AcknowledgmentCode(.error, enhanced: false) == .applicationError)
    }

    /// Found by the `hl7v2` fuzz target (Benchmarks/RESULTS.md): with its segment terminators lost, a message carried
    /// an identifier in MSH-18, and the NAK echoed it as its own character set, so that the NAK did not parse.
    @Test("an acknowledgment never declares an MSH-18 this parser cannot read; a readable one is echoed")
    func unreadableCharacterSetIsNotEchoed() throws {
        let slid = Array("MSH|^~\\&|S|F|R|RF|20260101||ADT^A04|C7|P|2.5.1|||AL|NE||123-45-6789\rPID|1\r".utf8)
        #expect(throws: HL7ParseError.self) { try HL7Message(parsing: slid) }
        let probed = try #require(HL7ReceivedHeader(probing: slid))
        #expect(probed.characterSet == "123-45-6789")
        let error = HL7AcknowledgmentError(code: .applicationInternalError, diagnostic: "unreadable character set")
        let nak = try HL7Message(
            parsing: builder.acknowledgment(
                for: probed, code: .applicationReject, errors: [error], controlID: "N1", date: date))
        #expect(nak["MSA-2"] == "C7")
        #expect((nak["MSH-18"] ?? "").isEmpty)
        #expect(nak["MSH-15"] == "NE")

        let latin = try HL7Message(
            parsing: "MSH|^~\\&|S|F|R|RF|20260101||ADT^A04|C8|P|2.5.1||||||8859/1~ISO IR87\rPID|1\r")
        let ack = try HL7Message(
            parsing: builder.acknowledgment(
                for: HL7ReceivedHeader(message: latin), code: .applicationAccept, controlID: "A8", date: date))
        #expect(ack.characterSet == .latin1)
        #expect(ack.segment("MSH")?.field(18)?.encodedValue == "8859/1~ISO IR87")
    }

    /// Found by the `hl7v2` fuzz target (Benchmarks/RESULTS.md): the probe took `^` as the field separator and, MSH-2
    /// being empty, the standard encoding characters beside it, so the component separator was `^` too and the NAK
    /// built from that header did not parse.
    @Test("no header is probed from a separator that is an encoding character when MSH-2 is unusable")
    func probeWithCollidingSeparator() throws {
        let bytes = Array("MSH^^APP^FAC^NB^NB^2026^^ORU^X1^P^2.5\rPID^1\r".utf8)
        #expect(throws: HL7ParseError.self) { try HL7Message(parsing: bytes) }
        #expect(HL7ReceivedHeader(probing: bytes) == nil)
        let declared = try #require(
            HL7ReceivedHeader(probing: Array("MSH^~|\\&^APP^FAC^NB^NB^2026^^ORU^X2^P^2.5\r".utf8)))
        #expect(declared.controlID == "X2")
        let nak = try HL7Message(
            parsing: builder.acknowledgment(
                for: .unknown, code: .applicationReject,
                errors: [HL7AcknowledgmentError(code: .segmentSequenceError, diagnostic: "no usable MSH")],
                controlID: "N2"))
        #expect(nak["MSA-1"] == "AR")
    }
}
