import FHIR
import Foundation
import HTTPTypes
import Mapping
import Scribe
import Store

/// What an audio job keeps of an asynchronous `$soap-note` request (FHIR R4 §3.1.6 Asynchronous Request Patterns):
/// the Patient, Encounter and Practitioner sent with it (as JSON text, with the ids the request gave them) and the
/// recording's element, sealed with the job's request (``AudioJobRequest/fhir``). The job's note is rendered with them
/// into the document Bundle the synchronous call answers, and stored beside the note, so the status URL answers that
/// Bundle, also after a restart.
struct FHIRJobContext: Codable, Sendable, Equatable {
    var patient: String?
    var encounter: String?
    var practitioner: String?
    /// The recording's attachment element (`Parameters.parameter[0].valueAttachment`), for a failure's expression.
    var recordingPath: String

    enum CodingKeys: String, CodingKey {
        case patient, encounter, practitioner
        case recordingPath = "recording_path"
    }

    init(visit: FHIRRoutes.Visit, recordingPath: String) {
        func text(_ resource: JSONValue?) -> String? {
            resource.map { String(decoding: JSONWriter.write($0), as: UTF8.self) }
        }
        patient = text(visit.patient)
        encounter = text(visit.encounter)
        practitioner = text(visit.practitioner)
        self.recordingPath = recordingPath
    }

    /// The visit again (a resource that no longer reads as JSON is left out).
    var visit: FHIRRoutes.Visit {
        func resource(_ text: String?) -> JSONValue? {
            text.flatMap { try? JSONReader().read(Array($0.utf8)) }
        }
        return FHIRRoutes.Visit(
            patient: resource(patient), encounter: resource(encounter), practitioner: resource(practitioner))
    }

    /// The element a failure of this job names: the recording's `data`.
    var fieldAtFault: String { recordingPath + ".data" }

    /// The failure of this job as the FHIR request's: the field is the recording's element.
    func failure(_ error: APIError) -> APIError {
        var named = error
        let message = error.details.first?.message ?? error.message
        named.details = [APIError.Detail(field: fieldAtFault, message: message)]
        return named
    }

    /// The job's note under `id`, written and coded as `$soap-note` writes it, with its document Bundle as the note's
    /// FHIR form and the patient and encounter it is searched by.
    func prepare(
        _ job: NoteJob, id: String, ownerKeyID: String, service: NoteService, renderer: NoteFHIRRenderer
    ) throws -> NoteService.PreparedNote {
        let visit = visit
        let note = try service.writeAudioNote(job)
        let codes = service.codes(for: note, job: job)
        let lookup = NoteLookup(
            patient: visit.patient.flatMap { FHIRRoutes.literalReference($0) },
            encounter: visit.encounter.flatMap { FHIRRoutes.literalReference($0) }, source: nil)
        return try service.prepare(note, id: id, codes: codes, job: job, ownerKeyID: ownerKeyID) { document in
            let bundle = renderer.documentBundle(
                NoteFHIRInput(
                    note: note, codes: codes, noteID: document.noteId, date: document.createdAt,
                    patient: visit.patient, encounter: visit.encounter, practitioner: visit.practitioner))
            return (JSONWriter.write(bundle), lookup)
        }
    }
}

extension FHIRError {
    /// The OperationOutcome of an asynchronous `$soap-note` whose audio job failed: the status, issue type and
    /// NoteBridge code the synchronous call answers for the same problem, at the recording's `data` (the failure's
    /// field: the runner names the element for a `$soap-note` job, ``FHIRJobContext/fieldAtFault``).
    init(jobFailure failure: AudioJobFailure) {
        let answer = APIError(failure)
        let expression = failure.field
        let issue: String
        var status = answer.status
        switch failure.code {
        case "UNSUPPORTED_AUDIO": issue = "not-supported"
        case "AUDIO_TOO_LARGE", "AUDIO_TOO_LONG": issue = "too-costly"
        case "CORRUPT_AUDIO", "SILENT_AUDIO", "REMOTE_TRANSCRIPTION_REFUSED": issue = "value"
        case "REMOTE_TRANSCRIPTION_TIMEOUT": issue = "timeout"
        case "TRANSCRIPTION_UNAVAILABLE": issue = "transient"
        case "VALIDATION_ERROR":
            // The speech recognised cannot make a note: the recording's problem, 422 as in the synchronous call.
            issue = "value"
            status = .unprocessableContent
        default: issue = status.code == 409 ? "duplicate" : "exception"
        }
        self.init(status, issue, answer.message, expression: expression, detailCode: failure.code)
        if status == .serviceUnavailable { headers = [(.retryAfter, "10")] }
    }
}
