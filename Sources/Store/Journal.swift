import Foundation

/// The durable journal of inbound messages: every framed message is committed here before it is acknowledged.
///
/// Implementations seal bodies at rest and are safe to call from many tasks at once. Nothing in this protocol is
/// specific to one database.
public protocol Journal: Sendable {
    /// Commits `entry`, or recognizes it as a duplicate, in one transaction.
    ///
    /// When `entry.controlID` is non-nil and a row with the same sender and control id was received no earlier than
    /// `duplicateWindow` before `entry.receivedAt`, that row's duplicate count is incremented and it is returned as
    /// ``JournalRecordOutcome/duplicate(_:)``; otherwise the entry is inserted. Rejected entries are neither checked
    /// nor matched: a sender may correct a rejected message and send it again with the same control id. When this
    /// returns, the change is committed.
    func record(_ entry: NewJournalEntry, duplicateWindow: Duration) async throws -> JournalRecordOutcome

    /// The entry with this id, or `nil`.
    func entry(id: Int64) async throws -> JournalEntry?

    /// Up to `limit` entries with an id greater than `afterID` (all when `nil`), in ascending id order.
    func entries(afterID: Int64?, limit: Int) async throws -> [JournalEntry]

    /// The number of rows.
    func count() async throws -> Int

    /// The number of rows in `state`.
    func count(state: JournalState) async throws -> Int

    /// Moves the entry to `state`; throws ``StoreError/Code/entryNotFound`` when there is no such entry.
    func updateState(id: Int64, to state: JournalState) async throws

    /// Moves the entry to `state` and records why (a failure reason, never PHI; `nil` clears it).
    func updateState(id: Int64, to state: JournalState, reason: String?) async throws

    /// Up to `limit` entries in `state` with an id greater than `afterID`, of the given message types (every type
    /// when empty), in ascending id order.
    func entries(state: JournalState, messageTypes: [String], afterID: Int64?, limit: Int) async throws
        -> [JournalEntry]

    /// Claims up to `limit` accepted entries of the given message types (every type when empty) with an id greater
    /// than `afterID` (all when `nil`), for `claimant` until `now + claimant.lease`, and returns them in ascending id
    /// order. Claimable are entries nobody claimed, entries `claimant.owner` claimed, and entries whose claim
    /// expired; entries another instance is claiming at the same moment are skipped, never waited for, so that
    /// concurrent claims return disjoint entries.
    func claimAccepted(messageTypes: [String], afterID: Int64?, limit: Int, by claimant: JournalClaimant, now: Date)
        async throws -> [JournalEntry]

    /// Extends every claim `claimant.owner` holds on accepted entries to `now + claimant.lease` and returns how many
    /// it extended: what an instance does while it still works on its entries, so that its claims do not expire
    /// under it.
    func extendClaims(by claimant: JournalClaimant, now: Date) async throws -> Int

    /// Whether accepted entries of the given message types (every type when empty) with an id smaller than `id`
    /// are not `owner`'s: claimed by another owner (and whether any of those claims expired at `now`), or claimed by
    /// nobody.
    func earlierClaims(before id: Int64, messageTypes: [String], owner: String, now: Date) async throws
        -> EarlierJournalClaims

    /// Up to `limit` entries carrying `flag` with an id greater than `afterID`, in ascending id order.
    func entries(flag: JournalFlag, afterID: Int64?, limit: Int) async throws -> [JournalEntry]

    /// Deletes the rows received before `receivedBefore` (the retention sweep) and returns how many were deleted.
    func purge(receivedBefore: Date) async throws -> Int

    /// Waits for pending commits, then releases the database. Later calls throw ``StoreError/Code/closed``.
    func close() async throws
}
