import Hummingbird
import Store

/// `/healthz` (the process answers) and `/readyz` (listeners bound, and the store can commit: reachable, its schema
/// migrations applied).
enum HealthRoutes {
    static func router(store: any Store, readiness: EndpointCollector) -> Router<BasicRequestContext> {
        let router = Router()
        register(on: router, store: store, readiness: readiness)
        return router
    }

    static func register<Context: RequestContext>(
        on router: Router<Context>, store: any Store, readiness: EndpointCollector
    ) {
        router.get("healthz") { _, _ -> Response in
            jsonResponse(.ok, #"{"status":"ok"}"#)
        }
        router.get("readyz") { _, _ -> Response in
            guard readiness.isReady else {
                return jsonResponse(.serviceUnavailable, #"{"status":"starting"}"#)
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
