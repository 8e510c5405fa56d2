import Foundation

extension Process {
    /// Starts the process and waits for its exit status without blocking a thread: a test blocked in
    /// `waitUntilExit` holds one of the concurrency pool's threads (two on a 2-core machine) for as long as the
    /// program runs, and the other suites' tasks starve (measured: MLLPListenerTests' idle-timeout test then sent 1
    /// message in 5 s; OutboxWorkerLaneTests waited over 20 s for its first row while `initdb` ran).
    public func exitStatus() async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try run()
            } catch {
                terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
    }
}
