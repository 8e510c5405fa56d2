import Foundation

/// The outbox of written notes: one row per (note, destination), claimed by delivery workers under a lease.
///
/// A row moves `pending` → `in-flight` (claimed, with a lease that expires) → `delivered`, back to `pending` with
/// a later attempt time (a failure that will be retried, or a released lease), or to `dead` (a failure that will not
/// be retried; an operator may send it again with ``retry(id:now:)``). A row whose lease expired is claimable again,
/// so a worker that died mid-send does not strand it. Rows are delivered in order per patient and destination: a
/// row is not claimable while an earlier row of the same patient key to the same destination is pending or in
/// flight. Different patients are claimed in parallel.
///
/// Nothing in this protocol is specific to one database; errors never carry PHI.
public protocol Outbox: Sendable {
    /// Stores the note (sealed) and one pending row per destination in one transaction; when `journalID` is given,
    /// the same transaction moves that journal entry from `accepted` to `processed`, so that a crash keeps either
    /// all of it or none. Throws ``StoreError/Code/duplicate`` when the journal entry was already processed (it has
    /// its note) and ``StoreError/Code/entryNotFound`` when there is no such entry. Returns the row ids in
    /// destination order.
    func commit(_ note: OutboxNote, destinations: [String], processing journalID: Int64?, now: Date) async throws
        -> [Int64]

    /// Commits several notes in one transaction, in the order given, each as ``commit(_:destinations:processing:now:)``
    /// commits one (rows are numbered in that order). A note whose journal entry is already processed, or missing,
    /// fails alone with ``StoreError/Code/duplicate`` or ``StoreError/Code/entryNotFound`` and the others commit;
    /// any other error fails the whole transaction and is thrown. The results are in the order of `commits`.
    func commit(_ commits: [OutboxCommit], now: Date) async throws -> [Result<[Int64], StoreError>]

    /// The note document with this id, opened; `nil` when there is none (or it expired and was erased).
    func noteDocument(id: String) async throws -> [UInt8]?

    /// The note documents with these ids, opened, by id; an id with no document (erased when it expired) is absent.
    /// One read for all of them where the backend can (a delivery worker reads the notes of a claim at once).
    func noteDocuments(ids: [String]) async throws -> [String: [UInt8]]

    /// Claims up to `limit` claimable rows of `destination`, oldest first, at most one per patient key, under a
    /// lease of `leaseDuration` from `now`. Two concurrent claims never return the same row.
    func claim(destination: String, limit: Int, leaseDuration: Duration, now: Date) async throws -> [OutboxLease]

    /// Marks a claimed row delivered, keeping `references` (what the destination reported storing) as its
    /// ``OutboxItem/deliveredReferences``. Throws ``StoreError/Code/leaseLost`` when the lease is no longer held (it
    /// expired and another worker claimed the row), and ``StoreError/Code/invalidArgument`` when there are more than
    /// ``OutboxItem/maximumDeliveredReferences`` references or one fails ``OutboxItem/isDeliveredReference(_:)``.
    func complete(_ lease: OutboxLease, references: [String], now: Date) async throws

    /// Marks several claimed rows delivered in one transaction, each with its references (checked as
    /// ``complete(_:references:now:)`` checks them, before anything is written); returns the ids of those whose lease
    /// was no longer held (they were left alone), in the order given.
    func complete(_ deliveries: [OutboxDelivery], now: Date) async throws -> [Int64]

    /// Records a failed attempt: back to `pending` until `retryAt`, or `dead` when `retryAt` is `nil`. `error` is
    /// what operators see; it must hold no PHI. Throws ``StoreError/Code/leaseLost`` when the lease is not held.
    func fail(_ lease: OutboxLease, error: String, retryAt: Date?, now: Date) async throws

    /// Gives a claimed row back without counting an attempt (a worker shutting down).
    func release(_ lease: OutboxLease, now: Date) async throws

    /// Rows by id, ascending, after `afterID`, optionally of one state and one destination.
    func items(state: OutboxState?, destination: String?, afterID: Int64?, limit: Int) async throws -> [OutboxItem]

    /// A page of the rows in one of `states` (every state when empty; of `destination`, when given), newest first,
    /// next to `cursor` (see ``KeysetCursor``): with none, the newest `limit` rows.
    func items(states: [OutboxState], destination: String?, cursor: KeysetCursor?, limit: Int) async throws
        -> [OutboxItem]

    /// The row with this id.
    func item(id: Int64) async throws -> OutboxItem?

    /// Makes a dead row pending again, due `now`, with its attempt count reset; `false` when the row is not dead.
    func retry(id: Int64, now: Date) async throws -> Bool

    /// Makes every dead row (of `destination`, when given) pending again; returns how many.
    func retryAllDead(destination: String?, now: Date) async throws -> Int

    /// The number of rows in `state`.
    func count(state: OutboxState) async throws -> Int

    /// Erases the notes that expired at or before `now` (their rows stay, without PHI, for operators); returns how
    /// many. A row whose note is gone goes to the dead letter when it is next tried.
    func purgeExpiredNoteDocuments(now: Date) async throws -> Int

    /// Deletes the rows delivered before `deliveredBefore` (of `destination`, when given); returns how many.
    func purgeDelivered(before deliveredBefore: Date, destination: String?) async throws -> Int
}

extension Outbox {
    /// One read per note, for a backend without a batch read of its own.
    public func noteDocuments(ids: [String]) async throws -> [String: [UInt8]] {
        var documents: [String: [UInt8]] = [:]
        for id in ids where documents[id] == nil {
            if let document = try await noteDocument(id: id) { documents[id] = document }
        }
        return documents
    }

    /// Marks a claimed row delivered with no references (a destination that reports nothing).
    public func complete(_ lease: OutboxLease, now: Date) async throws {
        try await complete(lease, references: [], now: now)
    }

    /// Marks claimed rows delivered with no references, in one transaction.
    public func complete(_ leases: [OutboxLease], now: Date) async throws -> [Int64] {
        try await complete(leases.map { OutboxDelivery(lease: $0) }, now: now)
    }

    /// One transaction per row, for a backend without a batch completion of its own.
    public func complete(_ deliveries: [OutboxDelivery], now: Date) async throws -> [Int64] {
        for delivery in deliveries { try OutboxItem.checkDeliveredReferences(delivery.references) }
        var lost: [Int64] = []
        for delivery in deliveries {
            do {
                try await complete(delivery.lease, references: delivery.references, now: now)
            } catch let error as StoreError where error.code == .leaseLost {
                lost.append(delivery.lease.item.id)
            }
        }
        return lost
    }

    /// One transaction per note, for a backend without a batch commit of its own.
    public func commit(_ commits: [OutboxCommit], now: Date) async throws -> [Result<[Int64], StoreError>] {
        var results: [Result<[Int64], StoreError>] = []
        for commit in commits {
            do {
                results.append(
                    .success(
                        try await self.commit(
                            commit.note, destinations: commit.destinations, processing: commit.journalID, now: now)))
            } catch let error as StoreError where error.code == .duplicate || error.code == .entryNotFound {
                results.append(.failure(error))
            }
        }
        return results
    }
}
