import Synchronization

/// Hands out the indexes of a fixed number of workers, one caller per worker; callers beyond that wait, first come
/// first served, and stop waiting when their task is cancelled.
final class TransferLimiter: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Int, any Error>
    }

    private struct State {
        var idle: [Int]
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Creates a limiter for workers `0..<count`.
    init(count: Int) {
        self.state = Mutex(State(idle: Array((0..<count).reversed())))
    }

    /// Waits for an idle worker and returns its index; throws `CancellationError` when the task is cancelled first.
    ///
    /// Every index returned must be given back with ``release(_:)``.
    func acquire() async throws -> Int {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                // Task.isCancelled is read under the lock, so a cancellation either is seen here or finds the waiter.
                let outcome: Result<Int, CancellationError>? = state.withLock { state in
                    if Task.isCancelled {
                        return .failure(CancellationError())
                    }
                    if let index = state.idle.popLast() {
                        return .success(index)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome {
                    continuation.resume(with: outcome)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let position = state.waiters.firstIndex(where: { $0.id == id }) else {
                    return nil
                }
                return state.waiters.remove(at: position)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives worker `index` back: to the longest waiter, or to the idle workers.
    func release(_ index: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard !state.waiters.isEmpty else {
                state.idle.append(index)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: index)
    }
}
