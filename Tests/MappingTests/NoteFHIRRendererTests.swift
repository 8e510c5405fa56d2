import Coding
import FHIR
import Foundation
import Mapping
import Scribe
import Testing

@Suite("The note as FHIR")
struct NoteFHIRRendererTests {
    static let transcript: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/transcripts/primary-care-dialogue.txt")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static func input(patient: Bool = true) throws -> NoteFHIRInput {
        let note = try NoteWriter().note(transcript: transcript, specialty: .physician)
        let codes = Coder.shared.codes(for: note, request: Coder.Request(transcript: transcript))
        let patientResource: JSONValue? =
            patient
            ? .make(["resourceType": "Patient", "id": "pat-1", "name": [.make(["family": "Testpatient", "given": ["Alex"]])]])
            : nil
        let encounter: JSONValue = .make([
            "resourceType": "Encounter", "id": "enc-1", "status": "finished",
            "class": .make(["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"]),
        ])
        return NoteFHIRInput(
            note: note, codes: codes, noteID: "note_0123456789abcdef0123456789abcdef", date: "2026-11-29T10:15:00Z",
            patient: patientResource, encounter: encounter)
    }

    let renderer = NoteFHIRRenderer()

    @Test("The document Bundle is valid R4, Composition first, every reference inside")
    func document() throws {
        let bundle = renderer.documentBundle(try Self.input())
        #expect(FHIRValidator().validate(bundle).isEmpty, "\(FHIRValidator().validate(bundle))")
        let resources = try #require(bundle["entry"]?.array).compactMap { $0["resource"] }
        #expect(resources.first?["resourceType"] == "Composition")
        let ids = Set(resources.compactMap { r in r["id"]?.string.map { "\(r["resourceType"]?.string ?? "")/\($0)" } })
        var references: [String] = []
        func collect(_ value: JSONValue) {
            switch value {
            case .object(let members):
                for member in members {
                    if member.key == "reference", let text = member.value.string { references.append(text) } else { collect(member.value) }
                }
            case .array(let items): items.forEach(collect)
            default: break
            }
        }
        resources.forEach(collect)
        #expect(!references.isEmpty)
        for reference in references { #expect(ids.contains(reference), "\(reference) is not in the Bundle") }
        let composition = resources[0]
        #expect(composition["status"] == "preliminary")
        #expect(composition["type"]?["coding"]?.array?.first?["code"] == "11506-3")
        let codes = composition["section"]?.array?.compactMap { $0["code"]?["coding"]?.array?.first?["code"]?.string }
        #expect(codes == ["61150-9", "61149-1", "51848-0", "18776-5"])
        #expect(composition["meta"]?["security"]?.array?.first?["code"] == "AIAST")
        let conditions = resources.filter { $0["resourceType"] == "Condition" }
        #expect(!conditions.isEmpty)
        #expect(conditions.allSatisfy { $0["code"]?["coding"]?.array?.first?["system"] == "http://hl7.org/fhir/sid/icd-10-cm" })
        let charges = resources.filter { $0["resourceType"] == "ChargeItem" }
        #expect(charges.contains { $0["code"]?["coding"]?.array?.first?["system"] == "http://www.ama-assn.org/go/cpt" })
        let provenance = try #require(resources.first { $0["resourceType"] == "Provenance" })
        #expect(provenance["agent"]?.array?.first?["who"]?["reference"] == "Device/nb-device")
    }

    @Test("The DocumentReference carries the note as text/plain and text/html, identified by the note id")
    func documentReference() throws {
        let resources = renderer.resources(try Self.input())
        let document = try #require(resources.first { $0["resourceType"] == "DocumentReference" })
        #expect(document["identifier"]?.array?.first?["value"] == "note_0123456789abcdef0123456789abcdef")
        #expect(document["category"]?.array?.first?["coding"]?.array?.first?["code"] == "clinical-note")
        let attachments = try #require(document["content"]?.array).compactMap { $0["attachment"] }
        #expect(attachments.map { $0["contentType"] } == ["text/plain; charset=utf-8", "text/html"])
        let data = try #require(attachments.first?["data"]?.string)
        let text = String(decoding: try #require(Data(base64Encoded: data)), as: UTF8.self)
        #expect(text.hasPrefix("SUBJECTIVE\n"))
        #expect(document["context"]?["encounter"]?.array?.first?["reference"] == "Encounter/enc-1")
    }

    @Test("The transaction Bundle creates conditionally, so sending it twice creates nothing new")
    func transaction() throws {
        let bundle = renderer.transactionBundle(try Self.input())
        #expect(FHIRValidator().validate(bundle).isEmpty)
        let requests = try #require(bundle["entry"]?.array).compactMap { $0["request"] }
        #expect(requests.allSatisfy { $0["ifNoneExist"] != nil || $0["method"] == "PUT" })
        #expect(requests.contains { $0["ifNoneExist"] == "identifier=urn:notebridge:note|note_0123456789abcdef0123456789abcdef" })
        // The same entries the FHIR destination sends: urn:uuid full URLs, and every reference one of them.
        let entries = try #require(bundle["entry"]?.array)
        let urls = Set(entries.compactMap { $0["fullUrl"]?.string })
        #expect(urls.count == entries.count && urls.allSatisfy { $0.hasPrefix("urn:uuid:") })
        let references = entries.flatMap { NoteFHIRWritesTests.references($0["resource"] ?? .null) }
        #expect(!references.isEmpty)
        for reference in references { #expect(urls.contains(reference), "\(reference)") }
        let writes = renderer.writes(try Self.input(), selected: Set(NoteFHIRRenderer.selectableResourceTypes))
        #expect(bundle == NoteFHIRRenderer.transactionBundle(writes))
    }

    @Test("Rendering is deterministic and survives XML both ways; narrative text is escaped")
    func deterministic() throws {
        let input = try Self.input(patient: false)
        let bundle = renderer.documentBundle(input)
        #expect(renderer.documentBundle(input) == bundle)
        #expect(FHIRValidator().validate(bundle).isEmpty)
        let xml = try FHIRXMLWriter().write(bundle)
        #expect(try FHIRXMLReader().read(xml) == bundle)
        var hostile = input
        hostile.parts[0].text = "<script>alert(1)</script> & more"
        let narrative = renderer.resources(hostile)[0]["section"]?.array?.first?["text"]?["div"]?.string ?? ""
        #expect(narrative.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"))
        #expect(FHIRXMLReader.normalizedXHTML(narrative) != nil)
    }
}
