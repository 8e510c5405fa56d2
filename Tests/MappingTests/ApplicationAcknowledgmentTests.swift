import EncounterModel
import Foundation
import HL7v2
import Testing

@testable import Mapping

@Suite("Enhanced-mode application acknowledgments")
struct ApplicationAcknowledgmentTests {
    static let renderer = HL7NoteRenderer(
        configuration: HL7NoteRenderer.Configuration(sendingApplication: "NOTEBRIDGE", sendingFacility: "NB"))
    static let date = Date(timeIntervalSince1970: 1_796_000_000)

    @Test("AA of a note from HL7 v2: MSA-2 the control ID answered, MSA-3 the note id, back to the sender")
    func accept() throws {
        var record = HL7NoteRendererTests.record
        record.encounter.origin = Encounter.Origin(
            channel: .mllp, sender: "DICTATE|NORTH", messageType: "MDM^T02", controlID: "CTRL-9", journalID: 4)
        let acknowledgment = try #require(ApplicationAcknowledgmentRecord(accepting: record))
        let decoded = try ApplicationAcknowledgmentRecord.decoded(from: try acknowledgment.encoded())
        #expect(decoded == acknowledgment)
        let outputs = try Self.renderer.messages(record, kinds: [.applicationAcknowledgment], controlID: "OUT-1", at: Self.date)
        #expect(outputs.map(\.controlID) == ["OUT-1A"])
        let ack = try HL7Message(parsing: try #require(outputs.first).bytes)
        #expect(ack["MSH-3"] == "NOTEBRIDGE")
        #expect(ack["MSH-4"] == "NB")
        #expect(ack["MSH-5"] == "DICTATE")
        #expect(ack["MSH-6"] == "NORTH")
        #expect(ack.encodedValue(at: try HL7TerserPath(parsing: "MSH-9")) == "ACK^T02^ACK")
        #expect(ack["MSH-10"] == "OUT-1A")
        #expect(ack["MSH-12"] == "2.5.1")
        #expect(ack["MSH-15"] == "AL")
        #expect(ack["MSH-16"] == "NE")
        #expect(ack["MSA-1"] == "AA")
        #expect(ack["MSA-2"] == "CTRL-9")
        #expect(ack["MSA-3"] == record.id)
        #expect(ack.segment("ERR") == nil)
        // No patient content in an acknowledgment.
        let text = ack.er7
        for marker in ["TESTPATIENT", "MRN0001", "Knee"] { #expect(!text.contains(marker)) }
    }

    @Test("a note that did not come from HL7 v2 has no application acknowledgment")
    func notFromHL7() throws {
        let record = HL7NoteRendererTests.record
        #expect(ApplicationAcknowledgmentRecord(accepting: record) == nil)  // no control ID in its origin
        #expect(try Self.renderer.messages(record, kinds: [.applicationAcknowledgment], controlID: "X", at: Self.date).isEmpty)
    }

    @Test("AE: ERR-3 the table 0357 code, ERR-7 the reason, the sender's version and processing ID")
    func error() throws {
        let record = ApplicationAcknowledgmentRecord(
            code: "AE", acknowledgedControlID: "CTRL-10", sendingApplication: "DICTATE", sendingFacility: "NORTH",
            messageCode: "ORU", triggerEvent: "R01", processingID: "T", hl7Version: "2.4", errorCode: 101,
            errorReason: "no transcript: no TX, FT or ST observation", createdAt: Self.date)
        let ack = try HL7Message(parsing: try Self.renderer.applicationAcknowledgment(record, controlID: "OUT-2", at: Self.date))
        #expect(ack["MSA-1"] == "AE")
        #expect(ack["MSA-2"] == "CTRL-10")
        #expect(ack["MSH-11"] == "T")
        #expect(ack["MSH-12"] == "2.4")
        #expect(ack.encodedValue(at: try HL7TerserPath(parsing: "MSH-9")) == "ACK^R01^ACK")
        // v2.4 has no ERR-3..8 layout of 2.5: the reason goes in MSA-3.
        #expect(ack["MSA-3"]?.contains("no transcript") == true)
        let v251 = ApplicationAcknowledgmentRecord(
            code: "AE", acknowledgedControlID: "CTRL-11", sendingApplication: "A", sendingFacility: "B",
            messageCode: "MDM", triggerEvent: "T02", processingID: "P", hl7Version: "2.5.1", errorCode: 999,
            errorReason: "the transcript has 2 words; at least 3 are needed", createdAt: Self.date)
        let error = try HL7Message(parsing: try Self.renderer.applicationAcknowledgment(v251, controlID: "OUT-3", at: Self.date))
        #expect(error.encodedValue(at: try HL7TerserPath(parsing: "ERR-3")) == "207^Application internal error^HL70357")
        #expect(error["ERR-7"] == "the transcript has 2 words; at least 3 are needed")
    }

    @Test("a stored acknowledgment that is too large, not one, or from a newer build is refused")
    func decodingLimits() throws {
        #expect(throws: NoteRecordError.self) {
            try ApplicationAcknowledgmentRecord.decoded(from: Array(repeating: 0x20, count: ApplicationAcknowledgmentRecord.maximumEncodedBytes + 1))
        }
        #expect(throws: NoteRecordError.self) { try ApplicationAcknowledgmentRecord.decoded(from: Array("{}".utf8)) }
        var record = ApplicationAcknowledgmentRecord(
            code: "AA", acknowledgedControlID: "C", sendingApplication: "", sendingFacility: "", messageCode: "MDM",
            triggerEvent: "T02", processingID: "", hl7Version: "", createdAt: Self.date)
        record.version = ApplicationAcknowledgmentRecord.currentVersion + 1
        let newer = try record.encoded()
        #expect(throws: NoteRecordError.self) { try ApplicationAcknowledgmentRecord.decoded(from: newer) }
    }
}
