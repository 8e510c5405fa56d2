import Logging
import MLLP
import TestSupport
import Testing

@Suite(
    "MLLP over TLS and mutual TLS",
    // Skipped without openssl, except on CI (`CI` set), where generating the certificates fails the suite.
    .enabled(
        if: TestEnvironment.shouldRun(whenAvailable: TestCertificates.opensslAvailable),
        "openssl is not installed: cannot generate test certificates"),
    .timeLimit(.minutes(1))
)
final class MLLPTLSTests: Sendable {
    let certificates: TestCertificates

    init() throws {
        self.certificates = try TestCertificates.generate()
    }

    deinit {
        self.certificates.remove()
    }

    private func serverTLS(requireClientCertificate: Bool) -> MLLPTLSConfiguration {
        MLLPTLSConfiguration(
            certificateChainPath: self.certificates.serverCertificatePath,
            privateKeyPath: self.certificates.serverKeyPath,
            trustRootsPath: self.certificates.caCertificatePath,
            requireClientCertificate: requireClientCertificate
        )
    }

    private func client(port: Int, host: String = "127.0.0.1", tls: MLLPClientTLSConfiguration?) -> MLLPClient {
        MLLPClient(configuration: .init(host: host, port: port, tls: tls))
    }

    @Test("TLS: a client trusting the CA exchanges messages; by name and by address")
    func serverTLS() async throws {
        let handlerLog = HandlerLog()
        let listener = MLLPListener(
            configuration: loopbackConfiguration(tls: self.serverTLS(requireClientCertificate: false)))
        let certificates = self.certificates
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: handlerLog),
            logger: LogRecorder().makeLogger()
        ) { port in
            let byName = MLLPClientTLSConfiguration(
                trustRootsPath: certificates.caCertificatePath, serverHostname: "localhost")
            let byAddress = MLLPClientTLSConfiguration(trustRootsPath: certificates.caCertificatePath)
            for tls in [byName, byAddress] {
                try await self.client(port: port, tls: tls).withConnection { connection in
                    for index in 0..<3 {
                        let message = syntheticMessage(controlID: "T\(index)")
                        let reply = try await connection.send(Array(message.utf8), timeout: .seconds(5))
                        #expect(String(decoding: reply, as: UTF8.self) == "MSA|AA|" + message)
                    }
                }
            }
        }
        #expect(handlerLog.calls.count == 6)
        #expect(handlerLog.calls.allSatisfy { $0.connection.tlsPeerCertificate == nil })
    }

    @Test("TLS: clients not trusting the server, and plain-text clients, fail; the listener keeps serving")
    func serverTLSFailures() async throws {
        let recorder = LogRecorder()
        let listener = MLLPListener(
            configuration: loopbackConfiguration(tls: self.serverTLS(requireClientCertificate: false)))
        let certificates = self.certificates
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: HandlerLog()),
            logger: recorder.makeLogger()
        ) { port in
            let message = Array(syntheticMessage(controlID: "X").utf8)
            let untrusted = MLLPClientTLSConfiguration(trustRootsPath: certificates.untrustedCACertificatePath)
            await expectMLLPError(.connectionClosed) {
                try await self.client(port: port, tls: untrusted).send(message, timeout: .seconds(5))
            }
            await expectMLLPError(.connectionClosed) {
                try await self.client(port: port, tls: nil).send(message, timeout: .seconds(5))
            }
            let insecure = MLLPClientTLSConfiguration(insecureSkipVerify: true)
            let reply = try await self.client(port: port, tls: insecure).send(message, timeout: .seconds(5))
            #expect(reply == Array("MSA|AA|".utf8) + message)
        }
        #expect(recorder.entries(containing: "MLLP connection failed").count >= 2)
        #expect(!recorder.contains("ZZTESTPATIENT"))
    }

    @Test("mutual TLS: only a client with a certificate from the trusted CA gets through")
    func mutualTLS() async throws {
        let handlerLog = HandlerLog()
        let listener = MLLPListener(
            configuration: loopbackConfiguration(tls: self.serverTLS(requireClientCertificate: true)))
        let certificates = self.certificates
        try await withRunningListener(
            listener,
            handler: acknowledgingHandler(log: handlerLog),
            logger: LogRecorder().makeLogger()
        ) { port in
            let message = Array(syntheticMessage(controlID: "MTLS").utf8)
            let noCertificate = MLLPClientTLSConfiguration(trustRootsPath: certificates.caCertificatePath)
            await expectMLLPError(.connectionClosed) {
                try await self.client(port: port, tls: noCertificate).send(message, timeout: .seconds(5))
            }
            let rogue = MLLPClientTLSConfiguration(
                trustRootsPath: certificates.caCertificatePath,
                certificateChainPath: certificates.untrustedClientCertificatePath,
                privateKeyPath: certificates.untrustedClientKeyPath
            )
            await expectMLLPError(.connectionClosed) {
                try await self.client(port: port, tls: rogue).send(message, timeout: .seconds(5))
            }
            let trusted = MLLPClientTLSConfiguration(
                trustRootsPath: certificates.caCertificatePath,
                certificateChainPath: certificates.clientCertificatePath,
                privateKeyPath: certificates.clientKeyPath,
                serverHostname: "localhost"
            )
            try await self.client(port: port, tls: trusted).withConnection { connection in
                for _ in 0..<2 {
                    let reply = try await connection.send(message, timeout: .seconds(5))
                    #expect(reply == Array("MSA|AA|".utf8) + message)
                }
            }
        }
        #expect(handlerLog.calls.count == 2)
        #expect(handlerLog.calls.allSatisfy { $0.connection.tlsPeerCertificate != nil })
    }

    @Test("unreadable TLS files fail with invalidTLSConfiguration")
    func invalidConfiguration() async throws {
        let missing = MLLPTLSConfiguration(
            certificateChainPath: self.certificates.caCertificatePath + ".missing",
            privateKeyPath: self.certificates.serverKeyPath
        )
        let listener = MLLPListener(configuration: loopbackConfiguration(tls: missing))
        await expectMLLPError(.invalidTLSConfiguration) {
            try await listener.run(handler: acknowledgingHandler(log: HandlerLog()), logger: Logger(label: "x"))
        }
        let halfClientCertificate = MLLPClientTLSConfiguration(
            certificateChainPath: self.certificates.clientCertificatePath)
        await expectMLLPError(.invalidTLSConfiguration) {
            try await self.client(port: 1, tls: halfClientCertificate).send([], timeout: .seconds(1))
        }
    }
}
