import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Gateway

@Suite("Webhook host allow-list")
struct CallbackHostsTests {
    typealias F = V1APIFixture

    @Test("Exact names, addresses and *.domain patterns, without case; empty allows any host")
    func matching() throws {
        #expect(CallbackHosts().allows("http://10.0.0.5/x"))
        let hosts = try #require(CallbackHosts(list: "hooks.example.org, *.partner.example, 127.0.0.1,::1"))
        for allowed in [
            "https://hooks.example.org/n", "https://HOOKS.Example.org:8443/n", "https://a.partner.example/n",
            "https://b.a.partner.example/n", "http://127.0.0.1:9000/h", "http://[::1]:9000/h",
        ] {
            #expect(hosts.allows(allowed), "\(allowed)")
        }
        for refused in [
            "https://example.org/n", "https://partner.example/n", "https://evilpartner.example/n",
            "https://hooks.example.org.evil.test/n", "http://169.254.169.254/latest/meta-data", "http://localhost/x",
            "not a url",
        ] {
            #expect(!hosts.allows(refused), "\(refused)")
        }
        for bad in ["", " , ", "a b", "*", "*.", "ex*ample.org", "http://x/"] {
            #expect(CallbackHosts(list: bad) == nil, "\(bad)")
        }
    }

    @Test("callback_url outside the list is a validation error naming it; the configuration checks api.callbackUrl")
    func routesAndConfiguration() async throws {
        var configuration = V1Routes.Configuration()
        configuration.callbackHosts = try #require(CallbackHosts(list: "hooks.example.org"))
        let fixture = try await F(configuration: configuration)
        try await fixture.application().test(.router) { client in
            let refused = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": F.transcript, "callback_url": "http://169.254.169.254/latest"]))
            #expect(refused.status == .badRequest)
            let error = F.error(refused.body)
            #expect((error["details"] as? [[String: Any]])?.first?["field"] as? String == "callback_url")
            let allowed = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": F.transcript, "callback_url": "https://hooks.example.org/notes"]))
            #expect(allowed.status == .ok)
        }
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration(values: ["api.callbackAllowedHosts": "a b"])
        }
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration(values: ["api.callbackAllowedHosts": "hooks.example.org", "api.callbackUrl": "https://other.example/x"])
        }
        let loaded = try GatewayConfiguration(values: ["api.callbackAllowedHosts": "*.example.org"])
        #expect(loaded.api.callbackHosts.patterns == ["*.example.org"])
    }
}
