import Coding
import EncounterModel
import Foundation
import Scribe
import Terminology

extension NoteRecord {
    /// The record of a note written for `encounter`: its parts as lines, the LOINC document and section codes of
    /// `mapping`, and the billing codes in rank order.
    public init(
        id: String, createdAt: Date, encounter: Encounter, note: Note, codes: BillingCodes?,
        mapping: NoteFHIRMapping = NoteFHIRMapping()
    ) {
        func code(_ mapped: NoteFHIRMapping.Code) -> Code {
            Code(code: mapped.code, display: mapped.display, system: mapped.system == NoteFHIRRenderer.loinc ? "LN" : "L")
        }
        let sections = note.parts.map { part in
            Section(
                key: part.key, title: part.title,
                code: mapping.sectionCodes[part.key].map(code) ?? Code(code: part.key, display: part.title, system: "L"),
                lines: part.text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty })
        }
        let diagnoses = (codes?.icd10 ?? []).sorted { $0.rank < $1.rank }.map {
            Diagnosis(code: $0.code, description: $0.description, rank: $0.rank)
        }
        let procedures = ((codes?.cpt ?? []) + (codes?.hcpcs ?? [])).sorted { $0.rank < $1.rank }.map {
            Procedure(
                code: $0.code, system: $0.system.rawValue, label: $0.label, modifiers: $0.modifiers, units: $0.units,
                rank: $0.rank)
        }
        self.init(
            id: id, createdAt: createdAt, encounter: encounter,
            documentType: code(mapping.documentType(for: note.specialty)), sections: sections, diagnoses: diagnoses,
            procedures: procedures)
    }
}
