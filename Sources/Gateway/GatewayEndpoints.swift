import Synchronization

/// The addresses the gateway actually listens on, known once every listener is bound.
public struct GatewayEndpoints: Sendable, Hashable {
    /// The bound MLLP port.
    public var mllpPort: Int
    /// The bound HTTP port.
    public var httpPort: Int
}

/// Collects the bound ports and reports once all are known; also answers readiness.
final class EndpointCollector: Sendable {
    private struct State {
        var mllpPort: Int?
        var httpPort: Int?
        var reported = false
    }

    private let state = Mutex(State())
    private let onReady: @Sendable (GatewayEndpoints) -> Void

    init(onReady: @escaping @Sendable (GatewayEndpoints) -> Void) {
        self.onReady = onReady
    }

    func mllpBound(_ port: Int) { update { $0.mllpPort = port } }
    func httpBound(_ port: Int) { update { $0.httpPort = port } }

    var isReady: Bool { state.withLock { $0.reported } }

    /// The bound ports so far (`nil` before a listener is bound).
    var boundPorts: (mllp: Int?, http: Int?) { state.withLock { ($0.mllpPort, $0.httpPort) } }

    private func update(_ change: (inout State) -> Void) {
        let ready: GatewayEndpoints? = state.withLock { state in
            change(&state)
            guard !state.reported, let mllp = state.mllpPort, let http = state.httpPort else { return nil }
            state.reported = true
            return GatewayEndpoints(mllpPort: mllp, httpPort: http)
        }
        if let ready { onReady(ready) }
    }
}
