import NIOCore

extension SocketAddress {
    /// `host:port`, `[v6]:port`, or the socket path; used in logs and ``MLLPConnectionInfo``.
    var mllpPeerDescription: String {
        switch self {
        case .v4:
            return "\(self.ipAddress ?? "unknown"):\(self.port ?? 0)"
        case .v6:
            return "[\(self.ipAddress ?? "unknown")]:\(self.port ?? 0)"
        case .unixDomainSocket:
            return self.pathname ?? "unix"
        }
    }
}
