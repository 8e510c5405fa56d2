import Foundation
import Gateway
import HL7v2
import Logging
import MLLP
import Store
import Testing
import TestSupport

@Suite("HL7 intake: resent and reused control IDs")
struct ReusedControlIDIntakeTests {
    static func message(time: String = "20261101120000", mrn: String = "MRN-4471", terminator: String = "\r") -> [UInt8] {
        Array(
            ("MSH|^~\\&|CLINIC|NORTH|NB|NB|\(time)||ADT^A04^ADT_A01|CTRL-88|P|2.5.1\(terminator)"
                + "PID|1||\(mrn)^^^NORTH^MR||ZEBULON^QUINTESSA||19800101|F\(terminator)").utf8)
    }

    @Test("a resend with only a new MSH-7 gets the stored ACK; different content is journaled, flagged and acknowledged")
    func resendAndReuse() async throws {
        let directory = try URLPaths.temporaryDirectory()
        let recorder = LogRecorder()
        let metrics = GatewayMetrics()
        let (intake, journal) = try HL7IntakeTests.makeIntake(directory, recorder: recorder, metrics: metrics)
        let first = await intake.receive(Self.message(), source: "mllp://127.0.0.1:1", logger: recorder.logger())
        // The same message sent again later, with CR LF terminators: a duplicate.
        let resent = await intake.receive(
            Self.message(time: "20261101121500", terminator: "\r\n"), source: "mllp://127.0.0.1:2", logger: recorder.logger())
        #expect(resent.bytes == first.bytes)
        #expect(try await journal.count() == 1)
        // Another patient under the same control ID: its own entry, its own ACK, flagged.
        let reused = await intake.receive(
            Self.message(time: "20261101123000", mrn: "MRN-9902"), source: "mllp://127.0.0.1:3", logger: recorder.logger())
        let ack = try HL7Message(parsing: try #require(reused.bytes))
        #expect(ack["MSA-1"] == "AA")
        #expect(ack["MSA-2"] == "CTRL-88")
        #expect(reused.bytes != first.bytes)
        let entries = try await journal.entries(afterID: nil, limit: 10)
        #expect(entries.count == 2)
        #expect(entries.map(\.state) == [.accepted, .accepted])
        #expect(entries.map(\.flags) == [[], [.reusedControlID]])
        #expect(entries.last?.reusesControlIDOf == entries.first?.id)
        #expect(entries.last?.body == Self.message(time: "20261101123000", mrn: "MRN-9902"))
        #expect(try await journal.entries(flag: .reusedControlID, afterID: nil, limit: 10).map(\.id) == [entries[1].id])
        // The reused message's own resend is its duplicate.
        let reusedAgain = await intake.receive(
            Self.message(time: "20261101124500", mrn: "MRN-9902"), source: "mllp://127.0.0.1:4", logger: recorder.logger())
        #expect(reusedAgain.bytes == reused.bytes)
        #expect(try await journal.count() == 2)
        // Each journaled message is counted as received (the reused one too), each resend as a duplicate.
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"message_type="ADT^A04",outcome="accepted",route="none"} 2"#), "\(exposition)")
        #expect(exposition.contains(#"message_type="ADT^A04",outcome="duplicate",route="none"} 2"#))
        try await journal.close()
        let logs = recorder.text
        #expect(logs.contains("reused a message control ID"))
        for marker in ["ZEBULON", "QUINTESSA", "MRN-4471", "MRN-9902"] {
            #expect(!logs.contains(marker))
        }
    }
}
