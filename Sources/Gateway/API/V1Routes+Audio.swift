import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Scribe
import Store
import Transcription

/// `POST /v1/note/audio`: a recording in, the note out, as `POST /v1/note` answers for a transcript.
///
/// The body is `multipart/form-data` with an `audio` file part and either a `metadata` part holding the JSON of a
/// `/v1/note` request without its `transcript`, or form fields `specialty`, `template`, `include_billing_codes`,
/// `include_transcript`, `include_patient_summary`, `include_evidence`, `provider_type`, `patient_status` and
/// `callback_url`. The options are validated before the audio is transcribed, with the same errors as
/// `/v1/note`; audio problems have errors of their own (field `audio`).
///
/// The recording becomes an audio job (sealed in the store until it is transcribed): the answer is the note (200)
/// when the job ends within ``AudioConfiguration/syncWait``, its error when it fails within it, and otherwise 202
/// with the job's status URL (`GET /v1/note/{id}`); the webhook fires when it ends either way.
extension V1Routes {
    /// The form fields a request may send instead of a `metadata` part.
    static let audioFormFields: Set<String> = [
        "specialty", "provider_type", "template", "include_billing_codes", "include_transcript",
        "include_patient_summary", "include_evidence", "patient_status", "callback_url",
    ]

    func createAudioNote(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try await audited(.create, noteID: nil, request, context) { key in
            let idempotencyKey = try Self.idempotencyKey(request)
            guard let contentType = request.headers[.contentType],
                let boundary = MultipartFormData.boundary(contentType: contentType)
            else {
                throw APIError(
                    .unsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE",
                    message: "the request body must be multipart/form-data with a boundary")
            }
            let audioLimits = configuration.audio.limits
            let body = try await body(request, limit: audioLimits.maximumBytes + Self.audioFormOverhead)
            let form = try MultipartFormData(body, boundary: boundary)
            let (job, options) = try audioJob(form)
            let audio = try Self.single("audio", in: form, required: true)
            let recording = Array(audio?.body ?? [])
            let lookup = NoteLookup(
                source: idempotencyKey.map { "idempotency-key|" + $0 },
                request: Self.audioFingerprint(options: options, recording: recording))
            if let replay = try await replay(lookup, key: key) { return replay }
            do throws(TranscriptionError) {
                // What can be told without decoding (empty, too large, not audio) is answered now.
                try configuration.audio.transcriber(logger: logger).decoder.check(bytes: recording)
            } catch {
                let refusal = APIError.audio(error)
                await service.announceFailure(refusal, job: job, owner: key)
                throw refusal
            }
            let kept = AudioJobRequest(options: options, idempotencySource: lookup.source, fingerprint: lookup.request)
            let wait = Self.syncWait(request, configured: configuration.audio.syncWait)
            return try await queueAudioJob(recording, request: kept, key: key, wait: wait, lookup: lookup)
        }
    }

    /// Queues the recording as an audio job and answers it: the note or the error when it ends within `wait`, else
    /// 202 with its status.
    ///
    /// With an Idempotency-Key, the job's id is derived from the key (``idempotentJobID(keyID:source:request:)``: a
    /// prefix from the API key and the Idempotency-Key, the rest from the request's fingerprint), so that a retry sent
    /// while the first job still runs (or after it failed) finds that job and is answered as it is (the note within
    /// the wait, its failure, or 202 with the same id and status URL) instead of queueing a second one; a different
    /// request under the same key is refused with `IDEMPOTENCY_KEY_REUSED`. Two such requests at once both end up
    /// with the one job: the second's enqueue finds the id taken.
    func queueAudioJob(
        _ recording: [UInt8], request: AudioJobRequest, key: APIKeyRecord, wait: Duration,
        lookup: NoteLookup = NoteLookup()
    ) async throws -> (Response, String?) {
        let id: String
        if let source = lookup.source {
            let derived = Self.idempotentJobID(keyID: key.id, source: source, request: lookup.request ?? "")
            if let earlier = try await earlierJob(prefix: derived.prefix, key: key) {
                guard earlier.id == derived.id else { throw APIError.idempotencyKeyReused }
                return try await joinAudioJob(derived.id, key: key, wait: wait, lookup: lookup)
            }
            id = derived.id
        } else {
            id = "note_" + Hex.random(16)
        }
        let waiting = try await storing { try await audioJobs.audioJobCounts()[.queued] ?? 0 }
        guard waiting < configuration.audio.queuedTranscriptions else {
            var busy = APIError(
                .serviceUnavailable, code: "TRANSCRIPTION_BUSY",
                message: "too many recordings are waiting to be transcribed; retry later")
            busy.headers = [(.retryAfter, "10")]
            throw busy
        }
        let now = Date()
        let kept = try await storing { try request.encoded() }
        let job = NewAudioJob(
            id: id, ownerKeyID: key.id, createdAt: now,
            expiresAt: now.addingTimeInterval(configuration.retention.timeInterval), audio: recording, request: kept)
        audioJobRunner.expect(id)
        defer { audioJobRunner.forget(id) }
        do {
            try await audioJobs.enqueueAudioJob(job)
        } catch let error as StoreError where error.code == .invalidArgument && lookup.source != nil {
            // A concurrent request with the same Idempotency-Key queued this job (or its note exists) first.
            if let replay = try await replay(lookup, key: key) { return replay }
            return try await joinAudioJob(id, key: key, wait: wait, lookup: lookup)
        } catch {
            try await storing { () async throws -> Void in throw error }
        }
        audioJobRunner.wake()
        return try await awaitAudioJob(id, key: key, wait: wait, lookup: lookup)
    }

    /// The job an earlier request with the same Idempotency-Key queued (the oldest, owned by `key`), if it has not
    /// expired.
    private func earlierJob(prefix: String, key: APIKeyRecord) async throws -> AudioJobStatus? {
        try await storing { try await audioJobs.audioJobs(idPrefix: prefix, now: Date()) }
            .first { $0.ownerKeyID == key.id }
    }

    /// Answers a retry as the job its first request queued is answered (marked `Idempotent-Replayed`).
    private func joinAudioJob(
        _ id: String, key: APIKeyRecord, wait: Duration, lookup: NoteLookup
    ) async throws -> (Response, String?) {
        var (response, noteID) = try await awaitAudioJob(id, key: key, wait: wait, lookup: lookup)
        response.headers[.idempotentReplayed] = "true"
        return (response, noteID)
    }

    /// Waits up to `wait` for the job's end: the note (200), its failure, or 202 with its status.
    private func awaitAudioJob(
        _ id: String, key: APIKeyRecord, wait: Duration, lookup: NoteLookup
    ) async throws -> (Response, String?) {
        // This instance's worker tells its end at once; one that another instance (sharing the database) took is
        // looked for in the store every second.
        let deadline = ContinuousClock.now + wait
        while ContinuousClock.now < deadline {
            let slice = ContinuousClock.now + min(deadline - ContinuousClock.now, .seconds(1))
            switch await audioJobRunner.outcome(of: id, within: slice - ContinuousClock.now) {
            case .done(let document): return (Self.json(.ok, document), id)
            case .failed(let error):
                // A concurrent request with the same Idempotency-Key stored its note first: that note is the answer.
                if error.status == .conflict, let replay = try await replay(lookup, key: key) { return replay }
                throw error
            case nil:
                try? await Task.sleep(until: slice)
                switch try await ownedNoteOrJob(id, key: key) {
                case .note(let stored): return (Self.json(.ok, stored.document), id)
                case .job(let status):
                    if let failure = status.failure { throw APIError(failure) }
                }
            }
        }
        // Still running: answered as GET answers it.
        switch try await ownedNoteOrJob(id, key: key) {
        case .note(let stored): return (Self.json(.ok, stored.document), id)
        case .job(let status): return (Self.audioJobStatus(status), id)
        }
    }

    /// The fingerprint of an upload, by what it asks rather than how it is framed: SHA-256 over the request options
    /// (JSON, keys sorted) and the recording's own SHA-256, so that a retry whose multipart body has another boundary,
    /// or its parts in another order, or the options as form fields instead of a metadata part, is the same request.
    static func audioFingerprint(options: NoteRequestBody, recording: [UInt8]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let described = (try? encoder.encode(options)) ?? Data()
        var hash = SHA256()
        hash.update(data: Data("audio-upload|".utf8))
        hash.update(data: described)
        hash.update(data: Data("|".utf8))
        hash.update(data: Data(SHA256.hash(data: recording)))
        return Hex.encode(hash.finalize())
    }

    /// The id of the job of an upload with an Idempotency-Key: `note_`, 16 hex digits of SHA-256 over the API key's id
    /// and the Idempotency-Key (`prefix`, shared by every request under that key), and 16 over those and the
    /// request's fingerprint (so that the same request finds the same job). Only its API key reads the job.
    static func idempotentJobID(keyID: String, source: String, request: String) -> (prefix: String, id: String) {
        let prefix = "note_" + String(Hex.encode(SHA256.hash(data: Data("\(keyID)|\(source)".utf8))).prefix(16))
        let rest = String(Hex.encode(SHA256.hash(data: Data("\(keyID)|\(source)|\(request)".utf8))).prefix(16))
        return (prefix, prefix + rest)
    }

    /// How long this upload waits for its note: the configured wait, shortened by `Prefer: wait=<seconds>`, or none
    /// with `Prefer: respond-async` (RFC 7240).
    static func syncWait(_ request: Request, configured: Duration) -> Duration {
        var wait = configured
        for parts in preferences(request) {
            if parts == ["respond-async"] {
                wait = .zero
            } else if parts.count == 2, parts[0] == "wait", parts[1].utf8.count <= 9,
                let seconds = Int(parts[1]), seconds >= 0
            {
                wait = min(wait, .seconds(seconds))
            }
        }
        return wait
    }

    /// The request's `Prefer` preferences (RFC 7240 §2), each as its lowercased name and value (`["wait", "10"]`,
    /// `["respond-async"]`), their parameters left out.
    static func preferences(_ request: Request) -> [[String]] {
        request.headers[values: .prefer].flatMap { value in
            value.split(separator: ",").map { preference in
                let token = preference.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? ""
                return token.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
            }
        }
    }

    /// Room for the metadata, the form fields and the multipart framing beside the audio.
    static let audioFormOverhead = 1 << 20

    /// The note request the form describes, validated as `/v1/note` validates its body, with an empty transcript
    /// until the audio is transcribed; and the request as sent, which the audio job keeps.
    func audioJob(_ form: MultipartFormData) throws(APIError) -> (NoteJob, NoteRequestBody) {
        let metadata = try Self.single("metadata", in: form, required: false)
        let fields = form.parts.filter { Self.audioFormFields.contains($0.name) }
        var requestBody: NoteRequestBody
        if let metadata {
            guard fields.isEmpty else {
                throw APIError.validation(
                    fields[0].name, "send the options either in the metadata part or as form fields, not both")
            }
            requestBody = try NoteJob.decodeBody(Array(metadata.body))
            guard requestBody.transcript == nil else {
                throw APIError.validation("transcript", "is not accepted with audio; the audio is transcribed")
            }
        } else {
            requestBody = NoteRequestBody()
            var seen: Set<String> = []
            for field in fields {
                guard seen.insert(field.name).inserted else {
                    throw APIError.validation(field.name, "is sent more than once")
                }
                guard field.body.count <= 4_096, let value = String(validating: field.body, as: UTF8.self) else {
                    throw APIError.validation(field.name, "must be UTF-8 text of at most 4096 bytes")
                }
                let text = value.trimmingCharacters(in: .whitespacesAndNewlines)
                switch field.name {
                case "specialty": requestBody.specialty = text
                case "provider_type": requestBody.providerType = text
                case "template": requestBody.template = text
                case "patient_status": requestBody.patientStatus = text
                case "callback_url": requestBody.callbackURL = text
                case "include_billing_codes": requestBody.includeBillingCodes = try Self.flag(text, field: field.name)
                case "include_transcript": requestBody.includeTranscript = try Self.flag(text, field: field.name)
                case "include_patient_summary":
                    requestBody.includePatientSummary = try Self.flag(text, field: field.name)
                case "include_evidence": requestBody.includeEvidence = try Self.flag(text, field: field.name)
                default: continue
                }
            }
        }
        requestBody.transcript = ""
        let job = try NoteJob(requestBody)
        if let url = job.callbackURL, let refusal = configuration.callbackHosts.refusal(of: url) {
            throw APIError.validation("callback_url", refusal.reason)
        }
        return (job, requestBody)
    }

    /// The one part named `name`: an error when it is sent twice, or missing and required.
    static func single(
        _ name: String, in form: MultipartFormData, required: Bool
    ) throws(APIError) -> MultipartFormData.Part? {
        let parts = form.parts(named: name)
        guard parts.count <= 1 else { throw APIError.validation(name, "is sent more than once") }
        if required && parts.isEmpty {
            throw APIError.validation(name, "is required: send the recording as a file part named \(name)")
        }
        return parts.first
    }

    /// `true` or `false` (also `1`/`0`, `yes`/`no`, `on`/`off`, as HTML forms send them).
    static func flag(_ text: String, field: String) throws(APIError) -> Bool {
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw APIError.validation(field, "must be true or false")
        }
    }
}

extension APIError {
    /// The error an audio job failed with, as it was stored.
    init(_ failure: AudioJobFailure) {
        var details: [Detail] = []
        if let field = failure.field { details.append(Detail(field: field, message: failure.fieldMessage ?? "")) }
        // A status read from the database is checked before it becomes one (HTTPResponse.Status traps outside 100-999).
        let status = (400...599).contains(failure.status) ? failure.status : 500
        self.init(HTTPResponse.Status(code: status), code: failure.code, message: failure.message, details: details)
    }

    /// The API error of an audio problem, with the field `audio`.
    static func audio(_ error: TranscriptionError) -> APIError {
        let (status, code): (HTTPResponse.Status, String) =
            switch error.code {
            case .unsupportedContainer: (.unsupportedMediaType, "UNSUPPORTED_AUDIO")
            case .corruptAudio: (.unprocessableContent, "CORRUPT_AUDIO")
            case .silentAudio: (.unprocessableContent, "SILENT_AUDIO")
            case .tooLarge: (.contentTooLarge, "AUDIO_TOO_LARGE")
            case .tooLong: (.unprocessableContent, "AUDIO_TOO_LONG")
            case .decoderUnavailable, .engineUnavailable: (.serviceUnavailable, "TRANSCRIPTION_UNAVAILABLE")
            case .remoteUnreachable, .remoteHTTPStatus, .remoteMalformedAnswer:
                (.badGateway, "REMOTE_TRANSCRIPTION_FAILED")
            case .remoteTimedOut: (.gatewayTimeout, "REMOTE_TRANSCRIPTION_TIMEOUT")
            case .remoteRefusedAudio: (.unprocessableContent, "REMOTE_TRANSCRIPTION_REFUSED")
            default: (.internalServerError, "TRANSCRIPTION_FAILED")
            }
        // The remote engine's reasons name what happened (a status, a timeout) and never the service's address, the
        // key or any text; the embedded engine's own failures stay opaque.
        let reason =
            status == .serviceUnavailable || status == .internalServerError
            ? "the recording could not be transcribed on this server; retry later"
            : status == .badGateway || status == .gatewayTimeout ? error.reason + "; retry later" : error.reason
        return APIError(status, code: code, message: "audio: \(reason)", details: [Detail(field: "audio", message: reason)])
    }
}
