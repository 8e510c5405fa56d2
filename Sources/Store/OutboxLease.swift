import Foundation

/// A claimed outbox row and the token that proves the claim.
public struct OutboxLease: Sendable, Hashable {
    /// The row as claimed (state `in-flight`, attempts before this one).
    public var item: OutboxItem
    /// The lease token; completing, failing or releasing needs it.
    public var token: String
    /// When the lease expires; after that another worker may claim the row.
    public var expiresAt: Date

    /// Creates a lease.
    public init(item: OutboxItem, token: String, expiresAt: Date) {
        self.item = item
        self.token = token
        self.expiresAt = expiresAt
    }
}
