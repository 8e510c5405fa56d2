import HTTPTypes
import Hummingbird

/// Answers `HEAD` as the route's `GET` without the body (RFC 9110 §9.3.2): same status and headers, the body's
/// `Content-Length` included, the body itself never sent (the HTTP/1 server writes no body for a `HEAD`). Load
/// balancers, health checks and link checkers send `HEAD`; the router knows only the methods it was given, so they
/// got 405. A `GET` answer whose length is unknown before it is written (a stream of events) cannot be answered
/// this way and stays 405.
///
/// The paths in `streams` answer a stream and are never run for a `HEAD` (their `GET` may have an effect: `GET
/// /v1/stream/note?ticket=` spends its single-use ticket).
///
/// It wraps the whole router, because the router chooses a route by method before any of its middleware runs.
struct HeadAsGetResponder<Base: HTTPResponder>: HTTPResponder {
    typealias Context = Base.Context

    let base: Base
    let streams: Set<String>

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head, !streams.contains(request.uri.path) else {
            return try await base.respond(to: request, context: context)
        }
        var head = request.head
        head.method = .get
        let response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        guard response.body.contentLength != nil else {
            var refusal = try await base.respond(to: request, context: context)
            refusal.body = ResponseBody()
            return refusal
        }
        return response
    }
}

/// Builds a ``HeadAsGetResponder`` around a router.
struct HeadAsGet<Base: HTTPResponderBuilder>: HTTPResponderBuilder {
    let base: Base
    /// The paths whose `GET` answers a stream of events.
    var streams: Set<String> = ["/v1/stream/note", "/console/events"]

    func buildResponder() -> HeadAsGetResponder<Base.Responder> {
        HeadAsGetResponder(base: base.buildResponder(), streams: streams)
    }
}
