import Synchronization
import Testing

@testable import Gateway

@Suite("TranscriptionGate")
struct TranscriptionGateTests {
    /// A latch a test opens once.
    final class Latch: Sendable {
        private let opened = Mutex(false)
        func open() { opened.withLock { $0 = true } }
        func wait() async {
            while !opened.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(5)) }
        }
    }

    /// Events in the order they happened.
    final class Events: Sendable {
        private let items = Mutex<[String]>([])
        func append(_ item: String) { items.withLock { $0.append(item) } }
        var all: [String] { items.withLock { $0 } }
    }

    @Test("one slot: the second request waits its turn, the third is refused as busy, a cancelled waiter leaves")
    func slots() async throws {
        let gate = TranscriptionGate(limit: 1, queueLimit: 1)
        let release = Latch()
        let order = Events()
        let first = Task {
            try await gate.withSlot {
                order.append("first in")
                await release.wait()
                order.append("first out")
            }
        }
        while order.all.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
        let second = Task { try await gate.withSlot { order.append("second in") } }
        try await Task.sleep(for: .milliseconds(50))
        await #expect(throws: TranscriptionGate.Busy.self) { try await gate.withSlot {} }
        release.open()
        try await first.value
        try await second.value
        #expect(order.all == ["first in", "first out", "second in"])

        // A waiter cancelled while it waits gets CancellationError and gives its place up.
        let hold = Latch()
        let holder = Task { try await gate.withSlot { await hold.wait() } }
        try await Task.sleep(for: .milliseconds(50))
        let waiter = Task { try await gate.withSlot {} }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        hold.open()
        try await holder.value
        // Both slots are free again: two requests in a row run.
        try await gate.withSlot {}
        try await gate.withSlot {}
    }
}
