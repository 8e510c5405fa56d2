import Foundation
import GRDB

extension SQLiteJournal {
    /// Claims accepted entries in one write transaction (SQLite has one writer, so claims never race).
    public func claimAccepted(
        messageTypes: [String], afterID: Int64?, limit: Int, by claimant: JournalClaimant, now: Date
    ) async throws -> [JournalEntry] {
        guard limit > 0 else { return [] }
        guard claimant.lease > .zero else {
            throw StoreError(.invalidArgument, reason: "the claim lease must be positive")
        }
        let stamp = now.epochMilliseconds
        let expires = stamp + claimant.lease.clampedMilliseconds
        var selection = """
            SELECT id FROM journal WHERE state = 'accepted' AND id > ? \
            AND (claim_owner IS NULL OR claim_owner = ? OR claim_expires_at <= ?)
            """
        var arguments: StatementArguments = [claimant.owner, expires, afterID ?? Int64.min, claimant.owner, stamp]
        if !messageTypes.isEmpty {
            selection += " AND message_type IN (" + messageTypes.map { _ in "?" }.joined(separator: ", ") + ")"
            for type in messageTypes { arguments += [type] }
        }
        selection += " ORDER BY id LIMIT ?"
        arguments += [limit]
        let sql = """
            UPDATE journal SET claim_owner = ?, claim_expires_at = ? WHERE id IN (\(selection)) \
            RETURNING \(JournalRow.columns)
            """
        let claiming = arguments
        let rows = try await write("claim journal entries") { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: claiming).map(JournalRow.init(row:))
        }
        return try rows.sorted { $0.id < $1.id }.map { try $0.entry(opening: sealer) }
    }

    /// Extends the owner's claims in one write.
    public func extendClaims(by claimant: JournalClaimant, now: Date) async throws -> Int {
        let expires = now.epochMilliseconds + claimant.lease.clampedMilliseconds
        return try await write("extend journal claims") { db in
            try db.cachedStatement(
                sql: "UPDATE journal SET claim_expires_at = ? WHERE state = 'accepted' AND claim_owner = ?"
            ).execute(arguments: [expires, claimant.owner])
            return db.changesCount
        }
    }

    /// Reads the earlier entries that are not the owner's: claimed by another owner, or by nobody.
    public func earlierClaims(before id: Int64, messageTypes: [String], owner: String, now: Date) async throws
        -> EarlierJournalClaims
    {
        var sql = """
            SELECT MIN(id), COALESCE(MAX(claim_owner IS NOT NULL AND claim_expires_at <= ?), 0), \
            COALESCE(MAX(claim_owner IS NULL), 0) FROM journal \
            WHERE state = 'accepted' AND id < ? AND (claim_owner IS NULL OR claim_owner != ?)
            """
        var arguments: StatementArguments = [now.epochMilliseconds, id, owner]
        if !messageTypes.isEmpty {
            sql += " AND message_type IN (" + messageTypes.map { _ in "?" }.joined(separator: ", ") + ")"
            for type in messageTypes { arguments += [type] }
        }
        let (query, reading) = (sql, arguments)
        let (lowest, expired, unclaimed) = try await read("read earlier journal claims") {
            db -> (Int64?, Bool, Bool) in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: query), arguments: reading) else {
                return (nil, false, false)
            }
            return (row[0], row[1], row[2])
        }
        guard let lowest else { return .none }
        if expired { return .abandoned }
        return unclaimed ? .unclaimed(firstID: lowest) : .held(firstID: lowest)
    }
}
