import Foundation

/// Token buckets kept in the database, so that every instance sharing it counts a key's requests against one limit.
public protocol SharedRateLimits: Sendable {
    /// Takes a token from `key`'s bucket, which refills at `rate` tokens per second up to `burst` (a new bucket is
    /// full). Returns `nil` when a token was taken, otherwise the whole seconds until one is available (at least 1).
    /// `key` names the caller (an API key's id), never PHI.
    func take(_ key: String, rate: Double, burst: Double, now: Date) async throws -> Int?
}
