import Foundation
import HTTPTypes
import Hummingbird

/// An error of the `/v1` API: a status, a stable code, a message and the fields at fault, answered as
/// `{"error":{"code","message","details":[{"field","message"}]}}`. Messages never quote request content.
public struct APIError: HTTPResponseError, Sendable, Hashable {
    /// One field at fault.
    public struct Detail: Codable, Sendable, Hashable {
        /// The field's path: `specialty`, `context.patient_info.age`.
        public var field: String
        /// What is wrong with it.
        public var message: String

        /// Creates a detail.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// `VALIDATION_ERROR`, `UNAUTHORIZED`, ...
    public var code: String
    /// One sentence for the developer.
    public var message: String
    /// The fields at fault.
    public var details: [Detail]
    /// Extra response headers (`Retry-After`, `Allow`, `WWW-Authenticate`).
    public var headers: [(HTTPField.Name, String)] = []

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, code: String, message: String, details: [Detail] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public static func == (lhs: APIError, rhs: APIError) -> Bool {
        lhs.status == rhs.status && lhs.code == rhs.code && lhs.message == rhs.message && lhs.details == rhs.details
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
    }

    /// 400: a field cannot be used.
    public static func validation(_ field: String, _ message: String, validValues: [String] = []) -> APIError {
        let full = validValues.isEmpty ? message : "\(message); valid values: \(validValues.joined(separator: ", "))"
        return APIError(
            .badRequest, code: "VALIDATION_ERROR", message: "\(field): \(full)",
            details: [Detail(field: field, message: full)])
    }

    /// 400: the body's objects and arrays are nested deeper than the limit.
    public static func nestedTooDeep(limit: Int) -> APIError {
        let reason = "is nested deeper than \(limit) levels of objects and arrays"
        return APIError(
            .badRequest, code: "JSON_TOO_DEEP", message: "the request body \(reason)",
            details: [Detail(field: "body", message: reason)])
    }

    /// 400: the body's HTTP/1.1 framing is broken (a malformed chunk), so it cannot be read at all.
    public static let malformedBody = APIError.validation(
        "body", "cannot be read: its HTTP/1.1 framing is malformed (a bad chunk size or chunk)")

    /// 401.
    public static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "UNAUTHORIZED", message: message)
        error.headers = [(.wwwAuthenticate, #"Bearer realm="notebridge""#)]
        return error
    }

    /// 403: the key lacks a scope.
    public static func forbidden(scope: String) -> APIError {
        APIError(.forbidden, code: "FORBIDDEN", message: "this API key does not have the \(scope) scope")
    }

    /// 404: no such note for this key, or it expired.
    public static let noteNotFound = APIError(
        .notFound, code: "NOT_FOUND", message: "no note with this id (it may have expired or been deleted)")

    /// 422: an Idempotency-Key sent again with another request.
    public static let idempotencyKeyReused = APIError(
        .unprocessableContent, code: "IDEMPOTENCY_KEY_REUSED",
        message: "this Idempotency-Key was used with a different request; use a new key for a new note")

    /// 404: no such route.
    public static let routeNotFound = APIError(.notFound, code: "NOT_FOUND", message: "no such endpoint")

    /// 405, with the methods the path takes.
    public static func methodNotAllowed(_ allowed: [HTTPRequest.Method]) -> APIError {
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        var error = APIError(
            .methodNotAllowed, code: "METHOD_NOT_ALLOWED", message: "this endpoint accepts \(list)")
        error.headers = [(.allow, list)]
        return error
    }

    /// 413.
    public static func payloadTooLarge(limit: Int) -> APIError {
        APIError(
            .contentTooLarge, code: "PAYLOAD_TOO_LARGE", message: "the request body is larger than \(limit) bytes")
    }

    /// 415.
    public static let unsupportedMediaType = APIError(
        .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", message: "the request body must be application/json")

    /// 429, with the seconds to wait.
    public static func rateLimited(retryAfter seconds: Int) -> APIError {
        var error = APIError(
            .tooManyRequests, code: "RATE_LIMITED",
            message: "too many requests for this API key; retry after \(seconds) second(s)")
        error.headers = [(.retryAfter, String(seconds))]
        return error
    }

    /// 500, without internals.
    public static let internalError = APIError(
        .internalServerError, code: "INTERNAL_ERROR", message: "the note could not be processed; nothing was stored")

    /// 503, with Retry-After: the storage cannot take writes (a full disk, a read-only database, a database server
    /// that cannot be reached); nothing was stored.
    public static let storageCannotWrite: APIError = {
        var error = APIError(
            .serviceUnavailable, code: "STORAGE_UNAVAILABLE",
            message:
                "the gateway's storage cannot take writes now (full, read-only or unreachable); nothing was stored, "
                + "retry later")
        error.headers = [(.retryAfter, "30")]
        return error
    }()

    /// 503.
    public static let unavailable = APIError(
        .serviceUnavailable, code: "SERVICE_UNAVAILABLE", message: "storage is unavailable; retry later")

    /// The JSON body.
    public var body: [UInt8] {
        struct Envelope: Encodable {
            struct Body: Encodable {
                var code: String
                var message: String
                var details: [Detail]
            }

            var error: Body
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let envelope = Envelope(error: .init(code: code, message: message, details: details))
        return (try? encoder.encode(envelope)).map(Array.init) ?? Array(#"{"error":{"code":"INTERNAL_ERROR"}}"#.utf8)
    }

    /// The HTTP response (Hummingbird's `HTTPResponseError`).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response
    }

    /// The HTTP response.
    public var response: Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { fields[name] = value }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
