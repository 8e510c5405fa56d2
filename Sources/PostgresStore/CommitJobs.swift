import Synchronization

/// The write jobs of group commit on PostgreSQL: each queued record schedules one job; at most `concurrency` jobs
/// commit at a time (each on its own pooled connection), and the rest wait their turn, by which time earlier jobs
/// have usually taken their records along, so they end at once. ``waitUntilIdle()`` returns once every scheduled job
/// has ended (the store's close).
///
/// A job is a task of its own, as a write job on SQLite's serial writer queue is a job of its own; it runs only
/// while records are pending and never outlives ``waitUntilIdle()``.
final class CommitJobs: Sendable {
    private struct State {
        var running = 0
        var scheduled = 0
        var waitingForSlot: [CheckedContinuation<Void, Never>] = []
        var waitingForIdle: [CheckedContinuation<Void, Never>] = []
    }

    private let concurrency: Int
    private let state = Mutex(State())

    init(concurrency: Int) {
        self.concurrency = max(1, concurrency)
    }

    /// Schedules `job`; call only while holding the commit queue's lock (``JournalCommitQueue/enqueue(_:schedule:)``).
    func schedule(_ job: @escaping @Sendable () async -> Void) {
        state.withLock { $0.scheduled += 1 }
        Task {
            await self.acquireSlot()
            await job()
            self.finish()
        }
    }

    /// Returns once no job is scheduled or running.
    func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                if state.scheduled == 0 { return true }
                state.waitingForIdle.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func acquireSlot() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.running < concurrency {
                    state.running += 1
                    return true
                }
                state.waitingForSlot.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func finish() {
        let (next, idle) = state.withLock {
            state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            state.scheduled -= 1
            var next: CheckedContinuation<Void, Never>?
            if state.waitingForSlot.isEmpty {
                state.running -= 1
            } else {
                // The slot passes to the next job as it is.
                next = state.waitingForSlot.removeFirst()
            }
            var idle: [CheckedContinuation<Void, Never>] = []
            if state.scheduled == 0 {
                idle = state.waitingForIdle
                state.waitingForIdle = []
            }
            return (next, idle)
        }
        next?.resume()
        for waiter in idle { waiter.resume() }
    }
}
