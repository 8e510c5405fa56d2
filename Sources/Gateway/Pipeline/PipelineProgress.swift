import Synchronization

/// Whether the pipeline is working on the journal entries it claimed, as ``PipelineService/keepClaims()`` asks it
/// before it extends them: a pass marks each step it ends (an entry prepared or recorded, a page claimed, an answer
/// from the journal), and the note-writing threads mark each note they start and finish, so that a note still being
/// written on a busy machine counts as work, however long it takes. A pass parked in a wait that never ends marks
/// nothing, and its claims are left to expire, so that the other instances take its entries over.
final class PipelineProgress: Sendable {
    private struct State {
        var last: ContinuousClock.Instant
        var running = 0
    }

    private let state: Mutex<State>

    /// Progress whose last step ended at `last` (now, unless given).
    init(lastStep last: ContinuousClock.Instant = .now) {
        state = Mutex(State(last: last))
    }

    /// Marks a step just ended.
    func record() {
        state.withLock { $0.last = .now }
    }

    /// Marks the start of work on a note-writing thread.
    func begin() {
        state.withLock {
            $0.running += 1
            $0.last = .now
        }
    }

    /// Marks the end of work on a note-writing thread.
    func end() {
        state.withLock {
            $0.running = max(0, $0.running - 1)
            $0.last = .now
        }
    }

    /// Whether a note is being written now, or a step ended less than `window` ago.
    func isWorking(within window: Duration) -> Bool {
        state.withLock { $0.running > 0 || ContinuousClock.now - $0.last < window }
    }

    /// How long ago the last step ended.
    var sinceLastStep: Duration {
        state.withLock { ContinuousClock.now - $0.last }
    }
}
