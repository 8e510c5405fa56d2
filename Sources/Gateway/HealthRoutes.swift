import Hummingbird
import Store

/// `/healthz` (the process answers) and `/readyz` (listeners bound, journal readable).
enum HealthRoutes {
    static func router(journal: any Journal, readiness: EndpointCollector) -> Router<BasicRequestContext> {
        let router = Router()
        register(on: router, journal: journal, readiness: readiness)
        return router
    }

    static func register<Context: RequestContext>(
        on router: Router<Context>, journal: any Journal, readiness: EndpointCollector
    ) {
        router.get("healthz") { _, _ -> Response in
            jsonResponse(.ok, #"{"status":"ok"}"#)
        }
        router.get("readyz") { _, _ -> Response in
            guard readiness.isReady else {
                return jsonResponse(.serviceUnavailable, #"{"status":"starting"}"#)
            }
            do {
                _ = try await journal.count()
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
