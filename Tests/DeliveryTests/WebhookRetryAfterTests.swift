import Curl
import Delivery
import Foundation
import Logging
import Store
import TestSupport
import Testing

@Suite("The webhook destination honours Retry-After like the FHIR destination", .timeLimit(.minutes(1)))
struct WebhookRetryAfterTests {
    static let item = OutboxItem(
        id: 9, noteID: "note_0123456789abcdef0123456789abcdef", destination: "hook", patientKey: "k", state: .inFlight,
        attempts: 0, nextAttemptAt: Date(), lastError: nil, controlID: "NB0000000000000009", leaseExpiresAt: nil,
        createdAt: Date(), updatedAt: Date(), deliveredAt: nil)

    func outcome(_ reply: Reply) async throws -> DeliveryOutcome {
        try await withServer(respond: { _ in reply }) { server in
            let destination = WebhookDestination(
                name: "hook",
                configuration: WebhookDestination.Configuration(
                    url: server.url("/events"), secret: "s3cret", timeout: .seconds(5)),
                sender: WebhookSender(maximumConcurrentTransfers: 1), logger: Logger(label: "test"))
            return await destination.deliver(
                DeliveryTests.record("note_0123456789abcdef0123456789abcdef"), item: Self.item)
        }
    }

    @Test("429 and 503 with Retry-After (seconds or an HTTP date) wait what the receiver asks")
    func honoured() async throws {
        #expect(
            try await outcome(Reply(status: 429, headers: [("Retry-After", "7")]))
                == .retryAfter(reason: "HTTP 429 from the webhook receiver (Retry-After 7 s)", delay: .seconds(7)))
        let inOneMinute = Date().addingTimeInterval(60)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard
            case .retryAfter(_, let delay) = try await outcome(
                Reply(status: 503, headers: [("Retry-After", formatter.string(from: inOneMinute))]))
        else {
            Issue.record("a 503 with an HTTP-date Retry-After is not retried after it")
            return
        }
        #expect(delay > .seconds(50) && delay <= .seconds(61))
        #expect(
            try await outcome(Reply(status: 503, headers: [("Retry-After", "999999")]))
                == .retryAfter(
                    reason: "HTTP 503 from the webhook receiver (Retry-After 3600 s)", delay: RetryAfter.maximum))
    }

    @Test("without a valid Retry-After, or on another status, the usual backoff and dead letter apply")
    func notAsked() async throws {
        #expect(
            try await outcome(Reply(status: 503)) == .retry(reason: "HTTP 503 from the webhook receiver"))
        #expect(
            try await outcome(Reply(status: 429, headers: [("Retry-After", "soon")]))
                == .retry(reason: "HTTP 429 from the webhook receiver"))
        #expect(
            try await outcome(Reply(status: 500, headers: [("Retry-After", "7")]))
                == .retry(reason: "HTTP 500 from the webhook receiver"))
        #expect(
            try await outcome(Reply(status: 400, headers: [("Retry-After", "7")]))
                == .dead(reason: "HTTP 400: the webhook receiver refused the event"))
        #expect(try await outcome(Reply(status: 204)) == .deliveredWithoutReferences)
    }

    @Test("RetryAfter.delay(of:) reads the header of 429 and 503 answers only")
    func ofResponse() {
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        func response(_ status: Int, _ value: String) -> CurlResponse {
            CurlResponse(status: status, headers: [HTTPHeader(name: "retry-after", value: value)], body: [])
        }
        #expect(RetryAfter.delay(of: response(429, "12"), now: now) == .seconds(12))
        #expect(RetryAfter.delay(of: response(503, "Mon, 30 Nov 2026 00:54:50 GMT"), now: now) == .seconds(90))
        #expect(RetryAfter.delay(of: response(301, "12"), now: now) == nil)
        #expect(RetryAfter.delay(of: response(429, "-1"), now: now) == nil)
    }
}
