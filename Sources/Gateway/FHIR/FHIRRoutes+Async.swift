import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Scribe
import Store
import Transcription

/// `$soap-note` with a recording, asynchronously (FHIR R4 §3.1.6 Asynchronous Request Patterns, after RFC 7240):
///
/// - the request with `Prefer: respond-async` is checked as the synchronous one is (Parameters, options, the
///   recording's size and container), then queued as a durable audio job (the one `POST /v1/note/audio` uses), with
///   the request's Patient, Encounter and Practitioner sealed beside the recording (``FHIRJobContext``); the answer is
///   `202 Accepted` with `Content-Location: [base]/$soap-note-status/{id}`;
/// - `GET` on that URL answers `202` with `X-Progress` and `Retry-After` while the job runs; `200` with the document
///   Bundle the synchronous call returns once the note is made; on failure, the OperationOutcome the synchronous call
///   answers, with its status (4xx/5xx) and NoteBridge's code;
/// - `DELETE` on it cancels a queued or running job (and erases its recording), or forgets a failed one: `202`.
///
/// The status URL takes the API key and scope of `$soap-note` (`notes:write`); another key's job is a 404, as a
/// missing one is. The id is the note's id (`note_...`): once made, the note is also read at
/// `[base]/DocumentReference/nb-{id}-doc` and at `/v1/note/{id}`.
extension FHIRRoutes {
    /// The status URL of an asynchronous `$soap-note` (a path under the FHIR base).
    static func statusURL(_ id: String) -> String { "/fhir/$soap-note-status/" + id }

    /// Whether the request asks to be answered asynchronously (`Prefer: respond-async`, RFC 7240 §4.1).
    static func prefersAsync(_ request: Request) -> Bool {
        V1Routes.preferences(request).contains(["respond-async"])
    }

    /// Queues the recording of a `$soap-note` request as an audio job: 202 with the status URL.
    func acceptAsync(
        _ job: NoteJob, visit: Visit, recording: FHIRRecording, key: APIKeyRecord, format: FHIRFormat = .json
    ) async throws(FHIRError) -> (Response, String) {
        let audio = v1.configuration.audio
        do throws(TranscriptionError) {
            // What can be told without decoding (empty, too large, not audio) is answered now, as synchronously.
            try audio.transcriber(logger: v1.logger).decoder.check(bytes: recording.audio)
        } catch {
            throw FHIRError(recording: error, path: recording.path)
        }
        var options = NoteRequestBody()
        options.specialty = job.specialty.rawValue
        options.template = job.template.rawValue
        options.includeBillingCodes = job.includeBillingCodes
        let kept = AudioJobRequest(
            options: options, fhir: FHIRJobContext(visit: visit, recordingPath: recording.path))
        let queued: String?
        do {
            queued = try await v1.queueAudioJob(recording.audio, request: kept, key: key, wait: .zero).1
        } catch let error as APIError {
            var refusal = FHIRError(error)
            refusal.detailCode = error.code
            throw refusal
        } catch {
            throw FHIRError(.internalServerError, "exception", "the recording could not be queued")
        }
        guard let id = queued else {
            throw FHIRError(.internalServerError, "exception", "the recording could not be queued")
        }
        v1.logger.info(
            "recording of a FHIR request queued as an audio job",
            metadata: ["nb.audio_job.id": "\(id)", "nb.audio.bytes": "\(recording.audio.count)"])
        let url = Self.statusURL(id)
        let outcome = Self.information("accepted: poll \(url) for the document Bundle")
        var response = format.response(.accepted, outcome)
        response.headers[.contentLocation] = url
        response.headers[.retryAfter] = "2"
        return (response, id)
    }

    /// `GET [base]/$soap-note-status/{id}`.
    func soapNoteStatus(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        return await answeringStatus(request, context, id: id, action: .read) { key in
            let format = FHIRFormat.requested(request)
            switch try await ownedJob(id, key: key) {
            case .note(let stored):
                guard let form = stored.fhir, let bundle = try? JSONReader().read(form) else {
                    throw Self.unknownJob
                }
                return format.response(.ok, bundle)
            case .job(let status):
                if status.state == .failed, let failure = status.failure {
                    let error = FHIRError(jobFailure: failure)
                    return format.response(error.status, error.outcome, headers: error.headers)
                }
                let done = Self.tenths(status.secondsTranscribed)
                let total = Self.tenths(status.secondsTotal)
                let progress =
                    status.state == .queued
                    ? "queued" : "\(done) of \(total) seconds of the recording transcribed"
                var response = format.response(.accepted, Self.information("in progress: \(progress)"))
                response.headers[.xProgress] = progress
                response.headers[.retryAfter] = "2"
                return response
            }
        }
    }

    /// `DELETE [base]/$soap-note-status/{id}`: cancels the job (or forgets its failure); a note already made is
    /// erased only by `DELETE /v1/note/{id}` (scope `notes:delete`).
    func cancelSoapNote(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        return await answeringStatus(request, context, id: id, action: .delete) { key in
            switch try await ownedJob(id, key: key) {
            case .note:
                throw FHIRError(
                    .conflict, "conflict",
                    "the note is already made; read it here, erase it with DELETE /v1/note/{id} (scope notes:delete)")
            case .job:
                do {
                    _ = try await v1.storing { try await v1.audioJobs.deleteAudioJob(id: id) }
                } catch let error as APIError {
                    throw FHIRError(error)
                }
                return FHIRFormat.requested(request).response(
                    .accepted, Self.information("cancelled: the recording is erased and no note will be made"))
            }
        }
    }

    /// Authenticates with `$soap-note`'s scope, runs `body`, audits the answer; errors as OperationOutcomes.
    private func answeringStatus(
        _ request: Request, _ context: APIRequestContext, id: String, action: AuditRecord.Action,
        _ body: (APIKeyRecord) async throws -> Response
    ) async -> Response {
        let format = FHIRFormat.requested(request)
        let key: APIKeyRecord
        do throws(FHIRError) {
            key = try await authenticate(request, context, scope: .notesWrite, action: action, noteID: id)
        } catch {
            return format.response(error.status, error.outcome, headers: error.headers)
        }
        let response: Response
        do {
            response = try await body(key)
        } catch {
            let refusal = (error as? FHIRError) ?? FHIRError(.internalServerError, "exception", "the request failed")
            await v1.record(
                action, key: key, noteID: id, status: Int(refusal.status.code), error: refusal.code, context)
            return format.response(refusal.status, refusal.outcome, headers: refusal.headers)
        }
        await v1.record(action, key: key, noteID: id, status: Int(response.status.code), error: nil, context)
        return response
    }

    /// The note or audio job `id` of `key`; another key's, or one that does not exist or expired, is not found.
    private func ownedJob(_ id: String, key: APIKeyRecord) async throws(FHIRError) -> V1Routes.NoteOrJob {
        do {
            return try await v1.ownedNoteOrJob(id, key: key)
        } catch let error as APIError where error.status == .notFound {
            throw Self.unknownJob
        } catch let error as APIError {
            throw FHIRError(error)
        } catch {
            throw FHIRError(.internalServerError, "exception", "the request's status could not be read")
        }
    }

    static var unknownJob: FHIRError {
        FHIRError(
            .notFound, "not-found", "no asynchronous $soap-note request of this API key has this id (or it expired)",
            detailCode: "NOTE_NOT_FOUND")
    }

    /// Seconds to a tenth, as text.
    static func tenths(_ seconds: Double) -> String {
        let value = seconds.isFinite ? (max(0, seconds) * 10).rounded() / 10 : 0
        return String(format: "%.1f", value)
    }
}
