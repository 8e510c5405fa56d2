import NIOCore
import Synchronization

/// Numbers the connections of one listener run, enforces its connection limit, and closes the connections that
/// were accepted but never picked up for serving when the listener stops.
final class MLLPConnectionRegistry: Sendable {
    private struct State {
        var lastConnectionID: UInt64 = 0
        var activeConnections = 0
        /// Accepted connections not yet picked up by the accept loop.
        var unclaimed: [ObjectIdentifier: any Channel] = [:]
        var isShutDown = false
    }

    /// The largest number of connections served at once.
    let limit: Int

    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The number of connections currently served.
    var activeCount: Int {
        self.state.withLock { $0.activeConnections }
    }

    /// Records a newly accepted channel and returns its connection number (from 1), or `nil` when the listener has
    /// stopped, in which case the caller closes the channel.
    func admit(_ channel: any Channel) -> UInt64? {
        self.state.withLock { state in
            guard !state.isShutDown else { return nil }
            state.lastConnectionID &+= 1
            state.unclaimed[ObjectIdentifier(channel)] = channel
            return state.lastConnectionID
        }
    }

    /// Takes an admitted channel out of the unclaimed set and one connection slot; returns `false` when the limit is
    /// reached, in which case the caller closes the channel without serving it.
    func claim(_ channel: any Channel) -> Bool {
        self.state.withLock { state in
            state.unclaimed[ObjectIdentifier(channel)] = nil
            guard state.activeConnections < self.limit else { return false }
            state.activeConnections += 1
            return true
        }
    }

    /// Gives back a slot taken with ``claim(_:)``.
    func release() {
        self.state.withLock { $0.activeConnections -= 1 }
    }

    /// Refuses further connections and closes the admitted ones that were never claimed.
    func shutDown() {
        let unclaimed = self.state.withLock { state in
            state.isShutDown = true
            defer { state.unclaimed = [:] }
            return Array(state.unclaimed.values)
        }
        for channel in unclaimed {
            channel.close(promise: nil)
        }
    }
}
