import FHIR
import Foundation
import Testing

@Suite("FHIR profile validation")
struct FHIRProfileValidatorTests {
    static let usCore = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"
    static let soapNote = "http://notebridge.dev/fhir/StructureDefinition/notebridge-soap-note"

    func json(_ text: String) throws -> JSONValue { try JSONReader().read(Array(text.utf8)) }

    /// A DocumentReference that meets US Core, with `changes` applied to its members.
    func documentReference(_ changes: [String: JSONValue?] = [:]) -> JSONValue {
        var members: [JSONMember] = [
            JSONMember("resourceType", "DocumentReference"),
            JSONMember("meta", .make(["profile": [.string(Self.usCore)]])),
            JSONMember("status", "current"),
            JSONMember("type", .make(["coding": [.make(["system": "http://loinc.org", "code": "11506-3"])]])),
            JSONMember(
                "category",
                [
                    .make([
                        "coding": [
                            .make([
                                "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                                "code": "clinical-note",
                            ])
                        ]
                    ])
                ]),
            JSONMember("subject", .make(["reference": "Patient/p1"])),
            JSONMember("content", [.make(["attachment": .make(["contentType": "text/plain", "data": "aGk="])])]),
        ]
        for (key, value) in changes {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let value { members[index].value = value } else { members.remove(at: index) }
            } else if let value {
                members.append(JSONMember(key, value))
            }
        }
        return .object(members)
    }

    /// A Composition that meets the NoteBridge SOAP note profile.
    func composition(section: JSONValue? = nil, extra: [JSONMember] = []) -> JSONValue {
        let defaultSection: JSONValue = .make([
            "title": "Subjective",
            "code": .make(["coding": [.make(["system": "http://loinc.org", "code": "61150-9"])]]),
            "text": .make(["status": "generated", "div": #"<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div>"#]),
        ])
        return .object(
            [
                JSONMember("resourceType", "Composition"),
                JSONMember(
                    "meta",
                    .make([
                        "profile": [.string(Self.soapNote)],
                        "security": [.make(["system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "AIAST"])],
                    ])),
                JSONMember("identifier", .make(["system": "urn:notebridge:note", "value": "note_1"])),
                JSONMember("status", "preliminary"),
                JSONMember("type", .make(["coding": [.make(["system": "http://loinc.org", "code": "11506-3"])]])),
                JSONMember("date", "2026-11-29"),
                JSONMember("author", [.make(["reference": "Device/nb"])]),
                JSONMember("title", "SOAP note"),
                JSONMember("section", [section ?? defaultSection]),
            ] + extra)
    }

    @Test("The built-in profiles and value sets load")
    func bundled() {
        let validator = FHIRProfileValidator.bundled
        #expect(Set(validator.profiles.keys) == [Self.usCore, Self.soapNote])
        #expect(validator.profiles[Self.usCore]?.type == "DocumentReference")
        #expect(validator.validate(documentReference()).isEmpty)
        #expect(validator.validate(composition()).isEmpty)
    }

    @Test("US Core's own DocumentReference examples meet the profile, declared or enforced")
    func usCoreExamples() throws {
        var validator = FHIRProfileValidator.bundled
        validator.enforced = [Self.usCore]
        var checked = 0
        for file in Examples.json where file.lastPathComponent.hasPrefix("documentreference") {
            let resource = try JSONReader().read(Array(try Data(contentsOf: file)))
            #expect(validator.applicable(to: resource).contains(Self.usCore))
            #expect(validator.validate(resource).isEmpty, "\(file.lastPathComponent): \(validator.validate(resource))")
            checked += 1
        }
        #expect(checked >= 2)
    }

    @Test(
        "Each profile rule finds its error, with expression and issue code",
        arguments: [
            (["subject": nil], "DocumentReference.subject", "required"),
            (["status": "draft"], "DocumentReference.status", "code-invalid"),
            (["type": nil], "DocumentReference.type", "required"),
            (["category": nil], "DocumentReference.category", "required"),
            (["subject": .make(["reference": "Group/g1"])], "DocumentReference.subject.reference", "value"),
            (
                ["content": [.make(["attachment": .make(["contentType": "text/plain"])])]],
                "DocumentReference.content[0].attachment", "invariant"
            ),
            (
                ["context": .make(["encounter": [.make(["reference": "Encounter/1"]), .make(["reference": "Encounter/2"])]])],
                "DocumentReference.context.encounter", "structure"
            ),
        ] as [([String: JSONValue?], String, String)])
    func documentReferenceRules(changes: [String: JSONValue?], expression: String, code: String) {
        let issues = FHIRProfileValidator.bundled.validate(documentReference(changes))
        #expect(issues.count == 1, "\(issues)")
        #expect(issues.first?.expression == expression, "\(issues)")
        #expect(issues.first?.code == code, "\(issues)")
        #expect(issues.first?.message.contains("us-core-documentreference") == true)
    }

    @Test("The SOAP note profile: pattern, fixed, binding, cardinality and reference rules")
    func compositionRules() throws {
        let validator = FHIRProfileValidator.bundled
        func only(_ resource: JSONValue) -> (String?, String?) {
            let issues = validator.validate(resource)
            return (issues.first?.expression, issues.count == 1 ? issues.first?.code : "\(issues.count) issues: \(issues)")
        }
        let text: JSONValue = .make(["status": "generated", "div": #"<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div>"#])
        let loinc = { (code: String) -> JSONValue in .make(["coding": [.make(["system": "http://loinc.org", "code": .string(code)])]]) }
        #expect(only(composition(section: .make(["title": "S", "text": text]))) == ("Composition.section[0].code", "required"))
        #expect(
            only(composition(section: .make(["title": "S", "code": loinc("10164-2"), "text": text])))
                == ("Composition.section[0].code", "code-invalid"))
        #expect(
            only(
                composition(section: .make([
                    "title": "S", "code": loinc("61150-9"),
                    "text": .make(["status": "additional", "div": #"<div xmlns="http://www.w3.org/1999/xhtml">x</div>"#]),
                ]))) == ("Composition.section[0].text.status", "value"))
        #expect(
            only(
                composition(section: .make([
                    "title": "S", "code": loinc("61150-9"), "text": text,
                    "entry": [.make(["reference": "Observation/o1"])],
                ]))) == ("Composition.section[0].entry[0].reference", "value"))
        #expect(
            only(
                composition(section: .make([
                    "title": "S", "code": loinc("61150-9"), "text": text,
                    "section": [.make(["title": "inner", "text": text])],
                ]))) == ("Composition.section[0].section", "structure"))
        // A type from another code system misses the LOINC pattern.
        var other = composition()
        if case .object(var members) = other, let index = members.firstIndex(where: { $0.key == "type" }) {
            members[index].value = .make(["coding": [.make(["system": "http://snomed.info/sct", "code": "371532007"])]])
            other = .object(members)
        }
        #expect(only(other) == ("Composition.type", "value"))
        // The AI label is required.
        let unlabeled = try json(
            #"{"resourceType":"Composition","meta":{"profile":["\#(Self.soapNote)"]},"identifier":{"system":"urn:notebridge:note","value":"n"},"status":"final","type":{"coding":[{"system":"http://loinc.org","code":"11506-3"}]},"date":"2026","author":[{"display":"x"}],"title":"t","section":[{"title":"S","code":{"coding":[{"system":"http://loinc.org","code":"61150-9"}]},"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"}}]}"#)
        #expect(only(unlabeled) == ("Composition.meta.security", "required"))
    }

    @Test("Bundled resources are checked with references resolved by fullUrl; unknown profiles are warnings")
    func bundles() throws {
        var reference = documentReference(["subject": .make(["reference": "urn:uuid:group-1"])])
        let bundle: JSONValue = .make([
            "resourceType": "Bundle", "type": "collection",
            "entry": [
                .make(["fullUrl": "urn:uuid:group-1", "resource": .make(["resourceType": "Group", "type": "person", "actual": true])]),
                .make(["fullUrl": "urn:uuid:doc-1", "resource": reference]),
            ],
        ])
        let issues = FHIRProfileValidator.bundled.validate(bundle)
        #expect(issues.map(\.expression) == ["Bundle.entry[1].resource.subject.reference"], "\(issues)")
        reference = documentReference(["meta": .make(["profile": ["http://example.org/StructureDefinition/other"]])])
        let unknown = FHIRProfileValidator.bundled.validate(reference)
        #expect(unknown.map(\.severity) == [.warning] && unknown.first?.code == "not-supported")
    }

    @Test("Literal references: type and id, versions dropped, contained and urn references not literal")
    func references() {
        #expect(FHIRReference.parse("Patient/p-1")! == ("Patient", "p-1"))
        #expect(FHIRReference.parse("https://ehr.example.org/fhir/Encounter/e.1/_history/3")! == ("Encounter", "e.1"))
        #expect(FHIRReference.parse("p-1")! == (nil, "p-1"))
        for text in ["#p1", "urn:uuid:4f1c2a8e-0000-4000-8000-000000000001", "Nope/1", "Patient/a b", "Patient/", ""] {
            #expect(FHIRReference.parse(text) == nil, "\(text)")
        }
        #expect(FHIRReference.isID(String(repeating: "a", count: 64)) && !FHIRReference.isID(String(repeating: "a", count: 65)))
    }

    @Test("Conformance resources that cannot be used are refused")
    func badProfiles() throws {
        #expect(throws: FHIRParseError.self) { try FHIRProfileValidator(resources: [try json(#"{"resourceType":"Patient","url":"x"}"#)]) }
        #expect(throws: FHIRParseError.self) {
            try FHIRProfileValidator(resources: [try json(#"{"resourceType":"StructureDefinition","url":"x","type":"Patient","derivation":"specialization"}"#)])
        }
        #expect(throws: FHIRParseError.self) {
            try FHIRProfileValidator(resources: [
                try json(
                    #"{"resourceType":"StructureDefinition","url":"x","type":"Patient","derivation":"constraint","differential":{"element":[{"id":"Observation.code","path":"Observation.code"}]}}"#)
            ])
        }
    }
}
