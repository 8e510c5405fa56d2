import Crypto
import Delivery
import EncounterModel
import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Store

/// `POST /fhir/subscription-hook/{route}`: an EHR's rest-hook Subscription notifications (R4 Subscriptions
/// Backport, `full-resource` or `id-only`). Handshakes and heartbeats are answered and nothing is processed; an
/// event notification becomes an `Encounter` per event (the Encounter, its Patient and the transcript
/// DocumentReference: from the notification, else read from the EHR with the route's `source` destination), which
/// is journaled before the 200 answer and enters the pipeline like an HL7 message. A repeat of an event (same
/// DocumentReference identifier, or same encounter and event number) is a duplicate and journaled once.
///
/// The hook needs `Authorization: Bearer` with the route's secret, or with a gateway API key (``APIKeys``, the keys
/// of the `/v1` API) that has the `notes:write` scope; a missing or wrong credential is a 401, a key without the
/// scope a 403, both with an OperationOutcome that never repeats the credential. Bodies are size-limited; every bad
/// notification is answered with an OperationOutcome naming the element at fault.
///
/// A request made with an API key is treated as a `/v1` request is: the key's requests share the `/v1` per-key
/// rate limit (the same ``RateLimiter``; over it is a 429 with `Retry-After`), and each one writes an audit record
/// (action `create`, the key id, the answer's status and error code) whatever the outcome; so does an attempt whose
/// credential is neither the secret nor a valid key. Requests made with the route's secret are the EHR's own and are
/// not rate-limited per key.
struct SubscriptionHookRoutes: Sendable {
    /// The journal entries' message type, by which the pipeline tells them from HL7 v2 messages.
    static let messageType = "FHIR^NOTIFICATION"
    /// The largest notification read, bytes.
    static let maximumBodyBytes = 8 << 20

    let subscriptions: [String: SubscriptionConfiguration]
    let sources: [String: FHIRServerDestination]
    let journal: any Journal
    /// The API keys the hook accepts besides a route's secret.
    let keys: any APIKeyStore
    /// Where the audit records of API-key requests go (the `/v1` audit trail).
    let audit: any AuditLog
    /// The per-key rate limit, shared with the `/v1` routes.
    let limiter: RateLimiter
    let duplicateWindow: Duration
    let onAccepted: @Sendable () -> Void
    let logger: Logger

    /// The routes and their methods (405 answers use it).
    static let table: [(pattern: [Substring], methods: [HTTPRequest.Method])] = [
        (["fhir", "subscription-hook", "*"], [.post])
    ]

    func register(on router: Router<APIRequestContext>) {
        router.post("fhir/subscription-hook/:route") { request, context in
            do {
                return try await notify(request, context, route: context.parameters.get("route") ?? "")
            } catch let error as FHIRError {
                return FHIRFormat.json.response(error.status, error.outcome, headers: error.headers)
            }
        }
    }

    /// Logs a warning, naming the route, for each route without a secret: anyone holding an API key with the
    /// `notes:write` scope can post notifications to it. Called once at start.
    static func warnAboutKeyOnlyRoutes(_ subscriptions: [SubscriptionConfiguration], logger: Logger) {
        for subscription in subscriptions where subscription.secret == nil {
            logger.warning(
                "subscription route has no secret: it accepts API keys with the notes:write scope only",
                metadata: ["nb.fhir.subscription": "\(subscription.name)"])
        }
    }

    /// Checks, reads and journals one notification; a request made with an API key (or with no valid credential)
    /// is audited with the status it is answered with.
    func notify(_ request: Request, _ context: APIRequestContext, route: String) async throws(FHIRError) -> Response {
        guard let subscription = subscriptions[route], let source = sources[subscription.source] else {
            throw FHIRError(.notFound, "not-found", "no subscription route of that name")
        }
        let caller: Caller
        do {
            caller = try await authenticate(request, subscription)
        } catch {
            await record(keyID: error.keyID, status: Int(error.status.code), context)
            throw error
        }
        guard case .apiKey(let keyID) = caller else {
            return try await process(request, route: route, subscription: subscription, source: source, caller: caller)
        }
        do {
            let response = try await process(
                request, route: route, subscription: subscription, source: source, caller: caller)
            await record(keyID: keyID, status: Int(response.status.code), context)
            return response
        } catch {
            await record(keyID: keyID, status: Int(error.status.code), context)
            throw error
        }
    }

    /// Writes the audit record of one hook request: action `create` (notifications become notes), no note id (the
    /// note is written later, by the pipeline), the `/v1` error code of a failed answer.
    func record(keyID: String?, status: Int, _ context: APIRequestContext) async {
        let record = AuditRecord(
            recordedAt: Date(), keyID: keyID, action: .create, noteID: nil, status: status,
            errorCode: Self.auditErrorCode(status: status), remoteAddress: context.remoteAddress?.ipAddress)
        do {
            try await audit.append(record)
        } catch {
            logger.error("audit record not written", metadata: ["nb.error": "\(type(of: error))"])
        }
    }

    /// The `/v1` error code (``APIError/code``) of an answer's status; `nil` for a success.
    static func auditErrorCode(status: Int) -> String? {
        switch status {
        case 200..<300: nil
        case 401: "UNAUTHORIZED"
        case 403: "FORBIDDEN"
        case 404: "NOT_FOUND"
        case 413: "PAYLOAD_TOO_LARGE"
        case 429: "RATE_LIMITED"
        case 503: "SERVICE_UNAVAILABLE"
        case 400..<500: "VALIDATION_ERROR"
        default: "INTERNAL_ERROR"
        }
    }

    /// Reads and journals one notification of an authenticated caller.
    func process(
        _ request: Request, route: String, subscription: SubscriptionConfiguration, source: FHIRServerDestination,
        caller: Caller
    ) async throws(FHIRError) -> Response {
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: Self.maximumBodyBytes).readableBytesView)
        } catch {
            throw FHIRError(.contentTooLarge, "too-costly", "a notification is at most \(Self.maximumBodyBytes) bytes")
        }
        let bundle: JSONValue
        do {
            bundle = try JSONReader(limits: JSONReader.Limits(maximumBytes: Self.maximumBodyBytes, maximumDepth: 64))
                .read(bytes)
        } catch {
            throw FHIRError(error)
        }
        let notification = try SubscriptionNotification(bundle: bundle)
        var metadata: Logger.Metadata = [
            "nb.fhir.subscription": "\(route)", "nb.fhir.notification": "\(notification.type)",
        ]
        if case .apiKey(let id) = caller { metadata["nb.api.key_id"] = "\(id)" }
        guard notification.type == "event-notification" else {
            logger.debug("subscription notification answered; nothing to process", metadata: metadata)
            return FHIRFormat.json.response(.ok, Self.information("\(notification.type) received; nothing processed"))
        }
        var journaled = 0
        var duplicates = 0
        for event in notification.events {
            metadata["nb.fhir.event_number"] = "\(event.number)"
            let encounterResource = try await resource(event.focus, notification, source)
            var patient: JSONValue?
            if let subject = encounterResource["subject"]?["reference"]?.string.flatMap(
                SubscriptionNotification.relative),
                subject.hasPrefix("Patient/")
            {
                patient = try await resource(subject, notification, source)
            }
            let document = try await transcript(for: event.focus, notification, source)
            var encounter = try SubscriptionEncounterReader.encounter(
                encounter: encounterResource, patient: patient, transcript: document, subscription: subscription,
                eventNumber: event.number)
            let key = SubscriptionEncounterReader.deduplicationKey(
                document: document, encounter: event.focus, eventNumber: event.number)
            encounter.origin.controlID = key
            let body: [UInt8]
            do {
                body = try Self.encoded(encounter)
            } catch {
                throw FHIRError(.internalServerError, "exception", "the encounter could not be encoded")
            }
            let entry = NewJournalEntry(
                source: "fhir-subscription://\(route)", sender: "subscription|\(route)", controlID: key,
                messageType: Self.messageType, receivedAt: Date(), state: .accepted, body: body)
            do {
                switch try await journal.record(entry, duplicateWindow: duplicateWindow) {
                case .recorded(let id), .reusedControlID(let id, _):
                    journaled += 1
                    metadata["nb.journal.id"] = "\(id)"
                    logger.info("subscription event journaled", metadata: metadata)
                case .duplicate(let original):
                    duplicates += 1
                    metadata["nb.journal.id"] = "\(original.id)"
                    logger.notice("duplicate subscription event; journaled once", metadata: metadata)
                }
            } catch {
                logger.error("journal commit failed; the notification is refused", metadata: metadata)
                throw FHIRError(.serviceUnavailable, "transient", "the notification could not be stored; send it again")
            }
        }
        if journaled > 0 { onAccepted() }
        return FHIRFormat.json.response(
            .ok, Self.information("\(journaled) event(s) accepted, \(duplicates) already received"))
    }

    /// Who sent a notification.
    enum Caller: Sendable, Hashable {
        /// The EHR, with the route's shared secret.
        case routeSecret
        /// A holder of the API key with this id.
        case apiKey(id: String)
    }

    /// The caller of `request`: one `Authorization: Bearer` header with the route's secret, or with a valid,
    /// unrevoked API key that has the `notes:write` scope and is within the per-key rate limit (else a 429 with
    /// `Retry-After`). The credential is never logged or repeated in an answer; a refusal of a known key carries its
    /// id (``FHIRError/keyID``) for the audit record.
    func authenticate(_ request: Request, _ subscription: SubscriptionConfiguration) async throws(FHIRError) -> Caller {
        let headers = request.headers[values: .authorization]
        // Two credentials are ambiguous: neither is chosen.
        guard headers.count == 1, let header = headers.first else {
            throw Self.unauthorized(
                headers.isEmpty
                    ? "the notification needs Authorization: Bearer with the route's secret or an API key"
                    : "send one Authorization header, not several")
        }
        if let secret = subscription.secret, Self.authorized(header, secret: secret) { return .routeSecret }
        guard let token = APIKeys.bearerToken(header) else {
            throw Self.unauthorized(
                subscription.secret == nil
                    ? "this route takes an API key: Authorization: Bearer nb_live_..."
                    : "the credential is neither the route's secret nor an API key")
        }
        let key: APIKeyRecord?
        do {
            key = try await APIKeys.validKey(token, in: keys)
        } catch {
            logger.error("API key lookup failed", metadata: ["nb.error": "\(type(of: error))"])
            throw FHIRError(.serviceUnavailable, "transient", "the credential could not be checked; send it again")
        }
        guard let key else { throw Self.unauthorized("the API key is not valid or has been revoked") }
        guard key.scopes.contains(APIScope.notesWrite.rawValue) else {
            logger.notice(
                "subscription notification with a key without notes:write", metadata: ["nb.api.key_id": "\(key.id)"])
            var error = FHIRError(.forbidden, "forbidden", "the API key lacks the notes:write scope")
            error.keyID = key.id
            throw error
        }
        if let wait = await limiter.admit(key.id) {
            logger.notice(
                "subscription notification over the API key's rate limit", metadata: ["nb.api.key_id": "\(key.id)"])
            var error = FHIRError(APIError.rateLimited(retryAfter: wait))
            error.keyID = key.id
            throw error
        }
        return .apiKey(id: key.id)
    }

    /// A 401 with `WWW-Authenticate: Bearer`.
    static func unauthorized(_ message: String) -> FHIRError {
        var error = FHIRError(.unauthorized, "security", message)
        error.headers = [(.wwwAuthenticate, #"Bearer realm="notebridge""#)]
        return error
    }

    /// Whether `header` is `Bearer <secret>` (compared in constant time).
    static func authorized(_ header: String?, secret: String) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst("Bearer ".count).utf8)
        let expected = Array(secret.utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The resource `reference` names: from the notification (`full-resource`), else read from the EHR (`id-only`).
    func resource(
        _ reference: String, _ notification: SubscriptionNotification, _ source: FHIRServerDestination
    ) async throws(FHIRError) -> JSONValue {
        if let resource = notification.resources[reference] { return resource }
        let type = String(reference.prefix { $0 != "/" })
        switch await source.read(reference) {
        case .resource(let resource) where resource["resourceType"]?.string == type:
            return resource
        case .resource:
            throw FHIRError(.badGateway, "exception", "the EHR answered a read of a \(type) with another resource")
        case .failed(let reason, let retryable):
            throw FHIRError(
                retryable ? .serviceUnavailable : .unprocessableContent, retryable ? "transient" : "not-found",
                "the \(type) could not be read from the EHR: \(reason)")
        }
    }

    /// The transcript DocumentReference of `encounter`: one in the notification that names it, else
    /// `DocumentReference?encounter=` on the EHR (the first with a text/plain attachment).
    func transcript(
        for encounter: String, _ notification: SubscriptionNotification, _ source: FHIRServerDestination
    ) async throws(FHIRError) -> JSONValue {
        let named = { (document: JSONValue) in
            (document["context"]?["encounter"]?.array ?? []).contains {
                $0["reference"]?.string.flatMap(SubscriptionNotification.relative) == encounter
            }
        }
        let arrived = notification.resources.values.filter { $0["resourceType"]?.string == "DocumentReference" }
        if let document = arrived.first(where: named) ?? (arrived.count == 1 ? arrived.first : nil) { return document }
        switch await source.read("DocumentReference?encounter=\(encounter)") {
        case .resource(let bundle):
            let found = (bundle["entry"]?.array ?? []).compactMap { $0["resource"] }
                .filter { $0["resourceType"]?.string == "DocumentReference" }
            guard let document = found.first(where: { SubscriptionEncounterReader.transcriptText($0) != nil }) else {
                throw FHIRError(
                    .unprocessableContent, "not-found", "the EHR has no transcript DocumentReference for the encounter",
                    expression: "Parameters.parameter.part.valueReference")
            }
            return document
        case .failed(let reason, let retryable):
            throw FHIRError(
                retryable ? .serviceUnavailable : .unprocessableContent, retryable ? "transient" : "not-found",
                "the transcript could not be searched on the EHR: \(reason)")
        }
    }

    /// The journaled form of an encounter: its Codable JSON.
    static func encoded(_ encounter: Encounter) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(encounter))
    }

    /// An OperationOutcome of one informational issue.
    static func information(_ text: String) -> JSONValue {
        .make([
            "resourceType": "OperationOutcome",
            "issue": [.make(["severity": "information", "code": "informational", "diagnostics": .string(text)])],
        ])
    }
}
