import FHIR
import Foundation
import Testing

@Suite("FHIR R4 definitions")
struct R4DefinitionsTests {
    let definitions = R4Definitions.r4

    @Test("The resources NoteBridge uses are there, with their elements in specification order")
    func resources() throws {
        for name in [
            "Patient", "Practitioner", "Organization", "Encounter", "DocumentReference", "Composition", "Condition",
            "ChargeItem", "Provenance", "AuditEvent", "Device", "Bundle", "Parameters", "OperationOutcome",
            "CapabilityStatement", "Binary",
        ] {
            let type = try #require(definitions.type(name), "\(name)")
            #expect(type.kind == .resource)
        }
        // 146 resources, and the abstract Resource, DomainResource and MetadataResource.
        #expect(definitions.types.values.filter { $0.kind == .resource }.count == 149)
        #expect(definitions.type("Address")?.element("line").map { $0.type == "string" && $0.isList } == true)
        let composition = try #require(definitions.type("Composition"))
        #expect(composition.elements.prefix(4).map(\.name) == ["id", "meta", "implicitRules", "language"])
        let section = try #require(composition.element("section"))
        #expect(section.type == "CompositionSection" && section.isList && !section.isRequired)
        #expect(composition.element("status")?.isRequired == true)
        #expect(composition.element("status")?.isPrimitive == true)
        let extensionURL = try #require(definitions.type("Extension")?.element("url"))
        #expect(extensionURL.isRequired && extensionURL.type == "uri")
        let value = try #require(definitions.type("Observation")?.element("valueQuantity"))
        #expect(value.choiceGroup == "value" && value.type == "Quantity")
        #expect(definitions.type("Narrative")?.element("div")?.type == "xhtml")
    }

    @Test("Every element's type is a primitive, Resource, or a defined type")
    func closed() {
        for type in definitions.types.values {
            for element in type.elements where !element.isPrimitive && element.type != "Resource" {
                #expect(definitions.type(element.type) != nil, "\(type.name).\(element.name): \(element.type)")
            }
        }
    }

    /// The unknown element paths of a resource: names the definitions do not list.
    func unknownElements(_ value: JSONValue, type: String, path: String) -> [String] {
        guard let members = value.members, let definition = definitions.type(type) else { return [] }
        var unknown: [String] = []
        for member in members where member.key != "resourceType" {
            let name = member.key.hasPrefix("_") ? String(member.key.dropFirst()) : member.key
            guard let element = definition.element(name) else {
                unknown.append("\(path).\(member.key)")
                continue
            }
            let items = member.value.array ?? [member.value]
            for item in items {
                if element.type == "Resource" {
                    if let inner = item["resourceType"]?.string {
                        unknown += unknownElements(item, type: inner, path: "\(path).\(name)")
                    }
                } else if !element.isPrimitive {
                    unknown += unknownElements(item, type: element.type, path: "\(path).\(name)")
                }
            }
        }
        return unknown
    }

    @Test("Every element of the shared R4 examples is defined (resources nested in Bundles too)")
    func examplesAreKnown() throws {
        let reader = JSONReader()
        var checked = 0
        for file in Examples.json where !file.lastPathComponent.hasPrefix("StructureDefinition") {
            let value = try reader.read(Array(try Data(contentsOf: file)))
            let type = try #require(value["resourceType"]?.string)
            var unknown = unknownElements(value, type: type, path: type)
            // Bundle entries hold resources.
            for entry in value["entry"]?.array ?? [] {
                if let resource = entry["resource"], let inner = resource["resourceType"]?.string {
                    unknown += unknownElements(resource, type: inner, path: inner)
                }
            }
            #expect(unknown.isEmpty, "\(file.lastPathComponent): \(unknown)")
            checked += 1
        }
        #expect(checked >= 8)
    }
}
