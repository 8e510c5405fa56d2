import Foundation
import Gateway
import HL7v2
import Logging
import MLLP
import Store
import Testing
import TestSupport

@Suite("HL7 intake with a real SQLite journal")
struct HL7IntakeTests {
    static let message = Array(
        ("MSH|^~\\&|CLINIC|NORTH|NB|NB|20261101120000||ADT^A04^ADT_A01|CTRL-77|P|2.5.1\r"
            + "PID|1||MRN-4471^^^NORTH^MR||ZEBULON^QUINTESSA||19800101|F\r").utf8)

    static func makeIntake(
        _ directory: URL, recorder: LogRecorder, metrics: GatewayMetrics? = nil
    ) throws -> (HL7Intake, SQLiteJournal) {
        let keyring = try DataKeyring.load(keyFile: directory.appendingPathComponent("journal.key"), environment: [:])
        let journal = try SQLiteJournal(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"), keyring: keyring,
            logger: recorder.logger(label: "store"))
        let intake = HL7Intake(
            journal: journal, acknowledgments: HL7AcknowledgmentBuilder(), limits: .default, acceptedTypes: [],
            duplicateWindow: .seconds(3600), maximumFrameSize: 1 << 20, logger: recorder.logger(), metrics: metrics)
        return (intake, journal)
    }

    @Test("an accepted message is journaled before its AA, and a duplicate gets the same ACK")
    func acceptAndDuplicate() async throws {
        let directory = try URLPaths.temporaryDirectory()
        let recorder = LogRecorder()
        let (intake, journal) = try Self.makeIntake(directory, recorder: recorder)
        let first = await intake.receive(Self.message, source: "mllp://127.0.0.1:1", logger: recorder.logger())
        let ack = try HL7Message(parsing: try #require(first.bytes))
        #expect(ack["MSA-1"] == "AA")
        #expect(ack["MSA-2"] == "CTRL-77")
        #expect(try await journal.count() == 1)
        let entry = try #require(try await journal.entries(afterID: nil, limit: 10).first)
        #expect(entry.body == Self.message)
        #expect(entry.acknowledgment == first.bytes)
        #expect(entry.state == .accepted)
        #expect(entry.messageType == "ADT^A04")
        #expect(entry.sender == "CLINIC|NORTH")
        let second = await intake.receive(Self.message, source: "mllp://127.0.0.1:2", logger: recorder.logger())
        #expect(second.bytes == first.bytes)
        #expect(try await journal.count() == 1)
        #expect(try await journal.entry(id: entry.id)?.duplicateCount == 1)
        try await journal.close()
        // No PHI in any log line: names, identifiers and the body never appear.
        let logs = recorder.text
        #expect(!logs.contains("ZEBULON"))
        #expect(!logs.contains("QUINTESSA"))
        #expect(!logs.contains("MRN-4471"))
        #expect(logs.contains("CTRL-77"))
    }

    @Test("a rejected message is journaled, and the corrected resend with the same control ID is accepted")
    func rejectedThenCorrected() async throws {
        let directory = try URLPaths.temporaryDirectory()
        let recorder = LogRecorder()
        let (intake, journal) = try Self.makeIntake(directory, recorder: recorder)
        let broken = Array(String(decoding: Self.message, as: UTF8.self).replacingOccurrences(of: "PID|", with: "pid|").utf8)
        let nak = try HL7Message(parsing: try #require(await intake.receive(broken, source: "t", logger: recorder.logger()).bytes))
        #expect(nak["MSA-1"] == "AE")
        #expect(nak["ERR-3"] == "100")
        let fixed = try HL7Message(parsing: try #require(await intake.receive(Self.message, source: "t", logger: recorder.logger()).bytes))
        #expect(fixed["MSA-1"] == "AA")
        #expect(try await journal.count() == 2)
        #expect(try await journal.count(state: .rejected) == 1)
        #expect(try await journal.count(state: .accepted) == 1)
        try await journal.close()
        #expect(!recorder.text.contains("ZEBULON"))
    }

    @Test("when the journal cannot commit, the sender gets AE 207 and nothing is acknowledged as accepted")
    func journalFailure() async throws {
        let directory = try URLPaths.temporaryDirectory()
        let recorder = LogRecorder()
        let (intake, journal) = try Self.makeIntake(directory, recorder: recorder)
        try await journal.close()
        let reply = await intake.receive(Self.message, source: "t", logger: recorder.logger())
        let nak = try HL7Message(parsing: try #require(reply.bytes))
        #expect(nak["MSA-1"] == "AE")
        #expect(nak["ERR-3"] == "207")
        #expect(!recorder.text.contains("ZEBULON"))
    }
}

@Suite("Retention")
struct RetentionTests {
    @Test("the sweep deletes rows older than the retention period and keeps the rest")
    func sweep() async throws {
        let directory = try URLPaths.temporaryDirectory()
        let recorder = LogRecorder()
        let (intake, journal) = try HL7IntakeTests.makeIntake(directory, recorder: recorder)
        _ = await intake.receive(HL7IntakeTests.message, source: "t", logger: recorder.logger())
        let service = RetentionService(journal: journal, retention: .seconds(3600), logger: recorder.logger())
        await service.sweep(now: Date())
        #expect(try await journal.count() == 1)
        await service.sweep(now: Date().addingTimeInterval(7200))
        #expect(try await journal.count() == 0)
        #expect(recorder.text.contains("nb.journal.purged=1"))
        try await journal.close()
    }
}
