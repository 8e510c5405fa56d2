import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Gateway

@Suite("Cross-origin access for listed browser origins")
struct CORSTests {
    typealias F = V1APIFixture

    @Test("Preflights and responses for a listed origin carry CORS headers; other origins get none")
    func allowList() async throws {
        var configuration = V1Routes.Configuration()
        configuration.corsOrigins = try #require(CORSAllowList.origins(list: "https://app.example.org, http://localhost:3000"))
        let fixture = try await F(configuration: configuration)
        try await fixture.application().test(.router) { client in
            var preflight = HTTPFields()
            preflight[.origin] = "https://app.example.org"
            preflight[.accessControlRequestMethod] = "POST"
            preflight[.accessControlRequestHeaders] = "authorization, content-type"
            let answer = try await client.execute(uri: "/v1/stream/ticket", method: .options, headers: preflight)
            #expect(answer.status == .noContent)
            #expect(answer.headers[.accessControlAllowOrigin] == "https://app.example.org")
            #expect(answer.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
            #expect(answer.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(answer.headers[.accessControlAllowCredentials] == nil)

            var headers = F.headers(fixture.key)
            headers[.origin] = "http://localhost:3000"
            let created = try await client.execute(
                uri: "/v1/stream/ticket", method: .post, headers: headers, body: F.body(["transcript": F.transcript]))
            #expect(created.status == .created)
            #expect(created.headers[.accessControlAllowOrigin] == "http://localhost:3000")
            #expect(created.headers[.vary] == "Origin")
            // Errors carry the headers too, so the page can read them.
            var unauthorized = HTTPFields()
            unauthorized[.origin] = "https://app.example.org"
            let refused = try await client.execute(uri: "/v1/stream/note?ticket=nbt_x", method: .get, headers: unauthorized)
            #expect(refused.status == .unauthorized && refused.headers[.accessControlAllowOrigin] == "https://app.example.org")

            var other = preflight
            other[.origin] = "https://evil.example"
            let foreign = try await client.execute(uri: "/v1/stream/ticket", method: .options, headers: other)
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            #expect(foreign.status != .noContent)
        }
    }

    @Test("Origins are scheme://host[:port], http or https")
    func origins() throws {
        #expect(CORSAllowList.origins(list: "HTTPS://App.Example.org") == ["https://app.example.org"])
        for bad in ["", "app.example.org", "ftp://x", "https://x/path", "https://", "https://u@x", "*"] {
            #expect(CORSAllowList.origins(list: bad) == nil, "\(bad)")
        }
        #expect(throws: ConfigurationError.self) { try GatewayConfiguration(values: ["http.corsAllowOrigins": "*"]) }
        #expect(try GatewayConfiguration(values: ["http.corsAllowOrigins": "https://a.example"]).api.corsOrigins == ["https://a.example"])
    }
}
