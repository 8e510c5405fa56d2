import CoreMetrics
import Delivery
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import TestSupport
import Testing

@testable import Gateway

/// The console's audit trail of operators' actions, its pages with keyset paging, and the dashboard's per-minute
/// counts from the counters `/metrics` exports.
@Suite struct ConsoleAuditAndPagingTests {
    typealias Routes = ConsoleRoutesTests

    static func get(_ client: some TestClientProtocol, _ uri: String, session: String) async throws -> String {
        let answer = try await client.execute(
            uri: uri, method: .get, headers: Routes.headers(cookie: "\(ConsoleCookie.session)=\(session)"))
        #expect(answer.status == .ok, "\(uri)")
        return String(buffer: answer.body)
    }

    /// The `href` of the link whose text is `label`, entities decoded.
    static func link(_ label: String, in html: String) -> String? {
        guard let end = html.range(of: "\">\(label)</a>") else { return nil }
        let head = html[..<end.lowerBound]
        guard let start = head.range(of: "href=\"", options: .backwards) else { return nil }
        return String(head[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func outboxAndKeyActionsAreAuditedAndListedWithoutPHI() async throws {
        let fixture = try await Routes.Fixture()
        try await fixture.application().test(.router) { client in
            let (session, csrf) = try await Routes.signIn(client, key: fixture.admin)
            let cookie = "\(ConsoleCookie.session)=\(session)"
            let retried = try await client.execute(
                uri: "/console/outbox/retry-dead", method: .post, headers: Routes.headers(cookie: cookie),
                body: Routes.form([("csrf", csrf), ("destination", "ehr")]))
            #expect(retried.status == .seeOther)
            let created = try await client.execute(
                uri: "/console/keys", method: .post, headers: Routes.headers(cookie: cookie),
                body: Routes.form([("csrf", csrf), ("name", "ops"), ("scopes", "admin")]))
            #expect(created.status == .created)
            let key = try #require(try await fixture.store.keys.keys().first { $0.name == "ops" })
            let revoked = try await client.execute(
                uri: "/console/keys/\(key.id)/revoke", method: .post, headers: Routes.headers(cookie: cookie),
                body: Routes.form([("csrf", csrf)]))
            #expect(revoked.status == .ok)
            let records = try await fixture.store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(records.map(\.action) == [.outboxRetryDead, .keyCreate, .keyRevoke])
            #expect(records.allSatisfy { $0.keyID == fixture.admin.record.id && $0.channel == "console" })
            #expect(records.map(\.target) == ["destination:ehr", "key:\(key.id)", "key:\(key.id)"])
            #expect(records[0].affected == 0)
            // The audit page lists them, newest first; the export names the actions.
            let page = try await Self.get(client, "/console/audit", session: session)
            let revokeAt = try #require(page.range(of: "key-revoke"))
            let retryAt = try #require(page.range(of: "outbox-retry-dead"))
            #expect(revokeAt.lowerBound < retryAt.lowerBound)
            let export = String(decoding: try AuditEventExport.ndjson(records), as: UTF8.self)
            #expect(export.contains("\"code\":\"key-revoke\""))
            #expect(export.contains("urn:notebridge:api-key"))
        }
    }

    /// A router with only the admin routes, on the fixture's store.
    static func adminRouter(_ fixture: Routes.Fixture) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        AdminRoutes(
            keys: fixture.store.keys, outbox: fixture.store.outbox, audit: fixture.store.audit,
            logger: fixture.recorder.logger(label: "admin")
        ).register(on: router)
        return router
    }

    @Test func theAdminAPIsOutboxActionsAreAuditedToo() async throws {
        let fixture = try await Routes.Fixture()
        let router = Self.adminRouter(fixture)
        let app = Application(router: router)
        try await app.test(.router) { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(fixture.admin.secret)"
            let purged = try await client.execute(
                uri: "/admin/outbox/purge?deliveredBefore=2999-01-01T00:00:00Z", method: .post, headers: headers)
            #expect(purged.status == .ok)
            let missing = try await client.execute(uri: "/admin/outbox/999/retry", method: .post, headers: headers)
            #expect(missing.status == .notFound)
        }
        let records = try await fixture.store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
        #expect(records.map(\.action) == [.outboxPurge])
        #expect(records.first?.channel == "admin")
        #expect(records.first?.affected == 0)
        #expect(records.first?.target == nil)
    }

    @Test("an admin POST with a body is 400 naming where its parameters go, and does nothing")
    func adminActionsRefuseABody() async throws {
        let fixture = try await Routes.Fixture()
        let router = Self.adminRouter(fixture)
        try await Application(router: router).test(.router) { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(fixture.admin.secret)"
            headers[.contentType] = "application/json"
            for (uri, words) in [
                ("/admin/outbox/retry-dead", "?destination=NAME"),
                ("/admin/outbox/purge?deliveredBefore=2999-01-01T00:00:00Z", "?deliveredBefore=TIME"),
                ("/admin/outbox/1/retry", "/admin/outbox/ID/retry"),
            ] {
                let answer = try await client.execute(
                    uri: uri, method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"destination": "ehr"}"#))
                #expect(answer.status == .badRequest, "\(uri)")
                let text = String(buffer: answer.body)
                #expect(text.contains("VALIDATION_ERROR") && text.contains("takes no body") && text.contains(words))
            }
            // No body (or an empty one) is the action, as before.
            let empty = try await client.execute(
                uri: "/admin/outbox/retry-dead?destination=ehr", method: .post, headers: headers, body: ByteBuffer())
            #expect(empty.status == .ok)
        }
        let records = try await fixture.store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
        #expect(records.map(\.action) == [.outboxRetryDead])
    }

    @Test func messagesPageThroughMoreRowsThanAPageByKeysetLinks() async throws {
        let fixture = try await Routes.Fixture()
        for index in 1...5 {
            let body = Array("MSH|^~\\&|SEND|NORTH|NOTEBRIDGE|NB|20261101093000||ADT^A04|P\(index)|P|2.5.1\r".utf8)
            _ = try await fixture.store.journal.record(
                NewJournalEntry(
                    source: "mllp://127.0.0.1:1", sender: "SEND|NORTH", controlID: "P\(index)", messageType: "ADT^A04",
                    state: .accepted, body: body),
                duplicateWindow: .seconds(60))
        }
        try await fixture.application().test(.router) { client in
            let (session, _) = try await Routes.signIn(client, key: fixture.admin)
            func controls(_ html: String) -> [String] {
                (1...5).map { "P\($0)" }.filter { html.contains("<td>\($0)</td>") }
            }
            let first = try await Self.get(client, "/console/messages?type=ADT&limit=2", session: session)
            #expect(controls(first) == ["P4", "P5"])
            #expect(Self.link("Newer messages", in: first) == nil)
            let olderLink = try #require(Self.link("Older messages", in: first))
            #expect(olderLink.hasPrefix("/console/messages?type=ADT&before="))
            #expect(olderLink.hasSuffix("&limit=2"))
            let second = try await Self.get(client, olderLink, session: session)
            #expect(controls(second) == ["P2", "P3"])
            let third = try await Self.get(
                client, try #require(Self.link("Older messages", in: second)), session: session)
            #expect(controls(third) == ["P1"])
            #expect(Self.link("Older messages", in: third) == nil)
            // Back: the newer page of the last one is the middle one again.
            let back = try await Self.get(
                client, try #require(Self.link("Newer messages", in: third)), session: session)
            #expect(controls(back) == ["P2", "P3"])
            let top = try await Self.get(client, try #require(Self.link("Newer messages", in: back)), session: session)
            #expect(controls(top) == ["P4", "P5"])
            #expect(Self.link("Newer messages", in: top) == nil)
            let refused = try await client.execute(
                uri: "/console/messages?before=1&after=2", method: .get,
                headers: Routes.headers(cookie: "\(ConsoleCookie.session)=\(session)"))
            #expect(refused.status == .badRequest)
        }
    }

    @Test func theDashboardCountsTheLastMinuteFromTheExportedCounters() async throws {
        let metrics = GatewayMetrics()
        let start = Date(timeIntervalSince1970: 1_000_000)
        let sampler = CounterSampler(metrics: metrics, now: start)
        metrics.received(source: "mllp", messageType: "MDM^T02", outcome: .accepted)
        metrics.received(source: "mllp", messageType: "MDM^T02", outcome: .duplicate)
        metrics.processed(messageType: "MDM^T02", outcome: .processed)
        let delivered = Counter(
            label: DeliveryMetrics.deliveredLabel, dimensions: [(DeliveryMetrics.destinationDimension, "ehr")],
            factory: metrics.factory)
        delivered.increment(by: 2)
        // Younger than a minute: everything since start.
        var rates = sampler.lastMinute(now: start.addingTimeInterval(30))
        #expect(rates.received == ["MDM^T02": 2])
        #expect(rates.processed == ["MDM^T02": 1])
        #expect(rates.delivered == ["ehr": 2])
        sampler.sample(now: start.addingTimeInterval(40))
        metrics.processed(messageType: "ORU^R01", outcome: .failed)
        delivered.increment()
        // A minute after the sample: only what came after it.
        rates = sampler.lastMinute(now: start.addingTimeInterval(101))
        #expect(rates.since == start.addingTimeInterval(40))
        #expect(rates.received == ["MDM^T02": 0])
        #expect(rates.failed["ORU^R01"] == 1)
        #expect(rates.delivered == ["ehr": 1])
        // The same numbers as the exposition /metrics answers.
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("notebridge_messages_delivered_total{destination=\"ehr\"} 3"))
        let sample = CounterSample(exposition: metrics.exposition(), names: CounterSampler.names, time: start)
        #expect(sample.sums(DeliveryMetrics.deliveredLabel, by: "destination") == ["ehr": 3])
    }

    @Test(
        arguments: [
            ("a{x=\"1\",y=\"q\\\"z\"} 4", "a", ["x": "1", "y": "q\"z"], 4.0), ("b 2.5", "b", [:], 2.5),
        ] as [(String, String, [String: String], Double)])
    func exposedLinesAreParsed(line: String, name: String, labels: [String: String], value: Double) throws {
        let (series, parsed) = try #require(CounterSample.parse(Substring(line)))
        #expect(series.name == name)
        #expect(series.labels == labels)
        #expect(parsed == value)
    }
}
