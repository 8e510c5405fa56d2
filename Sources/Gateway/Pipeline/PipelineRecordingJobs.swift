import Crypto
import Foundation
import HL7v2
import Store
import Synchronization

/// The recordings of HL7 v2 ED observations as durable audio jobs: the pipeline queues an accepted message's
/// recording as a job (sealed in the store, claimed under a lease by ``AudioJobService``, surviving a restart), goes on
/// with the other entries, and writes the message's note on a later pass, once the job has stored its transcript.
///
/// The job's id is derived from the journal entry, so that every pass (and every instance) finds the same job. Its
/// owner is ``owner``, which no API key has, so `/v1` never shows it. Its end is stored as the audio job store stores
/// any: the transcript as a note under the job's id (sealed, erased with the notes' retention; read only by the
/// pipeline), or the failure (no PHI: a reason naming the problem, and the HL7 error code).
struct PipelineRecordingJobs: Sendable {
    /// The owner of the jobs the pipeline queues.
    static let owner = "hl7-pipeline"

    /// Where the jobs wait.
    var jobs: any AudioJobStore
    /// Where a finished job's transcript is read.
    var notes: any NoteStore
    /// How long a job, and its transcript, is kept.
    var retention: Duration
    /// Wakes the audio job worker when a job is queued.
    var wake: @Sendable () -> Void
    /// The patient keys of the entries known to wait for their jobs, by entry id: a later pass asks the store whether
    /// the job still runs before it parses the message (and decodes its recording) again.
    let waiting = WaitingEntries()

    /// The entries waiting for their recordings' jobs, with their patients' keys (shared by every copy).
    final class WaitingEntries: Sendable {
        private let keys = Mutex<[Int64: String]>([:])

        /// The patient key of a waiting entry.
        func key(of entry: Int64) -> String? { keys.withLock { $0[entry] } }

        /// Remembers that `entry` waits (`key` its patient's), or forgets it (`nil`).
        func set(_ entry: Int64, key: String?) { keys.withLock { $0[entry] = key } }
    }

    /// The patient key of `entry` when it is known to wait and its job is still queued or running (one read of the
    /// job's status, nothing opened); `nil` otherwise, the entry then prepared in full.
    func stillWaiting(_ entry: JournalEntry) async -> String? {
        guard let key = waiting.key(of: entry.id) else { return nil }
        let status = try? await jobs.audioJob(id: Self.jobID(of: entry), now: Date())
        guard let status, status.state != .failed else {
            waiting.set(entry.id, key: nil)
            return nil
        }
        return key
    }

    /// What became of an entry's recording so far.
    enum State: Sendable {
        /// Transcribed: the words, for the note.
        case transcribed(String)
        /// Queued or being transcribed: the entry waits.
        case waiting
        /// The job failed; the entry fails with this.
        case failed(PipelineFailure)
    }

    /// The id of the job of entry `entry`: `note_` and 32 hex digits of SHA-256 over the entry's id, its arrival and
    /// its control id.
    static func jobID(of entry: JournalEntry) -> String {
        let seed = "hl7-recording|\(entry.id)|\(entry.receivedAt.epochMilliseconds)|\(entry.controlID ?? "")"
        return "note_" + String(Hex.encode(SHA256.hash(data: Data(seed.utf8))).prefix(32))
    }

    /// The state of `entry`'s recording: the stored transcript, the job's failure, or waiting, queueing the job when
    /// there is none yet. Throws when the store fails (the entry stays accepted for a later pass).
    func state(of entry: JournalEntry, recording: HL7EncapsulatedData) async throws -> State {
        let id = Self.jobID(of: entry)
        let now = Date()
        if let stored = try await notes.note(id: id, now: now), stored.ownerKeyID == Self.owner {
            return .transcribed(try PipelineRecordingTranscript.decode(stored.document).text)
        }
        if let status = try await jobs.audioJob(id: id, now: now) {
            guard status.state == .failed, let failure = status.failure else { return .waiting }
            return .failed(PipelineRecordingTranscript.pipelineFailure(failure))
        }
        let request = AudioJobRequest(options: NoteRequestBody(), pipelineEntry: entry.id)
        do {
            try await jobs.enqueueAudioJob(
                NewAudioJob(
                    id: id, ownerKeyID: Self.owner, createdAt: now,
                    expiresAt: now.addingTimeInterval(retention.timeInterval),
                    audio: recording.data, request: try request.encoded()))
        } catch let error as StoreError where error.code == .invalidArgument {
            // Another pass or instance queued it (or finished it) just now: read again on the next pass.
            return .waiting
        }
        wake()
        return .waiting
    }
}

/// The transcript a pipeline recording job stores under its id: the words and their timed segments.
struct PipelineRecordingTranscript: Codable, Sendable {
    /// One timed piece of the transcript.
    struct Segment: Codable, Sendable {
        var start: Double
        var end: Double
        var text: String
    }

    var text: String
    var segments: [Segment]

    /// The stored JSON.
    func encoded() throws -> [UInt8] { Array(try JSONEncoder().encode(self)) }

    /// The stored JSON read back.
    static func decode(_ bytes: [UInt8]) throws -> PipelineRecordingTranscript {
        try JSONDecoder().decode(PipelineRecordingTranscript.self, from: Data(bytes))
    }

    /// The stored failure of a job for `failure`: its HL7 error code (ERR-3) as the code, the reason as the message.
    static func jobFailure(_ failure: PipelineFailure) -> AudioJobFailure {
        AudioJobFailure(
            status: failure.errorCode == .dataTypeError ? 422 : 500, code: "HL7_\(failure.errorCode.value)",
            message: failure.reason)
    }

    /// The pipeline failure a stored job failure stands for.
    static func pipelineFailure(_ failure: AudioJobFailure) -> PipelineFailure {
        PipelineFailure(
            failure.message, errorCode: failure.code == "HL7_102" ? .dataTypeError : .applicationInternalError)
    }
}
