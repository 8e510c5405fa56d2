import Foundation
import Logging
import MLLP
import Testing

@testable import Gateway
import TestSupport

/// Listeners bind the loopback address unless configured; a plain-text listener on another address is warned about.
@Suite("Listener addresses")
struct ListenerExposureTests {
    @Test("With no configuration both listeners bind 127.0.0.1 and nothing is warned about")
    func loopbackByDefault() throws {
        let configuration = try GatewayConfiguration.load(file: nil, environment: [:])
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.mllp.host == "127.0.0.1")
        #expect(MLLPListener.Configuration().host == "127.0.0.1")
        #expect(configuration.plainTextListenersBeyondLoopback.isEmpty)
        let recorder = LogRecorder()
        configuration.warnAboutPlainTextListeners(recorder.logger())
        #expect(recorder.all.isEmpty)
    }

    @Test(
        "Loopback addresses and names",
        arguments: [
            ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("LocalHost", true), ("::1", true),
            ("[::1]", true), ("0:0:0:0:0:0:0:1", true), ("::ffff:127.0.0.1", true),
            ("0.0.0.0", false), ("::", false), ("192.168.1.20", false), ("10.0.0.1", false), ("fe80::1", false),
            ("notebridge.example.org", false), ("128.0.0.1", false), ("", false),
        ])
    func loopback(host: String, expected: Bool) {
        #expect(GatewayConfiguration.isLoopback(host) == expected)
    }

    @Test("Every interface is a configuration choice; without TLS it is warned once per listener, with no PHI")
    func everyInterface() throws {
        let configuration = try GatewayConfiguration.load(
            file: nil, environment: ["NOTEBRIDGE_HTTP_HOST": "0.0.0.0", "NOTEBRIDGE_MLLP_HOST": "::"])
        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.mllp.host == "::")
        #expect(configuration.plainTextListenersBeyondLoopback.map(\.name) == ["HTTP", "MLLP"])
        let recorder = LogRecorder()
        configuration.warnAboutPlainTextListeners(recorder.logger())
        let warnings = recorder.all.filter { $0.level == .warning }
        #expect(warnings.count == 2)
        #expect(warnings.map { $0.metadata["nb.listener"] } == ["http", "mllp"])
        #expect(warnings.map { $0.metadata["nb.listener.host"] } == ["0.0.0.0", "::"])
        #expect(warnings[0].message.contains("http.tls.certificate") && warnings[0].message.contains("http.host"))
        #expect(warnings[1].message.contains("mllp.tls.certificate") && warnings[1].message.contains("mllp.host"))
    }

    @Test("A listener on another address with TLS is not warned about; the other one still is")
    func tlsSilencesTheWarning() throws {
        var configuration = try GatewayConfiguration.load(
            file: nil, environment: ["NOTEBRIDGE_HTTP_HOST": "0.0.0.0", "NOTEBRIDGE_MLLP_HOST": "0.0.0.0"])
        configuration.httpTLS = MLLPTLSConfiguration(certificateChainPath: "server.pem", privateKeyPath: "server.key")
        #expect(configuration.plainTextListenersBeyondLoopback.map(\.name) == ["MLLP"])
        configuration.mllp.tls = MLLPTLSConfiguration(certificateChainPath: "server.pem", privateKeyPath: "server.key")
        #expect(configuration.plainTextListenersBeyondLoopback.isEmpty)
    }
}
