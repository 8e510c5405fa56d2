import Crypto

/// How every store backend protects PHI at rest, the same bytes whichever database holds them: AES-256-GCM sealing
/// (``Sealer``) bound to what a value is and whose it is, and keyed lookup digests for the values notes are searched
/// by. A second backend (PostgreSQL) uses this as it is, so that data can move between backends and a keyring opens
/// both.
public struct StoreSealing: Sendable {
    /// What a sealed value is; its associated data, so that a value sealed for one use (or one row) does not open
    /// for another.
    public enum Purpose: Sendable, Hashable {
        /// An inbound message body in the journal.
        case journalBody
        /// A pipeline note record (the outbox's note), bound to its note id.
        case pipelineNote(id: String)
        /// A `/v1` note document, bound to its note id.
        case note(id: String)
        /// The FHIR form of a `/v1` note, bound to its note id.
        case noteFHIR(id: String)
        /// An API key's webhook signing secret, bound to the key id.
        case webhookSecret(keyID: String)
        /// What ADT messages told about a visit (``EncounterContexts``), bound to its key.
        case encounterContext(key: String)
        /// The request a shared stream ticket keeps (``SharedStreamTickets``), bound to the ticket's digest.
        case streamTicket(digest: String)
        /// The recording of an audio job (``AudioJobStore``), bound to the job's id.
        case audioJobAudio(id: String)
        /// The request options of an audio job, bound to the job's id.
        case audioJobRequest(id: String)

        /// The authenticated associated data (unchanged since the first release of each value).
        public var associatedData: [UInt8] {
            switch self {
            case .journalBody: Sealer.journalAssociatedData
            case .pipelineNote(let id): Array(("notebridge.pipeline-note.v1:" + id).utf8)
            case .note(let id): Array(("notebridge.note.v1:" + id).utf8)
            case .noteFHIR(let id): Array(("notebridge.note-fhir.v1:" + id).utf8)
            case .webhookSecret(let keyID): Array(("notebridge.webhook-secret.v1:" + keyID).utf8)
            case .encounterContext(let key): Array(("notebridge.encounter-context.v1:" + key).utf8)
            case .streamTicket(let digest): Array(("notebridge.stream-ticket.v1:" + digest).utf8)
            case .audioJobAudio(let id): Array(("notebridge.audio-job-audio.v1:" + id).utf8)
            case .audioJobRequest(let id): Array(("notebridge.audio-job-request.v1:" + id).utf8)
            }
        }
    }

    /// The data keys.
    public let keyring: DataKeyring

    /// Sealing under `keyring`.
    public init(keyring: DataKeyring) {
        self.keyring = keyring
    }

    /// Seals `plaintext` for `purpose` with the active key.
    public func seal(_ plaintext: [UInt8], for purpose: Purpose) throws -> SealedValue {
        try Sealer(keyring: keyring, associatedData: purpose.associatedData).seal(plaintext)
    }

    /// Opens a value sealed for `purpose` with any key of the keyring.
    public func open(_ sealed: SealedValue, for purpose: Purpose) throws -> [UInt8] {
        try Sealer(keyring: keyring, associatedData: purpose.associatedData).open(sealed)
    }

    /// Digests under one key, the active one when it was made: what a new row stores (all its values under the
    /// same key, even if the keyring rotates meanwhile).
    public struct ActiveLookup: Sendable {
        /// The key's id, stored beside the digests.
        public let keyID: String
        let key: SymmetricKey

        /// The digest of `value` of `field`.
        public func digest(_ field: String, _ value: String) -> String {
            StoreSealing.lookupDigest(field, value, key: key)
        }
    }

    /// Digests under the active key.
    public func activeLookup() -> ActiveLookup {
        let (keyID, key) = keyring.activeKey()
        return ActiveLookup(keyID: keyID, key: key)
    }

    /// The digests of a lookup value under every key of the keyring, with the key ids: what a search compares
    /// (rows written before a rotation carry the digest under the key active then).
    public func lookupDigests(_ field: String, _ value: String) -> [(keyID: String, digest: String)] {
        keyring.keyIDs.compactMap { id in keyring.key(id: id).map { (id, Self.lookupDigest(field, value, key: $0)) } }
    }

    /// The digest of a lookup value under the key `keyID`; `nil` when the keyring has no such key.
    public func lookupDigest(_ field: String, _ value: String, keyID: String) -> String? {
        keyring.key(id: keyID).map { Self.lookupDigest(field, value, key: $0) }
    }

    /// The SHA-256 of a stream ticket, hex: what a shared ticket is stored and found under (the ticket is 192
    /// random bits and a credential, so a plain hash is enough, and the database never holds the credential).
    public static func streamTicketDigest(_ ticket: String) -> String {
        Hex.encode(SHA256.hash(data: Array(ticket.utf8)))
    }

    /// HMAC-SHA256 of `field:value` under a key derived (HKDF) from a data key, hex.
    static func lookupDigest(_ field: String, _ value: String, key: SymmetricKey) -> String {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Array("notebridge.note-lookup.v1".utf8), outputByteCount: 32)
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(field):\(value)".utf8), using: derived)
        return Hex.encode(mac)
    }
}
