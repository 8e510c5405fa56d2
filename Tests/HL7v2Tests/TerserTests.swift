import HL7v2
import Testing

@Suite("Terser paths")
struct TerserTests {
    @Test("paths parse to their parts", arguments: [
        ("PID-5.1", HL7TerserPath(segment: "PID", field: 5, component: 1)),
        ("OBX(2)-5", HL7TerserPath(segment: "OBX", occurrence: 2, field: 5)),
        ("PID-3(2).1", HL7TerserPath(segment: "PID", field: 3, repetition: 2, component: 1)),
        ("PID-5-1-2", HL7TerserPath(segment: "PID", field: 5, component: 1, subcomponent: 2)),
        ("ZX1-10", HL7TerserPath(segment: "ZX1", field: 10)),
    ])
    func parse(text: String, expected: HL7TerserPath) throws {
        #expect(try HL7TerserPath(parsing: text) == expected)
    }

    @Test("invalid paths are rejected", arguments: ["", "PID", "PID-", "pid-5", "PID-0", "PID-5.", "PID(0)-1", "PID-5(x)", "PID-5.1.2.3", "PIDX-1"])
    func invalid(text: String) {
        #expect(throws: HL7ParseError.self) { try HL7TerserPath(parsing: text) }
    }

    @Test("reads from the synthetic ORU")
    func reads() throws {
        let message = try HL7Message(parsing: try TestData.fixture("oru-r01-synthetic.hl7"))
        #expect(message["MSH-9"] == "ORU")
        #expect(message.encodedValue(at: try HL7TerserPath(parsing: "MSH-9")) == "ORU^R01^ORU_R01")
        #expect(message["MSH-9.2"] == "R01")
        #expect(message["OBX-5"] == "182")
        #expect(message["OBX(2)-3.2"] == "Consult note")
        #expect(message["OBX(2)-5"] == "Line one\nLine two \\H\\bold\\N\\ AB")
        #expect(message["OBX(3)-5"] == "\"\"")
        #expect(message["OBX(4)-5"] == nil)
        #expect(message["PID-3.4"] == "NORTH")
        #expect(message["not a path"] == nil)
    }

    @Test("repetitions are addressed in parentheses")
    func repetitions() throws {
        let message = try HL7Message(parsing: try TestData.fixture("adt-a04-synthetic.hl7"))
        #expect(message["PID-3(2).1"] == "ACC77")
        #expect(message["PID-3(2).5"] == "AN")
        #expect(message["PID-3(3).1"] == nil)
        #expect(message["NTE-3"] == "Comment with | pipe and ^ caret")
        #expect(message["NTE-3(2)"] == "second comment")
    }
}
