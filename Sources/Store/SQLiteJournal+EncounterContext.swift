import Foundation
import GRDB

extension SQLiteJournal: EncounterContexts {
    public func keepContext(key: String, document: [UInt8], expiresAt: Date, now: Date) async throws {
        let sealed = try sealing.seal(document, for: .encounterContext(key: key))
        let (stamp, expiry) = (now.epochMilliseconds, expiresAt.epochMilliseconds)
        _ = try await outboxWrite("keep encounter context") { db in
            try db.execute(
                sql: """
                    INSERT INTO encounter_context (key, updated_at, expires_at, document_sealed, key_id) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at, expires_at = excluded.expires_at,
                    document_sealed = excluded.document_sealed, key_id = excluded.key_id
                    """,
                arguments: [key, stamp, expiry, Data(sealed.bytes), sealed.keyID])
            return true
        }
    }

    public func context(key: String, now: Date) async throws -> [UInt8]? {
        let stamp = now.epochMilliseconds
        let sealed = try await read("read encounter context") { db -> SealedValue? in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT document_sealed, key_id FROM encounter_context WHERE key = ? AND expires_at > ?"),
                arguments: [key, stamp]
            ).map { SealedValue(keyID: $0[1], bytes: Array($0[0] as Data)) }
        }
        return try sealed.map { try sealing.open($0, for: .encounterContext(key: key)) }
    }
}
