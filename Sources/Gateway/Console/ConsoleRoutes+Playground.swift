import EncounterModel
import Foundation
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
                requestedSpecialty: form["specialty"], requestedTemplate: form["template"])
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
        requestedTemplate: String?
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
        var codes: [[String: Any]] = []
        if billing, let found = writer.codes(for: note, encounter: encounter) {
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
            "codes": codes, "hasCodes": !codes.isEmpty,
        ])
    }
}
