import Curl
import Delivery
import EncounterModel
import FHIR
import Foundation
import Logging
import NIOHTTP1
import Store
import Synchronization
import TestSupport
import Testing

@Suite("The FHIR destination's requests, against a local HTTP server", .timeLimit(.minutes(1)))
struct FHIRServerDestinationTests {
    static let item = OutboxItem(
        id: 7, noteID: "note_0123456789abcdef0123456789abcdef", destination: "ehr", patientKey: "k", state: .inFlight,
        attempts: 0, nextAttemptAt: Date(), lastError: nil, controlID: "NB0000000000000007", leaseExpiresAt: nil,
        createdAt: Date(), updatedAt: Date(), deliveredAt: nil)

    static var record: NoteRecord {
        var record = DeliveryTests.record("note_0123456789abcdef0123456789abcdef")
        record.encounter.visit.number = "V77"
        return record
    }

    static func destination(
        _ server: TestHTTPServer, mode: FHIRServerDestination.Mode, authorization: FHIRAuthorization = .none,
        logger: Logger = Logger(label: "test")
    ) -> FHIRServerDestination {
        FHIRServerDestination(
            name: "ehr",
            configuration: FHIRServerDestination.Configuration(
                baseURL: server.url("/fhir"), mode: mode, authorization: authorization, timeout: .seconds(5)),
            client: CurlClient(maximumConcurrentTransfers: 1), logger: logger)
    }

    @Test(
        "conditional create: If-None-Exist by identifier, no id in the body, references rewritten to the ids from Location"
    )
    func conditionalCreate() async throws {
        let counter = Mutex(0)
        try await withServer(respond: { request in
            let number = counter.withLock { value in
                value += 1
                return value
            }
            let parts = request.uri.split(separator: "/")
            let type = parts.count > 1 ? String(parts[1]) : "X"
            return Reply(
                status: 201, headers: [("Location", "http://ehr/fhir/\(type)/\(type.lowercased())\(number)/_history/1")]
            )
        }) { server in
            let outcome = await Self.destination(server, mode: .conditionalCreate).deliver(Self.record, item: Self.item)
            // What the server reported storing, from each Location, is the outcome's references.
            #expect(
                outcome
                    == .delivered(references: [
                        "Patient/patient1/_history/1", "Encounter/encounter2/_history/1", "Device/device3/_history/1",
                        "Composition/composition4/_history/1", "DocumentReference/documentreference5/_history/1",
                        "Provenance/provenance6/_history/1",
                    ]))
            let requests = server.requests
            #expect(
                requests.map(\.uri) == [
                    "/fhir/Patient", "/fhir/Encounter", "/fhir/Device", "/fhir/Composition", "/fhir/DocumentReference",
                    "/fhir/Provenance/nb-0123456789abcdef0123456789abcdef-prov",
                ])
            #expect(
                requests.first?.headers.first(name: "if-none-exist")
                    == "identifier=urn:notebridge:id:local|MRN-\(DeliveryTests.marker)")
            #expect(
                requests[3].headers.first(name: "if-none-exist")
                    == "identifier=urn:notebridge:note|note_0123456789abcdef0123456789abcdef")
            let composition = try JSONReader().read(requests[3].body)
            #expect(composition["id"] == nil)
            #expect(composition["subject"]?["reference"] == "Patient/patient1")
            #expect(composition["encounter"]?["reference"] == "Encounter/encounter2")
            let provenance = try JSONReader().read(requests[5].body)
            #expect(requests[5].method == "PUT")
            #expect(
                provenance["target"]?.array?.compactMap { $0["reference"]?.string } == [
                    "Composition/composition4", "DocumentReference/documentreference5",
                ])
        }
    }

    @Test("a write answered without a Location or an id is retried, and nothing after it is sent")
    func noLocation() async throws {
        try await withServer(respond: { _ in Reply(status: 201) }) { server in
            let outcome = await Self.destination(server, mode: .conditionalUpdate).deliver(Self.record, item: Self.item)
            #expect(
                outcome == .retry(reason: "the FHIR server's answer to POST Patient names no resource id (no Location)")
            )
            #expect(server.requests.count == 1)
        }
    }

    @Test("a 401 gets one new token and one more try; a second 401 is the dead letter; no secret or PHI is logged")
    func unauthorizedTwice() async throws {
        let recorder = LogRecorder()
        let tokens = Mutex(0)
        try await withServer(respond: { request in
            if request.uri == "/token" {
                let number = tokens.withLock { value in
                    value += 1
                    return value
                }
                return Reply(
                    headers: [("Content-Type", "application/json")],
                    body: Array("{\"access_token\":\"tok-QX-\(number)\",\"expires_in\":3600}".utf8))
            }
            return Reply(status: 401)
        }) { server in
            let destination = Self.destination(
                server, mode: .transaction,
                authorization: .clientSecret(
                    clientID: "nb", secret: "sup3r-s3cret", tokenURL: server.url("/token"), scopes: ""),
                logger: recorder.logger(label: "test"))
            let outcome = await destination.deliver(Self.record, item: Self.item)
            #expect(
                outcome == .dead(reason: "HTTP 401 from the FHIR server for transaction, also after a token refresh"))
            #expect(server.requests.map(\.uri) == ["/token", "/fhir", "/token", "/fhir"])
            #expect(server.requests[1].headers.first(name: "authorization") == "Bearer tok-QX-1")
            #expect(server.requests[3].headers.first(name: "authorization") == "Bearer tok-QX-2")
            #expect(await destination.tokenRequests == 2)
        }
        let logged = recorder.text
        #expect(logged.contains("the FHIR server refused the access token"))
        for secret in ["sup3r-s3cret", "tok-QX", DeliveryTests.marker] { #expect(!logged.contains(secret)) }
    }
}
