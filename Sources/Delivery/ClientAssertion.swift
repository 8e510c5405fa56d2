import Crypto
import Foundation
import _CryptoExtras

/// The signed JWT a SMART Backend Services client authenticates with (`private_key_jwt`; SMART App Launch 2.x,
/// "Backend Services", and RFC 7523): `iss` and `sub` the client id, `aud` the token endpoint, `exp` at most five
/// minutes ahead, a fresh `jti`, signed RS384 (RSASSA-PKCS1-v1_5 with SHA-384) or ES384 (ECDSA P-384 with SHA-384,
/// the signature as `r || s`, RFC 7518 section 3.4) by swift-crypto.
public struct ClientAssertion: Sendable {
    /// The JWS algorithms SMART Backend Services requires servers to support.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// RSASSA-PKCS1-v1_5 using SHA-384.
        case rs384 = "RS384"
        /// ECDSA using P-384 and SHA-384.
        case es384 = "ES384"
    }

    /// Why a signing key cannot be used (never the key's bytes).
    public struct KeyError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var reason: String
        /// The file that raised the error.
        public var file: String
        /// The line that raised the error.
        public var line: Int

        init(_ reason: String, file: String = #fileID, line: Int = #line) {
            self.reason = reason
            self.file = file
            self.line = line
        }

        /// Errors are equal when their reasons are (not where they were raised).
        public static func == (lhs: KeyError, rhs: KeyError) -> Bool { lhs.reason == rhs.reason }
        /// Hashes the reason.
        public func hash(into hasher: inout Hasher) { hasher.combine(reason) }
        /// The reason, with where it was raised.
        public var description: String { "ClientAssertion.KeyError: \(reason) (\(file):\(line))" }
    }

    private enum Key: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
    }

    /// The largest key file read.
    public static let maximumKeyFileBytes = 64 * 1024
    /// How long an assertion is valid (SMART: no more than five minutes).
    public static let lifetime: TimeInterval = 300

    /// The algorithm the key signs with.
    public let algorithm: Algorithm
    /// The key id (`kid`) the server finds the public key by in the client's JWK Set.
    public let keyID: String
    private let key: Key

    /// A signer from a PEM private key (PKCS#8, or PKCS#1 / SEC 1) for `algorithm`: an RSA key of at least 2048 bits
    /// for RS384, a P-384 key for ES384.
    public init(pem: String, algorithm: Algorithm, keyID: String) throws(KeyError) {
        self.algorithm = algorithm
        self.keyID = keyID
        switch algorithm {
        case .rs384:
            do {
                key = .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: pem))
            } catch {
                throw KeyError("not a PEM RSA private key of at least 2048 bits (RS384 needs one)")
            }
        case .es384:
            do {
                key = .p384(try P384.Signing.PrivateKey(pemRepresentation: pem))
            } catch {
                throw KeyError("not a PEM P-384 EC private key (ES384 needs one)")
            }
        }
    }

    /// A signer whose PEM key is read from `path`.
    public init(keyFile path: String, algorithm: Algorithm, keyID: String) throws(KeyError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KeyError("the key file cannot be read")
        }
        guard data.count <= Self.maximumKeyFileBytes else {
            throw KeyError("the key file is larger than \(Self.maximumKeyFileBytes) bytes")
        }
        try self.init(pem: String(decoding: data, as: UTF8.self), algorithm: algorithm, keyID: keyID)
    }

    /// A signed assertion for `clientID` to present at `audience` (the token endpoint URL), issued at `now`.
    public func make(clientID: String, audience: String, now: Date = Date(), id: String = Self.randomID()) throws
        -> String
    {
        struct Header: Encodable {
            var alg: String
            var typ = "JWT"
            var kid: String
        }
        struct Claims: Encodable {
            var iss: String
            var sub: String
            var aud: String
            var exp: Int
            var iat: Int
            var jti: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let issued = Int(now.timeIntervalSince1970)
        let header = try encoder.encode(Header(alg: algorithm.rawValue, kid: keyID))
        let claims = try encoder.encode(
            Claims(iss: clientID, sub: clientID, aud: audience, exp: issued + Int(Self.lifetime), iat: issued, jti: id))
        let signingInput = Self.base64URL(header) + "." + Self.base64URL(claims)
        let digest = SHA384.hash(data: Data(signingInput.utf8))
        let signature: Data
        switch key {
        case .rsa(let key):
            signature = try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation
        case .p384(let key):
            signature = try key.signature(for: digest).rawRepresentation
        }
        return signingInput + "." + Self.base64URL(signature)
    }

    /// 16 random bytes as hex: a `jti` never used twice.
    public static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Base64url without padding (RFC 7515, section 2).
    public static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
