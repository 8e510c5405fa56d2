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
    private let progress: PipelineProgress?

    /// Starts `count` threads (at least one) at `niceness` (0 keeps the process's priority); each job they run is
    /// marked on `progress`, when given, as it starts and ends.
    init(count: Int, niceness: Int32 = 0, progress: PipelineProgress? = nil) {
        self.count = max(1, count)
        self.niceness = max(0, min(19, niceness))
        self.progress = progress
        pool = NIOThreadPool(numberOfThreads: self.count)
        pool.start()
    }

    /// Runs `body` on one of the threads and returns its result; throws when the threads were shut down.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        let (niceness, progress) = (self.niceness, self.progress)
        return try await pool.runIfActive {
            if niceness > 0 { Self.lowerPriority(of: niceness) }
            progress?.begin()
            defer { progress?.end() }
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
