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

@Suite("/fhir routes")
struct FHIRRoutesTests {
    typealias F = V1APIFixture

    static func parameters(_ extra: [JSONValue] = [], transcript: String = F.transcript) -> JSONValue {
        .make([
            "resourceType": "Parameters",
            "parameter": .array(
                [
                    .make(["name": "transcript", "valueString": .string(transcript)]),
                    .make(["name": "specialty", "valueCode": "physician"]),
                    .make(["name": "include-billing-codes", "valueBoolean": true]),
                    .make([
                        "name": "patient",
                        "resource": .make(["resourceType": "Patient", "id": "p1", "gender": "female"]),
                    ]),
                ] + extra),
        ])
    }

    static func headers(_ fixture: F, type: String = "application/fhir+json") -> HTTPFields {
        var fields = F.headers(fixture.key, contentType: type)
        fields[.accept] = type
        return fields
    }

    static func read(_ response: TestResponse) throws -> JSONValue {
        let bytes = Array(response.body.readableBytesView)
        return (response.headers[.contentType] ?? "").contains("xml")
            ? try FHIRXMLReader().read(bytes) : try JSONReader().read(bytes)
    }

    @Test("GET /fhir/metadata answers a valid CapabilityStatement, JSON or XML by _format and Accept")
    func metadata() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let json = try await client.execute(uri: "/fhir/metadata", method: .get)
            #expect(json.status == .ok)
            #expect(json.headers[.contentType]?.hasPrefix("application/fhir+json") == true)
            let statement = try Self.read(json)
            #expect(FHIRValidator().validate(statement).isEmpty)
            #expect(statement["fhirVersion"] == "4.0.1")
            let xml = try await client.execute(uri: "/fhir/metadata?_format=xml", method: .get)
            #expect(xml.headers[.contentType]?.hasPrefix("application/fhir+xml") == true)
            #expect(try Self.read(xml) == statement)
            var accept = HTTPFields()
            accept[.accept] = "application/fhir+xml"
            let negotiated = try await client.execute(uri: "/fhir/metadata", method: .get, headers: accept)
            #expect(negotiated.headers[.contentType]?.hasPrefix("application/fhir+xml") == true)
            // A _format it cannot write: 406 with an OperationOutcome naming the parameter.
            let unknown = try await client.execute(uri: "/fhir/metadata?_format=zzz", method: .get)
            #expect(unknown.status == .notAcceptable)
            let outcome = try Self.read(unknown)
            #expect(outcome["resourceType"] == "OperationOutcome")
            #expect(outcome["issue"]?.array?.first?["expression"]?.array?.first == "_format")
            let mime = try await client.execute(uri: "/fhir/metadata?_format=application/fhir%2Bjson", method: .get)
            #expect(mime.status == .ok)
        }
    }

    @Test("$soap-note turns Parameters (JSON or XML) into a valid document Bundle, stored and audited")
    func soapNote() async throws {
        let fixture = try await F()
        try await fixture.application().test(.router) { client in
            let body = ByteBuffer(bytes: JSONWriter.write(Self.parameters()))
            let response = try await client.execute(
                uri: "/fhir/Encounter/enc-9/$soap-note", method: .post, headers: Self.headers(fixture), body: body)
            #expect(response.status == .ok)
            let bundle = try Self.read(response)
            #expect(FHIRValidator().validate(bundle).isEmpty, "\(FHIRValidator().validate(bundle))")
            #expect(bundle["type"] == "document")
            let resources = try #require(bundle["entry"]?.array).compactMap { $0["resource"] }
            #expect(resources.first?["subject"]?["reference"] == "Patient/p1")
            #expect(resources.first?["encounter"]?["reference"] == "Encounter/enc-9")
            #expect(resources.contains { $0["resourceType"] == "Condition" })
            #expect(try await fixture.store.noteCount() == 1)
            // The same request in XML, with the transcript as a base64 attachment.
            let attachment: JSONValue = .make([
                "resourceType": "Parameters",
                "parameter": [
                    .make([
                        "name": "transcript",
                        "valueAttachment": .make([
                            "contentType": "text/plain", "data": .string(Data(F.transcript.utf8).base64EncodedString()),
                        ]),
                    ])
                ],
            ])
            let xml = try await client.execute(
                uri: "/fhir/$soap-note", method: .post, headers: Self.headers(fixture, type: "application/fhir+xml"),
                body: ByteBuffer(bytes: try FHIRXMLWriter().write(attachment)))
            #expect(xml.status == .ok)
            #expect(xml.headers[.contentType]?.hasPrefix("application/fhir+xml") == true)
            #expect(FHIRValidator().validate(try Self.read(xml)).isEmpty)
            let audit = try await fixture.store.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(audit.map(\.status) == [200, 200])
        }
    }

    @Test("Every error is an OperationOutcome with its status, issue code and expression")
    func errors() async throws {
        var configuration = V1Routes.Configuration()
        configuration.maximumBodyBytes = 64 * 1024
        // $soap-note takes the base64 of a recording beside the body limit: a small one here.
        configuration.audio.limits = TranscriptionLimits(maximumBytes: 1_000, maximumDuration: .seconds(60))
        let fixture = try await F(configuration: configuration)
        try await fixture.application().test(.router) { client in
            let cases: [(ByteBuffer, String, HTTPResponse.Status, String, String?)] = [
                (ByteBuffer(string: "not json"), "application/fhir+json", .badRequest, "invalid", nil),
                (ByteBuffer(string: #"{"resourceType":"Patient"}"#), "application/fhir+json", .badRequest, "invalid", "resourceType"),
                (ByteBuffer(string: #"{"resourceType":"Parameters","parameter":[{"name":"specialty","valueCode":"physician"}]}"#),
                 "application/fhir+json", .badRequest, "required", "Parameters.parameter"),
                (ByteBuffer(bytes: JSONWriter.write(Self.parameters(transcript: "short"))), "application/fhir+json", .badRequest, "value",
                 "Parameters.parameter[0]"),
                (ByteBuffer(string: #"{"resourceType":"Parameters","parameter":[{"name":"x","valueBoolean":"yes"}]}"#),
                 "application/fhir+json", .badRequest, "value", "Parameters.parameter[0].valueBoolean"),
                (ByteBuffer(string: String(repeating: "[", count: 10_000)), "application/fhir+json", .contentTooLarge, "too-costly", nil),
                (ByteBuffer(repeating: UInt8(ascii: " "), count: 100_000), "application/fhir+json", .contentTooLarge, "too-costly", nil),
                (ByteBuffer(string: #"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Parameters xmlns="http://hl7.org/fhir"/>"#),
                 "application/fhir+xml", .badRequest, "security", nil),
                (ByteBuffer(string: "transcript"), "text/plain", .unsupportedMediaType, "not-supported", nil),
                // 20,000 attributes on one element: libxml2 spent seconds on them (a minute for a 1 MiB body).
                (ByteBuffer(string: #"<Parameters xmlns="http://hl7.org/fhir" "#
                    + (0..<20_000).map { "a\($0)=\"1\"" }.joined(separator: " ") + "/>"),
                 "application/fhir+xml", .contentTooLarge, "too-costly", nil),
                (ByteBuffer(bytes: JSONWriter.write(Self.parameters())), "application/fhir+json; charset=latin1",
                 .unsupportedMediaType, "not-supported", nil),
            ]
            for (body, type, status, code, expression) in cases {
                let response = try await client.execute(
                    uri: "/fhir/$soap-note", method: .post, headers: Self.headers(fixture, type: type), body: body)
                #expect(response.status == status, "\(code)")
                let outcome = try Self.read(response)
                #expect(outcome["resourceType"] == "OperationOutcome")
                let issue = outcome["issue"]?.array?.first
                #expect(issue?["code"]?.string == code, "\(outcome)")
                if let expression { #expect(issue?["expression"]?.array?.first?.string == expression, "\(outcome)") }
                #expect(!String(buffer: response.body).contains("passwd"))
            }
            let unauthorized = try await client.execute(
                uri: "/fhir/$soap-note", method: .post, headers: F.headers(nil, contentType: "application/fhir+json"),
                body: ByteBuffer(bytes: JSONWriter.write(Self.parameters())))
            #expect(unauthorized.status == .unauthorized)
            #expect(try JSONReader().read(Array(unauthorized.body.readableBytesView))["issue"]?.array?.first?["code"] == "security")
            let missing = try await client.execute(uri: "/fhir/Patient/1", method: .get)
            #expect(missing.status == .notFound)
            #expect(try JSONReader().read(Array(missing.body.readableBytesView))["resourceType"] == "OperationOutcome")
            let method = try await client.execute(uri: "/fhir/metadata", method: .post)
            #expect(method.status == .methodNotAllowed)
            let methodIssue = try JSONReader().read(Array(method.body.readableBytesView))["issue"]?.array?.first
            #expect(methodIssue?["code"] == "not-supported")
            // The route's own words, as /v1 gives them (it read only "Method Not Allowed").
            #expect(methodIssue?["diagnostics"]?.string == "this endpoint accepts GET")
            #expect(method.headers[.allow] == "GET")
        }
    }
}
