import NIOSSL

/// TLS settings of an ``MLLPListener``: its certificate, and optionally mutual TLS.
public struct MLLPTLSConfiguration: Sendable, Hashable {
    /// Path of a PEM file holding the listener's certificate, followed by any intermediate certificates.
    public var certificateChainPath: String

    /// Path of a PEM file holding the private key of the listener's certificate.
    public var privateKeyPath: String

    /// Path of a PEM file holding the certificates that may issue client certificates; `nil` uses the system's
    /// trust store.
    public var trustRootsPath: String?

    /// Whether a client must present a certificate issued by a trust root (mutual TLS).
    public var requireClientCertificate: Bool

    /// Creates TLS settings.
    public init(
        certificateChainPath: String,
        privateKeyPath: String,
        trustRootsPath: String? = nil,
        requireClientCertificate: Bool = false
    ) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.trustRootsPath = trustRootsPath
        self.requireClientCertificate = requireClientCertificate
    }

    /// Loads the files and builds the server-side TLS context.
    ///
    /// - Throws: ``MLLPError`` with code ``MLLPError/Code/invalidTLSConfiguration`` when a file cannot be loaded.
    func makeServerContext() throws -> NIOSSLContext {
        let configuration = try makeServerTLSConfiguration()
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw MLLPError(code: .invalidTLSConfiguration, reason: "cannot load listener TLS files: \(error)")
        }
    }

    /// Loads the files into a server TLS configuration (TLS 1.2 or later; client certificates verified against
    /// the trust roots when required). The HTTP listener uses it too.
    ///
    /// - Throws: ``MLLPError`` with code ``MLLPError/Code/invalidTLSConfiguration`` when a file cannot be loaded.
    public func makeServerTLSConfiguration() throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(self.certificateChainPath)
            guard !chain.isEmpty else {
                throw MLLPError(code: .invalidTLSConfiguration, reason: "certificate chain file holds no certificate")
            }
            let key = try NIOSSLPrivateKey(file: self.privateKeyPath, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(key)
            )
            configuration.minimumTLSVersion = .tlsv12
            if let trustRootsPath = self.trustRootsPath {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustRootsPath))
            }
            configuration.certificateVerification = self.requireClientCertificate ? .noHostnameVerification : .none
            return configuration
        } catch let error as MLLPError {
            throw error
        } catch {
            throw MLLPError(code: .invalidTLSConfiguration, reason: "cannot load listener TLS files: \(error)")
        }
    }
}
