import Synchronization

/// The queue behind group commit: `record` calls park here with a continuation, and each write job on the
/// database's serial writer takes everything pending (up to a bound) and commits it in one transaction.
///
/// Invariant: every pending record was enqueued together with exactly one scheduled write job, and every job
/// takes at least the oldest pending record when any is left, so no record is ever stranded.
package final class JournalCommitQueue: Sendable {
    /// What the transaction did with one record, before the body of a duplicate is opened.
    package enum Outcome: Sendable {
        case recorded(id: Int64)
        case duplicate(JournalRow)
        case reusedControlID(id: Int64, earlierID: Int64)
    }

    /// One parked `record` call.
    package struct Pending: Sendable {
        /// The row to insert (body already sealed).
        package var row: JournalRow
        /// Rows of the same sender and control id received at or after this time (epoch ms) are originals.
        package var duplicateCutoff: Int64
        /// Resumed once the transaction holding this record committed or failed.
        package var continuation: CheckedContinuation<Outcome, any Error>

        /// A parked record.
        package init(row: JournalRow, duplicateCutoff: Int64, continuation: CheckedContinuation<Outcome, any Error>) {
            self.row = row
            self.duplicateCutoff = duplicateCutoff
            self.continuation = continuation
        }
    }

    private struct State {
        var pending: [Pending] = []
        var isClosed = false
        var batchCount = 0
        var largestBatch = 0
    }

    private let state = Mutex(State())

    /// An empty, open queue.
    package init() {}

    /// Appends `pending` and calls `schedule` (which must only schedule, not run, a write job) atomically;
    /// `false`, with nothing appended or scheduled, once the queue is closed.
    package func enqueue(_ pending: Pending, schedule: () -> Void) -> Bool {
        state.withLock { state in
            guard !state.isClosed else {
                return false
            }
            state.pending.append(pending)
            schedule()
            return true
        }
    }

    /// Removes and returns up to `maximumCount` of the oldest pending records.
    package func takeBatch(maximumCount: Int) -> [Pending] {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                return []
            }
            let batch: [Pending]
            if state.pending.count <= maximumCount {
                batch = state.pending
                state.pending = []
            } else {
                batch = Array(state.pending.prefix(maximumCount))
                state.pending.removeFirst(maximumCount)
            }
            state.batchCount += 1
            state.largestBatch = max(state.largestBatch, batch.count)
            return batch
        }
    }

    /// Closes the queue to new records; `true` only for the first call.
    package func close() -> Bool {
        state.withLock { state in
            guard !state.isClosed else {
                return false
            }
            state.isClosed = true
            return true
        }
    }

    /// Whether ``close()`` was called.
    package var isClosed: Bool {
        state.withLock { $0.isClosed }
    }

    /// How many records wait for a write job.
    package var pendingCount: Int {
        state.withLock { $0.pending.count }
    }

    /// How many batches were taken, and the largest batch (for tests and diagnostics).
    package var statistics: (batches: Int, largestBatch: Int) {
        state.withLock { ($0.batchCount, $0.largestBatch) }
    }
}

extension JournalCommitQueue {
    /// Queues a new entry's row for the next group commit and waits for its outcome, as ``Journal/record(_:duplicateWindow:)``
    /// answers it (a duplicate's body opened with `sealer`). `schedule` starts a batch when the queue was idle;
    /// `closed` is thrown when the queue no longer accepts rows. Every journal on this queue records this way.
    package func record(
        _ row: JournalRow, duplicateWindow: Duration, sealer: Sealer, closed: StoreError,
        schedule: () -> Void
    ) async throws -> JournalRecordOutcome {
        let (cutoff, overflow) = row.receivedAt.subtractingReportingOverflow(duplicateWindow.clampedMilliseconds)
        let duplicateCutoff = overflow ? Int64.min : cutoff
        let outcome = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Outcome, any Error>) in
            let pending = Pending(row: row, duplicateCutoff: duplicateCutoff, continuation: continuation)
            if !enqueue(pending, schedule: schedule) {
                continuation.resume(throwing: closed)
            }
        }
        switch outcome {
        case .recorded(let id):
            return .recorded(id: id)
        case .duplicate(let original):
            return .duplicate(try original.entry(opening: sealer))
        case .reusedControlID(let id, let earlierID):
            return .reusedControlID(id: id, earlierID: earlierID)
        }
    }
}
