import Coding
import EncounterModel
import Foundation
import Logging
import Mapping
import Scribe
import Store

/// Writes, stores and announces notes for the `/v1` API: the note engine, the coder, the sealed note store and
/// the webhook outbox behind one call per step, so that the JSON and the streaming endpoints share them.
public final class NoteService: Sendable {
    let writer = EncounterNoteWriter()
    let notes: any NoteStore
    let outbox: any WebhookOutbox
    let signal: WebhookSignal
    let retention: Duration
    let defaultCallbackURL: String?
    let logger: Logger

    init(
        notes: any NoteStore, outbox: any WebhookOutbox, signal: WebhookSignal, retention: Duration,
        defaultCallbackURL: String?, logger: Logger
    ) {
        self.notes = notes
        self.outbox = outbox
        self.signal = signal
        self.retention = retention
        self.defaultCallbackURL = defaultCallbackURL
        self.logger = logger
    }

    /// Writes the note of the request's encounter (the one path every intake takes to the note engine); a
    /// transcript the engine cannot use is a validation error naming `transcript`.
    func write(_ job: NoteJob) throws(APIError) -> Note {
        do {
            return try writer.note(for: job.encounter)
        } catch {
            throw APIError.validation(error.field, error.reason)
        }
    }

    /// The billing codes, when asked for.
    func codes(for note: Note, job: NoteJob) -> BillingCodes? {
        writer.codes(for: note, encounter: job.encounter)
    }

    /// Seals and stores the note under a new id, queues its `note.generated` event, and returns the document
    /// and its JSON. `lookup` is what it is found by (an Idempotency-Key); `fhir` gives the note's FHIR form (made
    /// from the new document) and what it is searched by.
    func store(
        _ note: Note, codes: BillingCodes?, job: NoteJob, owner: APIKeyRecord, lookup: NoteLookup = NoteLookup(),
        fhir: ((NoteDocument) -> (form: [UInt8], lookup: NoteLookup))? = nil
    ) async throws -> (NoteDocument, [UInt8]) {
        let prepared = try prepare(
            note, id: "note_" + Hex.random(16), codes: codes, job: job, ownerKeyID: owner.id, lookup: lookup,
            fhir: fhir)
        // The note and its note.generated event are stored in one transaction: neither is kept without the other.
        try await notes.save(prepared.stored, announcing: prepared.announcement)
        if prepared.announcement != nil { signal.wake() }
        return (prepared.document, prepared.bytes)
    }

    /// A note ready to store: its document and JSON, the stored record, and the `note.generated` delivery when a
    /// callback is named.
    struct PreparedNote {
        var document: NoteDocument
        var bytes: [UInt8]
        var stored: StoredNote
        var announcement: WebhookDelivery?
    }

    /// The note's document under `id`, expiring after the retention, and what storing it takes.
    func prepare(
        _ note: Note, id: String, codes: BillingCodes?, job: NoteJob, ownerKeyID: String,
        lookup: NoteLookup = NoteLookup(), fhir: ((NoteDocument) -> (form: [UInt8], lookup: NoteLookup))? = nil
    ) throws -> PreparedNote {
        let now = Date()
        let expires = now.addingTimeInterval(retention.timeInterval)
        let document = NoteDocument(id: id, note: note, codes: codes, job: job, createdAt: now, expiresAt: expires)
        let bytes = try document.encoded()
        let form = fhir?(document)
        let announcement = (job.callbackURL ?? defaultCallbackURL).map { url in
            delivery(WebhookEvent.generated(document), url: url, keyID: ownerKeyID)
        }
        let stored = StoredNote(
            id: id, ownerKeyID: ownerKeyID, createdAt: now, expiresAt: expires, specialty: document.specialty,
            template: document.template, document: bytes, fhir: form?.form, lookup: form?.lookup ?? lookup)
        return PreparedNote(document: document, bytes: bytes, stored: stored, announcement: announcement)
    }

    /// The note of a transcribed recording; a transcript the note engine refuses (too little speech) is the
    /// audio's error, since the caller sent no transcript.
    func writeAudioNote(_ job: NoteJob) throws(APIError) -> Note {
        do {
            return try write(job)
        } catch {
            guard error.details.first?.field == "transcript" else { throw error }
            let reason = error.details.first?.message ?? "cannot be used"
            throw APIError.validation("audio", "the speech recognised in the recording \(reason)")
        }
    }

    /// The `note.failed` delivery of a failure, when the request (or the configuration) names a callback; `noteID`
    /// is the id the note would have had (an audio job's).
    func failureDelivery(_ error: APIError, job: NoteJob?, keyID: String, noteID: String? = nil) -> WebhookDelivery? {
        guard let url = job?.callbackURL ?? defaultCallbackURL else { return nil }
        return delivery(
            WebhookEvent.failed(error, specialty: job?.specialty.rawValue, noteID: noteID), url: url, keyID: keyID)
    }

    /// Queues a `note.failed` event for a request that named a callback.
    func announceFailure(_ error: APIError, job: NoteJob?, owner: APIKeyRecord) async {
        guard let url = job?.callbackURL ?? defaultCallbackURL else { return }
        await queue(WebhookEvent.failed(error, specialty: job?.specialty.rawValue), url: url, keyID: owner.id)
    }

    private func delivery(_ event: (type: String, payload: [UInt8]), url: String, keyID: String) -> WebhookDelivery {
        WebhookDelivery(
            keyID: keyID, url: url, eventType: event.type, payload: event.payload, nextAttemptAt: Date(), createdAt: Date())
    }

    private func queue(_ event: (type: String, payload: [UInt8]), url: String, keyID: String) async {
        do {
            _ = try await outbox.enqueue(delivery(event, url: url, keyID: keyID))
            signal.wake()
        } catch {
            logger.error("webhook not queued", metadata: ["nb.error": "\(type(of: error))"])
        }
    }
}
