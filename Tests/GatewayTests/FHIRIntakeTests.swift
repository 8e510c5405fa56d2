import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing
import Transcription

@testable import Gateway

@Suite("/fhir Bundle intake and reads")
struct FHIRIntakeTests {
    typealias F = V1APIFixture

    /// A transaction Bundle: Patient (PUT with the EHR's id), Encounter, Practitioner, and the transcript.
    static func bundle(
        type: String = "transaction", identifier: String? = "visit-1", transcript: String = F.transcript,
        patientID: String = "p-77", encounterID: String = "e-5", options: [JSONValue] = []
    ) -> JSONValue {
        func entry(_ resource: JSONValue, _ method: String, _ url: String) -> JSONValue {
            .make([
                "fullUrl": .string("urn:uuid:\(UUID().uuidString.lowercased())"), "resource": resource,
                "request": type == "transaction" ? .make(["method": .string(method), "url": .string(url)]) : nil,
            ])
        }
        var transcriptResource: [JSONMember] = [JSONMember("resourceType", "DocumentReference")]
        if !options.isEmpty {
            transcriptResource.append(
                JSONMember(
                    "extension",
                    [.make(["url": .string(FHIRRoutes.optionsExtension), "extension": .array(options)])]))
        }
        if let identifier {
            transcriptResource.append(
                JSONMember("identifier", [.make(["system": "urn:example:visits", "value": .string(identifier)])]))
        }
        transcriptResource += [
            JSONMember("status", "current"),
            JSONMember(
                "content",
                [
                    .make([
                        "attachment": .make([
                            "contentType": "text/plain; charset=utf-8",
                            "data": .string(Data(transcript.utf8).base64EncodedString()),
                        ])
                    ])
                ]),
        ]
        return .make([
            "resourceType": "Bundle", "type": .string(type),
            "entry": [
                entry(.make(["resourceType": "Patient", "gender": "female"]), "PUT", "Patient/\(patientID)"),
                entry(
                    .make([
                        "resourceType": "Encounter", "id": .string(encounterID), "status": "finished",
                        "class": .make(["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"]),
                    ]), "PUT", "Encounter/\(encounterID)"),
                entry(.make(["resourceType": "Practitioner", "id": "dr-1"]), "PUT", "Practitioner/dr-1"),
                entry(.object(transcriptResource), "POST", "DocumentReference"),
            ],
        ])
    }

    static func post(
        _ client: some TestClientProtocol, _ fixture: F, _ resource: JSONValue, key: IssuedAPIKey? = nil,
        type: String = "application/fhir+json", prefer: String? = nil
    ) async throws -> TestResponse {
        var headers = F.headers(key ?? fixture.key, contentType: type)
        headers[.accept] = type
        if let prefer { headers[.prefer] = prefer }
        let body = type.contains("xml") ? try FHIRXMLWriter().write(resource) : JSONWriter.write(resource)
        return try await client.execute(uri: "/fhir", method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, key: IssuedAPIKey?) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: F.headers(key, contentType: nil))
    }

    static func read(_ response: TestResponse) throws -> JSONValue { try FHIRRoutesTests.read(response) }

    @Test("A transaction Bundle makes one note; the response answers every entry; sending it again makes none")
    func transaction() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let response = try await Self.post(client, fixture, Self.bundle())
            #expect(response.status == .ok)
            let answer = try Self.read(response)
            #expect(FHIRValidator().validate(answer).isEmpty, "\(FHIRValidator().validate(answer))")
            #expect(answer["type"] == "transaction-response")
            let entries = try #require(answer["entry"]?.array)
            #expect(entries.count == 4)
            #expect(entries.prefix(3).allSatisfy { $0["response"]?["status"] == "200 OK" })
            let created = entries[3]
            #expect(created["response"]?["status"] == "201 Created")
            let location = try #require(created["response"]?["location"]?.string)
            #expect(location.hasPrefix("DocumentReference/nb-") && location.hasSuffix("-doc/_history/1"))
            let reference = try #require(created["resource"])
            #expect(reference["subject"]?["reference"] == "Patient/p-77")
            #expect(reference["context"]?["encounter"]?.array?.first?["reference"] == "Encounter/e-5")
            #expect(reference["author"]?.array?.first?["reference"] == "Practitioner/dr-1")
            #expect(try await fixture.store.noteCount() == 1)

            // Again, in XML: the same note, 200, nothing new.
            let again = try await Self.post(client, fixture, Self.bundle(), type: "application/fhir+xml")
            #expect(again.status == .ok)
            let second = try Self.read(again)
            #expect(second["entry"]?.array?[3]["response"]?["status"] == "200 OK")
            #expect(second["entry"]?.array?[3]["response"]?["location"]?.string == location)
            #expect(try await fixture.store.noteCount() == 1)

            // A collection Bundle with another visit id makes a second note; return=minimal leaves the resource out.
            let collection = try await Self.post(
                client, fixture, Self.bundle(type: "collection", identifier: "visit-2"), prefer: "return=minimal")
            #expect(collection.status == .ok)
            let minimal = try Self.read(collection)
            #expect(minimal["entry"]?.array?[3]["resource"] == nil)
            #expect(minimal["entry"]?.array?[3]["response"]?["status"] == "201 Created")
            #expect(try await fixture.store.noteCount() == 2)

            // A key that did not make the note: another source space, so a new note.
            let other = try await fixture.key(scopes: [.notesWrite, .notesRead])
            let otherResponse = try await Self.post(client, fixture, Self.bundle(), key: other)
            #expect(try Self.read(otherResponse)["entry"]?.array?[3]["response"]?["status"] == "201 Created")
            #expect(try await fixture.store.noteCount() == 3)
        }
    }

    /// (Sent as XML, which fixes member order to the specification's: the resource is written in that order.)
    @Test("The visit's resources keep their extensions and primitive extensions in the stored document, JSON and XML")
    func extensionsPreserved() async throws {
        let fixture = try await F()
        let patient = try JSONReader().read(
            Array(
                #"{"resourceType":"Patient","id":"p-9","extension":[{"url":"http://example.org/ext/a","extension":[{"url":"b","valueDecimal":1.50}]}],"name":[{"given":["A","B"],"_given":[null,{"id":"g2"}]}],"gender":"female","_gender":{"extension":[{"url":"http://example.org/ext/g","valueString":"as told"}]}}"#
                    .utf8))
        var bundle = Self.bundle()
        if case .object(var members) = bundle, var entries = bundle["entry"]?.array, case .object(var first) = entries[0] {
            first[1] = JSONMember("resource", patient)
            entries[0] = .object(first)
            members[2] = JSONMember("entry", .array(entries))
            bundle = .object(members)
        }
        let request = bundle
        try await fixture.application().test(.router) { client in
            let response = try await Self.post(client, fixture, request, type: "application/fhir+xml")
            #expect(response.status == .ok)
            let stored = try #require(try await fixture.store.fhirNotes(NoteQuery(ownerKeyID: fixture.key.record.id), now: Date()).notes.first)
            let document = try JSONReader().read(try #require(stored.fhir))
            let kept = (document["entry"]?.array ?? []).compactMap { $0["resource"] }.first { $0["resourceType"] == "Patient" }
            #expect(kept == patient)
            #expect(JSONWriter.write(try #require(kept)) == JSONWriter.write(patient))
        }
    }

    @Test("Note options travel in the note-options extension; bad options name the extension")
    func options() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let response = try await Self.post(
                client, fixture,
                Self.bundle(options: [
                    .make(["url": "specialty", "valueCode": "physical_therapy"]),
                    .make(["url": "include-billing-codes", "valueBoolean": false]),
                ]))
            #expect(response.status == .ok)
            let id = try #require(
                try Self.read(response)["entry"]?.array?[3]["response"]?["location"]?.string?.split(separator: "/")[1])
            let composition = try Self.read(
                try await Self.get(client, "/fhir/Composition/\(id.dropLast(4))", key: fixture.key))
            #expect(composition["title"]?.string?.contains("physical therapy") == true)
            #expect(composition["section"]?.array?.allSatisfy { $0["entry"] == nil } == true)

            let bad = try await Self.post(
                client, fixture, Self.bundle(identifier: "visit-9", options: [.make(["url": "specialty", "valueCode": "wizard"])]))
            #expect(bad.status == .badRequest)
            let issue = try Self.read(bad)["issue"]?.array?.first
            #expect(issue?["code"] == "value")
            #expect(issue?["expression"]?.array?.first == "Bundle.entry[3].resource.extension[0]")
        }
    }

    @Test("Bad Bundles get a specific OperationOutcome, never a 500")
    func badBundles() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            func outcome(_ resource: JSONValue) async throws -> (HTTPResponse.Status, JSONValue?) {
                let response = try await Self.post(client, fixture, resource)
                return (response.status, try Self.read(response)["issue"]?.array?.first)
            }
            var noTranscript = Self.bundle()
            if case .object(var members) = noTranscript, let index = members.firstIndex(where: { $0.key == "entry" }) {
                members[index].value = .array(Array(noTranscript["entry"]?.array?.prefix(3) ?? []))
                noTranscript = .object(members)
            }
            let cases: [(JSONValue, HTTPResponse.Status, String, String)] = [
                (.make(["resourceType": "Patient"]), .badRequest, "invalid", "resourceType"),
                (.make(["resourceType": "Bundle", "type": "batch"]), .badRequest, "not-supported", "Bundle.type"),
                (.make(["resourceType": "Bundle"]), .badRequest, "required", "Bundle.type"),
                (noTranscript, .badRequest, "required", "Bundle.entry"),
                (Self.bundle(transcript: "hi"), .badRequest, "value", "Bundle.entry[3].resource.content[0].attachment.data"),
                (.make(["resourceType": "Bundle", "type": "collection", "entry": [.make(["resource": .make(["resourceType": "Nope"])])]]),
                 .badRequest, "not-supported", "Bundle.entry[0].resource"),
            ]
            for (resource, status, code, expression) in cases {
                let (answer, issue) = try await outcome(resource)
                #expect(answer == status, "\(code) \(expression)")
                #expect(issue?["code"]?.string == code, "\(String(describing: issue))")
                #expect(issue?["expression"]?.array?.first?.string == expression, "\(String(describing: issue))")
            }
            // A URL attachment: NoteBridge fetches nothing.
            let url: JSONValue = .make([
                "resourceType": "Bundle", "type": "collection",
                "entry": [
                    .make([
                        "resource": .make([
                            "resourceType": "DocumentReference", "status": "current",
                            "content": [.make(["attachment": .make(["contentType": "text/plain", "url": "http://example.org/t.txt"])])],
                        ])
                    ])
                ],
            ])
            let (status, issue) = try await outcome(url)
            #expect(status == .badRequest && issue?["code"] == "not-supported")
            // Wrong content type, and a Bundle over the body limit.
            var headers = F.headers(fixture.key, contentType: "application/json-patch+json")
            let wrongType = try await client.execute(
                uri: "/fhir", method: .post, headers: headers, body: ByteBuffer(bytes: JSONWriter.write(Self.bundle())))
            #expect(wrongType.status == .unsupportedMediaType)
            headers = F.headers(fixture.key, contentType: "text/plain")
            let plain = try await client.execute(uri: "/fhir", method: .post, headers: headers, body: ByteBuffer(string: "x"))
            #expect(plain.status == .unsupportedMediaType)
            #expect(try Self.read(plain)["issue"]?.array?.first?["code"] == "not-supported")
            #expect(try await fixture.store.noteCount() == 0)
        }
    }

    @Test("A 50 MB Bundle is refused with too-costly before it is read")
    func hugeBundle() async throws {
        // The limit is the body limit and the base64 of the largest recording (audio.maxBytes, 1 MB here).
        var configuration = V1Routes.Configuration()
        configuration.audio.limits = TranscriptionLimits(maximumBytes: 1_000_000, maximumDuration: .seconds(60))
        let fixture = try await F(configuration: configuration)
        try await fixture.application().test(.router) { client in
            let filler = String(repeating: "A", count: 50 << 20)
            let text = #"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Binary","contentType":"text/plain","data":""#
                + filler + #""}}]}"#
            let response = try await client.execute(
                uri: "/fhir", method: .post, headers: F.headers(fixture.key, contentType: "application/fhir+json"),
                body: ByteBuffer(string: text))
            #expect(response.status == .contentTooLarge)
            #expect(try Self.read(response)["issue"]?.array?.first?["code"] == "too-costly")
        }
    }

    @Test("Reads: DocumentReference and Composition by id, with meta and ETag; other keys and /v1 notes are 404")
    func reads() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let made = try Self.read(try await Self.post(client, fixture, Self.bundle()))
            let location = try #require(made["entry"]?.array?[3]["response"]?["location"]?.string)
            let id = String(location.split(separator: "/")[1])
            let read = try await Self.get(client, "/fhir/DocumentReference/\(id)", key: fixture.key)
            #expect(read.status == .ok)
            #expect(read.headers[.eTag] == #"W/"1""#)
            let reference = try Self.read(read)
            #expect(FHIRValidator().validate(reference).isEmpty)
            #expect(reference["id"]?.string == id)
            #expect(reference["meta"]?["versionId"] == "1")
            #expect(reference["meta"]?["security"]?.array?.first?["code"] == "AIAST")
            let xml = try await Self.get(client, "/fhir/DocumentReference/\(id)?_format=xml", key: fixture.key)
            #expect(try Self.read(xml) == reference)

            let composition = try await Self.get(client, "/fhir/Composition/\(id.dropLast(4))", key: fixture.key)
            #expect(composition.status == .ok)
            let sections = try Self.read(composition)["section"]?.array ?? []
            #expect(sections.compactMap { $0["code"]?["coding"]?.array?.first?["code"]?.string }.prefix(4)
                == ["61150-9", "61149-1", "51848-0", "18776-5"])

            let other = try await fixture.key(scopes: [.notesRead])
            #expect(try await Self.get(client, "/fhir/DocumentReference/\(id)", key: other).status == .notFound)
            #expect(try await Self.get(client, "/fhir/DocumentReference/\(id)", key: nil).status == .unauthorized)
            let writeOnly = try await fixture.key(scopes: [.notesWrite])
            #expect(try await Self.get(client, "/fhir/DocumentReference/\(id)", key: writeOnly).status == .forbidden)
            for bad in ["nb-zz-doc", "x", "nb-\(String(repeating: "0", count: 32))-doc"] {
                let missing = try await Self.get(client, "/fhir/DocumentReference/\(bad)", key: fixture.key)
                #expect(missing.status == .notFound)
                #expect(try Self.read(missing)["issue"]?.array?.first?["code"] == "not-found")
            }
            // A note made through /v1 has no FHIR form.
            let v1 = try await client.execute(
                uri: "/v1/note", method: .post, headers: F.headers(fixture.key),
                body: F.body(["transcript": F.transcript]))
            let v1ID = try #require(F.json(v1.body)["noteId"] as? String)
            let v1Read = try await Self.get(client, "/fhir/Composition/nb-\(v1ID.dropFirst(5))", key: fixture.key)
            #expect(v1Read.status == .notFound)
            let audit = try await fixture.store.auditRecords(since: nil, until: nil, afterID: 0, limit: 50)
            #expect(audit.filter { $0.action == .read && $0.status == 200 }.count == 3)
            #expect(audit.contains { $0.action == .read && $0.status == 404 && $0.keyID == other.record.id })
        }
    }

    @Test("Search by patient, encounter and date: the key's notes only, newest first, paged")
    func search() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            for (index, patient) in ["p-1", "p-1", "p-2"].enumerated() {
                let response = try await Self.post(
                    client, fixture, Self.bundle(identifier: "v\(index)", patientID: patient, encounterID: "e-\(index)"))
                #expect(response.status == .ok)
            }
            func search(_ query: String, key: IssuedAPIKey? = nil) async throws -> JSONValue {
                let response = try await Self.get(client, "/fhir/DocumentReference?\(query)", key: key ?? fixture.key)
                #expect(response.status == .ok, "\(query)")
                return try Self.read(response)
            }
            func total(_ bundle: JSONValue) -> String? { if case .number(let n)? = bundle["total"] { return n } else { return nil } }
            let p1 = try await search("patient=p-1")
            #expect(FHIRValidator().validate(p1).isEmpty, "\(FHIRValidator().validate(p1))")
            #expect(p1["type"] == "searchset" && total(p1) == "2")
            #expect(p1["entry"]?.array?.allSatisfy { $0["resource"]?["subject"]?["reference"] == "Patient/p-1" } == true)
            #expect(total(try await search("patient=Patient/p-2")) == "1")
            #expect(total(try await search("subject=https://ehr.example.org/fhir/Patient/p-2")) == "1")
            #expect(total(try await search("patient=p-1&encounter=Encounter/e-1")) == "1")
            #expect(total(try await search("patient=p-3")) == "0")
            let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
            #expect(total(try await search("date=\(today)")) == "3")
            #expect(total(try await search("date=ge\(today)&date=lt2999-01-01")) == "3")
            #expect(total(try await search("date=lt2000")) == "0")
            #expect(total(try await search("date=gt2000-01-01T00:00:00Z")) == "3")
            let page = try await search("_count=2")
            #expect(page["entry"]?.array?.count == 2 && total(page) == "3")
            #expect(page["link"]?.array?.contains { $0["relation"] == "next" } == true)
            let other = try await fixture.key(scopes: [.notesRead])
            #expect(total(try await search("patient=p-1", key: other)) == "0")
            // Unknown parameters are ignored unless handling=strict; bad values are 400 with the parameter named.
            #expect(total(try await search("patient=p-1&foo=bar")) == "2")
            var strict = F.headers(fixture.key, contentType: nil)
            strict[.prefer] = "handling=strict"
            let refused = try await client.execute(uri: "/fhir/DocumentReference?foo=bar", method: .get, headers: strict)
            #expect(refused.status == .badRequest)
            for bad in ["date=yesterday", "date=2026-13", "_count=0", "patient=Encounter/e-1", "patient=a%20b"] {
                let response = try await Self.get(client, "/fhir/DocumentReference?\(bad)", key: fixture.key)
                #expect(response.status == .badRequest, "\(bad)")
                let expression = try Self.read(response)["issue"]?.array?.first?["expression"]?.array?.first?.string
                #expect(expression == String(bad.split(separator: "=")[0]), "\(bad)")
            }
        }
    }

    @Test("The date search value becomes the right range")
    func dateRanges() throws {
        func range(_ text: String) -> (String?, String?)? {
            guard let search = FHIRDateSearch(text) else { return nil }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return (search.from.map { formatter.string(from: $0) }, search.before.map { formatter.string(from: $0) })
        }
        #expect(range("2026")! == ("2026-01-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"))
        #expect(range("2026-02")! == ("2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"))
        #expect(range("ge2026-02-28")! == ("2026-02-28T00:00:00.000Z", nil))
        #expect(range("gt2026-02-28")! == ("2026-03-01T00:00:00.000Z", nil))
        #expect(range("lt2026-02-28")! == (nil, "2026-02-28T00:00:00.000Z"))
        #expect(range("le2026-02-28T10:15")! == (nil, "2026-02-28T10:16:00.000Z"))
        #expect(range("2026-02-28T10:15:30+02:00")! == ("2026-02-28T08:15:30.000Z", "2026-02-28T08:15:31.000Z"))
        #expect(range("2026-02-28T10:15:30.250Z")! == ("2026-02-28T10:15:30.250Z", "2026-02-28T10:15:30.251Z"))
        for bad in ["", "26", "2026-2", "2026-02-30x", "ne2026", "2026-02-28T", "2026-02-28T25:00Z", "xx2026"] {
            #expect(FHIRDateSearch(bad) == nil, "\(bad)")
        }
    }
}
