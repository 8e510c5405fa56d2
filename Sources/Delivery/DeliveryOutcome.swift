/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The receiver accepted it (AA or CA).
    case delivered
    /// It may succeed later (AR/CR, no connection, no answer in time): retried with backoff.
    case retry(reason: String)
    /// It may succeed later, and the receiver said when (HTTP `Retry-After`): retried after at least `delay`.
    case retryAfter(reason: String, delay: Duration)
    /// It will not succeed as it is (AE/CE, a note that cannot be rendered): dead letter.
    case dead(reason: String)
    /// The attempt was interrupted by shutdown before an answer: the lease is released, no attempt counted.
    case interrupted
}

extension DeliveryOutcome {
    /// Whether the row will be tried again (``retry(reason:)`` or ``retryAfter(reason:delay:)``).
    public var isRetry: Bool {
        switch self {
        case .retry, .retryAfter: true
        case .delivered, .dead, .interrupted: false
        }
    }
}
