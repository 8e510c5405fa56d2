/// Where an outbox row stands.
public enum OutboxState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its next attempt.
    case pending
    /// Claimed by a worker under a lease.
    case inFlight = "in-flight"
    /// The destination accepted it.
    case delivered
    /// It will not be retried unless an operator asks (`notebridge outbox retry`).
    case dead
}
