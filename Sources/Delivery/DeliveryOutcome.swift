/// What one delivery attempt came to.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The receiver accepted it (AA or CA, a 2xx), reporting that it stored `references` (a FHIR server's
    /// `Type/id/_history/version`, checked by `OutboxItem.isDeliveredReference`; empty when the receiver reports
    /// nothing). The outbox row keeps them.
    case delivered(references: [String])
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
    /// Delivered, with nothing reported about what was stored (MLLP peers, webhooks).
    public static let deliveredWithoutReferences = DeliveryOutcome.delivered(references: [])

    /// Whether the receiver accepted it (``delivered(references:)``, whatever it reported).
    public var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }

    /// Whether the row will be tried again (``retry(reason:)`` or ``retryAfter(reason:delay:)``).
    public var isRetry: Bool {
        switch self {
        case .retry, .retryAfter: true
        case .delivered, .dead, .interrupted: false
        }
    }
}
