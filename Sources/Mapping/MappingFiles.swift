import EncounterModel
import FHIR
import Foundation
import HL7v2
import Scribe

/// The declarative mapping files in a folder — `hl7-in/*.yaml`, `hl7-out/*.yaml` and the FHIR note mapping — each
/// checked the way the gateway reads it, and a preview of what a sample note becomes under an outbound one. Used by
/// `notebridge mappings` and the console's Mappings page. Errors name the file, line and key, never a value.
public enum MappingFiles {
    /// What a mapping file maps.
    public enum Kind: String, Sendable, Hashable {
        /// `hl7-in/`: an inbound HL7 v2 message to an encounter.
        case hl7Inbound = "hl7-in"
        /// `hl7-out/`: a note to outbound HL7 v2 messages.
        case hl7Outbound = "hl7-out"
        /// Anything else: the FHIR note mapping.
        case fhirNote = "fhir"

        /// The kind of `file`, by its folder.
        public init(file: String) {
            switch URL(fileURLWithPath: file).deletingLastPathComponent().lastPathComponent {
            case "hl7-in": self = .hl7Inbound
            case "hl7-out": self = .hl7Outbound
            default: self = .fhirNote
            }
        }
    }

    /// The `*.yaml` files of `folder` and of its sub-folders (two levels), sorted.
    public static func yamlFiles(in folder: String) -> [String] {
        var found: [String] = []
        let manager = FileManager.default
        let top = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
        for name in top.sorted() {
            let child = (folder as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: child, isDirectory: &isDirectory), isDirectory.boolValue {
                for inner in ((try? manager.contentsOfDirectory(atPath: child)) ?? []).sorted()
                where inner.hasSuffix(".yaml") {
                    found.append((child as NSString).appendingPathComponent(inner))
                }
            } else if name.hasSuffix(".yaml") {
                found.append(child)
            }
        }
        return found
    }

    /// The error of one mapping file, as `file:line: key: reason`, or `nil` when it reads.
    public static func check(_ file: String) -> String? {
        do {
            switch Kind(file: file) {
            case .hl7Outbound:
                _ = try HL7OutboundMapping.load(path: file)
            case .hl7Inbound:
                _ = try HL7InboundMapping.load(path: file)
            case .fhirNote:
                guard let data = FileManager.default.contents(atPath: file),
                    let text = String(data: data, encoding: .utf8)
                else {
                    return "\(file): cannot read the file as UTF-8 text"
                }
                do {
                    _ = try NoteFHIRMapping(yaml: text)
                } catch {
                    let line = line(of: error.key, in: text).map { ":\($0)" } ?? ""
                    return "\(file)\(line): \(error)"
                }
            }
        } catch {
            return "\(error)"
        }
        return nil
    }

    /// The line of a dotted key in YAML text: each part looked for as `part:` after the line of the part before it
    /// (enough for the block-style mapping files NoteBridge ships); `nil` when a part is not found.
    public static func line(of key: String, in text: String) -> Int? {
        guard !key.isEmpty else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        var found: Int?
        for part in key.split(separator: ".") {
            guard
                let match = lines[index...].firstIndex(where: { line in
                    let trimmed = line.drop { $0 == " " }
                    return trimmed.hasPrefix(part + ":") || trimmed.hasPrefix("\"\(part)\":")
                })
            else { return found.map { $0 + 1 } }
            found = match
            index = match
        }
        return found.map { $0 + 1 }
    }

    /// The invented encounter a preview is written for (TESTPATIENT^ALEX, MRN TEST0001), with `transcript`.
    public static func sampleEncounter(transcript: String) -> Encounter {
        Encounter(
            patient: Encounter.Patient(
                identifiers: [Encounter.Identifier(value: "TEST0001", assigningAuthority: "EXAMPLE", type: "MR")],
                name: Encounter.PersonName(family: "TESTPATIENT", given: "ALEX"), birthDate: "19800214", sex: "F"),
            visit: Encounter.Visit(number: "VISIT0001", patientClass: "O"),
            transcript: Encounter.Transcript(text: transcript, source: .api, kind: .text),
            origin: Encounter.Origin(
                channel: .mllp, sender: "EXAMPLE|EXAMPLE", messageType: "MDM^T02", controlID: "RENDER-1"))
    }

    /// A short invented visit, for previews.
    public static let sampleTranscript = """
        Doctor: What brings you in today?
        Patient: I have had a sore throat and a dry cough for four days.
        Doctor: Any fever?
        Patient: No fever.
        Doctor: Your throat is red without exudate and the lungs are clear.
        Doctor: This looks like a viral upper respiratory infection. Rest, fluids, and come back if it gets worse.
        """
}

extension MappingFiles {
    /// What a sample note becomes under mapping `file`: the outbound HL7 v2 messages (segments on their own lines,
    /// an empty line between messages) for `hl7-out/`, the FHIR document Bundle (JSON) for the FHIR note mapping;
    /// `nil` for an inbound mapping (it reads messages, it writes none). Throws the file's error as ``check(_:)``
    /// words it.
    public static func preview(_ file: String, at date: Date = Date()) throws -> String? {
        let writer = EncounterNoteWriter()
        let encounter = sampleEncounter(transcript: sampleTranscript)
        let note = try writer.note(for: encounter, at: date)
        let codes = writer.codes(for: note, encounter: encounter, at: date)
        switch Kind(file: file) {
        case .hl7Inbound:
            return nil
        case .hl7Outbound:
            let outbound = try HL7OutboundMapping.load(path: file)
            let record = NoteRecord(
                id: "note_" + String(repeating: "0", count: 32), createdAt: date, encounter: encounter, note: note,
                codes: codes)
            return try outbound.messages(record, controlID: "PREVIEW-1", at: date).map {
                String(decoding: $0.bytes.map { $0 == 0x0D ? 0x0A : $0 }, as: UTF8.self)
            }.joined(separator: "\n")
        case .fhirNote:
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            let mapping = try NoteFHIRMapping(yaml: String(decoding: data, as: UTF8.self))
            let record = NoteRecord(
                id: "note_" + String(repeating: "0", count: 32), createdAt: date, encounter: encounter, note: note,
                codes: codes, mapping: mapping)
            let bundle = NoteFHIRRenderer(mapping: mapping).documentBundle(NoteFHIRInput(record: record))
            return String(decoding: JSONWriter.write(bundle, pretty: true), as: UTF8.self)
        }
    }
}

extension HL7OutboundMapping {
    /// The messages of `record` under this mapping (its kinds, ORU^R01 when it names none), with MSH-3 its sending
    /// application (`NOTEBRIDGE` when it names none).
    public func messages(_ record: NoteRecord, controlID: String, at date: Date) throws(HL7ParseError)
        -> [(kind: HL7NoteRenderer.MessageKind, controlID: String, bytes: [UInt8])]
    {
        var configuration = renderer
        configuration.sendingApplication = sendingApplication ?? "NOTEBRIDGE"
        return try HL7NoteRenderer(configuration: configuration).messages(
            record, kinds: messages ?? [.observationResult], controlID: controlID, at: date)
    }
}
