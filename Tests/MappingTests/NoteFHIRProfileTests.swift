import FHIR
import Foundation
import Mapping
import Scribe
import Testing

@Suite("The note as FHIR: profiles and the mapping file")
struct NoteFHIRProfileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("Every template and specialty renders resources that meet the profiles they claim")
    func profiles() throws {
        let transcript = NoteFHIRRendererTests.transcript
        let validator = FHIRProfileValidator.bundled
        for template in NoteTemplate.allCases {
            for specialty in [Specialty.physician, .registeredNurse, .psychotherapist] {
                let note = try NoteWriter().note(transcript: transcript, specialty: specialty, template: template)
                var input = try NoteFHIRRendererTests.input()
                let written = NoteFHIRInput(note: note, codes: nil, noteID: input.noteID, date: input.date)
                (input.specialty, input.parts) = (written.specialty, written.parts)
                let bundle = NoteFHIRRenderer().documentBundle(input)
                let issues = validator.validate(bundle)
                #expect(issues.isEmpty, "\(template) \(specialty): \(issues)")
                let resources = (bundle["entry"]?.array ?? []).compactMap { $0["resource"] }
                let claimed = resources.flatMap { ($0["meta"]?["profile"]?.array ?? []).compactMap(\.string) }
                #expect(claimed.contains(NoteFHIRRenderer.compositionProfile))
                #expect(claimed.contains(NoteFHIRRenderer.documentReferenceProfile))
                let sections = resources.first?["section"]?.array ?? []
                #expect(!sections.isEmpty && sections.allSatisfy { $0["code"] != nil }, "\(template)")
            }
        }
        // Without a patient the DocumentReference claims no US Core conformance (US Core requires a subject).
        let anonymous = NoteFHIRRenderer().documentBundle(try NoteFHIRRendererTests.input(patient: false))
        #expect(validator.validate(anonymous).isEmpty)
        let reference = (anonymous["entry"]?.array ?? []).compactMap { $0["resource"] }.first { $0["resourceType"] == "DocumentReference" }
        #expect(reference?["meta"]?["profile"] == nil)
    }

    @Test("The committed mappings/fhir-note.yaml is exactly the built-in mapping")
    func committedFile() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("mappings/fhir-note.yaml"), encoding: .utf8)
        #expect(try NoteFHIRMapping(yaml: text) == NoteFHIRMapping())
    }

    @Test("A mapping file changes the status, document types and section codes")
    func customMapping() throws {
        let mapping = try NoteFHIRMapping(
            yaml: """
                version: 1
                composition: {status: final}
                documentType:
                  default: {code: "34109-9", display: "Note"}
                  bySpecialty:
                    psychiatrist: {code: "11506-3", display: "Progress note"}
                sections:
                  plan: {system: "urn:example:parts", code: "PLAN", display: "Plan"}
                """)
        #expect(mapping.compositionStatus == "final")
        #expect(mapping.defaultDocumentType == NoteFHIRMapping.Code("34109-9", "Note"))
        #expect(mapping.documentTypes.keys.sorted() == ["psychiatrist"])
        #expect(mapping.sectionCodes["plan"]?.system == "urn:example:parts")
        #expect(mapping.sectionCodes["subjective"]?.code == "61150-9")
        var input = try NoteFHIRRendererTests.input()
        let note = try NoteWriter().note(transcript: NoteFHIRRendererTests.transcript, specialty: .generic)
        let written = NoteFHIRInput(note: note, codes: nil, noteID: input.noteID, date: input.date)
        (input.specialty, input.parts) = (written.specialty, written.parts)
        let composition = NoteFHIRRenderer(mapping: mapping).resources(input)[0]
        #expect(composition["status"] == "final")
        #expect(composition["type"]?["coding"]?.array?.first?["code"] == "34109-9")
        #expect(composition["section"]?.array?.last?["code"]?["coding"]?.array?.first?["code"] == "PLAN")
    }

    @Test(
        "A mapping file that cannot be used names the key at fault",
        arguments: [
            ("version: 2", "version"),
            ("composition: {status: final}", "version"),
            ("version: 1\ncomposition: {status: draft}", "composition.status"),
            ("version: 1\ncolour: blue", "colour"),
            ("version: 1\ndocumentType: {bySpecialty: {wizard: {code: a, display: b}}}", "documentType.bySpecialty.wizard"),
            ("version: 1\nsections: {summary: {code: a, display: b}}", "sections.summary"),
            ("version: 1\nsections: {plan: {code: 'a b', display: b}}", "sections.plan.code"),
            ("version: 1\nsections: {plan: {code: a}}", "sections.plan.display"),
            ("version: 1\nsections: {plan: {system: 'not a uri', code: a, display: b}}", "sections.plan.system"),
            ("version: 1\nsections: {plan: {code: a, display: b, colour: c}}", "sections.plan.colour"),
            ("- a list", ""),
            ("version: [", ""),
        ])
    func badMappings(yaml: String, key: String) {
        do {
            _ = try NoteFHIRMapping(yaml: yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.key == key, "\(error)")
        }
    }
}
