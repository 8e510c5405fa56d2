import EncounterModel
import FHIR
import Foundation
import Mapping
import Testing

@Suite("A stored note as FHIR writes: identifiers, urn:uuid references, chosen resources")
struct NoteFHIRWritesTests {
    static var record: NoteRecord {
        var record = HL7NoteRendererTests.record
        record.procedures = [NoteRecord.Procedure(code: "99213", system: "CPT", label: "Office visit", rank: 1)]
        record.encounter.visit.start = "202611010930-0500"
        record.encounter.patient.birthDate = "19800214"
        return record
    }

    /// Every `reference` value in `value`.
    static func references(_ value: JSONValue) -> [String] {
        switch value {
        case .object(let members):
            return members.flatMap {
                $0.key == "reference" ? ($0.value.string.map { [$0] } ?? []) : references($0.value)
            }
        case .array(let items): return items.flatMap(references)
        default: return []
        }
    }

    @Test(
        "every resource is valid R4, has an identifier (Provenance excepted), and references only the others' urn:uuid")
    func allResources() throws {
        let input = NoteFHIRInput(record: Self.record)
        let writes = NoteFHIRRenderer().writes(input, selected: Set(NoteFHIRRenderer.selectableResourceTypes))
        #expect(
            writes.map(\.resourceType) == [
                "Patient", "Practitioner", "Encounter", "Device", "Condition", "Condition", "Composition",
                "DocumentReference",
                "ChargeItem", "Provenance",
            ])
        let urls = Set(writes.map(\.fullURL))
        #expect(urls.count == writes.count && urls.allSatisfy { $0.hasPrefix("urn:uuid:") && $0.count == 45 })
        for write in writes {
            #expect(FHIRValidator().validate(write.resource).isEmpty, "\(write.resourceType)")
            #expect((write.identifier == nil) == (write.resourceType == "Provenance"))
            for reference in Self.references(write.resource) {
                #expect(urls.contains(reference), "\(write.resourceType) → \(reference)")
            }
        }
        let patient = try #require(writes.first)
        #expect(patient.identifier?.system == "urn:notebridge:id:NORTH" && patient.identifier?.value == "MRN0001")
        #expect(patient.resource["birthDate"] == "1980-02-14")
        let encounter = try #require(writes.first { $0.resourceType == "Encounter" })
        #expect(encounter.resource["period"]?["start"] == "2026-11-01T09:30:00-05:00")
        #expect(
            encounter.matchQuery
                == "identifier=urn:notebridge:visit|V0001&patient.identifier=urn:notebridge:id:NORTH|MRN0001")
        #expect(patient.matchQuery == "identifier=urn:notebridge:id:NORTH|MRN0001")
        let composition = try #require(writes.first { $0.resourceType == "Composition" })
        #expect(composition.identifier?.value == Self.record.id)
        // The same note gives the same writes.
        #expect(NoteFHIRRenderer().writes(input, selected: Set(NoteFHIRRenderer.selectableResourceTypes)) == writes)
    }

    @Test("DocumentReference alone: what it references comes along, nothing else; no dangling reference")
    func documentReferenceOnly() throws {
        let writes = NoteFHIRRenderer().writes(NoteFHIRInput(record: Self.record), selected: ["DocumentReference"])
        #expect(writes.map(\.resourceType) == ["Patient", "Practitioner", "Encounter", "Device", "DocumentReference"])
        let urls = Set(writes.map(\.fullURL))
        for write in writes {
            for reference in Self.references(write.resource) { #expect(urls.contains(reference)) }
        }
    }

    @Test("without the Composition, the Provenance targets the DocumentReference only; without either, no Provenance")
    func provenanceTargets() throws {
        let renderer = NoteFHIRRenderer()
        let input = NoteFHIRInput(record: Self.record)
        let writes = renderer.writes(input, selected: ["DocumentReference", "Provenance", "Condition"])
        let provenance = try #require(writes.first { $0.resourceType == "Provenance" })
        #expect(provenance.resource["target"]?.array?.count == 1)
        #expect(
            !renderer.writes(input, selected: ["Condition", "Provenance"]).contains { $0.resourceType == "Provenance" })
    }

    @Test("identifier values are escaped for a query")
    func escaping() {
        #expect(NoteFHIRWrite.queryEscaped("urn:oid:1.2.3") == "urn:oid:1.2.3")
        #expect(NoteFHIRWrite.queryEscaped("A&B|C d#é") == "A%26B%7CC%20d%23%C3%A9")
    }
}
