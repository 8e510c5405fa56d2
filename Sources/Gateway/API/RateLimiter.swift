import Foundation
import Logging
import Store
import Synchronization

/// A token bucket per API key: `rate` requests per second on average, bursts of up to `burst`.
///
/// The buckets are in memory, or, when the store has ``SharedRateLimits`` (instances sharing a PostgreSQL
/// database), in the database, so that a key's limit holds across every instance behind the balancer. When the
/// database cannot be asked, this instance's own bucket decides (the request could not commit anything either).
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rate: Double
    let burst: Double
    private let buckets = Mutex([String: Bucket]())
    let shared: (any SharedRateLimits)?
    let logger: Logger?

    /// `rate` ≤ 0 turns limiting off; with `shared`, the buckets are the database's.
    init(rate: Double, burst: Double, shared: (any SharedRateLimits)? = nil, logger: Logger? = nil) {
        self.rate = rate
        self.burst = max(1, burst)
        self.shared = shared
        self.logger = logger
    }

    /// Takes a token for `key` from the shared bucket, or from this instance's when there is none or the database
    /// fails; returns `nil` when allowed, otherwise the whole seconds to wait.
    func admit(_ key: String) async -> Int? {
        guard rate > 0 else { return nil }
        guard let shared else { return take(key) }
        do {
            return try await shared.take(key, rate: rate, burst: burst, now: Date())
        } catch {
            logger?.warning(
                "shared rate limit unreadable; this instance's own limit applies",
                metadata: ["nb.error": "\(type(of: error))"])
            return take(key)
        }
    }

    /// Takes a token for `key`; returns `nil` when allowed, otherwise the whole seconds to wait.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        guard rate > 0 else { return nil }
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = elapsed.timeInterval
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[key] = bucket
                return nil
            }
            buckets[key] = bucket
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}
