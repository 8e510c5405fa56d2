import Foundation

/// Durable audio jobs (`POST /v1/note/audio` answered 202): the recording, sealed, and the request options wait in
/// the database until a worker has transcribed them, across restarts; then the note is stored under the job's id and
/// the audio erased in one transaction.
///
/// Workers claim jobs under a lease (``JournalClaimant``: an owner name and how long a claim holds), extend it as
/// they report progress, and finish only while they hold it; a job whose worker died is claimed again once the lease
/// expires (at once by an owner of the same name: an embedded store's one instance after a restart). So two
/// instances sharing a database never both finish a job: the first to finish erases it, and the note's id is taken.
public protocol AudioJobStore: Sendable {
    /// Stores a new queued job, its audio and request sealed; throws ``StoreError/Code/invalidArgument`` when a job
    /// or a note has its id.
    func enqueueAudioJob(_ job: NewAudioJob) async throws

    /// Claims up to `limit` jobs for `claimant`, oldest first: queued ones, and processing ones whose claim expired at
    /// `now` or that `claimant`'s owner holds, leaving out the ids in `excluding` (the jobs the caller is running).
    /// Each claim counts an attempt. Two claimants at once never get the same job.
    func claimAudioJobs(limit: Int, by claimant: JournalClaimant, excluding: Set<String>, now: Date) async throws
        -> [AudioJob]

    /// Records a held job's progress and extends its claim to `now` plus the lease; `false` when `claimant` no
    /// longer holds it (it was deleted, or taken over after the claim expired): the worker stops.
    func recordAudioJobProgress(
        id: String, by claimant: JournalClaimant, secondsTranscribed: Double, secondsTotal: Double, now: Date
    ) async throws -> Bool

    /// Finishes a held job in one transaction: stores `note` (whose id is the job's) and the webhook delivery that
    /// announces it, and erases the job with its audio. `false`, and nothing stored, when `claimant` no longer holds
    /// it.
    func completeAudioJob(id: String, by claimant: JournalClaimant, note: StoredNote, announcing: WebhookDelivery?)
        async throws -> Bool

    /// Fails a held job in one transaction: erases its audio and request, keeps `failure`, and queues the webhook
    /// delivery that announces it. `false`, and nothing changed, when `claimant` no longer holds it.
    func failAudioJob(
        id: String, by claimant: JournalClaimant, failure: AudioJobFailure, announcing: WebhookDelivery?, now: Date
    ) async throws -> Bool

    /// Gives a held job back to the queue without counting the claim as an attempt (a worker stopped by a shutdown,
    /// so that the next start, or another instance, takes it at once); `false` when `claimant` no longer holds it.
    func releaseAudioJob(id: String, by claimant: JournalClaimant, now: Date) async throws -> Bool

    /// The job's status (nothing opened) if it has not expired at `now`.
    func audioJob(id: String, now: Date) async throws -> AudioJobStatus?

    /// The statuses of the jobs (of any state) whose id starts with `prefix` and that have not expired at `now`, oldest
    /// first: how an upload finds the job an earlier request with the same Idempotency-Key queued, whose id shares a
    /// prefix derived from the key.
    func audioJobs(idPrefix prefix: String, now: Date) async throws -> [AudioJobStatus]

    /// Erases the job, whatever its state (a worker holding it stops at its next report); `false` when there was
    /// none.
    func deleteAudioJob(id: String) async throws -> Bool

    /// How many jobs are in each state (states without jobs are absent).
    func audioJobCounts() async throws -> [AudioJobState: Int]

    /// Erases every job that expired at or before `now` (failures kept for reading, and jobs never finished) and
    /// returns how many.
    func purgeExpiredAudioJobs(now: Date) async throws -> Int
}
