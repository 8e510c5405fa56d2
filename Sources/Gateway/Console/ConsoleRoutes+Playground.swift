import Coding
import EncounterModel
import FHIR
import Foundation
import HL7v2
import HTTPTypes
import Hummingbird
import Logging
import Mapping
import Scribe

extension ConsoleRoutes {
    /// The longest transcript the playground takes, characters.
    static let maximumPlaygroundCharacters = 200_000

    /// `GET` and `POST /console/playground`: a transcript in, the note with its statements and their evidence out.
    /// Nothing is stored; the transcript is the operator's own input, shown back to them.
    func playgroundPage(_ session: ConsoleSession, form: ConsoleForm?) -> Response {
        let specialty = form?["specialty"].flatMap(Specialty.init(rawValue:)) ?? .generic
        let template = form?["template"].flatMap(NoteTemplate.init(rawValue:)) ?? .standard
        let billing = form?["billing"] == "1"
        var values: [String: Any] = [
            "page": "playground",
            "specialties": Specialty.allCases.map { ["value": $0.rawValue, "selected": $0 == specialty] },
            "templates": NoteTemplate.allCases.map { ["value": $0.rawValue, "selected": $0 == template] },
            "billing": billing, "transcript": form?["transcript"] ?? "",
        ]
        if let form {
            switch Self.playgroundNote(
                transcript: form["transcript"] ?? "", specialty: specialty, template: template, billing: billing,
                requestedSpecialty: form["specialty"], requestedTemplate: form["template"],
                mapping: configuration.api.fhirMapping)
            {
            case .success(let result): values["result"] = result
            case .failure(let error): values["error"] = error.message
            }
        }
        return html("playground", values, session: session, status: values["error"] == nil ? .ok : .badRequest)
    }

    /// The playground's note through the one note path every intake takes (``EncounterNoteWriter``), as values for
    /// the page; or why there is none.
    static func playgroundNote(
        transcript: String, specialty: Specialty, template: NoteTemplate, billing: Bool, requestedSpecialty: String?,
        requestedTemplate: String?, mapping: NoteFHIRMapping = NoteFHIRMapping()
    ) -> Result<[String: Any], ConsoleError> {
        if let requestedSpecialty, Specialty(rawValue: requestedSpecialty) == nil {
            return .failure(.badRequest("specialty must be one of the 24 specialty values"))
        }
        if let requestedTemplate, NoteTemplate(rawValue: requestedTemplate) == nil {
            return .failure(
                .badRequest(
                    "template must be one of \(NoteTemplate.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard !transcript.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return .failure(.badRequest("paste a transcript first"))
        }
        guard transcript.count <= maximumPlaygroundCharacters else {
            return .failure(.badRequest("the transcript is longer than \(maximumPlaygroundCharacters) characters"))
        }
        let encounter = Encounter(
            patient: Encounter.Patient(), specialty: specialty.rawValue, template: template.rawValue,
            options: Encounter.Options(includeBillingCodes: billing),
            transcript: Encounter.Transcript(text: transcript, source: .api), origin: Encounter.Origin(channel: .api))
        let writer = EncounterNoteWriter()
        let note: Note
        do {
            note = try writer.note(for: encounter)
        } catch {
            return .failure(.badRequest("the transcript cannot be used: \(error.reason)"))
        }
        let view = EvidenceView(transcript: transcript, statements: note.statements)
        let found = billing ? writer.codes(for: note, encounter: encounter) : nil
        let renderings = Self.renderings(
            NoteRecord(
                id: "note_" + String(repeating: "0", count: 32), createdAt: Date(), encounter: encounter, note: note,
                codes: found, mapping: mapping), mapping: mapping)
        var codes: [[String: Any]] = []
        if let found {
            let output = BillingCodesOutput(found)
            codes += output.icd10.map { ["code": $0.code, "text": $0.description, "reason": $0.reason] }
            codes += (output.cpt + output.hcpcs).map { ["code": $0.code, "text": $0.description, "reason": $0.reason] }
            if let visit = output.visitLevel {
                codes.append(["code": visit.code, "text": "office visit level", "reason": visit.basis])
            }
        }
        return .success([
            "statements": view.statements.map { statement -> [String: Any] in
                var values: [String: Any] = [
                    "index": statement.index, "section": statement.section, "text": statement.text,
                ]
                if let subsection = statement.subsection { values["subsection"] = subsection }
                return values
            },
            "pieces": view.pieces.map { piece -> [String: Any] in
                ["text": piece.text, "statements": piece.statements.map(String.init).joined(separator: " ")]
            },
            "codes": codes, "hasCodes": !codes.isEmpty, "fhir": renderings.fhir, "hl7": renderings.hl7,
        ])
    }

    /// The note as a destination would get it: a FHIR R4 document Bundle (JSON, by `mapping`) and an HL7 v2.5.1
    /// ORU^R01 (ER7, segments on their own lines), from the same ``NoteRecord`` the outbox delivers.
    static func renderings(_ record: NoteRecord, mapping: NoteFHIRMapping) -> (fhir: String, hl7: String) {
        let bundle = NoteFHIRRenderer(mapping: mapping).documentBundle(NoteFHIRInput(record: record))
        let fhir = String(decoding: JSONWriter.write(bundle, pretty: true), as: UTF8.self)
        let hl7: String
        do {
            let bytes = try HL7NoteRenderer().observationResult(record, controlID: "PLAYGROUND", at: record.createdAt)
            hl7 = String(decoding: bytes, as: UTF8.self).split(separator: "\r").joined(separator: "\n")
        } catch {
            hl7 = "The note cannot be written as HL7 v2: \(error.code)"
        }
        return (fhir, hl7)
    }
}
