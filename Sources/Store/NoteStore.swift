import Foundation

/// A note as stored for the `/v1` API: who created it, when it expires, and its document (the JSON the API
/// returns, transcript and evidence included), which the store seals at rest.
public struct StoredNote: Sendable, Hashable {
    /// `note_` and 32 hex digits.
    public var id: String
    /// The id of the API key that created it; only that key reads or deletes it.
    public var ownerKeyID: String
    /// When it was written.
    public var createdAt: Date
    /// When it is erased; reads after this answer as if it never existed.
    public var expiresAt: Date
    /// The specialty value (not PHI).
    public var specialty: String
    /// The template value (not PHI).
    public var template: String
    /// The note document (PHI): sealed before it reaches the database.
    public var document: [UInt8]
    /// The note as a FHIR document Bundle (JSON), for notes made through `/fhir`; sealed like the document.
    public var fhir: [UInt8]?
    /// What FHIR searches find the note by; stored only as keyed hashes.
    public var lookup: NoteLookup

    /// Creates a note record.
    public init(
        id: String, ownerKeyID: String, createdAt: Date, expiresAt: Date, specialty: String, template: String,
        document: [UInt8], fhir: [UInt8]? = nil, lookup: NoteLookup = NoteLookup()
    ) {
        self.id = id
        self.ownerKeyID = ownerKeyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.specialty = specialty
        self.template = template
        self.document = document
        self.fhir = fhir
        self.lookup = lookup
    }
}

/// The values a note is searched by (PHI: a patient reference can be a record number). The store keeps only
/// HMAC-SHA256 digests of them, under a key derived from the data key, so the database file does not hold them.
public struct NoteLookup: Sendable, Hashable {
    /// The patient reference, `Patient/<id>`.
    public var patient: String?
    /// The encounter reference, `Encounter/<id>`.
    public var encounter: String?
    /// What the note was made from, `<system>|<value>` of the transcript's identifier: at most one note per
    /// source and API key, which makes intake idempotent.
    public var source: String?
    /// A fingerprint of the request that made the note (a SHA-256 of its body), compared when the same ``source``
    /// comes again: the same request is a replay, another is a conflict.
    public var request: String?

    /// Creates lookup values.
    public init(patient: String? = nil, encounter: String? = nil, source: String? = nil, request: String? = nil) {
        self.patient = patient
        self.encounter = encounter
        self.source = source
        self.request = request
    }
}

/// A FHIR search over one key's notes: every given value must match.
public struct NoteQuery: Sendable, Hashable {
    /// The API key whose notes are searched.
    public var ownerKeyID: String
    /// The values to match (a `nil` value matches every note).
    public var lookup: NoteLookup
    /// Created at or after this.
    public var createdFrom: Date?
    /// Created before this.
    public var createdBefore: Date?
    /// How many notes to return at most.
    public var limit: Int
    /// How many matching notes to skip, newest first.
    public var offset: Int

    /// Creates a query.
    public init(
        ownerKeyID: String, lookup: NoteLookup = NoteLookup(), createdFrom: Date? = nil, createdBefore: Date? = nil,
        limit: Int = 50, offset: Int = 0
    ) {
        self.ownerKeyID = ownerKeyID
        self.lookup = lookup
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.limit = limit
        self.offset = offset
    }
}

/// Sealed, expiring note documents.
public protocol NoteStore: Sendable {
    /// Stores a new note and, in the same transaction, the webhook delivery that announces it (so a crash
    /// cannot keep one without the other); throws ``StoreError/Code/invalidArgument`` when the id is taken, and
    /// ``StoreError/Code/duplicate`` when the owner already has a note from the same ``NoteLookup/source``.
    func save(_ note: StoredNote, announcing delivery: WebhookDelivery?) async throws
    /// The owner's unexpired note from `source`, document opened, and whether it was made by the same `request`
    /// fingerprint; `nil` when there is none.
    func note(ownerKeyID: String, source: String, request: String?, now: Date) async throws -> (
        note: StoredNote, sameRequest: Bool
    )?
    /// The notes with a FHIR form that match `query` and have not expired at `now`, newest first, documents
    /// opened; and how many match in all.
    func fhirNotes(_ query: NoteQuery, now: Date) async throws -> (total: Int, notes: [StoredNote])
    /// The note with this id if it has not expired at `now`, document opened.
    func note(id: String, now: Date) async throws -> StoredNote?
    /// Erases the note now; `false` when there was none.
    func deleteNote(id: String) async throws -> Bool
    /// Erases every note that expired at or before `now` and returns how many.
    func purgeExpiredNotes(now: Date) async throws -> Int
    /// The number of stored notes, expired or not.
    func noteCount() async throws -> Int
}

extension NoteStore {
    /// Stores a new note that no webhook announces.
    public func save(_ note: StoredNote) async throws {
        try await save(note, announcing: nil)
    }
}

/// What an API key may do.
public struct APIKeyRecord: Sendable, Hashable {
    /// The public id: `key_` and 12 hex digits (shown in lists and audit records; not a secret).
    public var id: String
    /// The operator's name for it.
    public var name: String
    /// The scopes granted (`notes:write`, `notes:read`, `notes:delete`).
    public var scopes: [String]
    /// SHA-256 of the whole key, hex: the only form of the key that is stored.
    public var hash: String
    /// The secret that signs this key's webhooks (sealed at rest).
    public var webhookSecret: String
    /// When it was created.
    public var createdAt: Date
    /// When it was revoked; a revoked key authenticates nothing.
    public var revokedAt: Date?

    /// Creates a record.
    public init(
        id: String, name: String, scopes: [String], hash: String, webhookSecret: String, createdAt: Date,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.scopes = scopes
        self.hash = hash
        self.webhookSecret = webhookSecret
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// API keys, stored as hashes.
public protocol APIKeyStore: Sendable {
    /// Stores a new key; throws ``StoreError/Code/invalidArgument`` when its id or hash is taken.
    func saveKey(_ key: APIKeyRecord) async throws
    /// Stores `key` only when there is no key at all yet, and returns whether it did; atomic across every process on
    /// the database, so that of several instances starting together on an empty database exactly one makes the first
    /// key.
    func saveFirstKey(_ key: APIKeyRecord) async throws -> Bool
    /// The key whose hash is `hash`, revoked or not.
    func key(hash: String) async throws -> APIKeyRecord?
    /// The key with this id, revoked or not.
    func key(id: String) async throws -> APIKeyRecord?
    /// Every key, oldest first.
    func keys() async throws -> [APIKeyRecord]
    /// Revokes the key; `false` when there is no such key or it was already revoked.
    func revokeKey(id: String, at date: Date) async throws -> Bool
}

/// A webhook event waiting to be delivered, or delivered.
public struct WebhookDelivery: Sendable, Hashable {
    /// Where it is in its life.
    public enum State: String, Sendable {
        case pending, delivered, failed
    }

    /// The row id (0 before it is stored).
    public var id: Int64
    /// The API key whose secret signs it.
    public var keyID: String
    /// The receiver.
    public var url: String
    /// `note.generated` or `note.failed`.
    public var eventType: String
    /// The event JSON (note id and metadata only; no PHI).
    public var payload: [UInt8]
    /// Attempts made so far.
    public var attempts: Int
    /// When the next attempt is due.
    public var nextAttemptAt: Date
    /// The state.
    public var state: State
    /// The last HTTP status or transfer error code, for operators.
    public var lastResult: String?
    /// When it was queued.
    public var createdAt: Date

    /// Creates a delivery.
    public init(
        id: Int64 = 0, keyID: String, url: String, eventType: String, payload: [UInt8], attempts: Int = 0,
        nextAttemptAt: Date, state: State = .pending, lastResult: String? = nil, createdAt: Date
    ) {
        self.id = id
        self.keyID = keyID
        self.url = url
        self.eventType = eventType
        self.payload = payload
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.state = state
        self.lastResult = lastResult
        self.createdAt = createdAt
    }
}

/// Durable webhook deliveries: queued with the note, retried until delivered or given up.
public protocol WebhookOutbox: Sendable {
    /// Queues a delivery and returns its id.
    func enqueue(_ delivery: WebhookDelivery) async throws -> Int64
    /// Pending deliveries due at `now`, oldest first. A backend that several instances share also holds the returned
    /// rows back from every other caller for a while (their next attempt moves a lease ahead, until
    /// ``recordAttempt(id:state:nextAttemptAt:result:)`` sets it), so that one instance sends each delivery; a caller
    /// that dies meanwhile leaves the row due again once the lease ends.
    func dueDeliveries(now: Date, limit: Int) async throws -> [WebhookDelivery]
    /// Records an attempt's result: delivered, retry at `nextAttemptAt`, or failed for good.
    func recordAttempt(id: Int64, state: WebhookDelivery.State, nextAttemptAt: Date, result: String) async throws
    /// The delivery with this id.
    func delivery(id: Int64) async throws -> WebhookDelivery?
    /// Deletes delivered and failed deliveries queued before `before`; returns how many.
    func purgeFinishedDeliveries(before: Date) async throws -> Int
}
