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
            Code(
                code: mapped.code, display: mapped.display, system: mapped.system == NoteFHIRRenderer.loinc ? "LN" : "L"
            )
        }
        let sections = note.parts.map { part in
            Section(
                key: part.key, title: part.title,
                code: mapping.sectionCodes[part.key].map(code)
                    ?? Code(code: part.key, display: part.title, system: "L"),
                lines: Self.lines(of: part.text))
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

    /// The non-empty lines of a note part's text, each without the spaces and tabs around it: what
    /// `text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }`
    /// gives, made from the bytes when the text is ASCII (line feed, vertical tab, form feed and carriage return end a
    /// line; space and tab are trimmed).
    static func lines(of text: String) -> [String] {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else {
            return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        var text = text
        return text.withUTF8 { Self.asciiLines($0) }
    }

    private static func asciiLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var lines: [String] = []
        var start = 0
        var index = 0
        func flush(_ end: Int) {
            var first = start
            var last = end
            while first < last, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
            while last > first, bytes[last - 1] == 0x20 || bytes[last - 1] == 0x09 { last -= 1 }
            if first < last {
                lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<last]), as: UTF8.self))
            }
        }
        while index < bytes.count {
            if (0x0A...0x0D).contains(bytes[index]) {
                flush(index)
                start = index + 1
            }
            index += 1
        }
        flush(bytes.count)
        return lines
    }
}
