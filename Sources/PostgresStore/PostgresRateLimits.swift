import Foundation
import Logging
import PostgresNIO
import Store

/// The ``SharedRateLimits`` of a ``PostgresStore``: one row per key in `rate_limits`, refilled and taken from in
/// one `INSERT … ON CONFLICT DO UPDATE`, which holds the row's lock for the statement, so that concurrent requests
/// on any instance take tokens one after another. Times are the instances' wall clocks (epoch milliseconds); a
/// clock behind the stored one refills nothing rather than a negative amount.
final class PostgresRateLimits: SharedRateLimits {
    let database: PostgresStoreDatabase

    init(database: PostgresStoreDatabase) {
        self.database = database
    }

    func take(_ key: String, rate: Double, burst: Double, now: Date) async throws -> Int? {
        guard rate > 0 else { return nil }
        let burst = max(1, burst)
        var binds = PostgresBindings(capacity: 4)
        binds.append(key)
        binds.append(burst)
        binds.append(rate)
        binds.append(now.epochMilliseconds)
        // $5: the bucket refilled up to now, at most the burst.
        let refilled = "LEAST($2::float8, r.tokens + GREATEST(0, $4::bigint - r.updated_at) * $3::float8 / 1000.0)"
        let query = PostgresQuery(
            unsafeSQL: """
                INSERT INTO rate_limits AS r (key, tokens, allowed, updated_at) VALUES ($1, $2::float8 - 1, true, $4)
                ON CONFLICT (key) DO UPDATE SET
                    tokens = CASE WHEN \(refilled) >= 1 THEN \(refilled) - 1 ELSE \(refilled) END,
                    allowed = \(refilled) >= 1,
                    updated_at = GREATEST(r.updated_at, $4::bigint)
                RETURNING tokens, allowed
                """,
            binds: binds)
        let (tokens, allowed) = try await database.withConnection("take a rate-limit token") { connection in
            guard let row = try await connection.rows(query, logger: self.database.logger).first else {
                throw StoreError(.database, reason: "take a rate-limit token: no row returned")
            }
            return (try row.value(0, as: Double.self), try row.value(1, as: Bool.self))
        }
        guard !allowed else { return nil }
        return max(1, Int(((1 - tokens) / rate).rounded(.up)))
    }
}
