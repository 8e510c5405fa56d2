import Crypto

/// Turns a message's comparable content into the digest the journal compares resends by: HMAC-SHA256 under a key
/// derived (HKDF) from the keyring's first-created data key, hex. The database holds the digest, never the content
/// in the clear; the same content gives the same digest for as long as that data key is kept. Outside any one store,
/// so that every backend shares it.
public struct MessageContentDigester: Sendable {
    private let key: SymmetricKey

    /// A digester under `keyring`'s oldest key (stable across rotations, which add keys).
    public init(keyring: DataKeyring) {
        let base = keyring.keyIDs.first.flatMap { keyring.key(id: $0) } ?? keyring.activeKey().key
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: base, info: Array("notebridge.journal-content.v1".utf8), outputByteCount: 32)
    }

    /// The digest of `content`.
    public func digest(_ content: [UInt8]) -> String {
        "mc_" + Hex.encode(HMAC<SHA256>.authenticationCode(for: content, using: key))
    }
}
