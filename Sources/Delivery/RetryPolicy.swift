import Foundation

/// When a failed delivery is tried again: exponential backoff with jitter, up to a number of attempts.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts before a row goes to the dead letter.
    public var maximumAttempts: Int
    /// The delay after the first failure; each later one doubles.
    public var initialBackoff: Duration
    /// The longest delay.
    public var maximumBackoff: Duration
    /// How long after it was queued a row may still be retried; `nil` for no limit. A failure after that sends it to
    /// the dead letter.
    public var maximumAge: Duration?
    /// The share of each delay drawn at random (0 for none, 0.2 for up to ±20 %), so that receivers coming back are
    /// not hit by every sender at once.
    public var jitter: Double

    /// Creates a policy.
    public init(
        maximumAttempts: Int = 10, initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(300),
        maximumAge: Duration? = nil, jitter: Double = 0.2
    ) {
        self.maximumAttempts = maximumAttempts
        self.maximumAge = maximumAge
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.jitter = jitter
    }

    /// The delay before the next try after `attempts` failed attempts (1 after the first); `nil` when the row has
    /// used up its attempts.
    public func delay(afterAttempts attempts: Int, random: Double = Double.random(in: -1...1)) -> Duration? {
        guard attempts < maximumAttempts else { return nil }
        let initial = Self.seconds(initialBackoff)
        let maximum = Self.seconds(maximumBackoff)
        let exponent = Double(max(0, min(attempts - 1, 40)))
        let base = min(maximum, initial * pow(2, exponent))
        let spread = max(0, min(1, jitter)) * max(-1, min(1, random))
        let seconds = max(0, min(maximum, base * (1 + spread)))
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
