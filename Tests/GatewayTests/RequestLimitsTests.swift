import EncounterModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Gateway
import TestSupport

/// Bodies past the size limit however they are framed, and JSON nested past the depth limit.
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

    /// A request whose body breaks off with NIO's parser error, as a chunked body with a chunk size that is not
    /// hexadecimal does on a live connection (`POST /v1/note` with `zz\r\n{}\r\n0\r\n\r\n`).
    static func malformedChunkedRequest(
        path: String, contentType: String = "application/json", authorization: String? = nil
    ) -> Request {
        let chunks = AsyncThrowingStream(ByteBuffer.self) { continuation in
            continuation.yield(ByteBuffer(string: #"{"transcript":"#))
            continuation.finish(throwing: HTTPParserError.invalidChunkSize)
        }
        var fields = HTTPFields()
        fields[.contentType] = contentType
        if let authorization { fields[.authorization] = authorization }
        return Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: path, headerFields: fields),
            body: RequestBody(asyncSequence: chunks))
    }

    @Test("A body whose chunked framing breaks is 400 naming the body (was 500 INTERNAL_ERROR)")
    func malformedChunkedBody() async throws {
        let fixture = try await F()
        let routes = V1Routes(
            store: fixture.store, signal: fixture.signal, configuration: fixture.configuration, logger: fixture.logger)
        await #expect(throws: APIError.malformedBody) {
            try await routes.body(Self.malformedChunkedRequest(path: "/v1/note"))
        }
        #expect(APIError.malformedBody.status == .badRequest)
        #expect(APIError.malformedBody.details.first?.field == "body")
        // A route that collects the body itself: the middleware answers 400 in the error shape, not 500.
        let router = Router(context: APIRequestContext.self)
        routes.register(on: router)
        @Sendable func collect(_ request: Request, _ context: APIRequestContext) async throws -> Response {
            _ = try await request.body.collect(upTo: 1_024)
            return Response(status: .ok)
        }
        router.post("v1/collect", use: collect)
        let responder = router.buildResponder()
        for path in ["/v1/collect", "/v1/note"] {
            let request = Self.malformedChunkedRequest(path: path, authorization: "Bearer \(fixture.key.secret)")
            let response = try await responder.respond(
                to: request,
                context: APIRequestContext(
                    source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: fixture.logger)))
            #expect(response.status == .badRequest, "\(path)")
        }
        #expect(!fixture.recorder.text.contains("request failed"))
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

    /// Bodies nested past the limit: bare brackets, an unknown member, a known one.
    static let deepBodies: [String] = {
        let open = String(repeating: "[", count: 40), close = String(repeating: "]", count: 40)
        let objects = String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40)
        return [
            String(repeating: "[", count: 1_000),
            #"{"transcript":"Patient has a cough.","extra":\#(open)\#(close)}"#,
            #"{"transcript":"Patient has a cough.","context":\#(objects)}"#,
        ]
    }()

    @Test("JSON nested past the depth limit is 400 JSON_TOO_DEEP naming the limit, not 'not valid JSON'", arguments: deepBodies)
    func nestedTooDeep(body: String) async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            for path in ["/v1/note", "/v1/stream/note", "/v1/stream/ticket"] {
                let response = try await client.execute(
                    uri: path, method: .post, headers: F.headers(fixture.key), body: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(path)")
                let error = F.error(response.body)
                #expect(error["code"] as? String == "JSON_TOO_DEEP", "\(path)")
                let message = try #require(error["message"] as? String)
                #expect(message.contains("nested deeper than \(NoteJob.maximumNestingDepth) levels"))
                #expect(!message.contains("not valid JSON"))
                #expect((error["details"] as? [[String: Any]])?.first?["field"] as? String == "body")
            }
        }
    }

    @Test("A body with more members and elements than a note request has is 400 naming the limit, before any work")
    func tooManyValues() async throws {
        let limit = NoteJob.maximumValueCount
        // 60,000 members in 0.9 MB took 2.2 s of CPU per request (the Idempotency-Key fingerprint sorts them).
        let members = (0..<60_000).map { #""k\#($0)":1"# }.joined(separator: ",")
        let flood = #"{"transcript":"Patient has a cough for three days.","# + members + "}"
        let started = ContinuousClock.now
        #expect(throws: APIError.validation(
            "body", "holds more than \(limit) members and array elements; a note request has a few dozen")) {
            try NoteJob.decode(Array(flood.utf8))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        // Nested values count too; a body at the limit is read.
        let nested = #"{"transcript":"Patient has a cough for three days.","extra":[["# + Array(repeating: "0", count: limit).joined(separator: ",") + "]]}"
        #expect(throws: APIError.self) { try NoteJob.decode(Array(nested.utf8)) }
        let atLimit = #"{"transcript":"Patient has a cough for three days.","extra":["# + Array(repeating: "0", count: limit - 2).joined(separator: ",") + "]}"
        #expect(throws: Never.self) { try NoteJob.decode(Array(atLimit.utf8)) }
    }

    @Test("JSON nested exactly to the limit is read; broken JSON is still 'not valid JSON'")
    func depthBoundary() async throws {
        let depth = NoteJob.maximumNestingDepth
        // The body object is level 1; `extra` holds depth - 1 more levels.
        let atLimit = #"{"transcript":"Patient has a cough for three days.","extra":"#
            + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "}"
        #expect(throws: Never.self) { try NoteJob.decode(Array(atLimit.utf8)) }
        let overLimit = #"{"transcript":"Patient has a cough for three days.","extra":"#
            + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(throws: APIError.nestedTooDeep(limit: depth)) { try NoteJob.decode(Array(overLimit.utf8)) }
        #expect(throws: APIError.validation("body", "is not valid JSON")) {
            try NoteJob.decode(Array(#"{"transcript": "unterminated"#.utf8))
        }
    }

    @Test(
        "An age that is valid JSON but not a whole number of years names the member, never 'not valid JSON'",
        arguments: [
            (#"4.5"#, "context.patient_info.age", "must be an integer"),
            (#"99999999999999999999999"#, "context.patient_info.age", "must be between 0 and 130 years"),
            (#"-1e30"#, "context.patient_info.age", "must be between 0 and 130 years"),
            (#""forty""#, "context.patient_info.age", "must be an integer"),
        ])
    func ageThatIsNotAnInt(age: String, field: String, message: String) {
        let body = #"{"transcript":"Patient has a cough for three days and a fever since yesterday.","#
            + #""context":{"patient_info":{"age":\#(age)}}}"#
        #expect(throws: APIError.validation(field, message)) { try NoteJob.decode(Array(body.utf8)) }
    }

    @Test("A whole number written as a decimal is an age; a number too large for any member is named as such")
    func wholeDecimalAgeAndHugeNumbers() throws {
        let body = #"{"transcript":"Patient has a cough for three days and a fever since yesterday.","#
            + #""context":{"patient_info":{"age":42.0}}}"#
        #expect(try NoteJob.decode(Array(body.utf8)).encounter.context.age == 42)
        let huge = #"{"transcript":"Patient has a cough for three days and a fever since yesterday.","#
            + #""include_billing_codes":1e999}"#
        #expect(throws: APIError.self) { try NoteJob.decode(Array(huge.utf8)) }
    }
}
