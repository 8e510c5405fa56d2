import NIOSSL

/// TLS settings of an ``MLLPClient``: which servers to trust, and optionally a client certificate for mutual TLS.
public struct MLLPClientTLSConfiguration: Sendable, Hashable {
    /// Path of a PEM file holding the certificates that may issue the server's certificate; `nil` uses the system's
    /// trust store.
    public var trustRootsPath: String?

    /// Path of a PEM file holding the client certificate chain presented for mutual TLS.
    public var certificateChainPath: String?

    /// Path of a PEM file holding the private key of the client certificate.
    public var privateKeyPath: String?

    /// The name sent in SNI and checked against the server's certificate; `nil` uses the connection's host when it
    /// is a name, and checks the address otherwise.
    public var serverHostname: String?

    /// Accept any server certificate. For tests only: it defeats the purpose of TLS.
    public var insecureSkipVerify: Bool

    /// Creates TLS settings.
    public init(
        trustRootsPath: String? = nil,
        certificateChainPath: String? = nil,
        privateKeyPath: String? = nil,
        serverHostname: String? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.trustRootsPath = trustRootsPath
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.serverHostname = serverHostname
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// Loads the files and builds the client-side TLS context.
    ///
    /// - Throws: ``MLLPError`` with code ``MLLPError/Code/invalidTLSConfiguration`` when a file cannot be loaded or
    ///   only one of certificate and key is given.
    public func makeClientContext() throws -> NIOSSLContext {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            if let trustRootsPath = self.trustRootsPath {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustRootsPath))
            }
            switch (self.certificateChainPath, self.privateKeyPath) {
            case (let chainPath?, let keyPath?):
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(chainPath).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            case (nil, nil):
                break
            default:
                throw MLLPError(
                    code: .invalidTLSConfiguration,
                    reason: "a client certificate needs both a certificate chain and a private key"
                )
            }
            configuration.certificateVerification = self.insecureSkipVerify ? .none : .fullVerification
            return try NIOSSLContext(configuration: configuration)
        } catch let error as MLLPError {
            throw error
        } catch {
            throw MLLPError(code: .invalidTLSConfiguration, reason: "cannot load client TLS files: \(error)")
        }
    }
}
