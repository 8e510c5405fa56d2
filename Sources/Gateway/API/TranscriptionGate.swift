import Synchronization

/// Bounds how many recordings are transcribed at once (each transcription already decodes on every core) and how
/// many uploads may wait for a turn; past that, a request is refused at once rather than held with its audio in
/// memory.
final class TranscriptionGate: Sendable {
    /// Refusal: every slot is taken and the queue is full.
    struct Busy: Error {}

    private struct State {
        var running = 0
        var nextTicket: UInt64 = 0
        var waiting: [(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        /// Tickets cancelled before they were queued.
        var cancelled: Set<UInt64> = []
    }

    /// Transcriptions at once.
    let limit: Int
    /// Requests that may wait for a slot.
    let queueLimit: Int
    private let state = Mutex(State())

    init(limit: Int, queueLimit: Int) {
        self.limit = max(1, limit)
        self.queueLimit = max(0, queueLimit)
    }

    /// Runs `body` in a slot, waiting for one if needed; throws ``Busy`` when the queue is full and
    /// `CancellationError` when the task is cancelled while it waits.
    func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        let ticket = state.withLock { state in
            defer { state.nextTicket += 1 }
            return state.nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Decision { case enter, wait, busy, cancelled }
                let decision = state.withLock { state -> Decision in
                    if state.cancelled.remove(ticket) != nil { return .cancelled }
                    if state.running < limit {
                        state.running += 1
                        return .enter
                    }
                    guard state.waiting.count < queueLimit else { return .busy }
                    state.waiting.append((ticket, continuation))
                    return .wait
                }
                switch decision {
                case .enter: continuation.resume()
                case .busy: continuation.resume(throwing: Busy())
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .wait: break
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiting.firstIndex(where: { $0.ticket == ticket }) else {
                    // Not queued yet (or already let in): a ticket not yet queued is refused when it arrives.
                    state.cancelled.insert(ticket)
                    return nil
                }
                return state.waiting.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
        // A ticket let in before its cancellation was seen leaves a stale mark; drop it.
        state.withLock { _ = $0.cancelled.remove(ticket) }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiting.isEmpty else {
                state.running -= 1
                return nil
            }
            // The slot passes to the longest waiter.
            return state.waiting.removeFirst().continuation
        }
        next?.resume()
    }
}
