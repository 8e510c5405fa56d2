import HL7v2
import Testing

@Suite("ER7 parser")
struct ParserTests {
    @Test("structure of a synthetic ADT message")
    func structure() throws {
        let bytes = try TestData.fixture("adt-a04-synthetic.hl7")
        let message = try HL7Message(parsing: bytes)
        #expect(message.bytes == bytes)
        #expect(message.segments.map(\.name) == ["MSH", "EVN", "PID", "PV1", "NTE", "ZNB"])
        let pid = try #require(message.segment("PID"))
        #expect(pid.field(3)?.repetitionCount == 2)
        #expect(pid.field(5)?.repetition(1)?.componentCount == 5)
        #expect(message["MSH-1"] == "|")
        #expect(message["MSH-2"] == "^~\\&")
        #expect(message["ZNB-2.1.2"] == "sub")
        #expect(message["ZNB-2.2"] == "comp")
        #expect(message.characterSet == .utf8)
    }

    @Test("empty, null and absent are told apart")
    func emptyAndNull() throws {
        let message = try TestData.message(TestData.msh25, "PID|1||\"\"|||x")
        #expect(message.presence(at: try HL7TerserPath(parsing: "PID-3")) == .null)
        #expect(message.segment("PID")?.field(3)?.isNull == true)
        #expect(message.presence(at: try HL7TerserPath(parsing: "PID-2")) == .empty)
        #expect(message.presence(at: try HL7TerserPath(parsing: "PID-6")) == .value("x"))
        #expect(message.presence(at: try HL7TerserPath(parsing: "PID-7")) == .absent)
        #expect(message.presence(at: try HL7TerserPath(parsing: "PV1-1")) == .absent)
    }

    @Test("a segment with only its name has no fields")
    func nameOnlySegment() throws {
        let message = try TestData.message(TestData.msh25, "PID", "ZZZ|1")
        #expect(message.segment("PID")?.fieldCount == 0)
        #expect(message["PID-1"] == nil)
        #expect(message["ZZZ-1"] == "1")
    }

    @Test("a lone escape character as a field is kept")
    func loneEscape() throws {
        let message = try TestData.message(TestData.msh25, "NTE|1||\\")
        #expect(message["NTE-3"] == "\\")
    }

    @Test("a message without a final terminator keeps its bytes")
    func noFinalTerminator() throws {
        let text = TestData.msh25 + "\rPID|1"
        let message = try HL7Message(parsing: text)
        #expect(message.bytes == Array(text.utf8))
        #expect(message["PID-1"] == "1")
    }

    @Test("non-standard delimiters are read from MSH-1 and MSH-2")
    func nonStandardDelimiters() throws {
        let message = try HL7Message(parsing: "MSH|^~\\}|A|B|C|D|1||ADT^A01|X|P|2.4\rPID|1||1}2^x\r")
        #expect(message.delimiters.subcomponent == UInt8(ascii: "}"))
        #expect(message["PID-3.1.2"] == "2")
        #expect(message["PID-3.2"] == "x")
    }

    @Test("MSH-2 of the wrong length or with repeated characters is rejected", arguments: [
        "MSH|^~\\&#!|A", "MSH|^^\\&|A", "MSH||A", "MSH|^~\\A|B", "MSH", "MSHX|^~\\&|",
    ])
    func badDelimiters(header: String) {
        #expect(throws: HL7ParseError.self) { try HL7Message(parsing: header + "\rPID|1\r") }
        do {
            _ = try HL7Message(parsing: header + "\rPID|1\r")
        } catch {
            #expect(error.code == .invalidDelimiters || error.code == .invalidSegmentName)
            #expect(error.location?.segmentIndex == 1)
        }
    }

    @Test("a message must start with MSH")
    func missingHeader() {
        #expect(throws: HL7ParseError(.missingHeader, at: HL7Location(segmentIndex: 1), "the first segment of a message must be MSH")) {
            try HL7Message(parsing: "PID|1||123\r")
        }
        #expect(throws: HL7ParseError.self) { try HL7Message(parsing: "") }
        #expect(throws: HL7ParseError.self) { try HL7Message(parsing: "\r\r") }
    }

    @Test("an invalid segment name is located")
    func invalidSegmentName() {
        do {
            _ = try TestData.message(TestData.msh25, "PID|1", "pv1|1")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidSegmentName)
            #expect(error.location?.segmentIndex == 3)
        }
    }

    @Test("10,000 repetitions in a field exceed the default limit")
    func repetitionLimit() throws {
        let field = Array(repeating: "x", count: 10_000).joined(separator: "~")
        do {
            _ = try TestData.message(TestData.msh25, "PID|1||\(field)")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .tooManyRepetitions)
            #expect(error.location == HL7Location(segmentIndex: 2, segmentName: "PID", field: 3))
            #expect(!error.description.contains("x~x"))
        }
        var limits = HL7ParserLimits.default
        limits.maximumRepetitionsPerField = 20_000
        let message = try HL7Message(parsing: TestData.msh25 + "\rPID|1||\(field)\r", limits: limits)
        #expect(message.segment("PID")?.field(3)?.repetitionCount == 10_000)
    }

    @Test("size, segment, field, component and subcomponent limits")
    func otherLimits() {
        var limits = HL7ParserLimits.default
        limits.maximumMessageBytes = 100
        #expect(throws: HL7ParseError.self) {
            try HL7Message(parsing: TestData.msh25 + "\rNTE|" + String(repeating: "a", count: 200), limits: limits)
        }
        limits = .default
        limits.maximumSegments = 3
        #expect(throws: HL7ParseError.self) { try TestData.messageWithLimits(limits, segments: 4) }
        limits = .default
        limits.maximumFieldsPerSegment = 10
        #expect(throws: HL7ParseError.self) {
            try HL7Message(parsing: TestData.msh25 + "\rNTE" + String(repeating: "|a", count: 11), limits: limits)
        }
        limits = .default
        limits.maximumComponentsPerRepetition = 5
        #expect(throws: HL7ParseError.self) {
            try HL7Message(parsing: TestData.msh25 + "\rNTE|1|" + String(repeating: "^a", count: 6), limits: limits)
        }
        limits = .default
        limits.maximumSubcomponentsPerComponent = 5
        #expect(throws: HL7ParseError.self) {
            try HL7Message(parsing: TestData.msh25 + "\rNTE|1|" + String(repeating: "&a", count: 6), limits: limits)
        }
    }

    @Test("NUL and other control bytes are rejected with a location")
    func controlBytes() {
        do {
            _ = try HL7Message(parsing: Array((TestData.msh25 + "\rPID|1||12").utf8) + [0x00] + Array("3\r".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidControlCharacter)
            #expect(error.location?.segmentName == "PID")
            #expect(error.location?.field == 3)
        }
    }

    @Test("bytes that are not UTF-8 under MSH-18 UTF-8 are rejected; Latin-1 decodes")
    func characterSets() throws {
        let invalid = Array((TestData.msh25 + "||||||UNICODE UTF-8\rPID|1||").utf8) + [0xC3, 0x28] + [0x0D]
        do {
            _ = try HL7Message(parsing: invalid)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidCharacterEncoding)
            #expect(error.location?.segmentName == "PID")
        }
        // No MSH-18: UTF-8 is the default.
        #expect(throws: HL7ParseError.self) {
            try HL7Message(parsing: Array((TestData.msh25 + "\rPID|1||").utf8) + [0xFF, 0x0D])
        }
        let latin = Array((TestData.msh25 + "||||||8859/1\rPID|1||").utf8) + [0xE9, 0x0D]
        let message = try HL7Message(parsing: latin)
        #expect(message.characterSet == .latin1)
        #expect(message["PID-3"] == "é")
        #expect(message.bytes == latin)
        let utf8 = try HL7Message(parsing: TestData.msh25 + "\rPID|1||Zoë\r")
        #expect(utf8["PID-3"] == "Zoë")
        #expect(throws: HL7ParseError.self) {
            try HL7Message(parsing: TestData.msh25 + "||||||ISO IR87\rPID|1\r")
        }
    }

    @Test("a message with no segment terminators is one long MSH")
    func noTerminators() throws {
        let message = try HL7Message(parsing: TestData.msh25 + "PID|1||123|EVN|A01")
        #expect(message.segments.count == 1)
        #expect(message["MSH-12"] == "2.5PID")
    }

    @Test("Z-segments and CRLF input")
    func zSegmentsAndCRLF() throws {
        let message = try HL7Message(parsing: TestData.msh25 + "\r\nZPI|a|b\r\nZPI|c\r\n")
        #expect(message.segments(named: "ZPI").count == 2)
        #expect(message["ZPI(2)-1"] == "c")
        #expect(message.bytes == Array((TestData.msh25 + "\rZPI|a|b\rZPI|c\r").utf8))
    }
}

extension TestData {
    static func messageWithLimits(_ limits: HL7ParserLimits, segments: Int) throws -> HL7Message {
        var text = msh25
        for index in 1..<segments { text += "\rNTE|\(index)" }
        return try HL7Message(parsing: text + "\r", limits: limits)
    }
}
