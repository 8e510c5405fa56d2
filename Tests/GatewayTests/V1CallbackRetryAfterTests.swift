import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import Synchronization
import Testing

@testable import Gateway

@Suite("The /v1 callback (webhook) honours Retry-After on 429 and 503", .timeLimit(.minutes(2)))
struct V1CallbackRetryAfterTests {
    typealias F = V1APIFixture

    /// A callback receiver that answers from a script (status and headers), one reply per request, then 204.
    final class ScriptedReceiver: Sendable {
        let replies: Mutex<[(status: HTTPResponse.Status, headers: [(String, String)])]>
        let received = Mutex(0)

        init(_ replies: [(status: HTTPResponse.Status, headers: [(String, String)])]) {
            self.replies = Mutex(replies)
        }

        var count: Int { received.withLock { $0 } }

        func application() -> some ApplicationProtocol {
            let router = Router()
            router.post("hook") { request, _ -> Response in
                _ = try await request.body.collect(upTo: 1 << 20)
                self.received.withLock { $0 += 1 }
                let reply = self.replies.withLock { $0.isEmpty ? (status: .noContent, headers: []) : $0.removeFirst() }
                var fields = HTTPFields()
                for (name, value) in reply.headers {
                    if let field = HTTPField.Name(name) { fields[field] = value }
                }
                return Response(status: reply.status, headers: fields)
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }
    }

    /// An HTTP date (RFC 9110 section 5.6.7) `seconds` from now.
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    @Test(
        "note.generated to a callback answering 429 and 503 with Retry-After (seconds, HTTP date) waits what it asks; a 500's Retry-After and a 503 without one get the usual backoff"
    )
    func honoured() async throws {
        let fixture = try await F()
        // An HTTP date is a moment, not a delay: the attempt is due then, however long the test has run (whole
        // seconds, as the header writes it).
        let retryAt = Date().addingTimeInterval(600)
        let receiver = ScriptedReceiver([
            (.tooManyRequests, [("Retry-After", "120")]),
            (.serviceUnavailable, [("Retry-After", Self.httpDate(retryAt))]),
            (.internalServerError, [("Retry-After", "120")]),
            (.serviceUnavailable, []),
        ])
        var configuration = WebhookService.Configuration()
        configuration.initialBackoff = .milliseconds(100)
        configuration.maximumBackoff = .seconds(10)
        configuration.timeout = .seconds(5)
        let service = fixture.webhookService(configuration)
        try await receiver.application().test(.live) { receiverClient in
            let port = try #require(receiverClient.port)
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                    body: F.body(["transcript": F.transcript, "callback_url": "http://127.0.0.1:\(port)/hook"]))
                #expect(response.status == .ok)
            }
            let queued = try await fixture.store.dueDeliveries(now: Date(), limit: 10)
            #expect(queued.map(\.eventType) == ["note.generated"])
            let id = try #require(queued.first?.id)

            /// One pass of the webhook worker as if the clock read `now + ahead`; the delivery row afterwards, and
            /// the time its next attempt is due from now, in seconds.
            func pass(ahead: TimeInterval) async throws -> (WebhookDelivery, TimeInterval) {
                await service.deliverDue(now: Date().addingTimeInterval(ahead))
                let row = try #require(try await fixture.store.delivery(id: id))
                return (row, row.nextAttemptAt.timeIntervalSinceNow)
            }

            // 429 with Retry-After: 120 → not before two minutes, though the backoff is 0.1 s.
            var (row, due) = try await pass(ahead: 0)
            #expect(receiver.count == 1 && row.state == .pending && row.attempts == 1)
            #expect(due > 115 && due <= 121, "next attempt in \(due) s")
            // Not due a minute later: nothing is sent.
            (row, _) = try await pass(ahead: 60)
            #expect(receiver.count == 1 && row.attempts == 1)

            // 503 with an HTTP date ten minutes ahead → not before it.
            (row, due) = try await pass(ahead: 121)
            #expect(receiver.count == 2 && row.state == .pending && row.attempts == 2)
            let offset = row.nextAttemptAt.timeIntervalSince(retryAt)
            #expect(offset > -1.5 && offset <= 0.5, "next attempt \(offset) s from the date, in \(due) s")
            (row, _) = try await pass(ahead: 300)
            #expect(receiver.count == 2)

            // A 500 is retried with the backoff whatever its Retry-After says (only 429 and 503 carry one).
            (row, due) = try await pass(ahead: 601)
            #expect(receiver.count == 3 && row.attempts == 3)
            #expect(due < 2, "next attempt in \(due) s")
            // A 503 without Retry-After: the backoff too.
            (row, due) = try await pass(ahead: 5)
            #expect(receiver.count == 4 && row.attempts == 4)
            #expect(due < 3, "next attempt in \(due) s")

            // Then the receiver takes it.
            (row, _) = try await pass(ahead: 10)
            #expect(receiver.count == 5 && row.state == .delivered && row.attempts == 5)
        }
    }
}
