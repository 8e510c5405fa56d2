import Delivery
import Foundation
import HL7v2
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MLLP
import Mapping
import NIOCore
import Store
import TestSupport
import Testing

@testable import Gateway

/// The console over a real store: sign-in, the session cookie, CSRF refusals, the security headers and PHI
/// hidden from keys without `phi:read`.
@Suite struct ConsoleRoutesTests {
    struct Fixture {
        let directory: URL
        let store: SQLiteStore
        let keyring: DataKeyring
        let recorder = LogRecorder()
        let admin: IssuedAPIKey
        let metadataOnly: IssuedAPIKey
        let writer: IssuedAPIKey

        init() async throws {
            directory = try URLPaths.temporaryDirectory()
            keyring = try DataKeyring.load(
                keyFile: directory.appendingPathComponent("journal.key"), environment: [:])
            store = try SQLiteStore(
                databaseFile: directory.appendingPathComponent("notebridge.sqlite"), keyring: keyring,
                logger: recorder.logger(label: "store"))
            admin = try await APIKeys.create(in: store.keys, name: "operator", scopes: [.admin, .phiRead])
            metadataOnly = try await APIKeys.create(in: store.keys, name: "auditor", scopes: [.admin])
            writer = try await APIKeys.create(in: store.keys, name: "app", scopes: APIScope.noteScopes)
        }

        /// `signInAttempts`: the limiter, slower than the gateway's in a test that counts refusals, so that a
        /// loaded machine's slow requests do not earn new attempts between them.
        func application(
            configuration: GatewayConfiguration = GatewayConfiguration(),
            counters: CounterSampler = CounterSampler(metrics: GatewayMetrics()),
            signInAttempts: RateLimiter = RateLimiter(rate: 0.5, burst: 10)
        ) throws -> some ApplicationProtocol {
            let router = Router(context: APIRequestContext.self)
            let logger = recorder.logger(label: "console")
            V1Routes(store: store, signal: WebhookSignal(), configuration: .init(), logger: logger).register(on: router)
            try ConsoleRoutes(
                store: store, configuration: configuration, counters: counters, signInAttempts: signInAttempts,
                logger: logger
            ).register(on: router)
            return Application(
                router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
                logger: logger)
        }
    }

    static func cookie(named name: String, in response: TestResponse) -> String? {
        for field in response.headers where field.name == .setCookie {
            if let value = ConsoleCookie.value(name, in: field.value.split(separator: ";").first.map(String.init)) {
                return value
            }
        }
        return nil
    }

    static func form(_ pairs: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        return ByteBuffer(string: text.joined(separator: "&"))
    }

    static func headers(cookie: String?) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/x-www-form-urlencoded"
        if let cookie { fields[.cookie] = cookie }
        return fields
    }

    /// Signs in with `key` and returns the session cookie and the CSRF token of the dashboard.
    static func signIn(_ client: some TestClientProtocol, key: IssuedAPIKey) async throws -> (String, String) {
        let page = try await client.execute(uri: "/console/login", method: .get)
        let token = try #require(cookie(named: ConsoleCookie.signIn, in: page))
        let answer = try await client.execute(
            uri: "/console/login", method: .post, headers: headers(cookie: "\(ConsoleCookie.signIn)=\(token)"),
            body: form([("signin", token), ("api_key", key.secret), ("next", "/console/settings")]))
        #expect(answer.status == .seeOther)
        #expect(answer.headers[.location] == "/console/settings")
        let session = try #require(cookie(named: ConsoleCookie.session, in: answer))
        let dashboard = try await client.execute(
            uri: "/console", method: .get, headers: headers(cookie: "\(ConsoleCookie.session)=\(session)"))
        #expect(dashboard.status == .ok)
        let html = String(buffer: dashboard.body)
        let marker = #"name="csrf" value=""#
        let start = try #require(html.range(of: marker))
        let csrf = String(html[start.upperBound...].prefix { $0 != "\"" })
        return (session, csrf)
    }

    @Test func signingInSetsAStrictHttpOnlySessionCookie() async throws {
        let fixture = try await Fixture()
        try await fixture.application().test(.router) { client in
            let away = try await client.execute(uri: "/console/messages?control_id=A", method: .get)
            #expect(away.status == .seeOther)
            #expect(away.headers[.location] == "/console/login?next=/console/messages%3Fcontrol_id%3DA")
            let page = try await client.execute(uri: "/console/login", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(!String(buffer: page.body).contains("<script>"))
            let token = try #require(Self.cookie(named: ConsoleCookie.signIn, in: page))
            let answer = try await client.execute(
                uri: "/console/login", method: .post,
                headers: Self.headers(cookie: "\(ConsoleCookie.signIn)=\(token)"),
                body: Self.form([("signin", token), ("api_key", fixture.admin.secret)]))
            #expect(answer.status == .seeOther)
            let setCookie = answer.headers[values: .setCookie].first { $0.hasPrefix("\(ConsoleCookie.session)=") }
            let flags = try #require(setCookie)
            #expect(flags.contains("; HttpOnly"))
            #expect(flags.contains("; SameSite=Strict"))
            #expect(flags.contains("; Path=/console"))
            #expect(flags.contains("; Max-Age=28800"))
            #expect(!flags.contains("Secure"))
        }
    }

    @Test func withTLSTheCookiesAreSecureAndOnlyHTTPSOriginsPost() async throws {
        let fixture = try await Fixture()
        var configuration = GatewayConfiguration()
        configuration.httpTLS = MLLPTLSConfiguration(certificateChainPath: "/unused.pem", privateKeyPath: "/unused.key")
        try await fixture.application(configuration: configuration).test(.router) { client in
            let page = try await client.execute(uri: "/console/login", method: .get)
            #expect(page.headers[values: .setCookie].allSatisfy { $0.hasSuffix("; Secure") })
            let token = try #require(Self.cookie(named: ConsoleCookie.signIn, in: page))
            var headers = Self.headers(cookie: "\(ConsoleCookie.signIn)=\(token)")
            headers[.origin] = "http://localhost"
            let plain = try await client.execute(
                uri: "/console/login", method: .post, headers: headers,
                body: Self.form([("signin", token), ("api_key", fixture.admin.secret)]))
            #expect(plain.status == .forbidden)
            headers[.origin] = nil
            let answer = try await client.execute(
                uri: "/console/login", method: .post, headers: headers,
                body: Self.form([("signin", token), ("api_key", fixture.admin.secret)]))
            #expect(answer.status == .seeOther)
            let session = answer.headers[values: .setCookie].first { $0.hasPrefix("\(ConsoleCookie.session)=") }
            #expect(session?.hasSuffix("; HttpOnly; SameSite=Strict; Secure") == true)
        }
    }

    @Test func signInNeedsTheAdminScopeAndTheFormToken() async throws {
        let fixture = try await Fixture()
        try await fixture.application().test(.router) { client in
            let page = try await client.execute(uri: "/console/login", method: .get)
            let token = try #require(Self.cookie(named: ConsoleCookie.signIn, in: page))
            let cookie = "\(ConsoleCookie.signIn)=\(token)"
            let writer = try await client.execute(
                uri: "/console/login", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("signin", token), ("api_key", fixture.writer.secret)]))
            #expect(writer.status == .forbidden)
            #expect(Self.cookie(named: ConsoleCookie.session, in: writer) == nil)
            let wrong = try await client.execute(
                uri: "/console/login", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("signin", token), ("api_key", "nb_live_notakey")]))
            #expect(wrong.status == .unauthorized)
            // A form posted without the sign-in cookie (from another site) is refused.
            let forged = try await client.execute(
                uri: "/console/login", method: .post, headers: Self.headers(cookie: nil),
                body: Self.form([("signin", token), ("api_key", fixture.admin.secret)]))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[.contentType]?.hasPrefix("text/html") == true)
        }
    }

    @Test func signInAttemptsAreLimited() async throws {
        let fixture = try await Fixture()
        try await fixture.application(signInAttempts: RateLimiter(rate: 0.001, burst: 10)).test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<11 {
                let answer = try await client.execute(
                    uri: "/console/login", method: .post, headers: Self.headers(cookie: nil),
                    body: Self.form([("api_key", "nb_live_guess")]))
                statuses.append(answer.status)
                if answer.status == .tooManyRequests { #expect(answer.headers[.retryAfter] != nil) }
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .forbidden })
            #expect(statuses.last == .tooManyRequests)
        }
    }

    @Test func aStateChangingRequestWithoutTheCSRFTokenIsRefused() async throws {
        let fixture = try await Fixture()
        try await fixture.application().test(.router) { client in
            let (session, csrf) = try await Self.signIn(client, key: fixture.admin)
            let cookie = "\(ConsoleCookie.session)=\(session)"
            let missing = try await client.execute(
                uri: "/console/outbox/retry-dead", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([]))
            #expect(missing.status == .forbidden)
            let wrong = try await client.execute(
                uri: "/console/outbox/retry-dead", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("csrf", csrf + "x")]))
            #expect(wrong.status == .forbidden)
            var crossSite = Self.headers(cookie: cookie)
            crossSite[.origin] = "http://evil.example"
            let foreign = try await client.execute(
                uri: "/console/outbox/retry-dead", method: .post, headers: crossSite,
                body: Self.form([("csrf", csrf)]))
            #expect(foreign.status == .forbidden)
            let done = try await client.execute(
                uri: "/console/outbox/retry-dead", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("csrf", csrf)]))
            #expect(done.status == .seeOther)
            #expect(done.headers[.location] == "/console/outbox?done=retried-0")
            // Signing out ends the session.
            let out = try await client.execute(
                uri: "/console/logout", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("csrf", csrf)]))
            #expect(out.status == .seeOther)
            let after = try await client.execute(uri: "/console", method: .get, headers: Self.headers(cookie: cookie))
            #expect(after.status == .seeOther)
        }
    }

    @Test func messageBodiesAreShownOnlyWithPHIReadAndEachViewIsAudited() async throws {
        let fixture = try await Fixture()
        let body = Array(
            ("MSH|^~\\&|SEND|NORTH|NOTEBRIDGE|NB|20261101093000||ADT^A04^ADT_A01|CTRL-9|P|2.5.1\r"
                + "PID|1||MRN9^^^NORTH^MR||QUOKKAFIELD^ALEX||19800214|F\r").utf8)
        let outcome = try await fixture.store.journal.record(
            NewJournalEntry(
                source: "mllp://127.0.0.1:1", sender: "SEND|NORTH", controlID: "CTRL-9", messageType: "ADT^A04",
                version: "2.5.1", state: .accepted, body: body, acknowledgment: [], acknowledgmentCode: "AA"),
            duplicateWindow: .seconds(60))
        guard case .recorded(let id) = outcome else {
            Issue.record("not recorded")
            return
        }
        let entry = try #require(try await fixture.store.journal.entry(id: id))
        try await fixture.application().test(.router) { client in
            let (auditor, _) = try await Self.signIn(client, key: fixture.metadataOnly)
            let hidden = try await client.execute(
                uri: "/console/messages/\(entry.id)", method: .get,
                headers: Self.headers(cookie: "\(ConsoleCookie.session)=\(auditor)"))
            #expect(hidden.status == .ok)
            let hiddenText = String(buffer: hidden.body)
            #expect(hiddenText.contains("CTRL-9"))
            #expect(hiddenText.contains("Patient Identification"))
            #expect(!hiddenText.contains("QUOKKAFIELD"))
            #expect(!hiddenText.contains("MRN9"))
            #expect(try await fixture.store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10).isEmpty)
            let (operator_, _) = try await Self.signIn(client, key: fixture.admin)
            let shown = try await client.execute(
                uri: "/console/messages/\(entry.id)", method: .get,
                headers: Self.headers(cookie: "\(ConsoleCookie.session)=\(operator_)"))
            let shownText = String(buffer: shown.body)
            #expect(shownText.contains("QUOKKAFIELD"))
            #expect(shownText.contains("PID-5.1"))
            let audit = try await fixture.store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(audit.map(\.keyID) == [fixture.admin.record.id])
            #expect(audit.map(\.action) == [.read])
            // The search finds it by control id; PHI never reaches the log.
            let search = try await client.execute(
                uri: "/console/messages?control_id=CTRL-9", method: .get,
                headers: Self.headers(cookie: "\(ConsoleCookie.session)=\(operator_)"))
            #expect(String(buffer: search.body).contains("/console/messages/\(entry.id)"))
            #expect(!fixture.recorder.text.contains("QUOKKAFIELD"))
        }
    }

    @Test func keysAreCreatedOnceAndRevokingOneEndsItsSessions() async throws {
        let fixture = try await Fixture()
        try await fixture.application().test(.router) { client in
            let (session, csrf) = try await Self.signIn(client, key: fixture.admin)
            let cookie = "\(ConsoleCookie.session)=\(session)"
            let created = try await client.execute(
                uri: "/console/keys", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("csrf", csrf), ("name", "ops"), ("scopes", "admin"), ("scopes", "phi:read")]))
            #expect(created.status == .created)
            let page = String(buffer: created.body)
            let start = try #require(page.range(of: "nb_live_"))
            let secret = "nb_live_" + page[start.upperBound...].prefix { $0 != "<" }
            let stored = try #require(try await fixture.store.keys.key(hash: APIKeys.hash(secret)))
            #expect(stored.name == "ops")
            #expect(stored.scopes == ["admin", "phi:read"])
            #expect(created.headers[.cacheControl] == "no-store")
            // Listed without the secret.
            let list = try await client.execute(
                uri: "/console/keys", method: .get, headers: Self.headers(cookie: cookie))
            #expect(!String(buffer: list.body).contains(secret))
            // Bad input: no scope, an empty name.
            let noScope = try await client.execute(
                uri: "/console/keys", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("csrf", csrf), ("name", "x")]))
            #expect(noScope.status == .badRequest)
            #expect(String(buffer: noScope.body).contains("choose at least one scope"))
            let noName = try await client.execute(
                uri: "/console/keys", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("csrf", csrf), ("name", " "), ("scopes", "admin")]))
            #expect(noName.status == .badRequest)
            // The new key signs in; revoking it ends that session.
            let newKey = IssuedAPIKey(record: stored, secret: secret)
            let (other, _) = try await Self.signIn(client, key: newKey)
            let revoked = try await client.execute(
                uri: "/console/keys/\(stored.id)/revoke", method: .post, headers: Self.headers(cookie: cookie),
                body: Self.form([("csrf", csrf)]))
            #expect(revoked.status == .ok)
            #expect(String(buffer: revoked.body).contains("was revoked"))
            let ended = try await client.execute(
                uri: "/console", method: .get, headers: Self.headers(cookie: "\(ConsoleCookie.session)=\(other)"))
            #expect(ended.status == .seeOther)
        }
    }

    @Test func theDashboardCountsMessagesByRouteFromTheRouteLabelOfTheCounters() async throws {
        let fixture = try await Fixture()
        func message(_ sender: String, _ type: String, _ control: String) -> [UInt8] {
            Array("MSH|^~\\&|\(sender)|NORTH|NOTEBRIDGE|NB|20261101093000||\(type)|\(control)|P|2.5.1\r".utf8)
        }
        let routes = [
            RouteConfiguration(
                name: "dictation", sendingApplication: "DICTATE", messageTypes: [], mapping: .init(),
                destinations: ["ehr"]),
            RouteConfiguration(name: "results", messageTypes: [], mapping: .init(), destinations: ["ehr"]),
        ]
        var configuration = GatewayConfiguration()
        configuration.routes = routes
        let defaultTypes = configuration.pipelineMessageTypes
        let metrics = GatewayMetrics()
        let start = Date()
        let counters = CounterSampler(metrics: metrics, now: start)
        // The intake counts each message with the route the pipeline will give it; `none` when no route takes it.
        let intake = HL7Intake(
            journal: fixture.store.journal, acknowledgments: HL7AcknowledgmentBuilder(), limits: .default,
            acceptedTypes: [], duplicateWindow: .seconds(60), maximumFrameSize: 1 << 20,
            logger: fixture.recorder.logger(), metrics: metrics, routes: routes, defaultTypes: defaultTypes)
        let sent = [
            ("DICTATE", "MDM^T02^MDM_T02"), ("DICTATE", "MDM^T02^MDM_T02"), ("LAB", "ORU^R01^ORU_R01"),
            ("OTHER", "ADT^A04^ADT_A01"),
        ]
        for (index, (sender, type)) in sent.enumerated() {
            _ = await intake.receive(message(sender, type, "C\(index)"), source: "t", logger: fixture.recorder.logger())
        }
        let exposition = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(
            exposition.contains(
                #"notebridge_messages_received_total{source="mllp",message_type="MDM^T02",outcome="accepted",route="dictation"} 2"#
            ), "\(exposition)")
        #expect(exposition.contains(#"message_type="ADT^A04",outcome="accepted",route="none"} 1"#))
        // The pipeline names the same routes when it counts what it did (a notification by its Subscription route).
        var pipeline = EncounterPipeline(
            journal: fixture.store.journal, outbox: fixture.store.outbox, reader: HL7EncounterReader(),
            limits: .default, destinations: ["ehr"], noteRetention: .seconds(3600),
            digester: PatientKeyDigester(keyring: fixture.keyring), mapping: NoteFHIRMapping(),
            logger: fixture.recorder.logger())
        pipeline.routes = routes
        pipeline.defaultMessageTypes = defaultTypes
        pipeline.subscriptions = ["visits": ["ehr"]]
        let entries = try await fixture.store.journal.entries(afterID: nil, limit: 10)
        #expect(entries.map { pipeline.routeName(of: $0) } == ["dictation", "dictation", "results", nil])
        func notification(_ route: String) -> JournalEntry {
            var entry = entries[0]
            entry.messageType = SubscriptionHookRoutes.messageType
            entry.sender = "subscription|\(route)"
            return entry
        }
        #expect(pipeline.routeName(of: notification("visits")) == "visits")
        #expect(pipeline.routeName(of: notification("removed")) == nil)
        pipeline.routes = []
        #expect(pipeline.routeName(of: entries[0]) == nil)
        metrics.processed(messageType: "MDM^T02", outcome: .processed, route: pipeline.routeName(of: entries[0]))
        metrics.processed(messageType: "MDM^T02", outcome: .processed, route: "dictation")
        metrics.processed(messageType: "MDM^T02", outcome: .failed, route: "dictation")
        metrics.processed(messageType: "ORU^R01", outcome: .processed, route: "results")
        let rates = counters.lastMinute(now: start.addingTimeInterval(30))
        #expect(rates.receivedByRoute == ["dictation": 2, "results": 1, "none": 1])
        #expect(rates.processedByRoute == ["dictation": 1, "results": 1, "none": 1])
        #expect(rates.failedByRoute["dictation"] == 1)
        // The dashboard's routes table and its live counts show those numbers.
        try await fixture.application(configuration: configuration, counters: counters).test(.router) { client in
            let (session, _) = try await Self.signIn(client, key: fixture.admin)
            let page = try await client.execute(
                uri: "/console", method: .get, headers: Self.headers(cookie: "\(ConsoleCookie.session)=\(session)"))
            let html = String(buffer: page.body)
            for (stat, value) in [
                ("route.dictation.received-1m", 2), ("route.dictation.processed-1m", 1),
                ("route.dictation.failed-1m", 1), ("route.results.received-1m", 1), ("route.none.received-1m", 1),
            ] {
                #expect(html.contains("data-stat=\"\(stat)\">\(value)<"), "\(stat)")
            }
            #expect(html.contains("<th scope=\"row\">no route</th>"))
        }
        var stats = DashboardStats(journal: [], journalTotal: 0, outbox: [:], errors: [])
        stats.rates = rates
        #expect(stats.counts["route.dictation.received-1m"] == 2)
        #expect(stats.counts["route.none.processed-1m"] == 1)
    }

    @Test func unknownConsoleAddressesAnswerAnHTMLPage() async throws {
        let fixture = try await Fixture()
        try await fixture.application().test(.router) { client in
            let missing = try await client.execute(uri: "/console/nowhere", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(missing.headers[.contentSecurityPolicy] != nil)
            let asset = try await client.execute(uri: "/console/assets/console.js", method: .get)
            #expect(asset.status == .ok)
            #expect(asset.headers[.contentType]?.hasPrefix("text/javascript") == true)
        }
    }
}
