import Delivery
import EncounterModel
import Foundation
import HL7v2
import Logging
import MLLP
import Mapping
import Store
import TestSupport
import Testing

@testable import Gateway

@Suite("Pipeline: accepted HL7 message → note → outbox rows")
struct EncounterPipelineTests {
    static let name = "ZEBULONQUINT"
    static let marker = "flamingoesque"

    static func mdm(_ control: String, observations: [String]) -> [UInt8] {
        Array(
            ([
                "MSH|^~\\&|DICTATE|NORTH|NB|NB|20261101120000||MDM^T02^MDM_T02|\(control)|P|2.5.1",
                "EVN|T02|20261101120000",
                "PID|1||MRN-4471^^^NORTH^MR||\(name)^QUINTESSA||19800101|F",
                "PV1|1|O|CLINIC^1^1||||1234^WELBY^MARCUS|||MED|||||||||V1",
            ] + observations).joined(separator: "\r").utf8) + [0x0D]
    }

    static let transcript = [
        "OBX|1|TX|11506-3^Progress note^LN|1|Doctor: What brings you in today?||||||F",
        "OBX|2|TX|11506-3^Progress note^LN|1|Patient: A \(marker) cough for three weeks, worse at night.||||||F",
        "OBX|3|TX|11506-3^Progress note^LN|1|Doctor: Lungs are clear. Try honey and come back if it lasts.||||||F",
    ]

    /// Runs `body` with a journal in a temporary folder, the pipeline service over it and an intake that journals
    /// into it; `configure` adjusts the pipeline (its audio, for recordings) before the service takes it, and
    /// `seenByPipeline` gives the journal as the pipeline reads and claims it (the journal itself, unless a test
    /// stands another instance beside it).
    static func withPipeline(
        concurrency: Int = 1, soleInstance: Bool = false, reader: HL7EncounterReader = HL7EncounterReader(),
        destinations: [String] = ["ehr", "archive"], messageTypes: [String] = ["MDM^T02", "ORU^R01"],
        seenByPipeline: (SQLiteJournal) -> any Journal = { $0 },
        configure: (inout EncounterPipeline) -> Void = { _ in },
        _ body: (SQLiteJournal, PipelineService, HL7Intake, LogRecorder) async throws -> Void
    ) async throws {
        let directory = try URLPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = LogRecorder()
        let keyring = try DataKeyring.load(keyFile: directory.appendingPathComponent("journal.key"), environment: [:])
        let journal = try SQLiteJournal(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"), keyring: keyring,
            logger: recorder.logger(label: "store"))
        var pipeline = EncounterPipeline(
            journal: seenByPipeline(journal), outbox: journal, reader: reader, limits: .default,
            destinations: destinations, noteRetention: .seconds(3600),
            digester: PatientKeyDigester(keyring: keyring), mapping: NoteFHIRMapping(), logger: recorder.logger())
        configure(&pipeline)
        var service = PipelineService(
            pipeline: pipeline, messageTypes: messageTypes, wakes: DeliverySignal(),
            deliveries: DeliverySignal(),
            pollInterval: .seconds(1), concurrency: concurrency, logger: recorder.logger())
        service.soleInstance = soleInstance
        let intake = HL7Intake(
            journal: journal, acknowledgments: HL7AcknowledgmentBuilder(), limits: .default, acceptedTypes: [],
            duplicateWindow: .seconds(3600), maximumFrameSize: 1 << 20, logger: recorder.logger())
        do {
            try await body(journal, service, intake, recorder)
        } catch {
            try? await journal.close()
            throw error
        }
        try await journal.close()
    }

    @Test("a transcript becomes one sealed note and one outbox row per destination, in one transaction")
    func processed() async throws {
        try await Self.withPipeline { journal, service, intake, recorder in
            let reply = await intake.receive(
                Self.mdm("P-1", observations: Self.transcript), source: "t", logger: recorder.logger())
            #expect(try HL7Message(parsing: try #require(reply.bytes))["MSA-1"] == "AA")
            #expect(await service.processAccepted() == 1)
            #expect(await service.processAccepted() == 0)
            let entry = try #require(try await journal.entries(afterID: nil, limit: 1).first)
            #expect(entry.state == .processed)
            let rows = try await journal.items(state: .pending, destination: nil, afterID: nil, limit: 10)
            #expect(rows.map(\.destination) == ["ehr", "archive"])
            #expect(Set(rows.map(\.noteID)).count == 1)
            #expect(rows.allSatisfy { $0.patientKey.hasPrefix("pk_") && !$0.patientKey.contains("4471") })
            let first = try #require(rows.first)
            let document = try #require(try await journal.noteDocument(id: first.noteID))
            let record = try NoteRecord.decoded(from: document)
            #expect(record.encounter.patient.identifiers.first?.value == "MRN-4471")
            #expect(record.encounter.origin.journalID == entry.id)
            #expect(record.encounter.specialty == "physician")
            #expect(!record.sections.flatMap(\.lines).isEmpty)
            for text in [recorder.text] {
                #expect(!text.contains(Self.name) && !text.contains(Self.marker) && !text.contains("MRN-4471"))
            }
        }
    }

    @Test("no transcript: acknowledged, then failed with the reason; other types are left alone")
    func failed() async throws {
        try await Self.withPipeline { journal, service, intake, recorder in
            let reply = await intake.receive(Self.mdm("P-2", observations: []), source: "t", logger: recorder.logger())
            #expect(try HL7Message(parsing: try #require(reply.bytes))["MSA-1"] == "AA")
            let adt = Array(
                "MSH|^~\\&|A|B|C|D|20261101120000||ADT^A04|P-3|P|2.5.1\rPID|1||X1||\(Self.name)\r".utf8)
            _ = await intake.receive(adt, source: "t", logger: recorder.logger())
            #expect(await service.processAccepted() == 0)
            let entries = try await journal.entries(afterID: nil, limit: 10)
            #expect(entries.map(\.state) == [.failed, .accepted])
            #expect(entries.first?.failureReason?.hasPrefix("no transcript") == true)
            #expect(try await journal.count(state: .pending) == 0)
            #expect(!recorder.text.contains(Self.name))
        }
    }

    /// An MDM^T02 of patient `mrn` whose transcript repeats a dialogue `times` times: a long one takes far longer to
    /// write than a short one, so that notes written at once finish out of journal order.
    static func mdm(_ control: String, patient mrn: String, repeating times: Int) -> [UInt8] {
        let lines = (0..<times).flatMap { round in
            [
                "Doctor: How has the cough been since the last visit, round \(round)?",
                "Patient: It is better in the morning but worse at night when I lie down.",
                "Doctor: Your lungs sound clear today. Keep taking the inhaler twice a day.",
            ]
        }
        let observations = lines.enumerated().map {
            "OBX|\($0.offset + 1)|TX|11506-3^Progress note^LN|1|\($0.element)||||||F"
        }
        return Array(
            ([
                "MSH|^~\\&|DICTATE|NORTH|NB|NB|20261101120000||MDM^T02^MDM_T02|\(control)|P|2.5.1",
                "EVN|T02|20261101120000",
                "PID|1||\(mrn)^^^NORTH^MR||\(name)^QUINTESSA||19800101|F",
                "PV1|1|O|CLINIC^1^1||||1234^WELBY^MARCUS|||MED|||||||||V-\(control)",
            ] + observations).joined(separator: "\r").utf8) + [0x0D]
    }

    @Test(
        "notes written at once are recorded in journal order: each patient's outbox rows follow its messages",
        arguments: [false, true])
    func concurrentNotesKeepPatientOrder(soleInstance: Bool) async throws {
        try await Self.withPipeline(concurrency: 4, soleInstance: soleInstance) { journal, service, intake, recorder in
            // Per patient, a long transcript first and short ones after it: written four at a time, the short notes
            // are done long before the long one, and recording them as they finish would put them ahead of it.
            let patients = ["MRN-A", "MRN-B", "MRN-C"]
            var expected: [String: [Int64]] = [:]
            for round in 0..<4 {
                for patient in patients {
                    let control = "ORD-\(patient)-\(round)"
                    let message = Self.mdm(control, patient: patient, repeating: round == 0 ? 120 : 1)
                    let reply = await intake.receive(message, source: "t", logger: recorder.logger())
                    #expect(try HL7Message(parsing: try #require(reply.bytes))["MSA-1"] == "AA")
                }
            }
            for entry in try await journal.entries(afterID: nil, limit: 100) {
                let message = try HL7Message(parsing: entry.body)
                expected[message["PID-3.1"] ?? "", default: []].append(entry.id)
            }
            let threads = PipelineThreads(count: 4)
            let written = await service.processAccepted(on: threads)
            await threads.shutdown()
            #expect(written == 12)
            #expect(try await journal.count(state: .accepted) == 0)
            // The "ehr" rows in row order, read back to the journal entry of each note, per patient.
            var delivered: [String: [Int64]] = [:]
            for row in try await journal.items(state: .pending, destination: "ehr", afterID: nil, limit: 100) {
                let record = try NoteRecord.decoded(from: try #require(try await journal.noteDocument(id: row.noteID)))
                let patient = try #require(record.encounter.patient.identifiers.first?.value)
                delivered[patient, default: []].append(try #require(record.encounter.origin.journalID))
            }
            #expect(delivered == expected)
            // The claim honours it: one row per patient at a time, the earliest first.
            let first = try await journal.claim(destination: "ehr", limit: 10, leaseDuration: .seconds(60), now: Date())
            #expect(first.count == 3)
        }
    }

    @Test(
        "the only instance still waits for an earlier entry another owner's claim holds (a database from a shared store)"
    )
    func soleInstanceWaitsForForeignClaims() async throws {
        try await Self.withPipeline(soleInstance: true) { journal, service, intake, recorder in
            for control in ["ORD-1", "ORD-2"] {
                _ = await intake.receive(
                    Self.mdm(control, patient: "MRN-A", repeating: 1), source: "t", logger: recorder.logger())
            }
            let held = try await journal.claimAccepted(
                messageTypes: [], afterID: nil, limit: 1, by: JournalClaimant(owner: "other", lease: .seconds(60)),
                now: Date())
            #expect(held.count == 1)
            var service = service
            service.claimant = JournalClaimant(owner: "embedded", lease: .milliseconds(300))
            #expect(await service.processAccepted() == 0)
            #expect(try await journal.count(state: .accepted) == 2)
        }
    }
}
