import Crypto
import Foundation
import Store

/// A signed-in operator of the console: the API key that signed in, what it may see, and the session's CSRF token.
/// The session id travels only in the `HttpOnly`, `SameSite=Strict` cookie; the CSRF token only in the pages' forms.
struct ConsoleSession: Sendable, Hashable {
    /// The cookie value: 32 random bytes, base64url.
    var id: String
    /// The token every state-changing request must carry in its `csrf` form field.
    var csrfToken: String
    /// The API key that signed in (its public id).
    var keyID: String
    /// The key's name, shown in the header.
    var keyName: String
    /// The key's scopes when it signed in.
    var scopes: [String]
    /// When it was opened.
    var createdAt: Date
    /// When it ends (the cookie's expiry too).
    var expiresAt: Date

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
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// The console's open sessions, in memory (a restart signs everyone out). Sessions are found by a SHA-256 of
/// their id, expire after ``lifetime``, and are bounded in number (the oldest goes first).
actor ConsoleSessions {
    /// How long a session lasts from sign-in.
    let lifetime: Duration
    /// The most sessions kept at once.
    let capacity: Int

    private var sessions: [String: ConsoleSession] = [:]

    init(lifetime: Duration = .seconds(8 * 3600), capacity: Int = 1_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// Opens a session for `key` (the caller checked its `admin` scope).
    func open(for key: APIKeyRecord, now: Date = Date()) -> ConsoleSession {
        sweep(now: now)
        if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.createdAt < $1.value.createdAt }) {
            sessions[oldest.key] = nil
        }
        let session = ConsoleSession(
            id: ConsoleSession.randomToken(), csrfToken: ConsoleSession.randomToken(), keyID: key.id,
            keyName: key.name, scopes: key.scopes, createdAt: now,
            expiresAt: now.addingTimeInterval(Double(lifetime.components.seconds)))
        sessions[Self.digest(session.id)] = session
        return session
    }

    /// The open, unexpired session with this id.
    func session(id: String, now: Date = Date()) -> ConsoleSession? {
        let digest = Self.digest(id)
        guard let session = sessions[digest] else { return nil }
        guard session.expiresAt > now else {
            sessions[digest] = nil
            return nil
        }
        return session
    }

    /// Ends a session (signing out).
    func close(id: String) {
        sessions[Self.digest(id)] = nil
    }

    /// Ends every session of a key (it was revoked).
    func close(keyID: String) {
        sessions = sessions.filter { $0.value.keyID != keyID }
    }

    /// The number of open sessions.
    var count: Int { sessions.count }

    private func sweep(now: Date) {
        sessions = sessions.filter { $0.value.expiresAt > now }
    }

    static func digest(_ id: String) -> String {
        SHA256.hash(data: Array(id.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
