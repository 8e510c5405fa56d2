import EncounterModel
import Foundation
import Scribe
import Yams

/// An `mappings/hl7-in/*.yaml` file: where each field of an `Encounter` comes from in an inbound HL7 v2 message
/// (the transcript's sources, the patient, the visit, the clinicians, the specialty table and its key, the note's
/// template). What the file leaves out keeps the built-in default, which `mappings/hl7-in/default.yaml` spells out.
public enum HL7InboundMapping {
    static let rootKeys: Set<String> = ["version", "transcript", "patient", "visit", "clinicians", "specialty", "note"]

    /// Reads a mapping file's text into a reader configuration; `file` names it in errors.
    public static func configuration(yaml: String, file: String) throws(MappingFileError) -> HL7EncounterReader.Configuration {
        var configuration = HL7EncounterReader.Configuration()
        let document = MappingDocument(file: file)
        let root = try document.root(yaml)
        try document.allow(root, rootKeys)
        try document.requireVersion(root)

        func field(_ node: Node, _ key: String, _ line: Int?) throws(MappingFileError) -> HL7EncounterReader.FieldReference {
            let text = try document.string(node, key: key, line: line)
            guard let reference = HL7EncounterReader.FieldReference(text) else {
                throw document.error(key, line: line, "must name a segment field such as PID-3 or ZTX-1")
            }
            return reference
        }

        if let transcript = root.value("transcript") {
            let table = try document.table(
                transcript.node, key: "transcript",
                allowed: ["sources", "observationValueTypes", "minimumWords", "maximumCharacters"])
            for entry in table.entries {
                let key = table.path(entry.name)
                switch entry.name {
                case "sources":
                    var sources: [HL7EncounterReader.TranscriptSource] = []
                    for name in try document.strings(entry.value, key: key, line: entry.line) {
                        switch name {
                        case "observations": sources.append(.observations)
                        case "notes": sources.append(.notes)
                        default:
                            guard let reference = HL7EncounterReader.FieldReference(name), reference.segment.hasPrefix("Z") else {
                                throw document.error(
                                    key, line: entry.line,
                                    "each source must be observations, notes or a Z-segment field such as ZTX-3")
                            }
                            sources.append(.segment(reference))
                        }
                    }
                    guard !sources.isEmpty, Set(sources).count == sources.count else {
                        throw document.error(key, line: entry.line, "must list at least one source, each once")
                    }
                    configuration.transcriptSources = sources
                case "observationValueTypes":
                    let types = try document.strings(entry.value, key: key, line: entry.line).map { $0.uppercased() }
                    // ED (encapsulated data) is read as a Base64 recording to transcribe, never as text.
                    guard !types.isEmpty, types.allSatisfy({ ["TX", "FT", "ST", "CE", "CWE", "ED"].contains($0) })
                    else {
                        throw document.error(
                            key, line: entry.line,
                            "must list value types among TX, FT, ST, CE, CWE (text) and ED (a Base64 audio recording)")
                    }
                    configuration.observationValueTypes = Set(types)
                case "minimumWords":
                    configuration.minimumTranscriptWords = try document.integer(entry.value, key: key, line: entry.line, 1...10_000)
                default:
                    configuration.maximumTranscriptCharacters = try document.integer(
                        entry.value, key: key, line: entry.line, 1_000...2_000_000)
                }
            }
        }
        if let patient = root.value("patient") {
            let table = try document.table(
                patient.node, key: "patient", allowed: ["identifiers", "name", "birthDate", "sex"])
            for entry in table.entries {
                let reference = try field(entry.value, table.path(entry.name), entry.line)
                switch entry.name {
                case "identifiers": configuration.patientIdentifiers = reference
                case "name": configuration.patientName = reference
                case "birthDate": configuration.birthDate = reference
                default: configuration.sex = reference
                }
            }
        }
        if let visit = root.value("visit") {
            let table = try document.table(
                visit.node, key: "visit",
                allowed: ["number", "patientClass", "location", "hospitalService", "start", "end"])
            for entry in table.entries {
                let reference = try field(entry.value, table.path(entry.name), entry.line)
                switch entry.name {
                case "number": configuration.visitNumber = reference
                case "patientClass": configuration.patientClass = reference
                case "location": configuration.location = reference
                case "hospitalService": configuration.hospitalService = reference
                case "start": configuration.visitStart = reference
                default: configuration.visitEnd = reference
                }
            }
        }
        if let clinicians = root.value("clinicians") {
            let table = try document.table(clinicians.node, key: "clinicians", allowed: ["attending", "author"])
            if let attending = table.value("attending") {
                if attending.node.scalar?.string.lowercased() == "none" {
                    configuration.attending = nil
                } else {
                    configuration.attending = try field(attending.node, "clinicians.attending", attending.line)
                }
            }
            if let author = table.value("author") {
                var references: [HL7EncounterReader.FieldReference] = []
                for text in try document.strings(author.node, key: "clinicians.author", line: author.line) {
                    guard let reference = HL7EncounterReader.FieldReference(text) else {
                        throw document.error("clinicians.author", line: author.line, "each entry must name a field such as TXA-5")
                    }
                    references.append(reference)
                }
                configuration.authors = references
            }
        }
        if let specialty = root.value("specialty") {
            let table = try document.table(specialty.node, key: "specialty", allowed: ["key", "default", "table"])
            if let key = table.value("key") {
                configuration.specialtyKey = try field(key.node, "specialty.key", key.line)
            }
            if let fallback = table.value("default") {
                let value = try document.string(fallback.node, key: "specialty.default", line: fallback.line)
                guard Specialty(rawValue: value) != nil else {
                    throw document.error("specialty.default", line: fallback.line, "not a specialty value (GET /v1/specialties lists them)")
                }
                configuration.defaultSpecialty = value
            }
            if let values = table.value("table") {
                let entries = try document.table(values.node, key: "specialty.table")
                var specialties: [String: String] = [:]
                for entry in entries.entries {
                    let key = entries.path(entry.name)
                    let value = try document.string(entry.value, key: key, line: entry.line)
                    guard Specialty(rawValue: value) != nil else {
                        throw document.error(key, line: entry.line, "not a specialty value (GET /v1/specialties lists them)")
                    }
                    specialties[entry.name.uppercased()] = value
                }
                configuration.specialtyByHospitalService = specialties
            }
        }
        if let note = root.value("note") {
            let table = try document.table(note.node, key: "note", allowed: ["template", "billingCodes"])
            if let template = table.value("template") {
                configuration.template = try document.choice(
                    template.node, key: "note.template", line: template.line, NoteTemplate.allCases.map(\.rawValue))
            }
            if let codes = table.value("billingCodes") {
                configuration.options.includeBillingCodes = try document.boolean(codes.node, key: "note.billingCodes", line: codes.line)
            }
        }
        return configuration
    }

    /// Reads the mapping file at `path`.
    public static func load(path: String) throws(MappingFileError) -> HL7EncounterReader.Configuration {
        let text = try MappingDocument.text(at: path)
        return try configuration(yaml: text, file: path)
    }
}
