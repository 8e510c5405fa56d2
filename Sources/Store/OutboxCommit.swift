/// One note of a batch commit (``Outbox/commit(_:now:)``): the note, the destinations of its rows, and the journal
/// entry it processes.
public struct OutboxCommit: Sendable, Hashable {
    /// The note to store (sealed before it reaches the database).
    public var note: OutboxNote
    /// One pending row per destination, distinct.
    public var destinations: [String]
    /// The journal entry moved from `accepted` to `processed` with it, when given.
    public var journalID: Int64?

    /// Creates a commit.
    public init(note: OutboxNote, destinations: [String], processing journalID: Int64?) {
        self.note = note
        self.destinations = destinations
        self.journalID = journalID
    }
}

/// An ``OutboxCommit`` made ready for a store's transaction: its note sealed and a new control ID for each
/// destination's row.
public struct SealedOutboxCommit: Sendable {
    /// The commit.
    public var commit: OutboxCommit
    /// The note's document, sealed.
    public var sealed: SealedValue
    /// One control ID per destination, in the destinations' order.
    public var controlIDs: [String]
}

extension StoreSealing {
    /// Checks each commit (its destinations distinct), seals its note and draws its rows' control IDs, before a
    /// store opens its transaction: every ``Outbox`` implementation prepares a batch this way.
    public func sealed(_ commits: [OutboxCommit]) throws -> [SealedOutboxCommit] {
        var prepared: [SealedOutboxCommit] = []
        prepared.reserveCapacity(commits.count)
        for commit in commits {
            guard Set(commit.destinations).count == commit.destinations.count else {
                throw StoreError(.invalidArgument, reason: "destinations must be distinct")
            }
            prepared.append(
                SealedOutboxCommit(
                    commit: commit,
                    sealed: try seal(commit.note.document, for: .pipelineNote(id: commit.note.id)),
                    controlIDs: commit.destinations.map { _ in OutboxItem.newControlID() }))
        }
        return prepared
    }
}
