import Crypto
import Foundation
import Store

/// A signed-in operator of the console: the API key that signed in, what it may see, and the session's CSRF token.
/// The session id travels only in the `HttpOnly`, `SameSite=Strict` cookie; the CSRF token only in the pages' forms.
struct ConsoleSession: Sendable, Hashable {
    /// The cookie value: 32 random bytes, base64url (the store keeps only its SHA-256).
    var id: String
    /// The token every state-changing request must carry in its `csrf` form field.
    var csrfToken: String
    /// The API key that signed in (its public id).
    var keyID: String
    /// The key's name, shown in the header.
    var keyName: String
    /// The key's scopes.
    var scopes: [String]
    /// When it was opened.
    var createdAt: Date
    /// When it ends (the cookie's expiry too).
    var expiresAt: Date

    /// The session of `token` as the store keeps it, for `key` (its name and scopes as they are now).
    init(token: String, stored: StoredConsoleSession, key: APIKeyRecord) {
        self.id = token
        self.csrfToken = Self.csrfToken(for: token)
        self.keyID = key.id
        self.keyName = key.name
        self.scopes = key.scopes
        self.createdAt = stored.createdAt
        self.expiresAt = stored.expiresAt
    }

    /// The CSRF token of the session `token`: HMAC-SHA256 under the token of a fixed label, base64url. Every instance
    /// derives the same token from the cookie; the store, which keeps only the token's SHA-256, cannot.
    static func csrfToken(for token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("notebridge console csrf".utf8), using: SymmetricKey(data: Array(token.utf8)))
        return base64URL(Array(mac))
    }

    /// Whether message bodies, transcripts and notes may be shown (`phi:read`).
    var canReadPHI: Bool { scopes.contains(APIScope.phiRead.rawValue) }

    /// Whether `token` is this session's CSRF token, compared in constant time.
    func acceptsCSRFToken(_ token: String?) -> Bool {
        guard let token else { return false }
        return ConsoleSession.constantTimeEquals(Array(token.utf8), Array(csrfToken.utf8))
    }

    /// Byte equality whose time depends on the lengths only.
    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }

    /// A new random token: 32 bytes, base64url without padding.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return base64URL(bytes)
    }

    /// `bytes` in base64url without padding.
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// The console's sessions, kept in the store (``ConsoleSessionStore``) so that every instance sharing the database
/// accepts a session opened on any of them and a restart signs nobody out.
///
/// The store holds the SHA-256 of the session token (never the token), the key that signed in and the expiry; the
/// CSRF token is derived from the token (``ConsoleSession/csrfToken(for:)``), and the key's name and scopes are read
/// again on every request, so a revoked key ends its sessions at once on every instance.
struct ConsoleSessions: Sendable {
    /// Where sessions are kept.
    let store: any ConsoleSessionStore
    /// How long a session lasts from sign-in.
    let lifetime: Duration

    init(store: any ConsoleSessionStore, lifetime: Duration = .seconds(8 * 3600)) {
        self.store = store
        self.lifetime = lifetime
    }

    /// The most sessions one key keeps: signing in once more ends its oldest beyond these.
    static let maximumPerKey = 20

    /// Opens a session for `key` (the caller checked its `admin` scope); expired sessions are erased meanwhile, and
    /// the key's oldest sessions beyond ``maximumPerKey`` (a script that signs in again and again cannot grow the
    /// table without bound within a session's lifetime).
    func open(for key: APIKeyRecord, now: Date = Date()) async throws -> ConsoleSession {
        let token = ConsoleSession.randomToken()
        let stored = StoredConsoleSession(
            tokenDigest: Self.digest(token), keyID: key.id, createdAt: now,
            expiresAt: now.addingTimeInterval(Double(lifetime.components.seconds)))
        try await store.saveSession(stored, now: now)
        _ = try await store.trimSessions(keyID: key.id, keeping: Self.maximumPerKey)
        return ConsoleSession(token: token, stored: stored, key: key)
    }

    /// The unexpired session of `token` with the key that opened it, or `nil`; a session whose key is gone or revoked
    /// is ended here (`keys` answers for the key).
    func session(token: String, keys: any APIKeyStore, now: Date = Date()) async throws -> ConsoleSession? {
        let digest = Self.digest(token)
        guard let stored = try await store.session(tokenDigest: digest, now: now) else { return nil }
        guard let key = try await keys.key(id: stored.keyID), key.revokedAt == nil else {
            _ = try await store.deleteSessions(keyID: stored.keyID)
            return nil
        }
        return ConsoleSession(token: token, stored: stored, key: key)
    }

    /// Ends a session (signing out).
    func close(token: String) async throws {
        _ = try await store.deleteSession(tokenDigest: Self.digest(token))
    }

    /// Ends every session of a key (it was revoked).
    func close(keyID: String) async throws {
        _ = try await store.deleteSessions(keyID: keyID)
    }

    /// SHA-256 of a session token, hex: the only form of it the store keeps.
    static func digest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
