import Synchronization

/// Set when the task awaiting a transfer is cancelled; read by the transfer's callbacks, which then abort it.
final class CancellationFlag: Sendable {
    private let storage = Atomic<Bool>(false)

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool {
        storage.load(ordering: .acquiring)
    }

    /// Marks the transfer cancelled.
    func cancel() {
        storage.store(true, ordering: .releasing)
    }
}
