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

    /// The stored note of a patient known by name and birth date only (no PID-3).
    static var nameOnlyRecord: NoteRecord {
        var record = Self.record
        record.encounter.patient = Encounter.Patient(
            name: Encounter.PersonName(family: DeliveryTests.marker, given: "Ada"), birthDate: "19610409")
        return record
    }

    /// A searchset of Patients with these ids, each with the name-only record's name and birth date.
    static func searchset(_ ids: [String]) -> Reply {
        let entries = ids.map {
            "{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"\($0)\",\"birthDate\":\"1961-04-09\","
                + "\"name\":[{\"family\":\"\(DeliveryTests.marker)\",\"given\":[\"Ada\"]}]}}"
        }
        let body = "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[\(entries.joined(separator: ","))]}"
        return Reply(headers: [("Content-Type", "application/fhir+json")], body: Array(body.utf8))
    }

    @Test("a patient with no identifier: the server is searched by family, given and birthdate, one hit is referenced")
    func nameOnlyMatched() async throws {
        let counter = Mutex(0)
        try await withServer(respond: { request in
            if request.method == "GET" { return Self.searchset(["p9"]) }
            let number = counter.withLock { value in
                value += 1
                return value
            }
            let type = request.uri.split(separator: "/").dropFirst().first.map(String.init) ?? "X"
            return Reply(status: 201, headers: [("Location", "http://ehr/fhir/\(type)/x\(number)/_history/1")])
        }) { server in
            let outcome = await Self.destination(server, mode: .conditionalCreate).deliver(
                Self.nameOnlyRecord, item: Self.item)
            #expect(outcome.isDelivered)
            let requests = server.requests
            #expect(
                requests.first?.uri
                    == "/fhir/Patient?family=\(DeliveryTests.marker)&given=Ada&birthdate=1961-04-09")
            // No Patient is written; the Encounter is matched by visit number and that Patient.
            #expect(!requests.contains { $0.method == "POST" && $0.uri == "/fhir/Patient" })
            let encounter = requests.first { $0.uri == "/fhir/Encounter" }
            #expect(
                encounter?.headers.first(name: "if-none-exist")
                    == "identifier=urn:notebridge:visit|V77&patient=Patient/p9")
            let body = try JSONReader().read(encounter?.body ?? [])
            #expect(body["subject"]?["reference"] == "Patient/p9")
            let composition = try JSONReader().read(requests.first { $0.uri == "/fhir/Composition" }?.body ?? [])
            #expect(composition["subject"]?["reference"] == "Patient/p9")
        }
    }

    @Test("a patient with no identifier and two matches, none, or no birth date: the dead letter, nothing written")
    func nameOnlyNotMatched() async throws {
        let recorder = LogRecorder()
        for (ids, reason) in [
            (
                ["p1", "p2"],
                "the encounter's patient has no identifier and 2 Patients on the FHIR server match its family name, given name and birth date; the note is not linked to a guessed patient"
            ),
            (
                [],
                "the encounter's patient has no identifier and no Patient on the FHIR server matches its family name, given name and birth date; the note is not linked to a guessed patient"
            ),
        ] {
            try await withServer(respond: { _ in Self.searchset(ids) }) { server in
                let outcome = await Self.destination(server, mode: .transaction, logger: recorder.logger())
                    .deliver(Self.nameOnlyRecord, item: Self.item)
                #expect(outcome == .dead(reason: reason))
                #expect(server.requests.map(\.method) == ["GET"])
            }
        }
        var undated = Self.nameOnlyRecord
        undated.encounter.patient.birthDate = ""
        try await withServer(respond: { _ in Reply(status: 500) }) { server in
            let outcome = await Self.destination(server, mode: .transaction, logger: recorder.logger())
                .deliver(undated, item: Self.item)
            #expect(
                outcome
                    == .dead(
                        reason:
                            "the encounter's patient has no identifier, and no birth date to match a Patient on the FHIR server by; the note is not linked to a guessed patient"
                    ))
            #expect(server.requests.isEmpty)
        }
        #expect(recorder.text.contains("nb.fhir.patient_match=ambiguous"))
        for phi in [DeliveryTests.marker, "Ada", "1961"] { #expect(!recorder.text.contains(phi)) }
    }
}
