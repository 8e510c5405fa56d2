import Foundation
import GRDB

extension SQLiteNoteStore: ConsoleSessionStore {
    public func saveSession(_ session: StoredConsoleSession, now: Date) async throws {
        try await write("save console session") { db in
            try db.execute(
                sql: "DELETE FROM console_sessions WHERE expires_at <= ?", arguments: [now.epochMilliseconds])
            let taken =
                try Bool.fetchOne(
                    db, sql: "SELECT 1 FROM console_sessions WHERE token_digest = ?",
                    arguments: [session.tokenDigest]) ?? false
            guard !taken else { throw StoreError(.invalidArgument, reason: "a console session with this token exists") }
            try db.execute(
                sql: "INSERT INTO console_sessions (token_digest, key_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [
                    session.tokenDigest, session.keyID, session.createdAt.epochMilliseconds,
                    session.expiresAt.epochMilliseconds,
                ])
        }
    }

    public func session(tokenDigest: String, now: Date) async throws -> StoredConsoleSession? {
        try await read("read console session") { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT key_id, created_at, expires_at FROM console_sessions \
                    WHERE token_digest = ? AND expires_at > ?
                    """,
                arguments: [tokenDigest, now.epochMilliseconds]
            ).map { row in
                StoredConsoleSession(
                    tokenDigest: tokenDigest, keyID: row[0], createdAt: Date(epochMilliseconds: row[1]),
                    expiresAt: Date(epochMilliseconds: row[2]))
            }
        }
    }

    public func deleteSession(tokenDigest: String) async throws -> Bool {
        try await write("delete console session") { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE token_digest = ?", arguments: [tokenDigest])
            return db.changesCount > 0
        }
    }

    public func deleteSessions(keyID: String) async throws -> Int {
        try await write("delete console sessions") { db in
            try db.execute(sql: "DELETE FROM console_sessions WHERE key_id = ?", arguments: [keyID])
            return db.changesCount
        }
    }

    public func purgeExpiredSessions(now: Date) async throws -> Int {
        try await write("purge console sessions") { db in
            try db.execute(
                sql: "DELETE FROM console_sessions WHERE expires_at <= ?", arguments: [now.epochMilliseconds])
            return db.changesCount
        }
    }

    /// Erases the key's sessions but the newest `keeping` (``ConsoleSessionStore/trimSessions(keyID:keeping:)``).
    public func trimSessions(keyID: String, keeping: Int) async throws -> Int {
        try await write("trim console sessions") { db in
            try db.execute(
                sql: """
                    DELETE FROM console_sessions WHERE key_id = ? AND token_digest NOT IN (\
                    SELECT token_digest FROM console_sessions WHERE key_id = ? \
                    ORDER BY created_at DESC, token_digest DESC LIMIT ?)
                    """,
                arguments: [keyID, keyID, max(0, keeping)])
            return db.changesCount
        }
    }
}
