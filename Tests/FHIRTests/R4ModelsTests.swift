import FHIR
import Foundation
import Testing

@Suite("FHIR R4 typed models")
struct R4ModelsTests {
    static let modelled: Set<String> = [
        "Patient", "Practitioner", "Organization", "Encounter", "DocumentReference", "Composition", "Condition",
        "ChargeItem", "Provenance", "AuditEvent", "Device", "Bundle", "Parameters", "OperationOutcome",
        "CapabilityStatement", "Binary",
    ]

    func json(_ text: String) throws -> JSONValue { try JSONReader().read(Array(text.utf8)) }

    func example(_ path: String) throws -> JSONValue {
        try JSONReader().read(Array(try Data(contentsOf: Examples.root.appendingPathComponent(path))))
    }

    func text(_ value: JSONValue) -> String { String(decoding: JSONWriter.write(value), as: UTF8.self) }

    /// The member names of an object, in order.
    func keys(_ value: JSONValue) -> [String] { value.members?.map(\.key) ?? [] }

    @Test("Every shared example of a modelled type (and every modelled resource in a Bundle) wraps unchanged")
    func examplesWrap() throws {
        var wrapped = 0
        for file in Examples.json {
            let value = try JSONReader().read(Array(try Data(contentsOf: file)))
            guard let kind = value.resourceType, Self.modelled.contains(kind) else { continue }
            var resources = [value]
            if kind == "Bundle" {
                let bundle = try R4.Bundle(resource: value)
                resources += bundle.entry.compactMap(\.resource).filter {
                    $0.resourceType.map(Self.modelled.contains) ?? false
                }
            }
            for resource in resources {
                let modelType = try #require(R4.modelType(forResourceType: resource.resourceType ?? ""))
                let model = try modelType.init(resource: resource)
                #expect(type(of: model).resourceType == resource.resourceType)
                #expect(JSONWriter.write(model.json) == JSONWriter.write(resource), "\(file.lastPathComponent)")
                wrapped += 1
            }
        }
        #expect(wrapped >= 17)
        #expect(R4.modelType(forResourceType: "Observation") == nil)
    }

    @Test("DocumentReference: the R4 specification example")
    func documentReference() throws {
        let document = try R4.DocumentReference(resource: try example("r4-spec/documentreference-example.json"))
        #expect(document.id == "example")
        #expect(document.status == "current")
        #expect(document.docStatus == "preliminary")
        #expect(document.masterIdentifier?.value == "urn:oid:1.3.6.1.4.1.21367.2005.3.7")
        #expect(document.type?.coding.first?.code == "34108-1")
        #expect(document.type?.coding.first?.system == "http://loinc.org")
        #expect(document.category.first?.coding.first?.display == "History and Physical")
        #expect(document.subject?.reference == "Patient/xcda")
        #expect(document.date == "2005-12-24T09:43:41+11:00")
        #expect(document.author.map(\.reference) == ["Practitioner/xcda1", "#a2"])
        #expect(document.relatesTo.first?.code == "appends")
        #expect(document.relatesTo.first?.target?.reference == "DocumentReference/example")
        #expect(document.securityLabel.first?.coding.first?.code == "V")
        #expect(document.content.count == 1)
        let attachment = document.content.first?.attachment
        #expect(attachment?.contentType == "application/hl7-v3+xml")
        #expect(attachment?.language == "en-US")
        #expect(attachment?.size == 3654)
        #expect(attachment?.hash == "2jmj7l5rSw0yVb/vlWAYkK/YBwk=")
        #expect(attachment?.creation == "2005-12-24T09:35:00+11:00")
        #expect(document.content.first?.format?.code == "urn:ihe:pcc:handp:2008")
        #expect(document.context?.encounter.first?.reference == "Encounter/xcda")
        #expect(document.context?.period?.start == "2004-12-23T08:00:00+11:00")
        #expect(document.context?.facilityType?.coding.first?.code == "Outpatient")
        #expect(document.text?.status == "generated")
        // A contained resource is JSON; a model reads it.
        #expect(document.contained.count == 1)
        let author = try R4.Practitioner(resource: document.contained[0])
        #expect(author.id == "a2")
        #expect(author.name.first?.family == "Smitty")
        #expect(author.name.first?.given == ["Gerald"])
    }

    @Test("DocumentReference and Encounter: US Core examples")
    func usCore() throws {
        let summary = try R4.DocumentReference(resource: try example("us-core/documentreference-episode-summary.json"))
        #expect(summary.subject?.display == "Amy Shaw")
        #expect(summary.category.first?.coding.first?.code == "clinical-note")
        #expect(summary.content.first?.attachment?.contentType == "application/xml")
        #expect(summary.content.first?.format?.code == "urn:hl7-org:sdwg:ccda-structuredBody:2.1")
        #expect(summary.meta?.profile.isEmpty == false)

        let discharge = try R4.DocumentReference(
            resource: try example("us-core/documentreference-discharge-summary.json"))
        #expect(discharge.type?.coding.first?.code == "18842-5")
        #expect(discharge.content.first?.attachment?.contentType == "text/plain")
        #expect(discharge.context?.encounter.count == 1)

        let visit = try R4.Encounter(resource: try example("us-core/encounter-example-1.json"))
        #expect(visit.status == "finished")
        #expect(visit.class?.code == "AMB")
        #expect(visit.type.first?.text == "Office Visit")
        #expect(visit.type.first?.coding.first?.code == "99211")
        #expect(visit.period?.start == "2015-11-01T17:00:14-05:00")
        #expect(visit.period?.end == "2015-11-01T18:00:14-05:00")
        #expect(visit.subject?.reference == "Patient/example")
        #expect(visit.meta?.lastUpdated == "2024-01-28T16:06:21-08:00")
        #expect(visit.extension.isEmpty == false)

        let inpatient = try R4.Encounter(resource: try example("us-core/encounter-1036.json"))
        #expect(inpatient.status == "in-progress")
        #expect(inpatient.class?.code == "IMP")
        #expect(inpatient.type.first?.coding.first?.version == "http://snomed.info/sct/731000124108")
        #expect(inpatient.meta?.profile == ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-encounter|8.0.0"])
    }

    @Test("Bundle and Composition: the IPS minimal document")
    func ipsDocument() throws {
        let bundle = try R4.Bundle(resource: try example("ips/bundle-minimal.json"))
        #expect(bundle.type == "document")
        #expect(bundle.timestamp == "2020-12-11T14:30:00+01:00")
        #expect(bundle.identifier?.value == "28b95815-76ce-457b-b7ae-a972e527db40")
        #expect(bundle.entry.count == 8)
        #expect(
            bundle.entry.map { $0.resource?.resourceType ?? "" } == [
                "Composition", "Patient", "Practitioner", "Organization", "Condition", "MedicationStatement",
                "Medication", "AllergyIntolerance",
            ])
        #expect(bundle.entry.first?.fullUrl == "urn:uuid:6e1fb74a-742b-4c7b-8487-171dacb88766")

        let composition = try R4.Composition(resource: bundle.entry[0].resource ?? .null)
        #expect(composition.status == "final")
        #expect(composition.title == "Patient Summary as of December 11, 2020 14:30")
        #expect(composition.type?.coding.first?.code == "60591-5")
        #expect(
            composition.section.map { $0.title ?? "" } == [
                "Active Problems", "Medication", "Allergies and Intolerances",
            ])
        #expect(composition.section.first?.entry.isEmpty == false)

        let patient = try R4.Patient(resource: bundle.entry[1].resource ?? .null)
        #expect(patient.name.first?.family == "DeLarosa")
        #expect(patient.name.first?.given == ["Martha"])
        #expect(patient.gender == "female")
        #expect(patient.birthDate == "1972-05-01")
        #expect(patient.identifier.first?.value == "574687583")

        let organization = try R4.Organization(resource: bundle.entry[3].resource ?? .null)
        #expect(organization.name == "Anorg Aniza Tion BV / The best custodian ever")

        // A primitive extension on a Coding's display (a translation with nested extensions).
        let condition = try R4.Condition(resource: bundle.entry[4].resource ?? .null)
        #expect(condition.clinicalStatus?.coding.first?.code == "active")
        let snomed = condition.code?.coding.first
        #expect(snomed?.display == "Menopausal flushing (finding)")
        let translation = snomed?.displayElement?.extension.first
        #expect(translation?.url == "http://hl7.org/fhir/StructureDefinition/translation")
        #expect(translation?.extension.map(\.url) == ["lang", "content"])
        #expect(translation?.extension.first?.valueCode == "nl-NL")
        #expect(translation?.extension.last?.valueString == "opvliegers")

        let alone = try R4.Composition(resource: try example("ips/composition-minimal.json"))
        #expect(alone.subject?.reference == "Patient/eumfh-39-07")
        #expect(alone.author.first?.reference == "Practitioner/eumfh-39-07")
        #expect(alone.date == "2020-12-11T14:30:00+01:00")
    }

    @Test("Bundle and Composition: the R4 discharge summary document")
    func dischargeSummary() throws {
        let bundle = try R4.Bundle(resource: try example("r4-spec/document-example-dischargesummary.nosigdata.json"))
        #expect(bundle.type == "document")
        #expect(bundle.identifier?.value == "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0")
        #expect(bundle.entry.count == 8)
        let composition = try R4.Composition(resource: bundle.entry[0].resource ?? .null)
        #expect(composition.title == "Discharge Summary")
        #expect(composition.type?.coding.first?.code == "28655-9")
        #expect(
            composition.section.map { $0.title ?? "" } == [
                "Reason for admission", "Medications on Discharge", "Known allergies",
            ])
        #expect(composition.section.first?.text?.status == "additional")
        let doctor = try R4.Practitioner(resource: bundle.entry[1].resource ?? .null)
        #expect(doctor.name.first?.prefix == ["Dr"])
        #expect(doctor.name.first?.given == ["Adam"])
        let patient = try R4.Patient(resource: bundle.entry[2].resource ?? .null)
        #expect(patient.name.first?.text == "Eve Everywoman")
        #expect(patient.birthDate == "1955-01-06")
    }

    static let edited = """
        {"resourceType":"DocumentReference","id":"d1",\
        "contained":[{"resourceType":"Practitioner","id":"a2","name":[{"family":"Smitty","given":["Gerald",null],\
        "_given":[null,{"extension":[{"url":"http://example.org/initial","valueString":"Q"}]}]}]}],\
        "modifierExtension":[{"url":"http://example.org/mod","valueBoolean":true}],\
        "extension":[{"url":"http://example.org/outer","extension":[{"url":"inner","valueString":"x"},\
        {"url":"amount","valueDecimal":1.50}]}],\
        "vendorThing":{"n":1e3,"list":[1.0,null]},\
        "status":"current","_status":{"id":"s1","extension":[{"url":"http://example.org/why","valueString":"b"}]},\
        "type":{"coding":[{"system":"http://loinc.org","code":"34108-1"}]},\
        "subject":{"reference":"Patient/x"},\
        "content":[{"attachment":{"contentType":"text/plain","size":12}}]}
        """

    @Test("Edits through the model keep everything else byte for byte; new members land in specification order")
    func editsKeepTheRest() throws {
        let original = try json(Self.edited)
        var document = try R4.DocumentReference(resource: original)
        #expect(document.modifierExtension.first?.valueBoolean == true)
        #expect(document.extension.first?.extension.last?.valueDecimal?.text == "1.50")
        #expect(document.statusElement?.id == "s1")
        #expect(document.statusElement?.extension.first?.valueString == "b")

        document.status = "superseded"  // replaced in place; `_status` stays
        document.docStatus = "final"  // new: after status and _status
        document.description = "Progress note"  // new: between subject and content
        document.category.append(R4.CodeableConcept(json: .make(["text": "clinical-note"])))  // new list
        var attachment = document.content[0].attachment ?? R4.Attachment()
        attachment.title = "Note"  // new: after size
        attachment.size = 13  // replaced
        document.content[0].attachment = attachment
        var second = R4.DocumentReferenceContent()
        second.attachment = R4.Attachment(json: .make(["contentType": "text/html"]))
        document.content.append(second)
        document.subject = nil  // removed

        var author = try R4.Practitioner(resource: document.contained[0])
        #expect(author.name[0].given == ["Gerald"])
        #expect(author.name[0].givenElement.count == 2)
        #expect(author.name[0].givenElement[1]?.extension.first?.valueString == "Q")
        author.name[0].given.append("R")  // the null slot with its extension stays
        author.name[0].prefix = ["Dr"]  // new: after given and _given
        document.contained[0] = author.json

        let expected = """
            {"resourceType":"DocumentReference","id":"d1",\
            "contained":[{"resourceType":"Practitioner","id":"a2","name":[{"family":"Smitty",\
            "given":["Gerald",null,"R"],\
            "_given":[null,{"extension":[{"url":"http://example.org/initial","valueString":"Q"}]},null],\
            "prefix":["Dr"]}]}],\
            "modifierExtension":[{"url":"http://example.org/mod","valueBoolean":true}],\
            "extension":[{"url":"http://example.org/outer","extension":[{"url":"inner","valueString":"x"},\
            {"url":"amount","valueDecimal":1.50}]}],\
            "vendorThing":{"n":1e3,"list":[1.0,null]},\
            "status":"superseded",\
            "_status":{"id":"s1","extension":[{"url":"http://example.org/why","valueString":"b"}]},\
            "docStatus":"final",\
            "type":{"coding":[{"system":"http://loinc.org","code":"34108-1"}]},\
            "category":[{"text":"clinical-note"}],\
            "description":"Progress note",\
            "content":[{"attachment":{"contentType":"text/plain","size":13,"title":"Note"}},\
            {"attachment":{"contentType":"text/html"}}]}
            """
        #expect(text(document.json) == expected)

        // Removing the value of a primitive keeps its extensions; removing a list's values keeps null slots.
        document.status = nil
        #expect(document.json["status"] == nil)
        #expect(document.statusElement?.id == "s1")
        author.name[0].given = []
        #expect(text(author.name[0].json["given"] ?? .null) == "[null]")
        #expect(author.name[0].givenElement.count == 1)
        author.name[0].givenElement = []
        author.name[0].given = []
        #expect(keys(author.name[0].json) == ["family", "prefix"])
        document.content = []
        #expect(!keys(document.json).contains("content"))
    }

    @Test("A resource built through the model has its members in specification order")
    func builtInOrder() throws {
        var patient = R4.Patient()
        patient.birthDate = "1970-01-01"
        patient.gender = "female"
        var name = R4.HumanName()
        name.given = ["Jane", "Q"]
        name.family = "Doe"
        name.use = "official"
        patient.name = [name]
        patient.active = true
        patient.identifier = [R4.Identifier(json: .make(["value": "12345", "system": "urn:oid:1.2.3"]))]
        patient.id = "p1"
        patient.meta = R4.Meta(json: .make(["versionId": "1"]))
        var outer = R4.Extension()
        outer.url = "http://example.org/outer"
        var inner = R4.Extension()
        inner.valueDecimal = FHIRDecimal("1.50")
        inner.url = "inner"
        outer.extension = [inner]
        patient.extension = [outer]
        #expect(
            keys(patient.json) == [
                "resourceType", "id", "meta", "extension", "identifier", "active", "name", "gender", "birthDate",
            ])
        #expect(keys(patient.name[0].json) == ["use", "family", "given"])
        #expect(keys(patient.extension[0].extension[0].json) == ["url", "valueDecimal"])
        #expect(text(patient.extension[0].extension[0].json) == #"{"url":"inner","valueDecimal":1.50}"#)
        // Unknown members keep their place; a new one follows the element before it.
        var odd = try R4.Patient(resource: try json(#"{"resourceType":"Patient","zzz":1,"gender":"male","aaa":2}"#))
        odd.active = false
        odd.birthDate = "2000-02-02"
        #expect(keys(odd.json) == ["resourceType", "active", "zzz", "gender", "birthDate", "aaa"])
        #expect(R4.Binary().json == .object([JSONMember("resourceType", "Binary")]))
    }

    @Test("Model to JSON text and back is the same model; model to XML and back too")
    func throughWriters() throws {
        var patient = R4.Patient()
        patient.id = "p1"
        var name = R4.HumanName()
        name.family = "Doe"
        name.given = ["Jane", "Q"]
        name.givenElement = [nil, R4.Element(json: .make(["id": "g2"]))]
        patient.name = [name]
        patient.gender = "female"
        var why = R4.Element()
        why.extension = [R4.Extension(json: .make(["url": "http://example.org/why", "valueString": "stated"]))]
        patient.genderElement = why
        patient.multipleBirthInteger = 2
        var contact = R4.ContactPoint()
        contact.system = "phone"
        contact.rank = 1
        patient.telecom = [contact]
        var outer = R4.Extension()
        outer.url = "http://example.org/outer"
        outer.extension = [R4.Extension(json: .make(["url": "amount", "valueDecimal": .number("1.50")]))]
        patient.extension = [outer]

        #expect(FHIRValidator().validate(patient.json).isEmpty)
        let text = JSONWriter.write(patient.json)
        let back = try R4.Patient(resource: try JSONReader().read(text))
        #expect(back == patient)
        #expect(back.multipleBirthInteger == 2)
        #expect(back.telecom.first?.rank == 1)
        #expect(back.name.first?.givenElement.last??.id == "g2")

        let xml = try FHIRXMLWriter().write(patient.json)
        let fromXML = try R4.Patient(resource: try FHIRXMLReader().read(xml))
        #expect(fromXML == patient, "\(FHIRXMLTests.difference(fromXML.json, patient.json) ?? "")")
        #expect(fromXML.extension.first?.extension.first?.valueDecimal?.text == "1.50")
    }

    @Test("init(resource:) refuses another resourceType, no resourceType, and non-objects")
    func refusesOtherJSON() throws {
        let cases: [(JSONValue, String)] = [
            (try json(#"{"resourceType":"Encounter","id":"e1"}"#), "found Encounter"),
            (try json(#"{"resourceType":"Secret Name"}"#), "found an unknown resource type"),
            (try json(#"{"id":"p1"}"#), "found none"),
            (try json(#"["Patient"]"#), "found array"),
            (.string("Patient"), "found string"),
        ]
        for (value, reason) in cases {
            let error = #expect(throws: FHIRParseError.self) { try R4.Patient(resource: value) }
            #expect(error?.code == .wrongResourceType)
            #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "")")
            #expect(error?.reason.contains("Secret") == false)
        }
    }

    @Test("Decimals keep their text; integers and booleans read JSON numbers and booleans only")
    func primitives() throws {
        var quantity = R4.Quantity(json: try json(#"{"value":1.50,"unit":"mg"}"#))
        #expect(quantity.value?.text == "1.50")
        #expect(quantity.value?.doubleValue == 1.5)
        quantity.value = FHIRDecimal("-0.250e2")
        #expect(text(quantity.json) == #"{"value":-0.250e2,"unit":"mg"}"#)
        quantity.value = 3
        #expect(text(quantity.json) == #"{"value":3,"unit":"mg"}"#)
        for bad in ["", "01", "1.", ".5", "1e", "+1", "1.5x", "NaN"] {
            #expect(FHIRDecimal(bad) == nil, "\(bad)")
        }
        let attachment = R4.Attachment(json: try json(#"{"size":"12","title":true}"#))
        #expect(attachment.size == nil)
        #expect(attachment.title == nil)
        let entry = R4.BundleEntryRequest(json: try json(#"{"method":"POST","url":"Patient"}"#))
        #expect(entry.method == "POST")
    }
}
