import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /metrics`: the gateway's counters in the Prometheus text format. Unauthenticated, like `/healthz`: it holds
/// counts by destination, message type and outcome, never PHI.
enum MetricsRoutes {
    /// The content type of the Prometheus text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func register<Context: RequestContext>(on router: Router<Context>, metrics: GatewayMetrics) {
        router.get("metrics") { _, _ -> Response in
            var fields = HTTPFields()
            fields[.contentType] = contentType
            return Response(
                status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
