import Curl
import Delivery
import Foundation
import Store
import Testing

@Suite("What a FHIR server reports storing: Type/id/_history/version references only, limited")
struct FHIRServerReferencesTests {
    static func response(status: Int = 200, headers: [(String, String)] = [], body: String = "") -> CurlResponse {
        CurlResponse(
            status: status, headers: headers.map { HTTPHeader(name: $0.0.lowercased(), value: $0.1) },
            body: Array(body.utf8))
    }

    @Test("a transaction-response: each entry's response.location, else its resource's id and versionId")
    func transactionResponse() {
        let body = """
            {"resourceType":"Bundle","type":"transaction-response","entry":[
            {"response":{"status":"201 Created","location":"https://ehr.example.org/fhir/R4/Patient/p-1/_history/2"}},
            {"response":{"status":"200 OK","location":"Encounter/e.7/_history/1?_format=json"}},
            {"response":{"status":"201 Created","location":"Composition/c1"}},
            {"response":{"status":"201 Created"},"resource":{"resourceType":"Condition","id":"k9","meta":{"versionId":"4"}}},
            {"response":{"status":"201 Created","location":"https://ehr.example.org/fhir/Patient?identifier=MRN0042"}},
            {"response":{"status":"201 Created","location":"urn:uuid:4a7e1d2c-0000-4000-8000-000000000001"}},
            {"response":{"status":"201 Created","location":"Observation/has space/_history/1"}},
            {"response":{"status":"201 Created","location":"Provenance/\(String(repeating: "x", count: 65))"}},
            {"response":{"status":"201 Created"}}
            ]}
            """
        #expect(
            FHIRServerAnswer.storedReferences(of: Self.response(body: body)) == [
                "Patient/p-1/_history/2", "Encounter/e.7/_history/1", "Composition/c1", "Condition/k9/_history/4",
            ])
    }

    @Test("at most 50 references are read from a Bundle")
    func limited() {
        let entries = (1...80).map {
            #"{"response":{"status":"201 Created","location":"Condition/c\#($0)/_history/1"}}"#
        }
        let body =
            #"{"resourceType":"Bundle","type":"batch-response","entry":["# + entries.joined(separator: ",") + "]}"
        let references = FHIRServerAnswer.storedReferences(of: Self.response(body: body))
        #expect(references.count == OutboxItem.maximumDeliveredReferences)
        #expect(references.first == "Condition/c1/_history/1" && references.last == "Condition/c50/_history/1")
    }

    @Test("a single write: Location, then Content-Location, then the returned resource; the type must match")
    func singleWrite() {
        let created = Self.response(
            status: 201, headers: [("Location", "https://ehr.example.org/fhir/R4/Composition/abc-1/_history/3")])
        #expect(
            FHIRServerAnswer.storedReferences(of: created, resourceType: "Composition") == [
                "Composition/abc-1/_history/3"
            ])
        #expect(FHIRServerAnswer.storedReferences(of: created) == ["Composition/abc-1/_history/3"])
        #expect(FHIRServerAnswer.storedReferences(of: created, resourceType: "Patient").isEmpty)
        // A conditional update's Content-Location, versioned from the weak ETag.
        let updated = Self.response(headers: [("Content-Location", "DocumentReference/d1"), ("ETag", #"W/"5""#)])
        #expect(
            FHIRServerAnswer.storedReferences(of: updated, resourceType: "DocumentReference")
                == ["DocumentReference/d1/_history/5"])
        // return=representation: the resource's own id and version.
        let representation = Self.response(
            status: 201, body: #"{"resourceType":"Patient","id":"p2","meta":{"versionId":"1"},"name":[{"family":"X"}]}"#
        )
        #expect(
            FHIRServerAnswer.storedReferences(of: representation, resourceType: "Patient") == ["Patient/p2/_history/1"])
        #expect(FHIRServerAnswer.storedReferences(of: representation, resourceType: "Encounter").isEmpty)
        // A Location that names no resource (a search URL with an identifier), an oversized one, a bad ETag.
        for location in [
            "https://ehr.example.org/fhir/Patient?identifier=urn:oid:1.2|MRN0042",
            "https://ehr.example.org/fhir/Patient/" + String(repeating: "a", count: 3000),
            "Patient/MRN 0042", "Patient/p\u{00E9}", "patient/p1", "Patient/p1/_history",
        ] {
            #expect(FHIRServerAnswer.storedReferences(of: Self.response(headers: [("Location", location)])).isEmpty)
        }
        let badETag = Self.response(headers: [("Location", "Patient/p3"), ("ETag", #"W/"1 2""#)])
        #expect(FHIRServerAnswer.storedReferences(of: badETag) == ["Patient/p3"])
        #expect(FHIRServerAnswer.storedReferences(of: Self.response(status: 204)).isEmpty)
        #expect(FHIRServerAnswer.storedReferences(of: Self.response(body: "not json")).isEmpty)
    }

    @Test(
        "OutboxItem.isDeliveredReference: Type/id or Type/id/_history/version, FHIR ids, at most 256 bytes",
        arguments: [
            ("Patient/p1", true), ("Patient/p1/_history/2", true), ("DocumentReference/a.b-C9/_history/x1", true),
            ("Patient", false), ("Patient/", false), ("/p1", false), ("patient/p1", false), ("Pa_tient/p1", false),
            ("Patient/p1/history/2", false), ("Patient/p1/_history/", false), ("Patient/p 1", false),
            ("Patient/p1?x=1", false), ("http://x/Patient/p1", false),
            ("Patient/\(String(repeating: "a", count: 65))", false),
            ("\(String(repeating: "A", count: 65))/p1", false), ("", false),
            // Read as bytes: anything not ASCII fails, a character of several scalars too.
            ("Patient/p\u{E9}1", false), ("Patient/\u{301}p1", false), ("\u{C9}tat/p1", false),
            ("Patient/p1/_history/2\u{301}", false), ("Patient/p1\r\n", false), ("Patient/p1/\u{FF3F}history/2", false),
            ("Patient/\(String(repeating: "a", count: 64))", true),
        ])
    func grammar(text: String, valid: Bool) {
        #expect(OutboxItem.isDeliveredReference(text) == valid)
    }
}
