#if canImport(Glibc)
import Glibc
#endif
import NIOPosix

/// Threads of the pipeline's own for its CPU-bound steps (parsing a message, writing the note and its codes,
/// encoding the record), so that notes being written never hold the threads of Swift's cooperative pool, on which
/// the MLLP intake acknowledges messages and the HTTP routes answer.
///
/// The threads may run at a lower scheduling priority than the rest of the process (`niceness`, Linux only): when
/// the machine is saturated, acknowledging inbound messages durably comes before writing notes from them.
final class PipelineThreads: Sendable {
    /// How many notes are written at once.
    let count: Int
    private let pool: NIOThreadPool
    private let niceness: Int32

    /// Starts `count` threads (at least one) at `niceness` (0 keeps the process's priority).
    init(count: Int, niceness: Int32 = 0) {
        self.count = max(1, count)
        self.niceness = max(0, min(19, niceness))
        pool = NIOThreadPool(numberOfThreads: self.count)
        pool.start()
    }

    /// Runs `body` on one of the threads and returns its result; throws when the threads were shut down.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        let niceness = self.niceness
        return try await pool.runIfActive {
            if niceness > 0 { Self.lowerPriority(of: niceness) }
            return body()
        }
    }

    /// Lets the threads finish what they run, then stops them.
    func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// Sets the calling thread's niceness. On Linux the nice value belongs to each thread, and `PRIO_PROCESS` with
    /// `who` 0 names the calling thread only; lowering one's own priority needs no privilege. Cheap enough to call
    /// for every job: two system calls next to milliseconds of note writing.
    private static func lowerPriority(of niceness: Int32) {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        if getpriority(which, 0) < niceness {
            _ = setpriority(which, 0, niceness)
        }
        #endif
    }
}
