import Foundation
import Logging
import MLLP
import NIOCore

extension GatewayConfiguration {
    /// A listener that other machines can reach and that takes plain-text connections: what it carries
    /// (PHI, API keys) crosses the network unencrypted.
    public struct PlainTextListener: Sendable, Hashable {
        /// `HTTP` or `MLLP`.
        public var name: String
        /// The address it binds.
        public var host: String
        /// The configuration key that binds it (`http.host`).
        public var hostKey: String
        /// The configuration prefix of its TLS settings (`http.tls`).
        public var tlsKey: String
    }

    /// The listeners bound to an address other than the loopback one without TLS; empty with the defaults
    /// (127.0.0.1), or when every listener on another address has TLS.
    public var plainTextListenersBeyondLoopback: [PlainTextListener] {
        var listeners: [PlainTextListener] = []
        if httpTLS == nil, !Self.isLoopback(httpHost) {
            listeners.append(PlainTextListener(name: "HTTP", host: httpHost, hostKey: "http.host", tlsKey: "http.tls"))
        }
        if mllp.tls == nil, !Self.isLoopback(mllp.host) {
            listeners.append(PlainTextListener(name: "MLLP", host: mllp.host, hostKey: "mllp.host", tlsKey: "mllp.tls"))
        }
        return listeners
    }

    /// Whether binding `host` listens on the loopback interface only: `localhost`, an IPv4 address in
    /// 127.0.0.0/8, or `::1` (in any spelling, bracketed or IPv4-mapped). Any other name or address, `0.0.0.0`
    /// and `::` included, can be reached from other machines.
    public static func isLoopback(_ host: String) -> Bool {
        var name = host.trimmingCharacters(in: .whitespaces).lowercased()
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" { return true }
        guard let address = try? SocketAddress(ipAddress: name, port: 0), let text = address.ipAddress else {
            return false
        }
        switch address.protocol {
        case .inet: return text.hasPrefix("127.")
        case .inet6: return text == "::1" || text.hasPrefix("::ffff:127.")
        default: return false
        }
    }

    /// Warns once per listener that takes plain-text connections on an address beyond the loopback one. Names
    /// the listener, its address and the keys that change it; never anything a message carried.
    func warnAboutPlainTextListeners(_ logger: Logger) {
        for listener in plainTextListenersBeyondLoopback {
            logger.warning(
                """
                the \(listener.name) listener accepts plain-text connections on an address other machines can reach; \
                set \(listener.tlsKey).certificate and \(listener.tlsKey).privateKey to turn TLS on, or bind \
                127.0.0.1 with \(listener.hostKey)
                """,
                metadata: ["nb.listener": "\(listener.name.lowercased())", "nb.listener.host": "\(listener.host)"])
        }
    }
}
