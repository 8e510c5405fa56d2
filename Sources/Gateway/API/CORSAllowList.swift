import Foundation
import HTTPTypes
import Hummingbird

/// Cross-origin access for browser pages on listed origins (`http.corsAllowOrigins`): preflights
/// (`OPTIONS` with `Access-Control-Request-Method`) from those origins are answered 204 with the methods and
/// headers the API takes, and their other responses carry `Access-Control-Allow-Origin` with the origin. Other
/// origins get no CORS headers, so browsers keep their pages out. No cookies are involved (keys are Bearer
/// tokens), so credentials are never allowed.
struct CORSAllowList: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The origins, lowercased: `https://app.example.org`, `http://localhost:3000`.
    let origins: Set<String>

    static let allowMethods = "GET, POST, DELETE"
    static let allowHeaders = "Authorization, Content-Type, Accept, Prefer"
    static let exposeHeaders = "Retry-After, ETag, Last-Modified, Location, WWW-Authenticate"

    /// Reads a comma-separated list of origins (`scheme://host[:port]`, http or https, no path); `nil` when an entry
    /// is not one.
    static func origins(list: String) -> Set<String>? {
        var origins: Set<String> = []
        for entry in list.split(separator: ",") {
            let origin = entry.trimmingCharacters(in: .whitespaces).lowercased()
            guard let separator = origin.range(of: "://"), ["http", "https"].contains(String(origin[..<separator.lowerBound]))
            else { return nil }
            let authority = origin[separator.upperBound...]
            guard !authority.isEmpty, !authority.contains("/"), !authority.contains("@"), !authority.contains(" ") else { return nil }
            origins.insert(origin)
        }
        return origins.isEmpty ? nil : origins
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin.lowercased()) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers = HTTPFields()
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowMethods] = Self.allowMethods
            headers[.accessControlAllowHeaders] = Self.allowHeaders
            headers[.accessControlMaxAge] = "600"
            headers[.vary] = "Origin"
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlExposeHeaders] = Self.exposeHeaders
        response.headers[.vary] = "Origin"
        return response
    }
}
