import Dispatch

/// A thread for blocking transfers: a serial dispatch queue (which libdispatch backs with its own thread rather
/// than the Swift concurrency pool) and the easy handle it reuses.
///
/// A worker runs one transfer at a time; ``TransferLimiter`` hands each worker to one caller at a time.
final class TransferWorker: @unchecked Sendable {
    // @unchecked: `handle` is only read and written on `queue`.
    private let queue: DispatchQueue
    private var handle: EasyHandle?

    /// Creates a worker whose queue is labelled with `index`.
    init(index: Int) {
        self.queue = DispatchQueue(label: "notebridge.curl.worker.\(index)")
    }

    /// Runs ``Transfer/perform(_:target:handle:cancellation:)`` on the worker's queue.
    func perform(
        _ request: CurlRequest,
        target: CurlURL,
        cancellation: CancellationFlag
    ) async -> Result<CurlResponse, CurlError> {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.performOnQueue(request, target: target, cancellation: cancellation))
            }
        }
    }

    private func performOnQueue(
        _ request: CurlRequest,
        target: CurlURL,
        cancellation: CancellationFlag
    ) -> Result<CurlResponse, CurlError> {
        dispatchPrecondition(condition: .onQueue(queue))
        if handle == nil {
            handle = EasyHandle()
        }
        guard let handle else {
            return .failure(CurlError(.other, reason: "libcurl could not allocate an easy handle"))
        }
        return Transfer.perform(request, target: target, handle: handle, cancellation: cancellation)
    }
}
