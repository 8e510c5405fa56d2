import Foundation

/// A throw-away PKI for the TLS tests, generated with the `openssl` command line tool (swift-nio-ssl cannot create
/// certificates): a test CA issuing a server certificate (`localhost`, `127.0.0.1`) and a client certificate, and
/// a second, untrusted CA issuing a rogue client certificate.
public struct TestCertificates: Sendable {
    public let directory: URL

    public var caCertificatePath: String { self.path("ca.pem") }
    public var serverCertificatePath: String { self.path("server.pem") }
    public var serverKeyPath: String { self.path("server.key") }
    public var clientCertificatePath: String { self.path("client.pem") }
    public var clientKeyPath: String { self.path("client.key") }
    public var untrustedCACertificatePath: String { self.path("untrusted-ca.pem") }
    public var untrustedClientCertificatePath: String { self.path("untrusted-client.pem") }
    public var untrustedClientKeyPath: String { self.path("untrusted-client.key") }

    private func path(_ name: String) -> String {
        self.directory.appendingPathComponent(name).path
    }

    /// Whether `openssl` can be run.
    public static let opensslAvailable: Bool =
        (try? runOpenSSL(["version"], in: FileManager.default.temporaryDirectory)) != nil

    public struct OpenSSLFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var output: String
        public var description: String {
            "openssl \(self.arguments.joined(separator: " ")) exited \(self.status): \(self.output)"
        }
    }

    private static let extensions = """
        [ca_ext]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash

        [server_ext]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:localhost, IP:127.0.0.1
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        [client_ext]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = clientAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        """

    /// `openssl` could not be run (it is installed by `scripts/setup-debian.sh test`).
    public struct OpenSSLMissing: Error, CustomStringConvertible {
        public var description: String {
            "openssl is not installed (scripts/setup-debian.sh test installs it); the TLS tests cannot run"
        }
    }

    /// Generates a fresh set in a new temporary directory; ``remove()`` deletes it.
    public static func generate() throws -> TestCertificates {
        guard opensslAvailable else { throw OpenSSLMissing() }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notebridge-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.extensions.write(to: directory.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
        let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

        func makeCA(_ name: String, subject: String) throws {
            try runOpenSSL(
                ["req", "-x509"] + newKey + [
                    "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", subject,
                    "-config", "ext.cnf", "-extensions", "ca_ext",
                ],
                in: directory
            )
        }

        func makeLeaf(_ name: String, subject: String, issuer: String, extensions: String, serial: Int) throws {
            try runOpenSSL(
                ["req", "-new"] + newKey + [
                    "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject, "-config", "ext.cnf",
                ],
                in: directory
            )
            try runOpenSSL(
                [
                    "x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key",
                    "-set_serial", "\(serial)", "-days", "2", "-out", "\(name).pem",
                    "-extfile", "ext.cnf", "-extensions", extensions,
                ],
                in: directory
            )
        }

        try makeCA("ca", subject: "/CN=NoteBridge Test CA")
        try makeCA("untrusted-ca", subject: "/CN=Untrusted Test CA")
        try makeLeaf("server", subject: "/CN=localhost", issuer: "ca", extensions: "server_ext", serial: 2)
        try makeLeaf("client", subject: "/CN=test-sender", issuer: "ca", extensions: "client_ext", serial: 3)
        try makeLeaf(
            "untrusted-client",
            subject: "/CN=rogue-sender",
            issuer: "untrusted-ca",
            extensions: "client_ext",
            serial: 4
        )
        return TestCertificates(directory: directory)
    }

    /// Deletes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }

    @discardableResult
    private static func runOpenSSL(_ arguments: [String], in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailed(arguments: arguments, status: process.terminationStatus, output: text)
        }
        return text
    }
}
