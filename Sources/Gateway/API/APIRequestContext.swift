import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// The request context of the HTTP listener: the caller's address, for audit records.
public struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's address.
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Turns every error a route throws into the API's JSON error shape, answers 405 for a known path with the
/// wrong method, and never lets an internal error text reach the caller.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The routes and their methods, for 405 answers.
    let routes: [(pattern: [Substring], methods: [HTTPRequest.Method])]
    let maximumBodyBytes: Int

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // A representation the FHIR routes cannot write is refused before any work (FHIR's `_format`: 406).
        if request.uri.path.hasPrefix("/fhir"), let format = request.uri.queryParameters.get("_format"),
            !FHIRFormat.known(format)
        {
            let error = FHIRError(
                .notAcceptable, "not-supported", "_format must be json or xml (or their MIME types)",
                expression: "_format")
            return FHIRFormat.json.response(.notAcceptable, error.outcome)
        }
        let (response, thrown) = await answerNamingError(request, context: context, next: next)
        // Under /console an error the router gave (404, 405, 413) is an HTML page.
        if request.uri.path == "/console" || request.uri.path.hasPrefix("/console/"), response.status.code >= 400,
            response.headers[.contentType] == "application/json"
        {
            return ConsoleRoutes.plainErrorPage(response)
        }
        // Under /fhir every error is an OperationOutcome.
        guard request.uri.path.hasPrefix("/fhir"), response.status.code >= 400,
            response.headers[.contentType] == "application/json"
        else { return response }
        // The error's own words (`this endpoint accepts GET`, `no such endpoint`), not only the status's phrase.
        let error = FHIRError(
            thrown ?? APIError(response.status, code: "HTTP_\(response.status.code)", message: response.status.reasonPhrase))
        var headers: [(HTTPField.Name, String)] = []
        if let allow = response.headers[.allow] { headers.append((.allow, allow)) }
        return FHIRFormat.requested(request).response(response.status, error.outcome, headers: headers)
    }

    /// The response, and the API error it renders when a route threw one (`nil` when the route answered itself).
    func answerNamingError(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async -> (response: Response, error: APIError?) {
        do {
            return (try await next(request, context), nil)
        } catch let error as APIError {
            return (error.response, error)
        } catch let error as any HTTPResponseError {
            // Hummingbird's `HTTPError`, and the errors it gives a status to (a body past the limit while it is
            // collected throws NIO's `NIOTooManyBytesError`, which answers 413): all in the API's error shape.
            let mapped: APIError
            switch error.status {
            case .notFound:
                let allowed = methods(for: request.uri.path)
                mapped = allowed.isEmpty ? APIError.routeNotFound : APIError.methodNotAllowed(allowed)
            case .contentTooLarge:
                mapped = APIError.payloadTooLarge(limit: maximumBodyBytes)
            default:
                mapped = APIError(error.status, code: "HTTP_\(error.status.code)", message: error.status.reasonPhrase)
            }
            return (mapped.response, mapped)
        } catch is HTTPParserError {
            // A request whose framing breaks while its body is read, on a route that reads it without `body(_:)`.
            return (APIError.malformedBody.response, APIError.malformedBody)
        } catch {
            context.logger.error("request failed", metadata: ["nb.error": "\(type(of: error))"])
            return (APIError.internalError.response, APIError.internalError)
        }
    }

    func methods(for path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        for route in routes where route.pattern.count == parts.count {
            if zip(route.pattern, parts).allSatisfy({ $0.0 == "*" || $0.0 == $0.1 }) { return route.methods }
        }
        return []
    }
}
