import Hummingbird
import Store

/// `/healthz` (the process answers: liveness) and `/readyz` (listeners bound, and the store can commit: reachable,
/// its schema migrations applied, and no write refused for want of room or of a writable database since the last one
/// that committed — `{"status":"unavailable","reason":"storage_cannot_write"}` then).
enum HealthRoutes {
    static func router(
        store: any Store, readiness: EndpointCollector, writeHealth: StorageWriteHealth? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router()
        register(on: router, store: store, readiness: readiness, writeHealth: writeHealth)
        return router
    }

    static func register<Context: RequestContext>(
        on router: Router<Context>, store: any Store, readiness: EndpointCollector,
        writeHealth: StorageWriteHealth? = nil
    ) {
        router.get("healthz") { _, _ -> Response in
            jsonResponse(.ok, #"{"status":"ok"}"#)
        }
        router.get("readyz") { _, _ -> Response in
            guard readiness.isReady else {
                return jsonResponse(.serviceUnavailable, #"{"status":"starting"}"#)
            }
            if let writeHealth, await writeHealth.unreadyReason(probe: { try await store.checkWritable() }) != nil {
                return jsonResponse(
                    .serviceUnavailable, #"{"status":"unavailable","journal":"error","reason":"storage_cannot_write"}"#)
            }
            do {
                try await store.checkReadiness()
                return jsonResponse(.ok, #"{"status":"ready","journal":"ok"}"#)
            } catch {
                return jsonResponse(.serviceUnavailable, #"{"status":"unavailable","journal":"error"}"#)
            }
        }
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ body: String) -> Response {
        V1Routes.json(status, Array(body.utf8))
    }
}
