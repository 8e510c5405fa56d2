import Crypto
import Foundation

/// Seals and opens PHI at rest with AES-256-GCM under a ``DataKeyring``.
///
/// Sealed format (``formatVersion`` 1):
///
/// ```
/// +---------+-----------------+----------------------+------------------+
/// | version | nonce (12 bytes)| ciphertext (n bytes) | tag (16 bytes)   |
/// +---------+-----------------+----------------------+------------------+
/// ```
///
/// The ``associatedData`` is authenticated, not stored: a value sealed for one purpose (e.g. the journal) does not
/// open for another. The key id travels beside the bytes (see ``SealedValue``).
public struct Sealer: Sendable {
    /// The format version written by ``seal(_:)``.
    public static let formatVersion: UInt8 = 1
    /// The associated data that binds journal bodies.
    public static let journalAssociatedData: [UInt8] = Array("notebridge.journal.v1".utf8)

    private static let nonceByteCount = 12
    private static let tagByteCount = 16

    /// The keys.
    public let keyring: DataKeyring
    /// The associated data authenticated with every value.
    public let associatedData: [UInt8]

    /// Creates a sealer.
    public init(keyring: DataKeyring, associatedData: [UInt8]) {
        self.keyring = keyring
        self.associatedData = associatedData
    }

    /// Seals `plaintext` with the keyring's active key and a fresh random nonce.
    public func seal(_ plaintext: [UInt8]) throws -> SealedValue {
        let (keyID, key) = keyring.activeKey()
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: associatedData)
        } catch {
            throw StoreError(.sealFailed, reason: "AES-GCM seal with key \(keyID) failed")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + Self.nonceByteCount + plaintext.count + Self.tagByteCount)
        bytes.append(Self.formatVersion)
        box.nonce.withUnsafeBytes { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: box.ciphertext)
        bytes.append(contentsOf: box.tag)
        return SealedValue(keyID: keyID, bytes: bytes)
    }

    /// Opens a sealed value; throws ``StoreError/Code/unknownKey`` when its key is not in the keyring and
    /// ``StoreError/Code/openFailed`` when it does not authenticate.
    public func open(_ sealed: SealedValue) throws -> [UInt8] {
        let bytes = sealed.bytes
        guard let version = bytes.first else {
            throw StoreError(.openFailed, reason: "sealed value is empty")
        }
        guard version == Self.formatVersion else {
            throw StoreError(.unsupportedSealVersion, reason: "sealed value has format version \(version)")
        }
        guard bytes.count >= 1 + Self.nonceByteCount + Self.tagByteCount else {
            throw StoreError(.openFailed, reason: "sealed value is truncated (\(bytes.count) bytes)")
        }
        guard let key = keyring.key(id: sealed.keyID) else {
            throw StoreError(.unknownKey, reason: "no data key with id \(sealed.keyID) in the keyring")
        }
        let nonceEnd = 1 + Self.nonceByteCount
        let tagStart = bytes.count - Self.tagByteCount
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: bytes[1..<nonceEnd]),
                ciphertext: bytes[nonceEnd..<tagStart],
                tag: bytes[tagStart...]
            )
            let plaintext = try AES.GCM.open(box, using: key, authenticating: associatedData)
            return Array(plaintext)
        } catch {
            throw StoreError(
                .openFailed,
                reason:
                    "sealed value does not authenticate with key \(sealed.keyID) (altered, or sealed for another use)"
            )
        }
    }
}
