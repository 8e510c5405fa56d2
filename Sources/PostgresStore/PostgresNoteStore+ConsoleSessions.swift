import Foundation
import PostgresNIO
import Store

/// The console's sessions in `console_sessions`, one row per session under its token's digest, so that a session
/// opened on one instance is accepted by every other.
extension PostgresNoteStore: ConsoleSessionStore {
    func saveSession(_ session: StoredConsoleSession, now: Date) async throws {
        let (stamp, created, expiry) = (
            now.epochMilliseconds, session.createdAt.epochMilliseconds, session.expiresAt.epochMilliseconds
        )
        try await database.transaction("save console session") { connection in
            try await connection.rows(
                "DELETE FROM console_sessions WHERE expires_at <= \(stamp)", logger: self.database.logger)
            let inserted = try await connection.rows(
                """
                INSERT INTO console_sessions (token_digest, key_id, created_at, expires_at) \
                VALUES (\(session.tokenDigest), \(session.keyID), \(created), \(expiry)) \
                ON CONFLICT (token_digest) DO NOTHING RETURNING token_digest
                """,
                logger: self.database.logger)
            guard !inserted.isEmpty else {
                throw StoreError(.invalidArgument, reason: "a console session with this token exists")
            }
        }
    }

    func session(tokenDigest: String, now: Date) async throws -> StoredConsoleSession? {
        let stamp = now.epochMilliseconds
        return try await database.withConnection("read console session") { connection in
            guard
                let row = try await connection.rows(
                    """
                    SELECT key_id, created_at, expires_at FROM console_sessions \
                    WHERE token_digest = \(tokenDigest) AND expires_at > \(stamp)
                    """,
                    logger: self.database.logger
                ).first
            else { return nil }
            return StoredConsoleSession(
                tokenDigest: tokenDigest, keyID: try row.value(0, as: String.self),
                createdAt: Date(epochMilliseconds: try row.value(1, as: Int64.self)),
                expiresAt: Date(epochMilliseconds: try row.value(2, as: Int64.self)))
        }
    }

    func deleteSession(tokenDigest: String) async throws -> Bool {
        try await database.withConnection("delete console session") { connection in
            let deleted = try await connection.rows(
                "DELETE FROM console_sessions WHERE token_digest = \(tokenDigest) RETURNING token_digest",
                logger: self.database.logger)
            return !deleted.isEmpty
        }
    }

    func deleteSessions(keyID: String) async throws -> Int {
        try await database.withConnection("delete console sessions") { connection in
            try await connection.rows(
                "DELETE FROM console_sessions WHERE key_id = \(keyID) RETURNING token_digest",
                logger: self.database.logger
            ).count
        }
    }

    func purgeExpiredSessions(now: Date) async throws -> Int {
        let stamp = now.epochMilliseconds
        return try await database.withConnection(
            "purge console sessions", statementLimit: database.maintenanceStatementLimit
        ) { connection in
            try await connection.rows(
                "DELETE FROM console_sessions WHERE expires_at <= \(stamp) RETURNING token_digest",
                logger: self.database.logger
            ).count
        }
    }

    func trimSessions(keyID: String, keeping: Int) async throws -> Int {
        let kept = max(0, keeping)
        return try await database.withConnection("trim console sessions") { connection in
            try await connection.rows(
                """
                DELETE FROM console_sessions WHERE key_id = \(keyID) AND token_digest NOT IN (\
                SELECT token_digest FROM console_sessions WHERE key_id = \(keyID) \
                ORDER BY created_at DESC, token_digest DESC LIMIT \(kept)) RETURNING token_digest
                """,
                logger: self.database.logger
            ).count
        }
    }
}
