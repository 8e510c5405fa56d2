import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Scribe
@testable import Store
import Synchronization
import Testing

@testable import Gateway

@Suite("/v1 streaming, webhooks, keys and audit export")
struct V1StreamAndWebhookTests {
    typealias F = V1APIFixture

    /// The `data:` payloads and `event:` names of an SSE body, in order.
    static func events(_ text: String) -> [(event: String?, data: String)] {
        text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            var event: String?
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            return (event, data.joined(separator: "\n"))
        }
    }

    @Test("POST /v1/stream/note sends one event per section, then codes, the note id, and [DONE]")
    func stream() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/stream/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": F.transcript, "include_billing_codes": true]))
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = Self.events(String(buffer: response.body))
            let objects = events.dropLast().map { F.json(ByteBuffer(string: $0.data)) }
            #expect(objects.prefix(4).map { $0["section"] as? String } == ["subjective", "objective", "assessment", "plan"])
            #expect(objects[4]["billing_codes"] != nil)
            let id = try #require(objects[5]["noteId"] as? String)
            #expect(events.last?.data == "[DONE]")
            let stored = try await client.execute(uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
            #expect(stored.status == .ok)
            #expect(F.json(stored.body)["subjective"] as? String == objects[0]["content"] as? String)
        }
    }

    @Test("Bad requests keep their HTTP status; the stream carries only what fails after it started")
    func streamError() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            // A transcript the engine cannot use is refused before the stream starts, as from POST /v1/note.
            let response = try await client.execute(
                uri: "/v1/stream/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": "   "]))
            #expect(response.status == .badRequest)
            #expect(F.error(response.body)["code"] as? String == "VALIDATION_ERROR")
            // Once the stream has started, a failure (here the note insert failing) arrives as `event: error`.
            try await fixture.store.execute(
                sql: "CREATE TRIGGER refuse BEFORE INSERT ON notes BEGIN SELECT RAISE(FAIL, 'refused'); END")
            let failed = try await client.execute(
                uri: "/v1/stream/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": F.transcript]))
            #expect(failed.status == .ok)
            let events = Self.events(String(buffer: failed.body))
            #expect(events.prefix(4).allSatisfy { $0.event == nil })
            #expect(events.last?.event == "error")
            let error = F.error(ByteBuffer(string: events.last?.data ?? ""))
            #expect(error["code"] as? String == "INTERNAL_ERROR")
            #expect(!(events.last?.data.contains("refused") ?? true))
            // Errors before the stream starts keep their HTTP status.
            let unauthorized = try await client.execute(
                uri: "/v1/stream/note", method: .post, headers: F.headers(nil), body: F.body(["transcript": F.transcript]))
            #expect(unauthorized.status == .unauthorized)
        }
    }

    @Test("EventSource: a ticket from POST /v1/stream/ticket opens one GET stream, then never again")
    func ticketStream() async throws {
        // The default lifetime (60 s): on a loaded machine an answer may take seconds (the coder building its index
        // starves the other tasks), which must not expire the ticket before it is used; expiry is tested below.
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            func ticket(_ body: ByteBuffer = F.body(["transcript": F.transcript, "include_billing_codes": true])) async throws
                -> (HTTPResponse.Status, [String: Any])
            {
                let response = try await client.execute(
                    uri: "/v1/stream/ticket", method: .post, headers: F.headers(fixture.key), body: body)
                return (response.status, F.json(response.body))
            }
            let (status, issued) = try await ticket()
            #expect(status == .created)
            let value = try #require(issued["ticket"] as? String)
            #expect(value.hasPrefix("nbt_") && value.count == 52)
            #expect(issued["stream_url"] as? String == "/v1/stream/note?ticket=\(value)")
            // Nothing is stored until the stream runs.
            #expect(try await fixture.store.noteCount() == 0)
            let stream = try await client.execute(uri: "/v1/stream/note?ticket=\(value)", method: .get)
            #expect(stream.status == .ok, "\(String(buffer: stream.body))")
            #expect(stream.headers[.contentType]?.hasPrefix("text/event-stream") == true)
            let events = Self.events(String(buffer: stream.body))
            #expect(events.last?.data == "[DONE]")
            #expect(events.contains { $0.data.contains("billing_codes") })
            #expect(try await fixture.store.noteCount() == 1)
            // Used once.
            let again = try await client.execute(uri: "/v1/stream/note?ticket=\(value)", method: .get)
            #expect(again.status == .unauthorized)
            #expect(F.error(again.body)["code"] as? String == "UNAUTHORIZED")
            // Missing or made-up tickets; a bad request is refused when the ticket is asked for.
            #expect(try await client.execute(uri: "/v1/stream/note", method: .get).status == .unauthorized)
            let made = "nbt_" + String(repeating: "0", count: 48)
            #expect(try await client.execute(uri: "/v1/stream/note?ticket=\(made)", method: .get).status == .unauthorized)
            let (badStatus, bad) = try await ticket(F.body(["transcript": F.transcript, "specialty": "wizard"]))
            #expect(badStatus == .badRequest && (bad["error"] as? [String: Any])?["code"] as? String == "VALIDATION_ERROR")
            // A key revoked after its ticket was issued opens nothing.
            let (_, pending) = try await ticket()
            #expect(try await fixture.store.revokeKey(id: fixture.key.record.id, at: Date()))
            let revoked = try await client.execute(
                uri: "/v1/stream/note?ticket=\(pending["ticket"] as? String ?? "")", method: .get)
            #expect(revoked.status == .unauthorized)
            #expect(try await fixture.store.noteCount() == 1)
        }
        // Expired: a ticket not used within its lifetime opens nothing, however long the answers took.
        var shortLived = V1Routes.Configuration()
        shortLived.streamTicketLifetime = .seconds(1)
        let late = try await F(configuration: shortLived)
        try await late.application().test(.router) { client in
            let issued = try await client.execute(
                uri: "/v1/stream/ticket", method: .post, headers: F.headers(late.key), body: F.body(["transcript": F.transcript]))
            #expect(issued.status == .created)
            let ticket = try #require(F.json(issued.body)["ticket"] as? String)
            try await Task.sleep(for: .milliseconds(1500))
            let expired = try await client.execute(uri: "/v1/stream/note?ticket=\(ticket)", method: .get)
            #expect(expired.status == .unauthorized)
            #expect(try await late.store.noteCount() == 0)
        }
    }

    @Test("Tickets wait in memory up to a capacity (then 429), and expire")
    func ticketCapacity() async throws {
        let fixture = try await F()
        let job = try NoteJob.decode(Array(F.body(["transcript": F.transcript]).readableBytesView))
        let note = try NoteWriter().note(transcript: job.transcript)
        let tickets = StreamTickets(lifetime: .milliseconds(300), capacity: 1)
        let first = try tickets.issue(job: job, note: note, key: fixture.key.record)
        do {
            _ = try tickets.issue(job: job, note: note, key: fixture.key.record)
            Issue.record("a second ticket was issued over the capacity")
        } catch {
            #expect(error.status == .tooManyRequests && error.headers.contains { $0.0 == .retryAfter })
        }
        // Expired tickets free their place and are never redeemed.
        try await Task.sleep(for: .milliseconds(400))
        let second = try tickets.issue(job: job, note: note, key: fixture.key.record)
        #expect(tickets.redeem(first) == nil)
        #expect(tickets.redeem(second)?.key.id == fixture.key.record.id)
        #expect(tickets.redeem(second) == nil)
    }

    @Test("A note and its note.generated event are stored together or not at all")
    func noteAndEventTogether() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            // The event's insert fails: the note is not kept either, and the caller gets a 500.
            try await fixture.store.execute(
                sql: "CREATE TRIGGER refuse BEFORE INSERT ON webhooks BEGIN SELECT RAISE(FAIL, 'refused'); END")
            let body = F.body(["transcript": F.transcript, "callback_url": "http://127.0.0.1:9/hook"])
            let failed = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            #expect(failed.status == .internalServerError)
            #expect(try await fixture.store.noteCount() == 0)
            // Without the fault both are stored.
            try await fixture.store.execute(sql: "DROP TRIGGER refuse")
            let stored = try await client.execute(uri: "/v1/note", method: .post, headers: F.headers(fixture.key), body: body)
            #expect(stored.status == .ok)
            #expect(try await fixture.store.noteCount() == 1)
            let due = try await fixture.store.dueDeliveries(now: Date().addingTimeInterval(60), limit: 10)
            #expect(due.map(\.eventType) == ["note.generated"])
        }
    }

    /// A webhook receiver: records each request, answers 500 to the first `failures`.
    final class Receiver: Sendable {
        struct Delivery: Sendable {
            var headers: HTTPFields
            var body: [UInt8]
        }

        let deliveries = Mutex<[Delivery]>([])
        let failures: Int

        init(failures: Int) { self.failures = failures }

        func application() -> some ApplicationProtocol {
            let router = Router()
            router.post("hook") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                let count = self.deliveries.withLock { list in
                    list.append(Delivery(headers: request.headers, body: Array(body.readableBytesView)))
                    return list.count
                }
                return Response(status: count <= self.failures ? .internalServerError : .noContent)
            }
            return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        }
    }

    @Test("note.generated goes to the callback signed with the key's secret; a failed attempt is retried")
    func webhook() async throws {
        let fixture = try await F()
        let receiver = Receiver(failures: 1)
        try await receiver.application().test(.live) { receiverClient in
            let port = try #require(receiverClient.port)
            let callback = "http://127.0.0.1:\(port)/hook"
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                    body: F.body(["transcript": F.transcript, "callback_url": callback]))
                let id = try #require(F.json(response.body)["noteId"] as? String)
                let failed = try await client.execute(
                    uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                    body: F.body(["transcript": "short", "callback_url": callback]))
                #expect(failed.status == .badRequest)
                let service = fixture.webhookService()
                await service.deliverDue(now: Date())
                // Both were attempted; the first answer was 500, so one is pending a retry.
                #expect(receiver.deliveries.withLock { $0.count } == 2)
                await service.deliverDue(now: Date().addingTimeInterval(60))
                let deliveries = receiver.deliveries.withLock { $0 }
                #expect(deliveries.count == 3)
                var types: [String] = []
                for delivery in deliveries {
                    let signature = try #require(delivery.headers[HTTPField.Name("NoteBridge-Signature")!])
                    #expect(
                        WebhookSignature.verify(
                            header: signature, body: delivery.body, secret: fixture.key.record.webhookSecret))
                    #expect(
                        !WebhookSignature.verify(header: signature, body: delivery.body + [0x20], secret: fixture.key.record.webhookSecret))
                    #expect(
                        !WebhookSignature.verify(
                            header: signature, body: delivery.body, secret: fixture.key.record.webhookSecret,
                            now: Date().addingTimeInterval(3_600)))
                    let event = F.json(ByteBuffer(bytes: delivery.body))
                    types.append(event["type"] as? String ?? "")
                    if event["type"] as? String == "note.generated" {
                        #expect((event["data"] as? [String: Any])?["noteId"] as? String == id)
                    }
                    // Events name the note; they never carry its text.
                    #expect(!String(decoding: delivery.body, as: UTF8.self).contains("cough"))
                }
                #expect(Set(types) == ["note.generated", "note.failed"])
                #expect(try await fixture.store.dueDeliveries(now: Date().addingTimeInterval(86_400), limit: 10).isEmpty)
                // Finished deliveries are swept after a week; not before.
                #expect(try await fixture.store.purgeFinishedDeliveries(before: Date().addingTimeInterval(-60)) == 0)
                #expect(try await fixture.store.purgeFinishedDeliveries(before: Date().addingTimeInterval(60)) == 2)
            }
        }
    }

    @Test("A delivery that keeps failing is given up after the configured attempts")
    func webhookGivesUp() async throws {
        let fixture = try await F()
        var configuration = WebhookService.Configuration()
        configuration.maximumAttempts = 2
        configuration.timeout = .seconds(2)
        let service = fixture.webhookService(configuration)
        // A port nobody listens on: bind and close one.
        let id = try await fixture.store.enqueue(
            WebhookDelivery(
                keyID: fixture.key.record.id, url: "http://127.0.0.1:9/hook", eventType: "note.generated",
                payload: Array("{}".utf8), nextAttemptAt: Date(), createdAt: Date()))
        await service.deliverDue(now: Date())
        #expect(try await fixture.store.delivery(id: id)?.state == .pending)
        await service.deliverDue(now: Date().addingTimeInterval(3_600))
        let delivery = try #require(try await fixture.store.delivery(id: id))
        #expect(delivery.state == .failed)
        #expect(delivery.attempts == 2)
        #expect(delivery.lastResult == "couldNotConnect")
        let backoff = service.backoff(afterAttempt: 3)
        #expect((7.2...8.8).contains(backoff))
    }

    @Test("Keys: only the hash is stored; revoke; scopes parse with clear errors")
    func keys() async throws {
        let fixture = try await F()
        let record = try #require(try await fixture.store.key(id: fixture.key.record.id))
        #expect(record.hash == APIKeys.hash(fixture.key.secret))
        #expect(fixture.key.secret.hasPrefix("nb_live_") && fixture.key.secret.count == 40)
        #expect(!(try fixture.databaseBytes()).contains(bytes: Array(fixture.key.secret.utf8)))
        #expect(!(try fixture.databaseBytes()).contains(bytes: Array(fixture.key.record.webhookSecret.utf8)))
        #expect(record.webhookSecret == fixture.key.record.webhookSecret)
        #expect(try APIScope.parse("notes:read, notes:write") == [.notesRead, .notesWrite])
        #expect(throws: APIError.self) { try APIScope.parse("notes:everything") }
        #expect(try await fixture.store.revokeKey(id: record.id, at: Date()))
        #expect(try await !fixture.store.revokeKey(id: record.id, at: Date()))
        #expect(try await fixture.store.keys().first?.revokedAt != nil)
    }

    @Test("Audit records export as FHIR R4 AuditEvent resources")
    func auditExport() async throws {
        let records = [
            AuditRecord(
                id: 1, recordedAt: Date(timeIntervalSince1970: 1_790_000_000), keyID: "key_0123456789ab", action: .create,
                noteID: "note_0123456789abcdef0123456789abcdef", status: 200, remoteAddress: "127.0.0.1"),
            AuditRecord(
                id: 2, recordedAt: Date(timeIntervalSince1970: 1_790_000_100), keyID: nil, action: .read, noteID: nil,
                status: 401, errorCode: "UNAUTHORIZED"),
        ]
        let bundle = try #require(
            try JSONSerialization.jsonObject(with: Data(AuditEventExport.bundle(records))) as? [String: Any])
        #expect(bundle["resourceType"] as? String == "Bundle")
        #expect(bundle["type"] as? String == "collection")
        let events = try #require(bundle["entry"] as? [[String: Any]]).compactMap { $0["resource"] as? [String: Any] }
        #expect(events.map { $0["resourceType"] as? String } == ["AuditEvent", "AuditEvent"])
        #expect(events.map { $0["action"] as? String } == ["C", "R"])
        #expect(events.map { $0["outcome"] as? String } == ["0", "4"])
        #expect(events[0]["recorded"] as? String == "2026-09-21T14:13:20.000Z")
        let agent = try #require((events[0]["agent"] as? [[String: Any]])?.first)
        #expect(agent["requestor"] as? Bool == true)
        #expect(((agent["who"] as? [String: Any])?["identifier"] as? [String: Any])?["value"] as? String == "key_0123456789ab")
        #expect((events[0]["entity"] as? [[String: Any]])?.count == 1)
        #expect(events[1]["entity"] == nil)
        let lines = String(decoding: try AuditEventExport.ndjson(records), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
    }
}
