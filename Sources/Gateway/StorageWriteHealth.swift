import Store
import Synchronization

/// Whether the store took its last write, for `/readyz`: a write that failed with ``StoreError/Code/cannotWrite``
/// (a full disk, a read-only database, PostgreSQL unreachable) makes the gateway not ready, so that a balancer sends
/// traffic elsewhere, until a probe write commits again (``Store/checkWritable()``, run by `/readyz` at most once per
/// ``probeInterval`` while not ready). Other writes that succeed meanwhile do not clear it: only the probe does.
final class StorageWriteHealth: Sendable {
    private enum State: Sendable {
        /// No write has failed since the last one that succeeded.
        case writable
        /// A write failed with `cannotWrite`; the last probe (if any) started at `probed`.
        case cannotWrite(probed: ContinuousClock.Instant?)
    }

    /// The least time between two probe writes while the store cannot write.
    let probeInterval: Duration
    private let state = Mutex(State.writable)

    init(probeInterval: Duration = .seconds(5)) {
        self.probeInterval = probeInterval
    }

    /// Records the outcome of a failed store operation: only a `cannotWrite` error changes the state.
    func failed(_ error: any Error) {
        guard (error as? StoreError)?.code == .cannotWrite else { return }
        state.withLock { state in
            if case .writable = state { state = .cannotWrite(probed: nil) }
        }
    }

    /// Records that a write committed (the probe's).
    func succeeded() {
        state.withLock { $0 = .writable }
    }

    /// Whether the last write failed and no write has committed since.
    var cannotWrite: Bool {
        state.withLock {
            if case .cannotWrite = $0 { return true }
            return false
        }
    }

    /// `nil` when the store takes writes; otherwise runs `probe` (when the last probe is older than
    /// ``probeInterval``) and returns `"storage_cannot_write"` unless it commits.
    func unreadyReason(probe: () async throws -> Void) async -> String? {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool? in
            guard case .cannotWrite(let probed) = state else { return nil }
            if let probed, now - probed < probeInterval { return false }
            state = .cannotWrite(probed: now)
            return true
        }
        guard let due else { return nil }
        if due {
            do {
                try await probe()
                succeeded()
                return nil
            } catch {
                // Still failing: stay not ready (whatever the error says).
            }
        }
        return "storage_cannot_write"
    }
}
