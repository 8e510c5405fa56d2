import HL7v2
import Testing

@Suite("Batches")
struct BatchTests {
    @Test("FHS/BHS/BTS/FTS around messages")
    func envelope() throws {
        let text = "FHS|^~\\&|S|F\rBHS|^~\\&|S|F\r" + TestData.msh25 + "\rPID|1\r"
            + TestData.msh25.replacingFirst("|C1|", with: "|C2|") + "\rPID|2\rBTS|2\rFTS|1\r"
        let batch = try HL7Batch(parsing: Array(text.utf8))
        #expect(batch.messages.count == 2)
        #expect(batch.messages.map { $0["MSH-10"] } == ["C1", "C2"])
        #expect(batch.envelope.map(\.name) == ["FHS", "BHS", "BTS", "FTS"])
        #expect(batch.encoded() == Array(text.utf8))
        #expect(HL7Batch.isBatch(Array(text.utf8)))
    }

    @Test("back-to-back messages without an envelope")
    func stream() throws {
        let text = TestData.msh25 + "\rPID|1\r\r" + TestData.msh25 + "\rPID|2\r"
        let batch = try HL7Batch(parsing: Array(text.utf8))
        #expect(batch.messages.count == 2)
        #expect(batch.encoded() == Array(text.utf8))
    }

    @Test("a segment outside any message is an error")
    func strayed() {
        #expect(throws: HL7ParseError.self) { try HL7Batch(parsing: Array("BHS|^~\\&\rPID|1\r".utf8)) }
    }

    @Test("errors inside a batch are located in the file")
    func locatedErrors() {
        let text = "BHS|^~\\&\r" + TestData.msh25 + "\rpid|1\r"
        do {
            _ = try HL7Batch(parsing: Array(text.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidSegmentName)
            #expect(error.location?.segmentIndex == 3)
        }
    }
}
