import NIOSSL

/// Identifies the connection a frame arrived on; holds no message content.
public struct MLLPConnectionInfo: Sendable {
    /// The peer's address as `host:port` (`[v6]:port` for IPv6), or `unknown`.
    public var remoteAddress: String

    /// A number unique among the connections accepted by one listener run, in accept order from 1.
    public var connectionID: UInt64

    /// The certificate the peer presented during a mutual-TLS handshake, if any.
    public var tlsPeerCertificate: NIOSSLCertificate?

    /// Creates connection information.
    public init(remoteAddress: String, connectionID: UInt64, tlsPeerCertificate: NIOSSLCertificate? = nil) {
        self.remoteAddress = remoteAddress
        self.connectionID = connectionID
        self.tlsPeerCertificate = tlsPeerCertificate
    }
}
