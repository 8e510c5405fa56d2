/// Bytes sealed by a ``Sealer``, with the id of the key that sealed them.
public struct SealedValue: Sendable, Hashable {
    /// The id of the data key that sealed ``bytes``.
    public var keyID: String
    /// `[version][12-byte nonce][ciphertext][16-byte tag]`.
    public var bytes: [UInt8]

    /// Creates a sealed value.
    public init(keyID: String, bytes: [UInt8]) {
        self.keyID = keyID
        self.bytes = bytes
    }
}
