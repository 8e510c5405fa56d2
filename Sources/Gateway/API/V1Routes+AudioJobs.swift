import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// What `GET /v1/note/{id}` answers for a recording accepted with 202 until its note exists: the job's status.
///
/// - processing (queued or being transcribed): 202, `{"noteId","status":"processing","progress":{"seconds_transcribed",
///   "seconds_total"},"created_at","status_url"}` with `Location` and `Retry-After`;
/// - failed: 200, `{"noteId","status":"failed","error":{"code","message","details"},"created_at"}` (the error the
///   upload would have been answered with; never PHI);
/// - done: the note itself, as `POST /v1/note` answers it.
extension V1Routes {
    /// A note, or the audio job that makes it.
    enum NoteOrJob {
        case note(StoredNote)
        case job(AudioJobStatus)
    }

    /// The note or audio job if it exists, has not expired and belongs to `key`; otherwise 404 (another key's is not
    /// distinguishable from a missing one).
    func ownedNoteOrJob(_ id: String, key: APIKeyRecord) async throws -> NoteOrJob {
        guard Self.isNoteID(id) else { throw APIError.noteNotFound }
        let now = Date()
        if let stored = try await storing({ try await notes.note(id: id, now: now) }) {
            guard stored.ownerKeyID == key.id else { throw APIError.noteNotFound }
            return .note(stored)
        }
        guard let status = try await storing({ try await audioJobs.audioJob(id: id, now: now) }),
            status.ownerKeyID == key.id
        else {
            // The job may have become its note between the two reads.
            if let stored = try await storing({ try await notes.note(id: id, now: Date()) }),
                stored.ownerKeyID == key.id
            {
                return .note(stored)
            }
            throw APIError.noteNotFound
        }
        return .job(status)
    }

    /// The job's status document (see the extension's description).
    static func audioJobStatus(_ status: AudioJobStatus) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let statusURL = "/v1/note/" + status.id
        let created = NoteDocument.timestamp(status.createdAt)
        if status.state == .failed, let failure = status.failure {
            let error = APIError(failure)
            let document = FailedJobDocument(
                noteId: status.id, status: "failed", created_at: created,
                error: .init(code: error.code, message: error.message, details: error.details))
            return json(.ok, (try? encoder.encode(document)).map(Array.init) ?? [])
        }
        let document = ProcessingJobDocument(
            noteId: status.id, status: "processing",
            progress: .init(
                seconds_transcribed: rounded(status.secondsTranscribed), seconds_total: rounded(status.secondsTotal)),
            created_at: created, status_url: statusURL)
        var response = json(.accepted, (try? encoder.encode(document)).map(Array.init) ?? [])
        response.headers[.location] = statusURL
        response.headers[.retryAfter] = "2"
        return response
    }

    /// Seconds to a tenth.
    private static func rounded(_ seconds: Double) -> Double {
        seconds.isFinite ? (max(0, seconds) * 10).rounded() / 10 : 0
    }

    struct ProcessingJobDocument: Encodable {
        struct Progress: Encodable {
            var seconds_transcribed: Double
            var seconds_total: Double
        }
        var noteId: String
        var status: String
        var progress: Progress
        var created_at: String
        var status_url: String
    }

    struct FailedJobDocument: Encodable {
        struct Failure: Encodable {
            var code: String
            var message: String
            var details: [APIError.Detail]
        }
        var noteId: String
        var status: String
        var created_at: String
        var error: Failure
    }
}
