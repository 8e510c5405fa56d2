import EncounterModel
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Delivery
@testable import Store

/// A destination that answers from a script and records what it was given.
final class ScriptedDestination: Destination {
    let name = "ehr"
    private let script: Mutex<[DeliveryOutcome]>
    private let sent = Mutex<[(noteID: String, controlID: String)]>([])

    init(_ outcomes: [DeliveryOutcome]) { script = Mutex(outcomes) }

    func deliver(_ note: NoteRecord, item: OutboxItem) async -> DeliveryOutcome {
        sent.withLock { $0.append((note.id, item.controlID)) }
        return script.withLock { $0.isEmpty ? .deliveredWithoutReferences : $0.removeFirst() }
    }

    var deliveries: [(noteID: String, controlID: String)] { sent.withLock { $0 } }
}

@Suite("Delivery")
struct DeliveryTests {
    static let marker = "QUENTINZEBRAFISH"

    static func record(_ id: String) -> NoteRecord {
        NoteRecord(
            id: id, createdAt: Date(timeIntervalSince1970: 1_796_000_000),
            encounter: Encounter(
                patient: Encounter.Patient(
                    identifiers: [Encounter.Identifier(value: "MRN-\(marker)")],
                    name: Encounter.PersonName(family: marker)),
                transcript: Encounter.Transcript(text: "\(marker) has knee pain", source: .hl7Observation),
                origin: Encounter.Origin(channel: .mllp)),
            documentType: NoteRecord.Code(code: "11506-3", display: "Progress note", system: "LN"),
            sections: [
                NoteRecord.Section(
                    key: "subjective", title: "SUBJECTIVE",
                    code: NoteRecord.Code(code: "61150-9", display: "Subjective", system: "LN"),
                    lines: ["\(marker) reports knee pain."])
            ])
    }

    private func withOutbox(_ body: (SQLiteJournal) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "nb-delivery-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = try SQLiteJournal(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"),
            keyring: try DataKeyring(activeKey: [UInt8](repeating: 3, count: DataKeyring.keyByteCount)))
        do {
            try await body(journal)
        } catch {
            try? await journal.close()
            throw error
        }
        try await journal.close()
    }

    private func queue(_ id: String, patient: String, in journal: SQLiteJournal) async throws {
        _ = try await journal.commit(
            OutboxNote(
                id: id, createdAt: Date(), expiresAt: Date().addingTimeInterval(3600), patientKey: patient,
                document: try Self.record(id).encoded()),
            destinations: ["ehr"], processing: nil, now: Date())
    }

    @Test("exponential backoff with jitter, capped, then none after the last attempt")
    func retryPolicy() {
        let policy = RetryPolicy(
            maximumAttempts: 5, initialBackoff: .seconds(1), maximumBackoff: .seconds(6), jitter: 0.2)
        #expect(policy.delay(afterAttempts: 1, random: 0) == .seconds(1))
        #expect(policy.delay(afterAttempts: 2, random: 0) == .seconds(2))
        #expect(policy.delay(afterAttempts: 3, random: 0) == .seconds(4))
        #expect(policy.delay(afterAttempts: 4, random: 0) == .seconds(6))
        #expect(policy.delay(afterAttempts: 2, random: 1) == .milliseconds(2_400))
        #expect(policy.delay(afterAttempts: 2, random: -1) == .milliseconds(1_600))
        #expect(policy.delay(afterAttempts: 5, random: 0) == nil)
    }

    @Test("acknowledgments: AA and CA deliver, AR and CR retry, AE and CE are dead with the coded error only")
    func acknowledgments() {
        func ack(_ code: String, _ controlID: String = "NB1", err: String = "") -> [UInt8] {
            Array("MSH|^~\\&|EHR|H|NOTEBRIDGE||20261101||ACK^R01^ACK|A1|P|2.5.1\rMSA|\(code)|\(controlID)\r\(err)".utf8)
        }
        #expect(
            MLLPPeerDestination.outcome(ofAcknowledgment: ack("AA"), controlID: "NB1") == .deliveredWithoutReferences)
        #expect(
            MLLPPeerDestination.outcome(ofAcknowledgment: ack("CA"), controlID: "NB1") == .deliveredWithoutReferences)
        guard case .retry = MLLPPeerDestination.outcome(ofAcknowledgment: ack("AR"), controlID: "NB1") else {
            Issue.record("AR must be retried"); return
        }
        guard case .retry = MLLPPeerDestination.outcome(ofAcknowledgment: ack("AA", "OTHER"), controlID: "NB1") else {
            Issue.record("an ACK of another message must be retried"); return
        }
        guard case .retry = MLLPPeerDestination.outcome(ofAcknowledgment: Array("garbage".utf8), controlID: "NB1")
        else {
            Issue.record("garbage must be retried"); return
        }
        let refused = MLLPPeerDestination.outcome(
            ofAcknowledgment: ack(
                "AE", err: "ERR|||207^Application internal error^HL70357|E||||Patient \(Self.marker) unknown\r"),
            controlID: "NB1")
        #expect(refused == .dead(reason: "AE: the receiver refused the message; ERR-3 207 Application internal error"))
    }

    @Test("the worker retries with backoff, keeps the MSH-10 of the first try, then delivers")
    func retriesThenDelivers() async throws {
        try await withOutbox { journal in
            try await queue("note_1", patient: "pk_a", in: journal)
            let destination = ScriptedDestination([
                .retry(reason: "no acknowledgment"), .retry(reason: "AR"), .deliveredWithoutReferences,
            ])
            let logs = LogRecorder()
            var configuration = OutboxWorker.Configuration()
            configuration.retry = RetryPolicy(
                initialBackoff: .milliseconds(1), maximumBackoff: .milliseconds(5), jitter: 0)
            let worker = OutboxWorker(
                outbox: journal, destination: destination, configuration: configuration, signal: DeliverySignal(),
                logger: logs.logger())
            for _ in 0..<50 {
                if try await journal.count(state: .delivered) > 0 { break }
                await worker.deliverDue()
                try await Task.sleep(for: .milliseconds(10))
            }
            let item = try #require(
                try await journal.items(state: .delivered, destination: "ehr", afterID: nil, limit: 1).first)
            #expect(item.attempts == 3)
            #expect(destination.deliveries.count == 3)
            #expect(Set(destination.deliveries.map(\.controlID)) == [item.controlID])
            #expect(!logs.text.contains(Self.marker))
            #expect(logs.text.contains("will be retried"))
        }
    }

    @Test("the references a delivered outcome reports are kept with the row: valid ones only, at most 50")
    func deliveredReferences() async throws {
        try await withOutbox { journal in
            try await queue("note_1", patient: "pk_a", in: journal)
            try await queue("note_2", patient: "pk_b", in: journal)
            let reported = [
                "Composition/c1/_history/1", "https://ehr/fhir/Patient?identifier=MRN-\(Self.marker)", "Patient/p1",
            ]
            let many = (1...60).map { "Condition/k\($0)/_history/1" }
            let destination = ScriptedDestination([.delivered(references: reported), .delivered(references: many)])
            var configuration = OutboxWorker.Configuration()
            configuration.connections = 1
            let worker = OutboxWorker(
                outbox: journal, destination: destination, configuration: configuration, signal: DeliverySignal(),
                logger: LogRecorder().logger())
            await worker.deliverDue()
            let items = try await journal.items(state: .delivered, destination: "ehr", afterID: nil, limit: 10)
            #expect(items.map(\.noteID) == ["note_1", "note_2"])
            #expect(items.first?.deliveredReferences == ["Composition/c1/_history/1", "Patient/p1"])
            #expect(items.last?.deliveredReferences == Array(many.prefix(50)))
        }
    }

    @Test("a refused note goes to the dead letter; later notes of the patient still go; retry sends it again")
    func deadLetter() async throws {
        try await withOutbox { journal in
            try await queue("note_1", patient: "pk_a", in: journal)
            try await queue("note_2", patient: "pk_a", in: journal)
            let destination = ScriptedDestination([.dead(reason: "AE: the receiver refused the message")])
            let logs = LogRecorder()
            let worker = OutboxWorker(
                outbox: journal, destination: destination, signal: DeliverySignal(), logger: logs.logger())
            await worker.deliverDue()
            #expect(
                try await journal.items(state: .dead, destination: nil, afterID: nil, limit: 5).map(\.noteID) == [
                    "note_1"
                ])
            #expect(
                try await journal.items(state: .delivered, destination: nil, afterID: nil, limit: 5).map(\.noteID) == [
                    "note_2"
                ])
            #expect(try await journal.retryAllDead(destination: "ehr", now: Date()) == 1)
            await worker.deliverDue()
            #expect(try await journal.count(state: .delivered) == 2)
            #expect(destination.deliveries.map(\.noteID) == ["note_1", "note_2", "note_1"])
            #expect(!logs.text.contains(Self.marker))
        }
    }

    @Test("attempts run out: the row is dead with the last reason")
    func attemptsRunOut() async throws {
        try await withOutbox { journal in
            try await queue("note_1", patient: "pk_a", in: journal)
            let destination = ScriptedDestination(Array(repeating: .retry(reason: "no acknowledgment"), count: 10))
            var configuration = OutboxWorker.Configuration()
            configuration.retry = RetryPolicy(maximumAttempts: 2, initialBackoff: .milliseconds(1), jitter: 0)
            let worker = OutboxWorker(
                outbox: journal, destination: destination, configuration: configuration, signal: DeliverySignal(),
                logger: LogRecorder().logger())
            for _ in 0..<50 {
                if try await journal.count(state: .dead) > 0 { break }
                await worker.deliverDue()
                try await Task.sleep(for: .milliseconds(5))
            }
            let dead = try #require(
                try await journal.items(state: .dead, destination: nil, afterID: nil, limit: 1).first)
            #expect(dead.attempts == 2)
            #expect(dead.lastError == "gave up after 2 attempts: no acknowledgment")
        }
    }

    @Test("a row past the destination's age limit goes to the dead letter on its next failure")
    func ageLimit() async throws {
        try await withOutbox { journal in
            try await queue("note_1", patient: "pk_a", in: journal)
            var configuration = OutboxWorker.Configuration()
            configuration.retry = RetryPolicy(maximumAge: .milliseconds(1))
            let worker = OutboxWorker(
                outbox: journal, destination: ScriptedDestination([.retry(reason: "no acknowledgment")]),
                configuration: configuration, signal: DeliverySignal(), logger: LogRecorder().logger())
            try await Task.sleep(for: .milliseconds(20))
            await worker.deliverDue()
            let dead = try #require(
                try await journal.items(state: .dead, destination: nil, afterID: nil, limit: 1).first)
            #expect(dead.attempts == 1)
            #expect(dead.lastError?.hasSuffix("(the destination's age limit): no acknowledgment") == true)
        }
    }

    @Test("an interrupted send releases the lease without counting an attempt")
    func interrupted() async throws {
        try await withOutbox { journal in
            try await queue("note_1", patient: "pk_a", in: journal)
            let worker = OutboxWorker(
                outbox: journal, destination: ScriptedDestination([.interrupted]), signal: DeliverySignal(),
                logger: LogRecorder().logger())
            let lease = try #require(
                try await journal.claim(destination: "ehr", limit: 1, leaseDuration: .seconds(60), now: Date()).first)
            await worker.deliver(lease)
            let item = try #require(try await journal.item(id: lease.item.id))
            #expect(item.state == .pending)
            #expect(item.attempts == 0)
        }
    }
}
