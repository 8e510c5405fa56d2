import Foundation

/// Where an audio job is in its life. A job that is done is no longer a job: its row is erased with its audio, in
/// the transaction that stores its note (under the job's id), so a finished job is found as a note.
public enum AudioJobState: String, Sendable, Hashable, CaseIterable {
    /// Accepted and waiting for a worker.
    case queued
    /// Claimed by a worker that is transcribing it (under a lease).
    case processing
    /// Given up: the audio is erased and the failure kept (no PHI) until the job expires.
    case failed
}

/// Why an audio job failed, as the API answers it: an HTTP status, a stable code, a message and the field at
/// fault. Never PHI: transcript text never reaches an error.
public struct AudioJobFailure: Sendable, Hashable {
    /// The HTTP status the request would have been answered with (422, 503, ...).
    public var status: Int
    /// The error code (`SILENT_AUDIO`, `CORRUPT_AUDIO`, ...).
    public var code: String
    /// The message.
    public var message: String
    /// The request field at fault (`audio`), when there is one.
    public var field: String?
    /// What is wrong with the field.
    public var fieldMessage: String?

    /// Creates a failure.
    public init(status: Int, code: String, message: String, field: String? = nil, fieldMessage: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.fieldMessage = fieldMessage
    }
}

/// A recording accepted for transcription: what `enqueueAudioJob` stores. The audio and the request are PHI and
/// sealed before they reach the database.
public struct NewAudioJob: Sendable, Hashable {
    /// The id of the note the job makes (`note_` and 32 hex digits); the job is read under it until the note
    /// exists.
    public var id: String
    /// The API key that sent it; only that key reads or deletes it.
    public var ownerKeyID: String
    /// When it was accepted.
    public var createdAt: Date
    /// When it is erased if it is still a job (a failure is kept until then).
    public var expiresAt: Date
    /// The uploaded recording, as sent.
    public var audio: [UInt8]
    /// The validated request options (JSON), which the note is written with.
    public var request: [UInt8]

    /// Creates a job.
    public init(id: String, ownerKeyID: String, createdAt: Date, expiresAt: Date, audio: [UInt8], request: [UInt8]) {
        self.id = id
        self.ownerKeyID = ownerKeyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.audio = audio
        self.request = request
    }
}

/// A claimed audio job, its audio and request opened: what a worker transcribes.
public struct AudioJob: Sendable, Hashable {
    /// The job as it was accepted.
    public var job: NewAudioJob
    /// The claims made so far, this one included (a job whose worker keeps dying is given up after a few).
    public var attempts: Int

    /// Creates a claimed job.
    public init(job: NewAudioJob, attempts: Int) {
        self.job = job
        self.attempts = attempts
    }
}

/// What is known of an audio job without opening anything: its state, progress and failure (no PHI).
public struct AudioJobStatus: Sendable, Hashable {
    /// The job's (and its note's) id.
    public var id: String
    /// The API key that sent it.
    public var ownerKeyID: String
    /// Its state.
    public var state: AudioJobState
    /// When it was accepted.
    public var createdAt: Date
    /// When it is erased.
    public var expiresAt: Date
    /// Seconds of the recording transcribed so far.
    public var secondsTranscribed: Double
    /// Seconds of the recording in all (0 until it is decoded).
    public var secondsTotal: Double
    /// The failure of a failed job.
    public var failure: AudioJobFailure?

    /// Creates a status.
    public init(
        id: String, ownerKeyID: String, state: AudioJobState, createdAt: Date, expiresAt: Date,
        secondsTranscribed: Double = 0, secondsTotal: Double = 0, failure: AudioJobFailure? = nil
    ) {
        self.id = id
        self.ownerKeyID = ownerKeyID
        self.state = state
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.secondsTranscribed = secondsTranscribed
        self.secondsTotal = secondsTotal
        self.failure = failure
    }
}
