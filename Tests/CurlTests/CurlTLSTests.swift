import Curl
import NIOSSL
import TestSupport
import Testing

@Suite(
    "CurlClient over TLS and mutual TLS",
    // Skipped without openssl, except on CI (`CI` set), where generating the certificates fails the suite.
    .enabled(
        if: TestEnvironment.shouldRun(whenAvailable: TestCertificates.opensslAvailable),
        "openssl is not installed: cannot generate test certificates"),
    .timeLimit(.minutes(1))
)
final class CurlTLSTests: Sendable {
    let certificates: TestCertificates
    let client = CurlClient(maximumConcurrentTransfers: 2)

    init() throws {
        self.certificates = try TestCertificates.generate()
    }

    deinit {
        self.certificates.remove()
    }

    private func serverTLS(requireClientCertificate: Bool) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.serverCertificatePath).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKeyPath, format: .pem))
        )
        if requireClientCertificate {
            configuration.trustRoots = .file(certificates.caCertificatePath)
            configuration.certificateVerification = .noHostnameVerification
        }
        return configuration
    }

    private func ok(_ request: ReceivedRequest) -> Reply {
        Reply(body: Array("secure:".utf8) + request.body)
    }

    @Test("A server certificate issued by caFile is accepted; the request and response arrive intact")
    func trustedServer() async throws {
        try await withServer(tls: serverTLS(requireClientCertificate: false), respond: ok) { server in
            let response = try await client.perform(
                CurlRequest(
                    method: "POST",
                    url: server.url("/hook", scheme: "https"),
                    body: Array("payload".utf8),
                    tls: CurlTLSConfiguration(caFile: certificates.caCertificatePath)
                )
            )
            #expect(response.status == 200)
            #expect(response.body == Array("secure:payload".utf8))
        }
    }

    @Test("An untrusted server certificate fails with tls unless verification is turned off")
    func untrustedServer() async throws {
        try await withServer(tls: serverTLS(requireClientCertificate: false), respond: ok) { server in
            let url = server.url("/", scheme: "https")
            await expectCurlError(.tls) {
                try await client.perform(CurlRequest(url: url))
            }
            await expectCurlError(.tls) {
                try await client.perform(
                    CurlRequest(url: url, tls: CurlTLSConfiguration(caFile: certificates.untrustedCACertificatePath)))
            }
            await expectCurlError(.tls) {
                try await client.perform(
                    CurlRequest(url: url, tls: CurlTLSConfiguration(caFile: "/nonexistent/notebridge-ca.pem")))
            }
            let unverified = try await client.perform(
                CurlRequest(url: url, tls: CurlTLSConfiguration(verifyPeer: false, verifyHost: false)))
            #expect(unverified.status == 200)
        }
    }

    @Test("Mutual TLS: the client certificate is presented; without a trusted one the transfer fails")
    func mutualTLS() async throws {
        try await withServer(tls: serverTLS(requireClientCertificate: true), respond: ok) { server in
            let url = server.url("/", scheme: "https")
            let trusted = CurlTLSConfiguration(
                caFile: certificates.caCertificatePath,
                clientCertificateFile: certificates.clientCertificatePath,
                clientKeyFile: certificates.clientKeyPath
            )
            let response = try await client.perform(CurlRequest(url: url, tls: trusted))
            #expect(response.status == 200)

            let untrusted = CurlTLSConfiguration(
                caFile: certificates.caCertificatePath,
                clientCertificateFile: certificates.untrustedClientCertificatePath,
                clientKeyFile: certificates.untrustedClientKeyPath
            )
            let withoutCertificate = CurlTLSConfiguration(caFile: certificates.caCertificatePath)
            for tls in [untrusted, withoutCertificate] {
                // With TLS 1.3 the server's alert arrives after the client's handshake finished, on the first read.
                let error = await expectCurlError(.tls) {
                    try await client.perform(CurlRequest(url: url, tls: tls))
                }
                #expect(error?.curlCode == 56 || error?.curlCode == 35)
            }
            let missingKey = CurlTLSConfiguration(
                caFile: certificates.caCertificatePath,
                clientCertificateFile: certificates.clientCertificatePath,
                clientKeyFile: "/nonexistent/notebridge-client.key"
            )
            // A fresh client: libcurl would reuse the connection made above with the same certificate.
            await expectCurlError(.tls) {
                try await CurlClient(maximumConcurrentTransfers: 1).perform(CurlRequest(url: url, tls: missingKey))
            }
        }
    }

    @Test("A redirect from https to http is not followed")
    func noDowngradeRedirect() async throws {
        try await withServer(respond: { _ in Reply() }) { plain in
            let location = plain.url("/plain")
            try await withServer(
                tls: serverTLS(requireClientCertificate: false),
                respond: { _ in Reply(status: 302, headers: [("Location", location)]) }
            ) { secure in
                await expectCurlError(.invalidRequest) {
                    try await client.perform(
                        CurlRequest(
                            url: secure.url("/", scheme: "https"),
                            tls: CurlTLSConfiguration(caFile: certificates.caCertificatePath),
                            followRedirects: true
                        )
                    )
                }
            }
            #expect(plain.connections == 0)
        }
    }
}
