import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import Gateway

/// Bodies past the size limit however they are framed.
@Suite("Request limits")
struct RequestLimitsTests {
    typealias F = V1APIFixture

    /// A request whose body arrives in pieces with no Content-Length, as a chunked request's does.
    static func streamedRequest(path: String, bytes: Int, contentType: String = "application/json") -> Request {
        let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 1_024)
        let chunks = AsyncStream(ByteBuffer.self) { continuation in
            for _ in 0...(bytes / chunk.readableBytes) { continuation.yield(chunk) }
            continuation.finish()
        }
        var fields = HTTPFields()
        fields[.contentType] = contentType
        return Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: path, headerFields: fields),
            body: RequestBody(asyncSequence: chunks))
    }

    @Test("A streamed body past the limit with no Content-Length is 413 PAYLOAD_TOO_LARGE where it is collected")
    func streamedBodyPastTheLimit() async throws {
        var configuration = V1Routes.Configuration()
        configuration.maximumBodyBytes = 4_096
        let fixture = try await F(configuration: configuration)
        let routes = V1Routes(store: fixture.store, signal: fixture.signal, configuration: configuration, logger: fixture.logger)
        let request = Self.streamedRequest(path: "/v1/note", bytes: 64 * 1024)
        #expect(request.headers[.contentLength] == nil)
        await #expect(throws: APIError.payloadTooLarge(limit: 4_096)) { try await routes.body(request) }
        // Within the limit, the same framing is read whole.
        let small = Self.streamedRequest(path: "/v1/note", bytes: 1_000)
        #expect(try await routes.body(small).count == 1_024)
    }

    @Test("Any route that collects past a limit is answered 413 in the error shape, JSON or OperationOutcome")
    func middlewareAnswers413() async throws {
        let fixture = try await F()
        let router = Router(context: APIRequestContext.self)
        V1Routes(store: fixture.store, signal: fixture.signal, configuration: fixture.configuration, logger: fixture.logger)
            .register(on: router)
        // Routes that collect with their own smaller limit: NIO's NIOTooManyBytesError reaches the middleware.
        @Sendable func collectSixteenBytes(_ request: Request, _ context: APIRequestContext) async throws -> Response {
            _ = try await request.body.collect(upTo: 16)
            return Response(status: .ok)
        }
        router.post("v1/collect", use: collectSixteenBytes)
        router.post("fhir/collect", use: collectSixteenBytes)
        let application = Application(router: router, logger: fixture.logger)
        try await application.test(.router) { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "a"), count: 100_000)
            let v1 = try await client.execute(uri: "/v1/collect", method: .post, headers: F.headers(nil), body: body)
            #expect(v1.status == .contentTooLarge)
            #expect(F.error(v1.body)["code"] as? String == "PAYLOAD_TOO_LARGE")
            #expect(F.error(v1.body)["details"] as? [Any] != nil)
            let fhir = try await client.execute(uri: "/fhir/collect", method: .post, headers: F.headers(nil), body: body)
            #expect(fhir.status == .contentTooLarge)
            let outcome = F.json(fhir.body)
            #expect(outcome["resourceType"] as? String == "OperationOutcome")
            #expect(((outcome["issue"] as? [[String: Any]])?.first)?["code"] as? String == "too-costly")
        }
        #expect(!fixture.recorder.text.contains("NIOTooManyBytesError"))
    }
}
