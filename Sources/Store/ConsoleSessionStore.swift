import Foundation

/// An operator's console session as the store keeps it: the SHA-256 of its token (the cookie's value, a credential
/// the database never holds), the API key that signed in, and when it opened and ends. What the session may see is
/// the key's (read again on every request), and its CSRF token is derived from the token, so that any instance
/// sharing the database accepts the session without keeping anything more.
public struct StoredConsoleSession: Sendable, Hashable {
    /// SHA-256 of the session token, hex.
    public var tokenDigest: String
    /// The id of the API key that signed in.
    public var keyID: String
    /// When it was opened.
    public var createdAt: Date
    /// When it ends.
    public var expiresAt: Date

    /// Creates a session record.
    public init(tokenDigest: String, keyID: String, createdAt: Date, expiresAt: Date) {
        self.tokenDigest = tokenDigest
        self.keyID = keyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// The console's sessions, kept in the store so that every instance on the database accepts them (no sticky
/// sessions behind a balancer) and a restart signs nobody out.
public protocol ConsoleSessionStore: Sendable {
    /// Stores a new session, and erases the sessions expired at `now`; throws ``StoreError/Code/invalidArgument`` when
    /// the digest is taken.
    func saveSession(_ session: StoredConsoleSession, now: Date) async throws
    /// The session with this token digest, unless it expired at `now`.
    func session(tokenDigest: String, now: Date) async throws -> StoredConsoleSession?
    /// Ends a session (signing out); `false` when there was none.
    func deleteSession(tokenDigest: String) async throws -> Bool
    /// Ends every session of an API key (it was revoked); returns how many.
    func deleteSessions(keyID: String) async throws -> Int
    /// Erases the sessions expired at `now`; returns how many.
    func purgeExpiredSessions(now: Date) async throws -> Int
    /// Erases the sessions of an API key but the newest `keeping` (by when they opened; of two opened in the same
    /// millisecond, the one with the greater digest is kept); returns how many were erased.
    func trimSessions(keyID: String, keeping: Int) async throws -> Int
}
