import Foundation
import HTTPTypes
import Logging
import Mapping
import Scribe
import Store
import Synchronization
import Transcription

/// What became of an audio job: the answer its upload gets when the job ends within the wait.
enum AudioJobOutcome: Sendable {
    /// The note was stored; its JSON, as `POST /v1/note` answers it.
    case done(document: [UInt8])
    /// The job failed with this error (its `note.failed` event is queued).
    case failed(APIError)
}

/// The request an audio job keeps, sealed, until its recording is transcribed: the validated options of the upload
/// and what its note is found by (an Idempotency-Key and the request's fingerprint).
struct AudioJobRequest: Codable {
    var options: NoteRequestBody
    var idempotencySource: String?
    var fingerprint: String?
    /// The journal entry whose ED recording this is (``PipelineRecordingJobs``): the job stores the transcript for
    /// the pipeline instead of writing a note; `nil` for an upload.
    var pipelineEntry: Int64?
    /// The `$soap-note` request this recording came with (``FHIRJobContext``): the job's note is also stored as the
    /// document Bundle that request is answered with; `nil` for an upload.
    var fhir: FHIRJobContext?

    init(
        options: NoteRequestBody, idempotencySource: String? = nil, fingerprint: String? = nil,
        pipelineEntry: Int64? = nil, fhir: FHIRJobContext? = nil
    ) {
        self.options = options
        self.idempotencySource = idempotencySource
        self.fingerprint = fingerprint
        self.pipelineEntry = pipelineEntry
        self.fhir = fhir
    }

    enum CodingKeys: String, CodingKey {
        case options, fingerprint, fhir
        case idempotencySource = "idempotency_source"
        case pipelineEntry = "pipeline_entry"
    }

    /// The JSON kept in the store.
    func encoded() throws -> [UInt8] {
        Array(try JSONEncoder().encode(self))
    }

    /// The kept JSON read back; the options are validated again by ``NoteJob/init(_:)``.
    static func decode(_ bytes: [UInt8]) throws(APIError) -> AudioJobRequest {
        do {
            return try JSONDecoder().decode(AudioJobRequest.self, from: Data(bytes))
        } catch {
            throw APIError.internalError
        }
    }
}

/// Runs the audio jobs of `POST /v1/note/audio`: transcribes a claimed job's recording while it reports progress and
/// keeps its claim, writes and stores the note (or the failure) with its webhook event, and tells the upload still
/// waiting for it (``outcome(of:within:)``), if any. ``AudioJobService`` claims the jobs and runs them; the routes
/// queue them and wait.
final class AudioJobRunner: Sendable {
    /// Who is waiting for a job, or what it came to once it ended while someone expected it.
    private enum Waiting {
        case pending([UInt64: CheckedContinuation<AudioJobOutcome?, Never>])
        case finished(AudioJobOutcome?)
    }

    private struct Waiters {
        var jobs: [String: Waiting] = [:]
        var nextToken: UInt64 = 0
        /// Tokens whose task was cancelled before it waited.
        var cancelled: Set<UInt64> = []
    }

    let store: any AudioJobStore
    let service: NoteService
    let audio: AudioConfiguration
    /// This process's claims: `embedded` for a store that serves one instance (its claims are its own after a
    /// restart too), a name of its own otherwise.
    let claimant: JournalClaimant
    /// Renders the document Bundle of a `$soap-note` job's note.
    let fhirRenderer: NoteFHIRRenderer
    let logger: Logger
    private let waiters = Mutex(Waiters())
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// Yields when a job is queued here.
    let wakes: AsyncStream<Void>
    private let finishedHandler = Mutex<(@Sendable (AudioJobMetricOutcome) -> Void)?>(nil)
    private let retryHandler = Mutex<(@Sendable (String) -> Void)?>(nil)
    private let pipelineRecordingHandler = Mutex<(@Sendable () -> Void)?>(nil)

    init(
        store: any AudioJobStore, service: NoteService, audio: AudioConfiguration, owner: String,
        fhirMapping: NoteFHIRMapping = NoteFHIRMapping(), logger: Logger
    ) {
        self.store = store
        self.service = service
        self.audio = audio
        self.claimant = JournalClaimant(owner: owner, lease: audio.jobLease)
        self.fhirRenderer = NoteFHIRRenderer(mapping: fhirMapping)
        self.logger = logger
        (wakes, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Called with each job's end (the gateway counts them).
    func onFinished(_ handler: @escaping @Sendable (AudioJobMetricOutcome) -> Void) {
        finishedHandler.withLock { $0 = handler }
    }

    /// Called each time a job's transcription is tried again after a transient failure (the gateway counts them).
    func onRetry(_ handler: @escaping @Sendable (_ reason: String) -> Void) {
        retryHandler.withLock { $0 = handler }
    }

    /// Called when the job of an HL7 recording ends, done or failed (the gateway wakes the pipeline).
    func onPipelineRecording(_ handler: @escaping @Sendable () -> Void) {
        pipelineRecordingHandler.withLock { $0 = handler }
    }

    /// Wakes the worker: a job was queued.
    func wake() { wakeContinuation.yield() }

    // MARK: - Waiting for a job

    /// Marks `id` as awaited, before its job is queued, so that an end that comes before the wait starts is kept.
    func expect(_ id: String) {
        waiters.withLock { $0.jobs[id] = .pending([:]) }
    }

    /// Stops keeping `id`'s end.
    func forget(_ id: String) {
        let pending = waiters.withLock { state -> [CheckedContinuation<AudioJobOutcome?, Never>] in
            guard case .pending(let continuations) = state.jobs.removeValue(forKey: id) else { return [] }
            return Array(continuations.values)
        }
        for continuation in pending { continuation.resume(returning: nil) }
    }

    /// The job's outcome if it ends within `wait` (and was ``expect(_:)``ed); `nil` otherwise, or when the job ended
    /// without one (it was deleted, or another worker took it over).
    func outcome(of id: String, within wait: Duration) async -> AudioJobOutcome? {
        guard wait > .zero else { return nil }
        return await withTaskGroup(of: AudioJobOutcome?.self) { group in
            group.addTask { await self.waitForOutcome(id) }
            group.addTask {
                try? await Task.sleep(for: wait)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func waitForOutcome(_ id: String) async -> AudioJobOutcome? {
        let token = waiters.withLock { state in
            defer { state.nextToken += 1 }
            return state.nextToken
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<AudioJobOutcome?, Never>) in
                enum Decision {
                    case wait
                    case answer(AudioJobOutcome?)
                }
                let decision = waiters.withLock { state -> Decision in
                    if state.cancelled.remove(token) != nil { return .answer(nil) }
                    switch state.jobs[id] {
                    case .finished(let outcome): return .answer(outcome)
                    case .pending(var continuations):
                        continuations[token] = continuation
                        state.jobs[id] = .pending(continuations)
                        return .wait
                    case nil: return .answer(nil)
                    }
                }
                if case .answer(let outcome) = decision { continuation.resume(returning: outcome) }
            }
        } onCancel: {
            let waiter = waiters.withLock { state -> CheckedContinuation<AudioJobOutcome?, Never>? in
                guard case .pending(var continuations) = state.jobs[id],
                    let continuation = continuations.removeValue(forKey: token)
                else {
                    state.cancelled.insert(token)
                    return nil
                }
                state.jobs[id] = .pending(continuations)
                return continuation
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Keeps the job's end for whoever expects it, and answers those waiting.
    private func finish(_ id: String, _ outcome: AudioJobOutcome?) {
        let pending = waiters.withLock { state -> [CheckedContinuation<AudioJobOutcome?, Never>] in
            guard case .pending(let continuations) = state.jobs[id] else { return [] }
            state.jobs[id] = .finished(outcome)
            return Array(continuations.values)
        }
        for continuation in pending { continuation.resume(returning: outcome) }
    }

    // MARK: - Running a job

    /// Transcribes a claimed job and stores its note, or its failure. Returns when the job has ended here: done,
    /// failed, lost (deleted, or taken over), or left for a later claim (cancelled by a shutdown, or the store
    /// failed). Returns whether it was interrupted by cancellation (its claim is still held: the caller releases it).
    @discardableResult
    func run(_ claimed: AudioJob) async -> Bool {
        let id = claimed.job.id
        let ownerKeyID = claimed.job.ownerKeyID
        var noteJob: NoteJob?
        // A `$soap-note` job's failure names the recording's element, as the synchronous call's does.
        var fhir: FHIRJobContext?
        do {
            let request = try AudioJobRequest.decode(claimed.job.request)
            if request.pipelineEntry != nil { return await runPipelineRecording(claimed) }
            fhir = request.fhir
            // The transcript comes from the recording.
            var options = request.options
            options.transcript = ""
            var job = try NoteJob(options)
            noteJob = job
            guard claimed.attempts <= audio.maximumJobAttempts else {
                throw APIError(
                    .internalServerError, code: "TRANSCRIPTION_FAILED",
                    message: "audio: the recording could not be transcribed in \(audio.maximumJobAttempts) attempts",
                    details: [.init(field: "audio", message: "could not be transcribed")])
            }
            guard let transcript = try await transcribeHoldingClaim(claimed) else {
                lost(id)
                return false
            }
            let prepared: NoteService.PreparedNote
            if let context = request.fhir {
                // As `$soap-note` writes it while the request waits: the recognised text, then the document Bundle.
                job.transcript = transcript.text
                prepared = try context.prepare(
                    job, id: id, ownerKeyID: ownerKeyID, service: service, renderer: fhirRenderer)
            } else {
                let marked = transcript.markedText
                job.transcript = marked.text
                job.transcriptSegments = marked.segments.map(TranscriptSegment.init)
                let note = try service.writeAudioNote(job)
                prepared = try service.prepare(
                    note, id: id, codes: service.codes(for: note, job: job), job: job, ownerKeyID: ownerKeyID,
                    lookup: NoteLookup(source: request.idempotencySource, request: request.fingerprint))
            }
            guard
                try await store.completeAudioJob(
                    id: id, by: claimant, note: prepared.stored, announcing: prepared.announcement)
            else {
                lost(id)
                return false
            }
            if prepared.announcement != nil { service.signal.wake() }
            logger.info("audio job done", metadata: ["nb.audio_job.id": "\(id)", "nb.api.key_id": "\(ownerKeyID)"])
            finishedHandler.withLock { $0 }?(.done)
            finish(id, .done(document: prepared.bytes))
            return false
        } catch  where Task.isCancelled {
            // A shutdown (whatever error the cancelled decoder or engine threw): the job is given back to the queue
            // by the worker, and taken up again after the restart.
            logger.info("audio job interrupted", metadata: ["nb.audio_job.id": "\(id)"])
            return true
        } catch let error as APIError {
            await fail(id, fhir?.failure(error) ?? error, job: noteJob, ownerKeyID: ownerKeyID)
        } catch let error as TranscriptionError {
            if error.code == .decoderUnavailable || error.code == .engineUnavailable {
                // The caller is told only that this server cannot transcribe; the operator needs what is missing
                // (ffmpeg, a model file's path: configuration, never the recording's content).
                logger.error(
                    "audio job cannot be transcribed on this server",
                    metadata: ["nb.audio_job.id": "\(id)", "nb.audio.reason": "\(error.reason)"])
            }
            let refusal = APIError.audio(error)
            await fail(id, fhir?.failure(refusal) ?? refusal, job: noteJob, ownerKeyID: ownerKeyID)
        } catch let error as StoreError where error.code == .duplicate {
            let conflict = APIError(
                .conflict, code: "DUPLICATE",
                message: "another request with this Idempotency-Key made its note first")
            await fail(id, fhir?.failure(conflict) ?? conflict, job: noteJob, ownerKeyID: ownerKeyID)
        } catch is CancellationError {
            logger.info("audio job interrupted", metadata: ["nb.audio_job.id": "\(id)"])
            return true
        } catch {
            // The store failed: the job is claimed again later, and given up after its attempts.
            logger.error(
                "audio job not finished", metadata: ["nb.audio_job.id": "\(id)", "nb.error": "\(type(of: error))"])
        }
        return false
    }

    /// Transcribes the recording of an HL7 message (``PipelineRecordingJobs``) and stores its transcript under the
    /// job's id for the pipeline, or the failure (its reason and HL7 error code); wakes the pipeline either way.
    /// Returns whether it was interrupted by cancellation, as ``run(_:)``.
    private func runPipelineRecording(_ claimed: AudioJob) async -> Bool {
        let id = claimed.job.id
        let metadata: Logger.Metadata = ["nb.audio_job.id": "\(id)", "nb.audio.bytes": "\(claimed.job.audio.count)"]
        let failure: PipelineFailure
        do {
            guard claimed.attempts <= audio.maximumJobAttempts else {
                throw TranscriptionError(
                    .engineFailed, reason: "not transcribed in \(audio.maximumJobAttempts) attempts")
            }
            guard let speech = try await transcribeHoldingClaim(claimed) else {
                lost(id)
                return false
            }
            let transcript = PipelineRecordingTranscript(
                text: speech.text,
                segments: speech.segments.map { .init(start: $0.span.start, end: $0.span.end, text: $0.text) })
            let now = Date()
            let note = StoredNote(
                id: id, ownerKeyID: PipelineRecordingJobs.owner, createdAt: now, expiresAt: claimed.job.expiresAt,
                specialty: "generic", template: "transcript", document: try transcript.encoded(), lookup: NoteLookup())
            guard try await store.completeAudioJob(id: id, by: claimant, note: note, announcing: nil) else {
                lost(id)
                return false
            }
            logger.info("recording of an HL7 message transcribed by its audio job", metadata: metadata)
            finishedHandler.withLock { $0 }?(.done)
            pipelineRecordingHandler.withLock { $0 }?()
            return false
        } catch where Task.isCancelled {
            logger.info("audio job interrupted", metadata: ["nb.audio_job.id": "\(id)"])
            return true
        } catch let error as TranscriptionError {
            failure = EncounterPipeline.failure(of: error)
        } catch is CancellationError {
            return true
        } catch {
            logger.error(
                "audio job not finished", metadata: ["nb.audio_job.id": "\(id)", "nb.error": "\(type(of: error))"])
            return false
        }
        do {
            guard
                try await store.failAudioJob(
                    id: id, by: claimant, failure: PipelineRecordingTranscript.jobFailure(failure), announcing: nil,
                    now: Date())
            else {
                lost(id)
                return false
            }
        } catch {
            logger.error(
                "audio job failure not stored",
                metadata: ["nb.audio_job.id": "\(id)", "nb.error": "\(type(of: error))"])
            return false
        }
        var failed = metadata
        failed["nb.pipeline.reason"] = "\(failure.reason)"
        logger.notice(
            "the recording of an HL7 message could not be transcribed; its audio job failed", metadata: failed)
        finishedHandler.withLock { $0 }?(.failed)
        pipelineRecordingHandler.withLock { $0 }?()
        return false
    }

    /// The job is no longer this worker's: deleted by its key, or taken over after the claim expired.
    private func lost(_ id: String) {
        logger.info("audio job left: deleted or taken over", metadata: ["nb.audio_job.id": "\(id)"])
        finishedHandler.withLock { $0 }?(.cancelled)
        finish(id, nil)
    }

    private func fail(_ id: String, _ error: APIError, job: NoteJob?, ownerKeyID: String) async {
        let failure = AudioJobFailure(
            status: Int(error.status.code), code: error.code, message: error.message,
            field: error.details.first?.field, fieldMessage: error.details.first?.message)
        let delivery = service.failureDelivery(error, job: job, keyID: ownerKeyID, noteID: id)
        do {
            guard
                try await store.failAudioJob(id: id, by: claimant, failure: failure, announcing: delivery, now: Date())
            else {
                lost(id)
                return
            }
        } catch {
            logger.error(
                "audio job failure not stored",
                metadata: ["nb.audio_job.id": "\(id)", "nb.error": "\(type(of: error))"])
            return
        }
        if delivery != nil { service.signal.wake() }
        logger.notice(
            "audio job failed", metadata: ["nb.audio_job.id": "\(id)", "nb.audio_job.error": "\(error.code)"])
        finishedHandler.withLock { $0 }?(.failed)
        finish(id, .failed(error))
    }

    /// The progress a transcription reports, read by the reporter.
    private final class Progress: Sendable {
        private let state = Mutex((done: 0.0, total: 0.0))

        var value: (done: Double, total: Double) { state.withLock { $0 } }

        func set(total: Double) { state.withLock { $0 = (0, total) } }

        func advance(to done: Double) { state.withLock { $0.done = max($0.done, min(done, $0.total)) } }
    }

    /// The job's transcript, decoded and transcribed while its progress is recorded (which extends the claim) every
    /// ``AudioConfiguration/progressInterval``; `nil` as soon as the claim is found lost (the transcription is then
    /// cancelled).
    private func transcribeHoldingClaim(_ claimed: AudioJob) async throws -> SpeechTranscript? {
        let progress = Progress()
        let transcriber = audio.transcriber(logger: logger)
        let (store, claimant, interval, id) = (store, claimant, audio.progressInterval, claimed.job.id)
        let (audio, logger, onRetry) = (audio, logger, retryHandler.withLock { $0 })
        return try await withThrowingTaskGroup(of: SpeechTranscript?.self) { group in
            group.addTask {
                let recording = try await transcriber.decoder.decode(bytes: claimed.job.audio)
                let seconds = recording.seconds
                progress.set(total: seconds)
                var retries = 0
                while true {
                    do {
                        // Seconds of the recording: the speech done, in proportion to all the speech (pauses are
                        // not transcribed, so each one counts with the speech around it).
                        return try await transcriber.transcribe(recording) { done, total in
                            progress.advance(to: total > 0 ? done / total * seconds : 0)
                        }
                    } catch let error as TranscriptionError
                        where error.isTransient && retries < audio.transientRetries && !Task.isCancelled
                    {
                        // The engine's failure, not the recording's: tried again after a wait (the reporter keeps
                        // the claim meanwhile), and the job fails only when the retries are spent.
                        retries += 1
                        let delay = audio.transientRetryDelay(before: retries)
                        logger.notice(
                            "audio job transcription failed for a transient reason; trying again",
                            metadata: [
                                "nb.audio_job.id": "\(id)", "nb.audio.error": "\(error.code)",
                                "nb.audio_job.retry": "\(retries)", "nb.audio_job.retry_in": "\(delay)",
                            ])
                        onRetry?("\(error.code)")
                        try await Task.sleep(for: delay)
                    }
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: interval)
                    let (done, total) = progress.value
                    // A store that cannot be written now is asked again at the next report; the claim lasts meanwhile.
                    let held = try? await store.recordAudioJobProgress(
                        id: id, by: claimant, secondsTranscribed: done, secondsTotal: total, now: Date())
                    if held == false { return nil }
                }
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}

/// How an audio job ended here, as a metric label.
enum AudioJobMetricOutcome: String, Sendable, CaseIterable {
    /// The note was stored.
    case done
    /// The job failed (its failure is readable).
    case failed
    /// Deleted by its key while it ran, or taken over by another instance.
    case cancelled
}
