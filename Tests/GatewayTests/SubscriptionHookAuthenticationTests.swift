import Delivery
import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store
import TestSupport
import Testing

@testable import Gateway

@Suite("The Subscription hook takes the route's secret or a gateway API key")
struct SubscriptionHookAuthenticationTests {
    typealias F = V1APIFixture

    static let secret = "route-secret-0123456789"

    /// The hook's routes over the fixture's key store and a journal beside it: `visits` has a secret, `keyed` none.
    static func application(
        _ fixture: F, limiter: RateLimiter = RateLimiter(rate: 50, burst: 100)
    ) throws -> (some ApplicationProtocol, SQLiteJournal) {
        let journal = try SQLiteJournal(
            databaseFile: fixture.directory.appendingPathComponent("journal.sqlite"),
            keyring: DataKeyring.load(
                keyFile: fixture.directory.appendingPathComponent("journal.key"), environment: [:]))
        let source = FHIRServerDestination(
            name: "ehr", configuration: FHIRServerDestination.Configuration(baseURL: "http://127.0.0.1:9/fhir"),
            logger: fixture.logger)
        let router = Router(context: APIRequestContext.self)
        SubscriptionHookRoutes(
            subscriptions: [
                "visits": SubscriptionConfiguration(
                    name: "visits", source: "ehr", secret: secret, destinations: ["ehr"], specialty: "generic",
                    template: "standard"),
                "keyed": SubscriptionConfiguration(
                    name: "keyed", source: "ehr", secret: nil, destinations: ["ehr"], specialty: "generic",
                    template: "standard"),
            ],
            sources: ["ehr": source], journal: journal, keys: fixture.store, audit: fixture.store, limiter: limiter,
            duplicateWindow: .seconds(3600),
            onAccepted: {}, logger: fixture.logger
        ).register(on: router)
        let application = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: fixture.logger)
        return (application, journal)
    }

    /// A heartbeat: answered when the caller is let in, nothing journaled.
    static let heartbeat: ByteBuffer = {
        let bundle: JSONValue = .make([
            "resourceType": "Bundle", "type": "history",
            "entry": [
                .make([
                    "resource": .make([
                        "resourceType": "Parameters",
                        "parameter": [.make(["name": "type", "valueCode": "heartbeat"])],
                    ])
                ])
            ],
        ])
        return ByteBuffer(bytes: JSONWriter.write(bundle))
    }()

    static func headers(_ authorization: [String]) -> HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "application/fhir+json"
        for value in authorization { fields.append(HTTPField(name: .authorization, value: value)) }
        return fields
    }

    /// The status and the first issue's code and diagnostics of the answer.
    static func answer(_ response: TestResponse) -> (status: Int, code: String?, diagnostics: String?) {
        let outcome = try? JSONReader().read(Array(response.body.readableBytesView))
        let issue = outcome?["issue"]?.array?.first
        return (Int(response.status.code), issue?["code"]?.string, issue?["diagnostics"]?.string)
    }

    @Test("an API key with notes:write is let in on a route with a secret and on one without; the secret still works")
    func accepted() async throws {
        let fixture = try await F()
        let (application, journal) = try Self.application(fixture)
        let writer = try await fixture.key(scopes: [.notesWrite])
        try await application.test(.router) { client in
            for route in ["visits", "keyed"] {
                let response = try await client.execute(
                    uri: "/fhir/subscription-hook/\(route)", method: .post,
                    headers: Self.headers(["Bearer \(writer.secret)"]), body: Self.heartbeat)
                let answer = Self.answer(response)
                #expect(answer.status == 200 && answer.code == "informational", "\(route)")
            }
            let bySecret = try await client.execute(
                uri: "/fhir/subscription-hook/visits", method: .post, headers: Self.headers(["Bearer \(Self.secret)"]),
                body: Self.heartbeat)
            #expect(bySecret.status == .ok)
        }
        try await journal.close()
        // The key is named by its id in the log, never by its secret.
        #expect(fixture.recorder.text.contains(writer.record.id))
        #expect(!fixture.recorder.text.contains(writer.secret))
    }

    @Test(
        "a missing, wrong, revoked or doubled credential is a 401 with an OperationOutcome; a key without notes:write a 403"
    )
    func refused() async throws {
        let fixture = try await F()
        let (application, journal) = try Self.application(fixture)
        let reader = try await fixture.key(scopes: [.notesRead])
        let revoked = try await fixture.key(scopes: [.notesWrite])
        #expect(try await fixture.store.revokeKey(id: revoked.record.id, at: Date()))
        let unknown = APIKeys.prefix + String(repeating: "A", count: 32)
        let cases: [(route: String, authorization: [String], status: Int, code: String)] = [
            ("visits", [], 401, "security"),
            ("keyed", [], 401, "security"),
            ("visits", ["Bearer wrong-secret-0123456789"], 401, "security"),
            ("keyed", ["Bearer \(Self.secret)"], 401, "security"),
            ("visits", ["Basic \(Self.secret)"], 401, "security"),
            ("visits", ["Bearer \(unknown)"], 401, "security"),
            ("keyed", ["Bearer \(unknown)"], 401, "security"),
            ("visits", ["Bearer \(revoked.secret)"], 401, "security"),
            ("visits", ["Bearer \(Self.secret)", "Bearer \(fixture.key.secret)"], 401, "security"),
            ("keyed", ["Bearer \(reader.secret)"], 403, "forbidden"),
            ("visits", ["Bearer \(reader.secret)"], 403, "forbidden"),
        ]
        try await application.test(.router) { client in
            for item in cases {
                let response = try await client.execute(
                    uri: "/fhir/subscription-hook/\(item.route)", method: .post,
                    headers: Self.headers(item.authorization), body: Self.heartbeat)
                let answer = Self.answer(response)
                #expect(answer.status == item.status && answer.code == item.code, "\(item.route) \(item.authorization)")
                if item.status == 401 {
                    #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="notebridge""#)
                }
                // No answer repeats a credential.
                for secret in [Self.secret, unknown, revoked.secret, reader.secret, fixture.key.secret] {
                    #expect(!String(buffer: response.body).contains(secret))
                }
            }
        }
        #expect(try await journal.count() == 0)
        try await journal.close()
        for secret in [Self.secret, unknown, revoked.secret, reader.secret, fixture.key.secret] {
            #expect(!fixture.recorder.text.contains(secret))
        }
    }

    @Test("a route without a secret loads (API keys only); a short secret is still refused")
    func configuration() throws {
        let destinations = """
            destinations:
              ehr:
                type: fhir
                baseUrl: https://ehr.example.org/fhir

            """
        let keyed = try loadConfiguration(destinations + "subscriptions:\n  v:\n    source: ehr\n")
        #expect(keyed.subscriptions.map(\.name) == ["v"] && keyed.subscriptions.first?.secret == nil)
        #expect(keyed.subscriptions.first?.description.contains("secret: none") == true)
        let withSecret = try loadConfiguration(
            destinations + "subscriptions:\n  v:\n    source: ehr\n    secret: \(Self.secret)\n")
        #expect(withSecret.subscriptions.first?.secret == Self.secret)
        #expect(withSecret.subscriptions.first?.description.contains(Self.secret) == false)
        #expect {
            try loadConfiguration(destinations + "subscriptions:\n  v:\n    source: ehr\n    secret: short\n")
        } throws: { error in
            (error as? ConfigurationError)?.key == "subscriptions.v.secret"
        }
    }

    @Test("an API key's requests share the /v1 per-key rate limit: over it is a 429 with Retry-After")
    func rateLimited() async throws {
        let fixture = try await F()
        // The limiter the /v1 routes use, with a burst of 2 and a rate too slow to refill during the test.
        let limiter = RateLimiter(rate: 0.001, burst: 2)
        let (application, journal) = try Self.application(fixture, limiter: limiter)
        let writer = try await fixture.key(scopes: [.notesWrite])
        // One token taken by a /v1 request of the same key: the hook has one left.
        #expect(limiter.take(writer.record.id) == nil)
        try await application.test(.router) { client in
            let first = try await client.execute(
                uri: "/fhir/subscription-hook/keyed", method: .post, headers: Self.headers(["Bearer \(writer.secret)"]),
                body: Self.heartbeat)
            #expect(first.status == .ok)
            let second = try await client.execute(
                uri: "/fhir/subscription-hook/keyed", method: .post, headers: Self.headers(["Bearer \(writer.secret)"]),
                body: Self.heartbeat)
            let answer = Self.answer(second)
            #expect(answer.status == 429 && answer.code == "throttled")
            #expect(second.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true)
            // The route's secret is the EHR's, not a key's: not limited per key.
            let bySecret = try await client.execute(
                uri: "/fhir/subscription-hook/visits", method: .post, headers: Self.headers(["Bearer \(Self.secret)"]),
                body: Self.heartbeat)
            #expect(bySecret.status == .ok)
        }
        try await journal.close()
    }

    @Test("every API-key request and every failed credential is audited like a /v1 request; the route secret is not")
    func audited() async throws {
        let fixture = try await F()
        let (application, journal) = try Self.application(fixture, limiter: RateLimiter(rate: 0.001, burst: 1))
        let writer = try await fixture.key(scopes: [.notesWrite])
        let reader = try await fixture.key(scopes: [.notesRead])
        try await application.test(.router) { client in
            for authorization in [
                "Bearer \(writer.secret)", "Bearer \(writer.secret)", "Bearer \(reader.secret)",
                "Bearer \(Self.secret)",
                "Bearer wrong-secret-0123456789",
            ] {
                _ = try await client.execute(
                    uri: "/fhir/subscription-hook/visits", method: .post, headers: Self.headers([authorization]),
                    body: Self.heartbeat)
            }
        }
        try await journal.close()
        let records = try await fixture.store.auditRecords(since: nil, until: nil, afterID: 0, limit: 100)
        let seen = records.map { "\($0.keyID ?? "-") \($0.action.rawValue) \($0.status) \($0.errorCode ?? "-")" }
        #expect(
            seen == [
                "\(writer.record.id) create 200 -", "\(writer.record.id) create 429 RATE_LIMITED",
                "\(reader.record.id) create 403 FORBIDDEN", "- create 401 UNAUTHORIZED",
            ])
        #expect(records.allSatisfy { $0.noteID == nil })
    }

    @Test("a route without a secret is named in a warning at start; one with a secret is not")
    func keyOnlyWarning() {
        let recorder = LogRecorder()
        SubscriptionHookRoutes.warnAboutKeyOnlyRoutes(
            [
                SubscriptionConfiguration(
                    name: "keyed", source: "ehr", secret: nil, destinations: ["ehr"], specialty: "generic",
                    template: "standard"),
                SubscriptionConfiguration(
                    name: "visits", source: "ehr", secret: Self.secret, destinations: ["ehr"], specialty: "generic",
                    template: "standard"),
            ], logger: recorder.logger())
        let warnings = recorder.all.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["nb.fhir.subscription"] == "keyed")
        #expect(warnings.first?.message.contains("API keys") == true)
        #expect(!recorder.text.contains(Self.secret))
    }
}
