/// How a transfer to an `https` URL authenticates the server and, for mutual TLS, itself.
///
/// Every path names a PEM file read by libcurl (OpenSSL) when the connection is made; a missing or unreadable file
/// fails the transfer with ``CurlError/Code/tls``. TLS 1.2 is the lowest version accepted.
public struct CurlTLSConfiguration: Sendable, Hashable {
    /// The CA certificates (PEM, one or more) that the server's certificate must chain to, instead of the system's
    /// trust store; `nil` uses the system's trust store.
    public var caFile: String?
    /// Whether the server's certificate chain is verified. Turn off only for tests.
    public var verifyPeer: Bool
    /// Whether the server's certificate must name the URL's host. Turn off only for tests.
    public var verifyHost: Bool
    /// The client certificate (PEM) presented for mutual TLS; `nil` presents none.
    ///
    /// The file may also hold the private key, in which case ``clientKeyFile`` may be `nil`.
    public var clientCertificateFile: String?
    /// The private key (PEM) of ``clientCertificateFile``; `nil` when the certificate file holds it.
    public var clientKeyFile: String?
    /// The passphrase of an encrypted ``clientKeyFile``; `nil` when the key is not encrypted.
    public var clientKeyPassword: String?

    /// Creates a configuration; the defaults verify the server against the system's trust store and present no
    /// client certificate.
    public init(
        caFile: String? = nil,
        verifyPeer: Bool = true,
        verifyHost: Bool = true,
        clientCertificateFile: String? = nil,
        clientKeyFile: String? = nil,
        clientKeyPassword: String? = nil
    ) {
        self.caFile = caFile
        self.verifyPeer = verifyPeer
        self.verifyHost = verifyHost
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.clientKeyPassword = clientKeyPassword
    }
}

extension CurlTLSConfiguration: CustomStringConvertible {
    /// The configuration with the key passphrase left out.
    public var description: String {
        var parts = ["verifyPeer: \(verifyPeer)", "verifyHost: \(verifyHost)"]
        if let caFile {
            parts.append("caFile: \(caFile)")
        }
        if let clientCertificateFile {
            parts.append("clientCertificateFile: \(clientCertificateFile)")
        }
        if let clientKeyFile {
            parts.append("clientKeyFile: \(clientKeyFile)")
        }
        if clientKeyPassword != nil {
            parts.append("clientKeyPassword: <redacted>")
        }
        return "CurlTLSConfiguration(\(parts.joined(separator: ", ")))"
    }
}
