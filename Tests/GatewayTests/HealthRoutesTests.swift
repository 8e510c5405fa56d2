import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Store
import Testing

@testable import Gateway

@Suite("Health routes")
struct HealthRoutesTests {
    @Test("HEAD is answered as GET with its status and Content-Length (it was 405); a stream stays 405")
    func headAsGet() async throws {
        let router = Router(context: APIRequestContext.self)
        V1Routes(
            store: try await V1APIFixture().store, signal: WebhookSignal(), configuration: V1Routes.Configuration(),
            logger: Logger(label: "test")
        ).register(on: router)
        router.get("stream") { _, _ in
            Response(status: .ok, body: ResponseBody { writer in try await writer.finish(nil) })
        }
        // (The router test mode calls the responder directly, so the body is still there; the HTTP/1 server is
        // what leaves it out, which test_http_and_cli checks on a real socket.)
        try await Application(router: HeadAsGet(base: router)).test(.router) { client in
            for (path, status) in [
                ("/v1/specialties", HTTPResponse.Status.ok), ("/v1/note/note_0", .unauthorized), ("/nope", .notFound),
            ] {
                let get = try await client.execute(uri: path, method: .get)
                let head = try await client.execute(uri: path, method: .head)
                #expect(head.status == status, "\(path)")
                #expect(get.status == status, "\(path)")
                #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(path)")
            }
            let post = try await client.execute(uri: "/v1/note", method: .head)
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "POST")
            // A stream's length is unknown before it is written: not answered as GET (the router's own 404 here).
            #expect(try await client.execute(uri: "/stream", method: .head).status == .notFound)
            #expect(try await client.execute(uri: "/stream", method: .get).status == .ok)
        }
    }

    @Test("healthz answers; readyz waits for the listeners, then checks the store")
    func health() async throws {
        let directory = try URLPaths.temporaryDirectory()
        let keyring = try DataKeyring.load(keyFile: directory.appendingPathComponent("k.key"), environment: [:])
        let store = try SQLiteStore(databaseFile: directory.appendingPathComponent("db.sqlite"), keyring: keyring)
        let collector = EndpointCollector(onReady: { _ in })
        let app = Application(router: HealthRoutes.router(store: store, readiness: collector))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            collector.mllpBound(2575)
            collector.httpBound(8080)
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await store.close()
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }
}
