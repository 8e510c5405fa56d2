import Delivery
import EncounterModel
import Foundation
import HL7v2
import Logging
import MLLP
import Mapping
import Store
import Testing

@testable import Gateway
import TestSupport

@Suite("Pipeline: routes and ADT visit contexts")
struct EncounterPipelineRoutesTests {
    static let name = "ZEBULONQUINT"

    static func message(_ header: String, pv1: String, observations: [String] = EncounterPipelineTests.transcript) -> [UInt8] {
        Array(
            ([header, "PID|1||MRN-4471^^^NORTH^MR||\(name)^QUINTESSA||19800101|F", pv1] + observations)
                .joined(separator: "\r").utf8) + [0x0D]
    }

    @Test("an ADT^A04 keeps the visit; the later MDM^T02 of that visit takes its specialty, attending and location")
    func contextFillsTheTranscriptMessage() async throws {
        let directory = try URLPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let recorder = LogRecorder()
        let keyring = try DataKeyring.load(keyFile: directory.appendingPathComponent("journal.key"), environment: [:])
        let journal = try SQLiteJournal(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"), keyring: keyring,
            logger: recorder.logger(label: "store"))
        var pipeline = EncounterPipeline(
            journal: journal, outbox: journal, reader: HL7EncounterReader(), limits: .default, destinations: ["ehr"],
            noteRetention: .seconds(3600), digester: PatientKeyDigester(keyring: keyring), mapping: NoteFHIRMapping(),
            logger: recorder.logger())
        pipeline.contexts = journal
        pipeline.defaultMessageTypes = [MessageTypePattern(code: "MDM", event: "T02")]
        pipeline.routes = [
            RouteConfiguration(
                name: "north", listener: "mllp", sendingApplication: "DICTATE", sendingFacility: "NORTH",
                messageTypes: [], mapping: HL7EncounterReader.Configuration(), destinations: ["ehr"],
                acknowledgmentDestination: nil)
        ]
        let service = PipelineService(
            pipeline: pipeline, messageTypes: ["MDM^T02", "ADT^A04"], wakes: DeliverySignal(), deliveries: DeliverySignal(),
            pollInterval: .seconds(1), logger: recorder.logger())
        let intake = HL7Intake(
            journal: journal, acknowledgments: HL7AcknowledgmentBuilder(), limits: .default, acceptedTypes: [],
            duplicateWindow: .seconds(3600), maximumFrameSize: 1 << 20, logger: recorder.logger())
        let adt = Self.message(
            "MSH|^~\\&|REG|NORTH|NB|NB|20261101080000||ADT^A04^ADT_A01|A-1|P|2.5.1",
            pv1: "PV1|1|O|PTGYM^2^^NORTH||||7788^HOUSE^GREGORY|||PT|||||||||V9", observations: [])
        let mdm = Self.message(
            "MSH|^~\\&|DICTATE|NORTH|NB|NB|20261101093000||MDM^T02^MDM_T02|M-1|P|2.5.1",
            pv1: "PV1|1|O" + String(repeating: "|", count: 17) + "V9")
        let stranger = Self.message(
            "MSH|^~\\&|OTHER|SOUTH|NB|NB|20261101093000||MDM^T02^MDM_T02|M-2|P|2.5.1",
            pv1: "PV1|1|O" + String(repeating: "|", count: 17) + "V9")
        for bytes in [adt, mdm, stranger] {
            _ = await intake.receive(bytes, source: "t", logger: recorder.logger())
        }
        _ = await service.processAccepted()
        let entries = try await journal.entries(afterID: nil, limit: 10)
        #expect(entries.map(\.state) == [.processed, .processed, .failed])
        #expect(entries.last?.failureReason == "no route takes this message (sender OTHER|SOUTH, type MDM^T02)")
        let row = try #require(try await journal.items(state: .pending, destination: "ehr", afterID: nil, limit: 10).first)
        let record = try NoteRecord.decoded(from: try #require(try await journal.noteDocument(id: row.noteID)))
        #expect(record.encounter.specialty == "physical_therapy")
        #expect(record.encounter.attending?.id == "7788")
        #expect(record.encounter.visit.location.pointOfCare == "PTGYM")
        #expect(record.encounter.visit.hospitalService == "PT")
        try await journal.close()
        #expect(!recorder.text.contains(Self.name) && !recorder.text.contains("PTGYM"))
    }
}
