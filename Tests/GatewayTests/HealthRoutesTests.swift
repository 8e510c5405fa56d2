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
