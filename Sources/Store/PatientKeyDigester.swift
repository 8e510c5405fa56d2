import Crypto

/// Turns a patient identifier into the key outbox rows are ordered by: HMAC-SHA256 under a key derived (HKDF) from
/// the keyring's first-created data key, hex. The database holds the digest, never the identifier; the same patient
/// gives the same key for as long as that data key is kept. Outside any one store, so that every backend shares it.
public struct PatientKeyDigester: Sendable {
    private let key: SymmetricKey

    /// A digester under `keyring`'s oldest key (stable across rotations, which add keys).
    public init(keyring: DataKeyring) {
        let base = keyring.keyIDs.first.flatMap { keyring.key(id: $0) } ?? keyring.activeKey().key
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: base, info: Array("notebridge.outbox-patient-key.v1".utf8), outputByteCount: 32)
    }

    /// The key of a patient identified by `identifier` assigned by `authority`; `""` identifiers share one key.
    public func patientKey(identifier: String, authority: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(authority)|\(identifier)".utf8), using: key)
        return "pk_" + Hex.encode(mac.prefix(16))
    }
}
