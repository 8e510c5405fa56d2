import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Store

/// The operator's HTTP API under `/admin`, the same as `notebridge outbox`: list, show, retry and purge outbox
/// rows. Every route needs a bearer API key with the `admin` scope (401 without a valid key, 403 without the
/// scope); answers are JSON, errors the API's one error shape. Rows carry metadata only, never the note.
///
/// - `GET /admin/outbox?state=pending|in-flight|delivered|dead&destination=D&after=ID&limit=N`
/// - `GET /admin/outbox/{id}`
/// - `POST /admin/outbox/{id}/retry` (a dead row)
/// - `POST /admin/outbox/retry-dead?destination=D` (every dead row)
/// - `POST /admin/outbox/purge?deliveredBefore=2026-12-01T00:00:00Z&destination=D`
///
/// The POST routes take their parameters in the query string only: a request with a body is refused (400) before
/// anything is done, so that `{"destination": "x"}` sent as JSON never retries or purges every destination's rows.
struct AdminRoutes: Sendable {
    /// The largest page of `GET /admin/outbox`.
    static let maximumPageSize = 1_000

    let keys: any APIKeyStore
    let outbox: any Outbox
    /// Where the outbox actions are recorded.
    let audit: any AuditLog
    let logger: Logger

    /// The outbox actions, shared with the console.
    var actions: OutboxActions { OutboxActions(outbox: outbox, audit: audit, logger: logger) }

    /// The caller of an action, for its audit record.
    static func auditAgent(_ key: APIKeyRecord, _ context: APIRequestContext) -> OperatorAudit.Agent {
        OperatorAudit.Agent(keyID: key.id, channel: "admin", remoteAddress: context.remoteAddress?.ipAddress)
    }

    /// The routes and their methods (405 answers use it).
    static let table: [(pattern: [Substring], methods: [HTTPRequest.Method])] = [
        (["admin", "outbox"], [.get]), (["admin", "outbox", "retry-dead"], [.post]),
        (["admin", "outbox", "purge"], [.post]), (["admin", "outbox", "*"], [.get]),
        (["admin", "outbox", "*", "retry"], [.post]),
    ]

    func register(on router: Router<APIRequestContext>) {
        router.get("admin/outbox") { request, _ in try await list(request) }
        router.post("admin/outbox/retry-dead") { request, context in try await retryDead(request, context) }
        router.post("admin/outbox/purge") { request, context in try await purge(request, context) }
        router.get("admin/outbox/:id") { request, context in try await show(request, context) }
        router.post("admin/outbox/:id/retry") { request, context in try await retry(request, context) }
    }

    // MARK: - Handlers

    func list(_ request: Request) async throws -> Response {
        let key = try await authenticate(request)
        let query = request.uri.queryParameters
        var state: OutboxState?
        if let text = query.get("state") {
            guard let parsed = OutboxState(rawValue: text) else {
                throw APIError.validation(
                    "state", "is not an outbox state", validValues: OutboxState.allCases.map(\.rawValue))
            }
            state = parsed
        }
        let destination = try Self.destination(query.get("destination"))
        var after: Int64?
        if let text = query.get("after") {
            guard let value = Int64(text), value >= 0 else {
                throw APIError.validation("after", "must be a row id (a whole number, 0 or more)")
            }
            after = value
        }
        var limit = 100
        if let text = query.get("limit") {
            guard let value = Int(text), (1...Self.maximumPageSize).contains(value) else {
                throw APIError.validation("limit", "must be a whole number from 1 to \(Self.maximumPageSize)")
            }
            limit = value
        }
        let items = try await actions.storing {
            try await outbox.items(state: state, destination: destination, afterID: after, limit: limit)
        }
        logger.debug(
            "admin listed outbox rows", metadata: ["nb.api.key_id": "\(key.id)", "nb.admin.rows": "\(items.count)"])
        struct Page: Encodable {
            var items: [OutboxItemDocument]
            /// The `after` of the next page, `null` on the last one.
            var next: Int64?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(items, forKey: .items)
                try container.encode(next, forKey: .next)
            }

            enum CodingKeys: String, CodingKey { case items, next }
        }
        let next = items.count == limit ? items.last?.id : nil
        return try Self.json(.ok, Page(items: items.map(OutboxItemDocument.init), next: next))
    }

    func show(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        _ = try await authenticate(request)
        let id = try Self.rowID(context)
        guard let item = try await actions.storing({ try await outbox.item(id: id) }) else {
            throw Self.rowNotFound(id)
        }
        return try Self.json(.ok, OutboxItemDocument(item))
    }

    func retry(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let key = try await authenticate(request)
        let id = try Self.rowID(context)
        try await Self.refuseBody(request, parameters: "the row id goes in the path (/admin/outbox/ID/retry)")
        let count = try await actions.retry(id: id, by: Self.auditAgent(key, context))
        return try Self.json(.ok, ["retried": count])
    }

    func retryDead(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let key = try await authenticate(request)
        try await Self.refuseBody(request, parameters: "give destination in the query string (?destination=NAME)")
        let destination = try Self.destination(request.uri.queryParameters.get("destination"))
        let count = try await actions.retryDead(destination: destination, by: Self.auditAgent(key, context))
        return try Self.json(.ok, ["retried": count])
    }

    func purge(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let key = try await authenticate(request)
        try await Self.refuseBody(
            request,
            parameters:
                "give deliveredBefore and destination in the query string (?deliveredBefore=TIME&destination=NAME)")
        let query = request.uri.queryParameters
        let cutoff = try Self.purgeCutoff(query.get("deliveredBefore"))
        let destination = try Self.destination(query.get("destination"))
        let count = try await actions.purge(
            deliveredBefore: cutoff, destination: destination, by: Self.auditAgent(key, context))
        return try Self.json(.ok, ["purged": count])
    }

    /// The `deliveredBefore` of a purge: required, an ISO 8601 time.
    static func purgeCutoff(_ text: String?) throws(APIError) -> Date {
        guard let text, !text.isEmpty else {
            throw APIError.validation("deliveredBefore", "is required: an ISO 8601 time such as 2026-12-01T00:00:00Z")
        }
        guard let cutoff = try? Date.ISO8601FormatStyle().parse(text) else {
            throw APIError.validation("deliveredBefore", "must be an ISO 8601 time such as 2026-12-01T00:00:00Z")
        }
        return cutoff
    }

    // MARK: - Steps

    /// Refuses a request that carries a body (400 on `body`, saying where `parameters` go): these routes read only
    /// their query, and a body's fields ignored would widen the action (every destination's rows instead of one).
    /// An empty body (no Content-Length, or 0) passes; at most a few bytes are read to tell.
    static func refuseBody(_ request: Request, parameters: String) async throws {
        let refusal = APIError.validation("body", "this endpoint takes no body; \(parameters)")
        if let length = request.headers[.contentLength] {
            guard length.trimmingCharacters(in: .whitespaces) == "0" else { throw refusal }
            return
        }
        let bytes: Int
        do {
            bytes = try await request.body.collect(upTo: 1024).readableBytes
        } catch {
            throw refusal
        }
        if bytes > 0 { throw refusal }
    }

    /// The caller's key: a valid, unrevoked bearer key with the `admin` scope.
    func authenticate(_ request: Request) async throws -> APIKeyRecord {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("send an API key with the admin scope as Authorization: Bearer nb_live_...")
        }
        guard let token = APIKeys.bearerToken(header) else {
            throw APIError.unauthorized("the Authorization header is not Bearer with a NoteBridge API key")
        }
        guard let key = try await actions.storing({ try await APIKeys.validKey(token, in: keys) }) else {
            throw APIError.unauthorized("the API key is not valid or has been revoked")
        }
        guard key.scopes.contains(APIScope.admin.rawValue) else {
            logger.notice("admin request without the admin scope", metadata: ["nb.api.key_id": "\(key.id)"])
            throw APIError.forbidden(scope: APIScope.admin.rawValue)
        }
        return key
    }

    static func rowID(_ context: APIRequestContext) throws(APIError) -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError.validation("id", "must be an outbox row id (a whole number above 0)")
        }
        return id
    }

    static func rowNotFound(_ id: Int64) -> APIError {
        APIError(.notFound, code: "NOT_FOUND", message: "no outbox row \(id)")
    }

    /// A destination filter: a configured name is 1 to 64 ASCII letters, digits, `-` or `_`.
    static func destination(_ text: String?) throws(APIError) -> String? {
        guard let text else { return nil }
        let allowed = text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard (1...64).contains(text.utf8.count), allowed else {
            throw APIError.validation("destination", "must be a destination name (letters, digits, '-' or '_')")
        }
        return text
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return V1Routes.json(status, Array(try encoder.encode(value)))
    }
}
