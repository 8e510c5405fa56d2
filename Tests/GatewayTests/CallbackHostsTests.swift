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

    @Test(
        "Without a list, link-local and cloud metadata hosts are refused, in every form libcurl would connect to",
        arguments: [
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "http://169.254.169.254:80/x", "https://169.254.0.1/x", "http://169.254.255.255/x",
            "http://[fe80::1]/x", "http://[FE80::a:b:c:d]:8080/x", "http://[febf:ffff::1]/x",
            "http://[fe80::1%25eth0]/x",
            "http://[fd00:ec2::254]/latest/meta-data", "http://[fd00:0ec2:0:0:0:0:0:254]/x",
            "http://[::ffff:169.254.169.254]/x", "http://[::ffff:a9fe:a9fe]/x", "http://[::169.254.169.254]/x",
            "http://[64:ff9b::169.254.169.254]/x",
            "http://2852039166/x", "http://0xa9fea9fe/x", "http://0xA9.0xFE.0xA9.0xFE/x",
            "http://0251.0376.0251.0376/x",
            "http://169.254.43518/x", "http://169.16689662/x",
            "http://100.100.100.200/latest/meta-data",
            "http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.Google.Internal./x",
            "http://metadata/computeMetadata/v1/", "http://metadata./x",
        ])
    func metadataRefusedByDefault(url: String) {
        #expect(CallbackHosts().refusal(of: url) == .metadataOrLinkLocal, "\(url)")
        #expect(!CallbackHosts().allows(url), "\(url)")
    }

    @Test("Without a list, every other host is allowed; a listed link-local or metadata host is allowed")
    func otherHostsAndExplicitList() throws {
        for allowed in [
            "http://127.0.0.1:9/hook", "http://[::1]:9000/h", "http://localhost/x", "http://10.0.0.5/x",
            "https://hooks.example.org/n", "http://169.255.0.1/x", "http://169.253.255.255/x", "http://[fec0::1]/x",
            "http://[fe7f::1]/x", "http://[fd00:ec2::255]/x", "http://[::ffff:10.0.0.1]/x", "http://100.100.100.201/x",
            "http://metadata.example.org/x", "http://metadata.google.internal.example.org/x", "http://my-metadata/x",
            "http://169.254.169.254.example.org/x",
        ] {
            #expect(CallbackHosts().refusal(of: allowed) == nil, "\(allowed)")
        }
        let listed = try #require(CallbackHosts(list: "169.254.169.254, fe80::1, metadata.google.internal, *.internal"))
        for allowed in [
            "http://169.254.169.254/x", "http://[fe80::1]/x", "http://metadata.google.internal/x",
            "http://a.internal/x",
        ] {
            #expect(listed.allows(allowed), "\(allowed)")
        }
        #expect(listed.refusal(of: "http://169.254.1.1/x") == .notListed)
        #expect(listed.refusal(of: "http://example.org/x") == .notListed)
    }

    @Test("The default refuses a metadata callback_url with 400 naming it, without echoing it; api.callbackUrl too")
    func metadataRefusedByRoutesAndConfiguration() async throws {
        let fixture = try await F(configuration: V1Routes.Configuration())
        try await fixture.application().test(.router) { client in
            for url in [
                "http://169.254.169.254/latest/meta-data/MRN0001", "http://[fd00:ec2::254]/x", "http://metadata/x",
            ] {
                let refused = try await client.execute(
                    uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                    body: F.body(["transcript": F.transcript, "callback_url": url]))
                #expect(refused.status == .badRequest)
                let text = String(buffer: refused.body)
                let error = F.error(refused.body)
                #expect(error["code"] as? String == "VALIDATION_ERROR")
                let detail = try #require((error["details"] as? [[String: Any]])?.first)
                #expect(detail["field"] as? String == "callback_url")
                #expect((detail["message"] as? String)?.contains("link-local or cloud metadata") == true)
                #expect(!text.contains("169.254") && !text.contains("MRN0001") && !text.contains("ec2"), "\(text)")
            }
            let loopback = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": F.transcript, "callback_url": "http://127.0.0.1:9/hook"]))
            #expect(loopback.status == .ok)
        }
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration(values: ["api.callbackUrl": "http://169.254.169.254/hook"])
        }
        let listed = try GatewayConfiguration(
            values: ["api.callbackAllowedHosts": "169.254.169.254", "api.callbackUrl": "http://169.254.169.254/hook"])
        #expect(listed.api.callbackURL == "http://169.254.169.254/hook")
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
            try GatewayConfiguration(values: [
                "api.callbackAllowedHosts": "hooks.example.org", "api.callbackUrl": "https://other.example/x",
            ])
        }
        let loaded = try GatewayConfiguration(values: ["api.callbackAllowedHosts": "*.example.org"])
        #expect(loaded.api.callbackHosts.patterns == ["*.example.org"])
    }
}
