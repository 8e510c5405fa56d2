import Curl
import NIOSSL
import TestSupport
import Testing

@testable import Transcription

/// The remote engine's TLS settings reach the transfer: a CA bundle that the service's certificate chains to, and a
/// client certificate for mutual TLS; a service the CA bundle does not vouch for is unreachable, not trusted.
@Suite(
    "RemoteSpeechEngine over TLS and mutual TLS",
    .enabled(
        if: TestEnvironment.shouldRun(whenAvailable: TestCertificates.opensslAvailable),
        "openssl is not installed: cannot generate test certificates"),
    .timeLimit(.minutes(1))
)
final class RemoteSpeechEngineTLSTests: Sendable {
    let certificates: TestCertificates

    init() throws {
        certificates = try TestCertificates.generate()
    }

    deinit {
        certificates.remove()
    }

    private func mutualTLS() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.serverCertificatePath).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKeyPath, format: .pem)))
        configuration.trustRoots = .file(certificates.caCertificatePath)
        configuration.certificateVerification = .noHostnameVerification
        return configuration
    }

    private func engine(_ server: TestHTTPServer, caFile: String) -> RemoteSpeechEngine {
        RemoteSpeechEngine(
            configuration: RemoteSpeechEngine.Configuration(
                baseURL: server.url("/", scheme: "https", host: "localhost"), connectTimeout: .seconds(5),
                timeout: .seconds(10),
                tls: CurlTLSConfiguration(
                    caFile: caFile, clientCertificateFile: certificates.clientCertificatePath,
                    clientKeyFile: certificates.clientKeyPath)))
    }

    @Test("with the CA bundle and a client certificate the transcription arrives; with another CA it is unreachable")
    func tls() async throws {
        try await withServer(tls: try mutualTLS(), respond: { _ in RemoteSpeechEngineTests.answer }) { server in
            let transcript = try await engine(server, caFile: certificates.caCertificatePath).transcribe(
                RemoteSpeechEngineTests.audio, speech: RemoteSpeechEngineTests.speech, progress: nil)
            #expect(transcript.text == "the patient has a cough")
            let error = try await #require(throws: TranscriptionError.self) {
                try await self.engine(server, caFile: self.certificates.untrustedCACertificatePath).transcribe(
                    RemoteSpeechEngineTests.audio, speech: RemoteSpeechEngineTests.speech, progress: nil)
            }
            #expect(error.code == .remoteUnreachable && error.reason.contains("TLS handshake"))
            #expect(FallbackSpeechEngine.Reason(error) == .unreachable)
        }
    }
}
