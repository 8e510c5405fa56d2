import FHIR
import Foundation
import Testing

@Suite("FHIR base-specification validation")
struct FHIRValidatorTests {
    let validator = FHIRValidator()

    func json(_ text: String) throws -> JSONValue { try JSONReader().read(Array(text.utf8)) }

    @Test("The shared R4 examples are valid")
    func examplesAreValid() throws {
        for file in Examples.json where !file.lastPathComponent.hasPrefix("StructureDefinition") {
            let issues = validator.validate(try JSONReader().read(Array(try Data(contentsOf: file))))
            #expect(issues.isEmpty, "\(file.lastPathComponent): \(issues)")
        }
        let xml = Examples.root.appendingPathComponent("ips/IPS-bundle-01.xml")
        #expect(validator.validate(try FHIRXMLReader().read(Array(try Data(contentsOf: xml)))).isEmpty)
    }

    @Test("Each kind of error is found, with its expression and issue code", arguments: [
        (#"{"resourceType":"Composition","type":{"text":"x"},"date":"2026-11-29","author":[{"display":"a"}],"title":"t"}"#,
         "Composition.status", "required"),
        (#"{"resourceType":"Patient","birthDate":"30/03/1970"}"#, "Patient.birthDate", "value"),
        (#"{"resourceType":"Patient","birthDate":"1970-13-01"}"#, "Patient.birthDate", "value"),
        (#"{"resourceType":"Patient","active":"yes"}"#, "Patient.active", "value"),
        (#"{"resourceType":"Patient","name":{"family":"Doe"}}"#, "Patient.name", "structure"),
        (#"{"resourceType":"Patient","gender":["male"]}"#, "Patient.gender", "structure"),
        (#"{"resourceType":"Patient","shoeSize":9}"#, "Patient.shoeSize", "structure"),
        (#"{"resourceType":"Patient","deceasedBoolean":true,"deceasedDateTime":"2020"}"#, "Patient.deceased[x]", "structure"),
        (#"{"resourceType":"Patient","id":"has space"}"#, "Patient.id", "value"),
        (#"{"resourceType":"Patient","name":[{"given":["Ann",""]}]}"#, "Patient.name[0].given[1]", "value"),
        (#"{"resourceType":"Patient","multipleBirthInteger":1.5}"#, "Patient.multipleBirthInteger", "value"),
        (#"{"resourceType":"Provenance","target":[{"reference":"Composition/1"}],"recorded":"2026-11-29","agent":[{"who":{"display":"x"}}]}"#,
         "Provenance.recorded", "value"),
        (#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","gender":1}}]}"#,
         "Bundle.entry[0].resource.gender", "value"),
        (#"{"resourceType":"Patient","contained":[{"resourceType":"Alien"}]}"#, "Patient.contained[0]", "not-supported"),
        (#"{"resourceType":"Patient","_gender":{"extension":[{"valueString":"x"}]}}"#, "Patient._gender.extension[0].url", "required"),
        (#"{"name":"no type"}"#, "Resource", "required"),
    ])
    func errors(text: String, expression: String, code: String) throws {
        let issues = validator.validate(try json(text))
        #expect(issues.contains { $0.expression == expression && $0.code == code && $0.severity == .error }, "\(issues)")
    }

    @Test("Messages never quote the value")
    func noValues() throws {
        let issues = validator.validate(try json(#"{"resourceType":"Patient","birthDate":"SECRET-MARKER","id":"SECRET MARKER"}"#))
        #expect(issues.count == 2)
        #expect(!issues.contains { $0.message.contains("SECRET") || $0.expression.contains("SECRET") })
    }

    @Test("The OperationOutcome of the issues is itself a valid resource")
    func operationOutcome() throws {
        let issues = validator.validate(try json(#"{"resourceType":"Patient","active":"yes"}"#))
        let outcome = FHIRValidator.operationOutcome(issues)
        #expect(validator.validate(outcome).isEmpty)
        #expect(outcome["issue"]?.array?.first?["expression"] == .array([.string("Patient.active")]))
        #expect(validator.validate(FHIRValidator.operationOutcome([])).isEmpty)
        // And it writes as XML.
        #expect((try? FHIRXMLWriter().write(outcome)) != nil)
    }
}
