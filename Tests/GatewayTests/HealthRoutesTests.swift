import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import Gateway
@testable import Store

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
        // A stream whose GET has an effect (as redeeming a stream ticket does): a HEAD must not run it.
        let effects = Atomic<Int>(0)
        router.get("ticketed-stream") { _, _ in
            effects.add(1, ordering: .relaxed)
            return Response(status: .ok, body: ResponseBody { writer in try await writer.finish(nil) })
        }
        // (The router test mode calls the responder directly, so the body is still there; the HTTP/1 server is
        // what leaves it out, which test_http_and_cli checks on a real socket.)
        try await Application(router: HeadAsGet(base: router, streams: ["/ticketed-stream"])).test(.router) { client in
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
            #expect(try await client.execute(uri: "/ticketed-stream", method: .head).status == .notFound)
            #expect(effects.load(ordering: .relaxed) == 0)
            #expect(try await client.execute(uri: "/ticketed-stream", method: .get).status == .ok)
            #expect(effects.load(ordering: .relaxed) == 1)
        }
        // The gateway's own streams are listed.
        #expect(HeadAsGet(base: Router(context: APIRequestContext.self)).streams.contains("/v1/stream/note"))
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

    @Test("readyz is 503 storage_cannot_write after a write failed for want of room, until a probe write commits")
    func readyWhileStorageCannotWrite() async throws {
        let directory = try URLPaths.temporaryDirectory()
        let keyring = try DataKeyring.load(keyFile: directory.appendingPathComponent("k.key"), environment: [:])
        let store = try SQLiteStore(databaseFile: directory.appendingPathComponent("db.sqlite"), keyring: keyring)
        let collector = EndpointCollector(onReady: { _ in })
        collector.mllpBound(2575)
        collector.httpBound(8080)
        let health = StorageWriteHealth(probeInterval: .zero)
        var v1 = V1Routes(
            store: store, signal: WebhookSignal(), configuration: V1Routes.Configuration(), logger: Logger(label: "t"))
        v1.writeHealth = health
        let routes = v1
        let app = Application(router: HealthRoutes.router(store: store, readiness: collector, writeHealth: health))
        // A real SQLITE_FULL: the one writer connection may not grow the file past its pages.
        try await store.database.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            // A read failing otherwise does not change readiness; a write refused for room does.
            await #expect(throws: APIError.storageCannotWrite) {
                try await routes.storing { try await store.checkWritable() }
            }
            #expect(health.cannotWrite)
            for _ in 0..<2 {
                let response = try await client.execute(uri: "/readyz", method: .get)
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains(#""reason":"storage_cannot_write""#))
                #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            }
            // Room again: the next readyz's probe write commits, and it is ready.
            try await store.database.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA max_page_count = 1073741823")
            }
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            #expect(!health.cannotWrite)
        }
        // A probe is not repeated within its interval.
        let slow = StorageWriteHealth(probeInterval: .seconds(60))
        slow.failed(StoreError(.cannotWrite, reason: "test"))
        slow.failed(StoreError(.database, reason: "other"))
        let probes = Mutex(0)
        for _ in 0..<3 {
            let reason = await slow.unreadyReason {
                probes.withLock { $0 += 1 }
                throw StoreError(.cannotWrite, reason: "still full")
            }
            #expect(reason == "storage_cannot_write")
        }
        #expect(probes.withLock { $0 } == 1)
        try await store.close()
    }
}
