import Coding
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mapping
import NIOCore
import NIOHTTP1
import Scribe
import Store

/// The `/v1` note API: `POST /v1/note`, `POST /v1/stream/note` (Server-Sent Events), `GET` and `DELETE
/// /v1/note/{id}`, `GET /v1/specialties`, `GET /v1/templates` and `GET /openapi.json`.
///
/// Every note route authenticates a bearer API key, checks its scope and rate, and writes an audit record
/// whatever the outcome. Errors are `{"error":{"code","message","details"}}`.
public struct V1Routes: Sendable {
    /// Limits and retention of the API.
    public struct Configuration: Sendable {
        /// The largest request body, bytes.
        public var maximumBodyBytes = 1 << 20
        /// Requests per second per key (0 turns limiting off).
        public var rateLimit: Double = 50
        /// The burst a key may make above its rate.
        public var rateBurst: Double = 100
        /// How long notes are kept.
        public var retention: Duration = .seconds(30 * 86_400)
        /// A webhook for every note when the request names none.
        public var callbackURL: String?
        /// Browser origins allowed cross-origin access (`http.corsAllowOrigins`); none when empty.
        public var corsOrigins: Set<String> = []
        /// How long a stream ticket (`POST /v1/stream/ticket`) may wait to be redeemed.
        public var streamTicketLifetime: Duration = .seconds(60)
        /// The hosts `callback_url` may name (`api.callbackAllowedHosts`); by default any host but link-local and
        /// cloud metadata ones.
        public var callbackHosts = CallbackHosts()
        /// How notes become FHIR (`fhir.mapping`).
        public var fhirMapping = NoteFHIRMapping()
        /// How `POST /v1/note/audio` decodes and transcribes recordings.
        public var audio = AudioConfiguration()

        /// The defaults.
        public init() {}
    }

    let keys: any APIKeyStore
    let notes: any NoteStore
    let audit: any AuditLog
    let service: NoteService
    let limiter: RateLimiter
    let tickets: StreamTickets
    /// The audio jobs: queued by `POST /v1/note/audio`, run by the ``AudioJobService`` over ``audioJobRunner``.
    let audioJobs: any AudioJobStore
    let audioJobRunner: AudioJobRunner
    /// The slots of recordings transcribed while their request waits (`/fhir` `$soap-note` and Bundle intake): as
    /// many at once as audio jobs (``AudioConfiguration/concurrentTranscriptions``), and as many waiting as may be
    /// queued (``AudioConfiguration/queuedTranscriptions``).
    let synchronousTranscriptions: TranscriptionGate
    let configuration: Configuration
    let logger: Logger
    /// Told of writes refused for want of room or of a writable database (what `/readyz` reports).
    var writeHealth: StorageWriteHealth?

    init(
        store: some NoteStore & APIKeyStore & AuditLog & WebhookOutbox & AudioJobStore, signal: WebhookSignal,
        configuration: Configuration, limiter: RateLimiter? = nil, logger: Logger
    ) {
        self.init(
            keys: store, notes: store, audit: store, webhooks: store, audioJobs: store, signal: signal,
            configuration: configuration, limiter: limiter, logger: logger)
    }

    /// The routes over the parts of a ``Store`` (any backend).
    init(
        store: any Store, signal: WebhookSignal, configuration: Configuration, limiter: RateLimiter? = nil,
        logger: Logger
    ) {
        // An embedded store has one instance: its claims on audio jobs are its own, after a restart too. Instances
        // sharing a database each claim under a name of their own.
        let owner =
            store.backend == .sqlite ? "embedded" : "\(ProcessInfo.processInfo.hostName.prefix(64))/\(Hex.random(6))"
        self.init(
            keys: store.keys, notes: store.notes, audit: store.audit, webhooks: store.webhooks,
            audioJobs: store.audioJobs, signal: signal, configuration: configuration, limiter: limiter,
            sharedTickets: store.streamTickets, audioJobOwner: owner, logger: logger)
    }

    /// `limiter` is the per-key rate limit to use (shared with other routes that take API keys, such as the
    /// Subscription hook); by default one of the configuration's rate and burst.
    ///
    /// `audioJobOwner` names this process's claims on audio jobs (`embedded` for a store one instance serves).
    init(
        keys: any APIKeyStore, notes: any NoteStore, audit: any AuditLog, webhooks: any WebhookOutbox,
        audioJobs: any AudioJobStore, signal: WebhookSignal, configuration: Configuration, limiter: RateLimiter? = nil,
        sharedTickets: (any SharedStreamTickets)? = nil, audioJobOwner: String = "embedded", logger: Logger
    ) {
        self.keys = keys
        self.notes = notes
        self.audit = audit
        self.service = NoteService(
            notes: notes, outbox: webhooks, signal: signal, retention: configuration.retention,
            defaultCallbackURL: configuration.callbackURL, logger: logger)
        self.limiter = limiter ?? RateLimiter(rate: configuration.rateLimit, burst: configuration.rateBurst)
        self.tickets = StreamTickets(lifetime: configuration.streamTicketLifetime, shared: sharedTickets)
        self.audioJobs = audioJobs
        self.audioJobRunner = AudioJobRunner(
            store: audioJobs, service: service, audio: configuration.audio, owner: audioJobOwner,
            fhirMapping: configuration.fhirMapping, logger: logger)
        self.synchronousTranscriptions = TranscriptionGate(
            limit: configuration.audio.concurrentTranscriptions, queueLimit: configuration.audio.queuedTranscriptions)
        self.configuration = configuration
        self.logger = logger
    }

    /// The routes and their methods (405 answers use it).
    static let table: [(pattern: [Substring], methods: [HTTPRequest.Method])] =
        [
            (["v1", "note"], [.post]), (["v1", "note", "audio"], [.post, .put]),
            (["v1", "stream", "note"], [.get, .post]), (["v1", "stream", "ticket"], [.post]),
            (["v1", "note", "*"], [.get, .delete]),
            (["v1", "specialties"], [.get]), (["v1", "templates"], [.get]), (["openapi.json"], [.get]),
            (["healthz"], [.get]), (["readyz"], [.get]), (["metrics"], [.get]), (["fhir", "metadata"], [.get]),
            (["fhir", "$soap-note"], [.post]),
            (["fhir", "Encounter", "*", "$soap-note"], [.post]), (["fhir"], [.post]),
            (["fhir", "$soap-note-status", "*"], [.get, .delete]),
            (["fhir", "DocumentReference"], [.get]),
            (["fhir", "DocumentReference", "*"], [.get]), (["fhir", "Composition", "*"], [.get]),
        ] + AdminRoutes.table + SubscriptionHookRoutes.table + ConsoleRoutes.table

    /// Adds the routes (and the error middleware) to `router`.
    func register(on router: Router<APIRequestContext>) {
        if !configuration.corsOrigins.isEmpty {
            router.add(middleware: CORSAllowList(origins: configuration.corsOrigins))
        }
        router.add(middleware: APIErrorMiddleware(routes: Self.table, maximumBodyBytes: configuration.maximumBodyBytes))
        router.post("v1/note") { request, context in try await createNote(request, context) }
        router.post("v1/note/audio") { request, context in try await createAudioNote(request, context) }
        router.put("v1/note/audio") { request, context in try await createAudioNote(request, context) }
        router.post("v1/stream/note") { request, context in try await streamNote(request, context) }
        router.post("v1/stream/ticket") { request, context in try await streamTicket(request, context) }
        router.get("v1/stream/note") { request, context in try await redeemStream(request, context) }
        router.get("v1/note/:id") { request, context in try await readNote(request, context) }
        router.delete("v1/note/:id") { request, context in try await deleteNote(request, context) }
        router.get("v1/specialties") { _, _ in Self.json(.ok, Self.specialtiesJSON) }
        router.get("v1/templates") { _, _ in Self.json(.ok, Self.templatesJSON) }
        router.get("openapi.json") { _, _ in Self.json(.ok, OpenAPIDocument.bytes) }
        FHIRRoutes(v1: self).register(on: router)
    }

    // MARK: - Handlers

    func createNote(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        try await audited(.create, noteID: nil, request, context) { key in
            let idempotencyKey = try Self.idempotencyKey(request)
            let (job, body) = try await decodeJobAndBody(request, context)
            // With an Idempotency-Key, the note this key already made from it is answered again.
            let lookup = NoteLookup(
                source: idempotencyKey.map { "idempotency-key|" + $0 }, request: Self.fingerprint(body))
            if let replay = try await replay(lookup, key: key) { return replay }
            return try await writeAndStore(job, lookup: lookup, key: key) { job in try service.write(job) }
        }
    }

    /// Writes the note (`write` may complete the job first, as a transcription does), codes and stores it under
    /// `lookup`, and answers it; a concurrent request with the same Idempotency-Key that stored its note first is
    /// answered with that note; a failure is announced to the key's webhooks.
    func writeAndStore(
        _ job: NoteJob, lookup: NoteLookup, key: APIKeyRecord, write: (inout NoteJob) async throws -> Note
    ) async throws -> (Response, String?) {
        var job = job
        do {
            let note = try await write(&job)
            let codes = service.codes(for: note, job: job)
            let (document, bytes) = try await storing {
                try await service.store(note, codes: codes, job: job, owner: key, lookup: lookup)
            }
            return (Self.json(.ok, bytes), document.noteId)
        } catch let error as APIError where error.status == .conflict {
            guard let replay = try await replay(lookup, key: key) else { throw error }
            return replay
        } catch let error as APIError {
            await service.announceFailure(error, job: job, owner: key)
            throw error
        }
    }

    /// The stored answer to an earlier request with the same Idempotency-Key: the note again, marked
    /// `Idempotent-Replayed: true`, or 422 when that key came with another request body.
    func replay(_ lookup: NoteLookup, key: APIKeyRecord) async throws -> (Response, String?)? {
        guard let source = lookup.source else { return nil }
        guard
            let (stored, sameRequest) = try await storing({
                try await notes.note(ownerKeyID: key.id, source: source, request: lookup.request, now: Date())
            })
        else { return nil }
        guard sameRequest else { throw APIError.idempotencyKeyReused }
        var response = Self.json(.ok, stored.document)
        response.headers[.idempotentReplayed] = "true"
        return (response, stored.id)
    }

    /// SHA-256 of the request body in a canonical form (keys sorted, no white space), so the same request sent
    /// again with its members in another order is still the same request.
    static func fingerprint(_ body: [UInt8]) -> String {
        let canonical = (try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]))
            .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys, .fragmentsAllowed]) }
        return Hex.encode(SHA256.hash(data: canonical ?? Data(body)))
    }

    /// The `Idempotency-Key` header: 1 to 255 printable ASCII characters (an RFC 8941 string's quotes are
    /// removed); `nil` when absent.
    static func idempotencyKey(_ request: Request) throws(APIError) -> String? {
        guard var value = request.headers[.idempotencyKey] else { return nil }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            value = String(value.dropFirst().dropLast())
        }
        guard (1...255).contains(value.utf8.count), value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw APIError.validation("Idempotency-Key", "must be 1 to 255 printable ASCII characters")
        }
        return value
    }

    func streamNote(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (key, job, note) = try await noteBeforeStreaming(request, context)
        return stream(note, job: job, key: key, context)
    }

    /// The key, the request and the written note of a stream. The request and the transcript are checked before the
    /// stream starts, so that a bad request gets the same status as from POST /v1/note; errors after that arrive as
    /// `event: error`.
    func noteBeforeStreaming(_ request: Request, _ context: APIRequestContext) async throws -> (
        APIKeyRecord, NoteJob, Note
    ) {
        let (key, job, note, _) = try await noteAndBodyBeforeStreaming(request, context)
        return (key, job, note)
    }

    /// ``noteBeforeStreaming(_:_:)``, with the request body's bytes.
    func noteAndBodyBeforeStreaming(_ request: Request, _ context: APIRequestContext) async throws -> (
        APIKeyRecord, NoteJob, Note, [UInt8]
    ) {
        let key = try await authenticate(request, context, scope: .notesWrite, action: .create)
        let job: NoteJob
        let body: [UInt8]
        do {
            (job, body) = try await decodeJobAndBody(request, context)
        } catch let error as APIError {
            await record(.create, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
            throw error
        }
        return (key, job, try await writeBeforeStreaming(job, key: key, context), body)
    }

    /// `POST /v1/stream/ticket`: checks and writes the note as `POST /v1/stream/note` would, and answers 201 with
    /// a single-use ticket for `GET /v1/stream/note?ticket=…` (for the browser's `EventSource`).
    func streamTicket(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let (key, job, note, body) = try await noteAndBodyBeforeStreaming(request, context)
        let ticket: String
        do {
            ticket = try await storing { try await tickets.issue(job: job, note: note, key: key, request: body) }
        } catch let error as APIError {
            await record(.create, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
            throw error
        }
        let seconds = Int(configuration.streamTicketLifetime.components.seconds)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(
            status: .created, headers: headers,
            body: ResponseBody(
                byteBuffer: ByteBuffer(
                    string:
                        #"{"expires_in":\#(seconds),"stream_url":"/v1/stream/note?ticket=\#(ticket)","ticket":"\#(ticket)"}"#
                )))
    }

    /// `GET /v1/stream/note?ticket=…`: the stream of a ticket's note; the ticket is the credential, used once.
    func redeemStream(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let ticket = request.uri.queryParameters.get("ticket")
        guard let ticket, ticket.hasPrefix(StreamTickets.prefix),
            let redemption = try await storing({ try await tickets.redeemAnywhere(ticket) })
        else {
            await record(.create, key: nil, noteID: nil, status: 401, error: "UNAUTHORIZED", context)
            throw APIError.unauthorized("the ticket is unknown, used or expired; get one from POST /v1/stream/ticket")
        }
        let keyID =
            switch redemption {
            case .written(let entry): entry.key.id
            case .request(let kept): kept.keyID
            }
        // A key revoked since the ticket was issued opens nothing.
        let found = try await storing({ try await keys.key(id: keyID) })
        guard let current = found, current.revokedAt == nil else {
            await record(.create, key: found, noteID: nil, status: 401, error: "UNAUTHORIZED", context)
            throw APIError.unauthorized("the API key that issued this ticket was revoked")
        }
        switch redemption {
        case .written(let entry):
            return stream(entry.note, job: entry.job, key: entry.key, context)
        case .request(let kept):
            // Issued by another instance (or this one) from a request it checked: the same note, written again.
            let job = try NoteJob.decode(kept.request)
            return stream(try await writeBeforeStreaming(job, key: current, context), job: job, key: current, context)
        }
    }

    /// The event stream of a written note: its sections, codes, summary, then the stored note's id and `[DONE]`.
    func stream(_ note: Note, job: NoteJob, key: APIKeyRecord, _ context: APIRequestContext) -> Response {
        let service = service
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.accelBuffering] = "no"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var noteID: String?
                var failure: APIError?
                do {
                    for part in note.parts {
                        try await writer.write(Self.event(["section": part.key, "content": part.text]))
                    }
                    let codes = service.codes(for: note, job: job)
                    if let codes {
                        try await writer.write(Self.event(BillingEvent(billing_codes: BillingCodesOutput(codes))))
                    }
                    if job.includePatientSummary {
                        try await writer.write(Self.event(["patient_summary": PatientSummary.write(note)]))
                    }
                    let (document, _) = try await storing {
                        try await service.store(note, codes: codes, job: job, owner: key)
                    }
                    noteID = document.noteId
                    try await writer.write(
                        Self.event([
                            "noteId": document.noteId, "specialty": document.specialty, "template": document.template,
                            "created_at": document.createdAt, "expires_at": document.expiresAt,
                        ]))
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                } catch let error as APIError {
                    failure = error
                    await service.announceFailure(error, job: job, owner: key)
                    var event = ByteBuffer(string: "event: error\ndata: ")
                    event.writeBytes(error.body)
                    event.writeString("\n\n")
                    try? await writer.write(event)
                } catch {
                    // The client went away mid-stream; a stored note stays stored (and is audited as created).
                    if noteID == nil { failure = APIError.internalError }
                }
                await record(
                    .create, key: key, noteID: noteID, status: failure.map { Int($0.status.code) } ?? 200,
                    error: failure?.code, context)
                try await writer.finish(nil)
            })
    }

    /// Writes the note for the stream; a transcript the engine cannot use is answered 400 (and audited, and
    /// announced to the callback) before any event is sent.
    func writeBeforeStreaming(_ job: NoteJob, key: APIKeyRecord, _ context: APIRequestContext) async throws -> Note {
        let result = Result { () throws(APIError) -> Note in try service.write(job) }
        if case .failure(let error) = result {
            await service.announceFailure(error, job: job, owner: key)
            await record(.create, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
        }
        return try result.get()
    }

    struct BillingEvent: Encodable {
        var billing_codes: BillingCodesOutput
    }

    /// `GET /v1/note/{id}`: the note; or, for a recording accepted with 202, its job's status (``audioJobStatus``).
    func readNote(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        return try await audited(.read, noteID: id, request, context) { key in
            switch try await ownedNoteOrJob(id, key: key) {
            case .note(let stored): return (Self.json(.ok, stored.document), id)
            case .job(let status): return (Self.audioJobStatus(status), id)
            }
        }
    }

    /// `DELETE /v1/note/{id}`: erases the note; or cancels its audio job and erases the recording.
    func deleteNote(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        return try await audited(.delete, noteID: id, request, context) { key in
            switch try await ownedNoteOrJob(id, key: key) {
            case .note: _ = try await storing { try await notes.deleteNote(id: id) }
            case .job: _ = try await storing { try await audioJobs.deleteAudioJob(id: id) }
            }
            return (Self.json(.ok, Array(#"{"noteId":"\#(id)","deleted":true}"#.utf8)), id)
        }
    }

    /// The note if it exists, has not expired and belongs to `key`; otherwise 404 (another key's note is not
    /// distinguishable from a missing one).
    func ownedNote(_ id: String, key: APIKeyRecord) async throws -> StoredNote {
        guard Self.isNoteID(id) else { throw APIError.noteNotFound }
        guard let stored = try await storing({ try await notes.note(id: id, now: Date()) }), stored.ownerKeyID == key.id
        else { throw APIError.noteNotFound }
        return stored
    }

    static func isNoteID(_ id: String) -> Bool {
        id.count == 37 && id.hasPrefix("note_")
            && id.utf8.dropFirst(5).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    // MARK: - Steps

    /// Authenticates, checks the scope and the rate, and records a failed attempt.
    func authenticate(
        _ request: Request, _ context: APIRequestContext, scope: APIScope, action: AuditRecord.Action,
        noteID: String? = nil
    ) async throws -> APIKeyRecord {
        var key: APIKeyRecord?
        do {
            guard let header = request.headers[.authorization] else {
                throw APIError.unauthorized("send the API key as Authorization: Bearer nb_live_...")
            }
            // Two credentials are ambiguous: neither is chosen.
            guard request.headers[values: .authorization].count == 1 else {
                throw APIError.unauthorized("send one Authorization header, not several")
            }
            guard let token = APIKeys.bearerToken(header) else {
                throw APIError.unauthorized("the Authorization header is not Bearer with a NoteBridge API key")
            }
            guard let found = try await storing({ try await APIKeys.validKey(token, in: keys) }) else {
                throw APIError.unauthorized("the API key is not valid or has been revoked")
            }
            key = found
            guard found.scopes.contains(scope.rawValue) else { throw APIError.forbidden(scope: scope.rawValue) }
            if let wait = await limiter.admit(found.id) { throw APIError.rateLimited(retryAfter: wait) }
            return found
        } catch let error as APIError {
            await record(action, key: key, noteID: noteID, status: Int(error.status.code), error: error.code, context)
            throw error
        }
    }

    /// Runs a note operation as `key`, writes its audit record whatever the outcome, and returns its response.
    func audited(
        _ action: AuditRecord.Action, noteID: String?, _ request: Request, _ context: APIRequestContext,
        _ body: (APIKeyRecord) async throws -> (Response, String?)
    ) async throws -> Response {
        let scope: APIScope = action == .create ? .notesWrite : action == .read ? .notesRead : .notesDelete
        let key = try await authenticate(request, context, scope: scope, action: action, noteID: noteID)
        do {
            let (response, id) = try await body(key)
            await record(action, key: key, noteID: id, status: Int(response.status.code), error: nil, context)
            return response
        } catch let error as APIError {
            await record(action, key: key, noteID: noteID, status: Int(error.status.code), error: error.code, context)
            throw error
        } catch {
            await record(action, key: key, noteID: noteID, status: 500, error: APIError.internalError.code, context)
            throw error
        }
    }

    func record(
        _ action: AuditRecord.Action, key: APIKeyRecord?, noteID: String?, status: Int, error: String?,
        _ context: APIRequestContext
    ) async {
        let record = AuditRecord(
            recordedAt: Date(), keyID: key?.id, action: action, noteID: noteID.flatMap { Self.isNoteID($0) ? $0 : nil },
            status: status, errorCode: error, remoteAddress: context.remoteAddress?.ipAddress)
        do {
            try await audit.append(record)
        } catch {
            logger.error("audit record not written", metadata: ["nb.error": "\(type(of: error))"])
        }
    }

    /// Checks the content type, reads the body within the limit, and validates it.
    func decodeJob(_ request: Request, _ context: APIRequestContext) async throws -> NoteJob {
        try await decodeJobAndBody(request, context).job
    }

    /// ``decodeJob(_:_:)``, with the body's bytes.
    func decodeJobAndBody(_ request: Request, _ context: APIRequestContext) async throws -> (
        job: NoteJob, body: [UInt8]
    ) {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
        guard let type, type.lowercased() == "application/json" else { throw APIError.unsupportedMediaType }
        if let refusal = APIError.charsetRefusal(request.headers[.contentType]) { throw refusal }
        let bytes = try await body(request)
        let job = try NoteJob.decode(bytes)
        if let url = job.callbackURL, let refusal = configuration.callbackHosts.refusal(of: url) {
            // Refused before anything is stored or queued: no connection is ever made to the host.
            throw APIError.validation("callback_url", refusal.reason)
        }
        return (job, bytes)
    }

    /// The request body, refused with 413 when its Content-Length or its bytes exceed the limit, however it is
    /// framed: a chunked body (no Content-Length) is counted as it arrives and refused once it passes the limit.
    func body(_ request: Request, limit: Int? = nil) async throws -> [UInt8] {
        let limit = limit ?? configuration.maximumBodyBytes
        if let refusal = APIError.bodyEncodingRefusal(request.headers) { throw refusal }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.payloadTooLarge(limit: limit)
        }
        do {
            return Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // `HTTPError(.contentTooLarge)`, or NIO's `NIOTooManyBytesError` from a streamed (chunked) body.
            throw APIError.payloadTooLarge(limit: limit)
        } catch is HTTPParserError {
            // A body whose framing breaks while it arrives (a chunk size that is not hexadecimal, a chunk longer
            // than it said): the caller's fault, not the server's.
            throw APIError.malformedBody
        }
    }

    /// Runs a store operation; a store failure becomes a 500 that names nothing internal.
    func storing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as APIError {
            throw error
        } catch let error as StoreError where error.code == .duplicate {
            throw APIError(.conflict, code: "DUPLICATE", message: "a note from this source exists")
        } catch let error as StoreError where error.code == .cannotWrite {
            // A full disk or a read-only database: nothing was stored, and the same request may succeed later.
            logger.error("note store cannot write", metadata: ["nb.error": "\(error)"])
            writeHealth?.failed(error)
            throw APIError.storageCannotWrite
        } catch {
            logger.error("note store failed", metadata: ["nb.error": "\(error)"])
            throw APIError.internalError
        }
    }

    // MARK: - Bodies

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func event(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        let bytes = (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(bytes)
        buffer.writeString("\n\n")
        return buffer
    }

    static let specialtiesJSON: [UInt8] = {
        struct Item: Encodable {
            var value: String
            var name: String
        }
        let items = Specialty.allCases.map { Item(value: $0.rawValue, name: displayName($0.rawValue)) }
        return (try? JSONEncoder().encode(["specialties": items])).map(Array.init) ?? []
    }()

    static let templatesJSON: [UInt8] = {
        struct Item: Encodable {
            var value: String
            var name: String
            var sections: [String]
        }
        let names: [NoteTemplate: String] = [
            .standard: "SOAP (Subjective, Objective, Assessment, Plan)",
            .apso: "APSO (Assessment and Plan first)", .dap: "DAP (Data, Assessment, Plan)",
            .birp: "BIRP (Behavior, Intervention, Response, Plan)", .brief: "Brief SOAP (key statements only)",
        ]
        let items = NoteTemplate.allCases.map { template in
            Item(value: template.rawValue, name: names[template] ?? template.rawValue, sections: template.partKeys)
        }
        return (try? JSONEncoder().encode(["templates": items])).map(Array.init) ?? []
    }()

    static func displayName(_ value: String) -> String {
        let special = ["ems": "EMS", "slp": "Speech-Language Pathology"]
        if let name = special[value] { return name }
        return value.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}

/// The committed OpenAPI document (`Sources/Gateway/openapi.json`), embedded at build time.
enum OpenAPIDocument {
    static let bytes: [UInt8] = PackageResources.openapi_json
}
