import EncounterModel
import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Delivery
@testable import Store

/// A destination that counts its sessions (calls of `deliver(batches:reporting:)`, one per kept connection) and
/// records the notes it was given, in order.
final class SessionCountingDestination: Destination {
    let name = "ehr"
    private let state = Mutex<(sessions: Int, ended: Int, notes: [String])>((0, 0, []))

    func deliver(_ note: NoteRecord, item: OutboxItem) async -> DeliveryOutcome {
        state.withLock { $0.notes.append(note.id) }
        return .deliveredWithoutReferences
    }

    func deliver(
        batches next: () async -> [DeliveryPayload]?, reporting: (Int, DeliveryOutcome) async -> Void
    ) async {
        guard var payloads = await next() else { return }
        state.withLock { $0.sessions += 1 }
        while true {
            for (index, payload) in payloads.enumerated() {
                guard case .note(let note, let item) = payload else { continue }
                await reporting(index, await deliver(note, item: item))
            }
            guard let more = await next() else {
                state.withLock { $0.ended += 1 }
                return
            }
            payloads = more
        }
    }

    var sessions: Int { state.withLock { $0.sessions } }
    /// Sessions that ended (the lane idled or the service stopped).
    var ended: Int { state.withLock { $0.ended } }
    var notes: [String] { state.withLock { $0.notes } }
}

/// A destination whose deliveries of the notes named in `held` wait until ``release()``; the rest are delivered at once.
final class HoldingDestination: Destination {
    let name = "ehr"
    let held: Set<String>
    private let state = Mutex<(started: [String], waiting: [CheckedContinuation<Void, Never>], released: Bool)>(
        ([], [], false))

    init(holding held: Set<String>) {
        self.held = held
    }

    func deliver(_ note: NoteRecord, item: OutboxItem) async -> DeliveryOutcome {
        state.withLock { $0.started.append(note.id) }
        if held.contains(note.id) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let released = state.withLock { state in
                    if !state.released { state.waiting.append(continuation) }
                    return state.released
                }
                if released { continuation.resume() }
            }
        }
        return .deliveredWithoutReferences
    }

    /// The notes whose delivery began, in order.
    var started: [String] { state.withLock { $0.started } }

    /// Lets the held deliveries finish.
    func release() {
        let waiting = state.withLock { state in
            state.released = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }
}

@Suite("Outbox worker lanes")
struct OutboxWorkerLaneTests {
    /// How long a step may take before the test gives up: generous, because the full suite shares the two
    /// concurrency-pool threads of a 2-core machine with CPU-heavy suites (a step once took over 20 s there).
    static let patience: Duration = .seconds(90)

    @Test("a row due while another lane's delivery is in flight goes out over a free lane without waiting for it")
    func freeLaneTakesNewRows() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nb-lanes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = try SQLiteJournal(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"),
            keyring: try DataKeyring(activeKey: [UInt8](repeating: 3, count: DataKeyring.keyByteCount)))
        func queue(_ id: String, patient: String) async throws {
            _ = try await journal.commit(
                OutboxNote(
                    id: id, createdAt: Date(), expiresAt: Date().addingTimeInterval(3600), patientKey: patient,
                    document: try DeliveryTests.record(id).encoded()),
                destinations: ["ehr"], processing: nil, now: Date())
        }
        let destination = HoldingDestination(holding: ["note_slow"])
        let signal = DeliverySignal()
        let worker = OutboxWorker(
            outbox: journal, destination: destination,
            configuration: OutboxWorker.Configuration(
                pollInterval: .milliseconds(20), connections: 2, idleConnectionTimeout: .seconds(60)),
            signal: signal, logger: LogRecorder().logger())
        let service = Task { try await worker.run() }
        defer { destination.release() }
        try await queue("note_slow", patient: "pk_a")
        signal.wake()
        var deadline = ContinuousClock.now + Self.patience
        while !destination.started.contains("note_slow"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(destination.started == ["note_slow"])
        // Another patient's row, and a later row of the held patient, which must wait for the held one.
        try await queue("note_fast", patient: "pk_b")
        try await queue("note_after", patient: "pk_a")
        signal.wake()
        deadline = ContinuousClock.now + Self.patience
        while try await journal.count(state: .delivered) < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await journal.count(state: .delivered) == 1)
        #expect(destination.started == ["note_slow", "note_fast"])
        destination.release()
        deadline = ContinuousClock.now + Self.patience
        while try await journal.count(state: .delivered) < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        service.cancel()
        _ = try? await service.value
        #expect(try await journal.count(state: .delivered) == 3)
        #expect(destination.started == ["note_slow", "note_fast", "note_after"])
        try await journal.close()
    }

    @Test("the service keeps one session per lane across claims, delivers every row, and keeps each patient's order")
    func keptSessions() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nb-lanes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = try SQLiteJournal(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"),
            keyring: try DataKeyring(activeKey: [UInt8](repeating: 3, count: DataKeyring.keyByteCount)))
        // 10 patients, 6 notes each, interleaved: 60 rows, claimed 8 at a time (at most one per patient).
        var order: [String: [String]] = [:]
        for index in 0..<60 {
            let id = String(format: "note_%03d", index)
            let patient = "pk_\(index % 10)"
            order[patient, default: []].append(id)
            _ = try await journal.commit(
                OutboxNote(
                    id: id, createdAt: Date(), expiresAt: Date().addingTimeInterval(3600), patientKey: patient,
                    document: try DeliveryTests.record(id).encoded()),
                destinations: ["ehr"], processing: nil, now: Date())
        }
        let destination = SessionCountingDestination()
        let worker = OutboxWorker(
            outbox: journal, destination: destination,
            configuration: OutboxWorker.Configuration(
                batchSize: 8, pollInterval: .milliseconds(20), connections: 2, idleConnectionTimeout: .seconds(60)),
            signal: DeliverySignal(), logger: LogRecorder().logger())
        let service = Task { try await worker.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await journal.count(state: .delivered) < 60, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        service.cancel()
        _ = try? await service.value
        #expect(try await journal.count(state: .delivered) == 60)
        #expect(destination.sessions <= 2)
        let delivered = destination.notes
        #expect(delivered.count == 60)
        for (_, notes) in order {
            #expect(delivered.filter { notes.contains($0) } == notes)
        }
        try await journal.close()
    }

    @Test("a lane idle for its timeout ends its session; the next rows open a new one")
    func idleSessionsEnd() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nb-lanes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let journal = try SQLiteJournal(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"),
            keyring: try DataKeyring(activeKey: [UInt8](repeating: 3, count: DataKeyring.keyByteCount)))
        func queue(_ id: String) async throws {
            _ = try await journal.commit(
                OutboxNote(
                    id: id, createdAt: Date(), expiresAt: Date().addingTimeInterval(3600), patientKey: "pk_\(id)",
                    document: try DeliveryTests.record(id).encoded()),
                destinations: ["ehr"], processing: nil, now: Date())
        }
        let destination = SessionCountingDestination()
        let signal = DeliverySignal()
        let worker = OutboxWorker(
            outbox: journal, destination: destination,
            configuration: OutboxWorker.Configuration(
                pollInterval: .milliseconds(20), connections: 1, idleConnectionTimeout: .milliseconds(100)),
            signal: signal, logger: LogRecorder().logger())
        let service = Task { try await worker.run() }
        func waitFor(_ count: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while try await journal.count(state: .delivered) < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await queue("note_1")
        signal.wake()
        try await waitFor(1)
        // The lane idles out on its own clock: wait for its session to end (however loaded the machine), not a
        // fixed time.
        let idleDeadline = ContinuousClock.now + .seconds(20)
        while destination.ended < 1, ContinuousClock.now < idleDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(destination.ended == 1)
        try await queue("note_2")
        signal.wake()
        try await waitFor(2)
        service.cancel()
        _ = try? await service.value
        #expect(try await journal.count(state: .delivered) == 2)
        #expect(destination.sessions == 2)
        try await journal.close()
    }
}
