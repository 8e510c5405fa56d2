import Store
import Synchronization

/// One connection's worth of an outbox worker: the worker deals each claim's rows over its lanes, and each lane
/// sends its share over the connection it keeps open from one share to the next (closed when the lane idles).
///
/// The worker hands a share with ``deliver(_:)`` and waits until the lane has sent it and recorded every outcome;
/// the lane's task takes shares with ``next()``. A lane that stops (shutdown) is closed, and a share it did not take
/// is given back to the worker, which releases its rows.
final class DeliveryLane: Sendable {
    /// What a lane is given: a share of a claim, with who waits for it to be done, or the word that it idles.
    enum Job: Sendable {
        /// Rows to send; `done` is resumed with `true` once every outcome is recorded, `false` when never taken.
        case share([OutboxLease], done: CheckedContinuation<Bool, Never>)
        /// Nothing came for a while: close the connection.
        case idle
    }

    private struct State {
        var jobs: [Job] = []
        var waiter: CheckedContinuation<Job?, Never>?
        var isClosed = false
    }

    private let state = Mutex(State())

    /// An open lane with nothing queued.
    init() {}

    /// Hands `leases` to the lane and waits until it has delivered them and recorded their outcomes; `false` when
    /// the lane was closed before it took them (nothing was sent).
    func deliver(_ leases: [OutboxLease]) async -> Bool {
        await withCheckedContinuation { (done: CheckedContinuation<Bool, Never>) in
            let job = Job.share(leases, done: done)
            let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Job?, Never>?) in
                guard !state.isClosed else { return (false, nil) }
                if let waiter = state.waiter {
                    state.waiter = nil
                    return (true, waiter)
                }
                state.jobs.append(job)
                return (true, nil)
            }
            if !accepted {
                done.resume(returning: false)
            } else {
                waiter?.resume(returning: job)
            }
        }
    }

    /// Tells a lane that waits for a share, with nothing queued, to close its connection.
    func idle() {
        let waiter = state.withLock { state -> CheckedContinuation<Job?, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: .idle)
    }

    /// The next job, waiting for one; `nil` once the lane is closed or the calling task is cancelled.
    func next() async -> Job? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Job?, Never>) in
                let ready = state.withLock { state -> Job?? in
                    if !state.jobs.isEmpty { return .some(state.jobs.removeFirst()) }
                    if state.isClosed || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Job?, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Closes the lane: a waiting ``next()`` returns `nil`, and every share not taken is given back (`false`).
    func close() {
        let (jobs, waiter) = state.withLock { state -> ([Job], CheckedContinuation<Job?, Never>?) in
            state.isClosed = true
            defer {
                state.jobs = []
                state.waiter = nil
            }
            return (state.jobs, state.waiter)
        }
        waiter?.resume(returning: nil)
        for case .share(_, let done) in jobs { done.resume(returning: false) }
    }
}
