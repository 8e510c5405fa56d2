/// One delivered row of a batch completion (``Outbox/complete(_:now:)-([OutboxDelivery],_)``): the lease that
/// proves the claim, and what the destination reported storing.
public struct OutboxDelivery: Sendable, Hashable {
    /// The claim.
    public var lease: OutboxLease
    /// What the destination reported storing (``OutboxItem/deliveredReferences``; checked by
    /// ``OutboxItem/isDeliveredReference(_:)``, at most ``OutboxItem/maximumDeliveredReferences``).
    public var references: [String]

    /// Creates a delivery.
    public init(lease: OutboxLease, references: [String] = []) {
        self.lease = lease
        self.references = references
    }
}
