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
