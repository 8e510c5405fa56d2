import Foundation

/// A search of the journal by what operators know of a message: its control id (MSH-10), sender (MSH-3|MSH-4),
/// type (`ADT` or `ADT^A04`), state, flag and the time it was received. The console's Messages page and `notebridge
/// journal list` run it. A journal that can search itself (``JournalSearching``, the SQLite journal with SQL over its
/// indexed columns) answers it directly; any other is read through the ``Journal`` protocol (by state or flag when
/// given, else every entry) and the newest matches are kept.
public struct JournalSearch: Sendable, Hashable {
    /// MSH-10, exactly.
    public var controlID: String?
    /// The sender, or part of it (case-insensitive).
    public var sender: String?
    /// The message type: `ADT` matches every ADT event, `ADT^A04` that event (case-insensitive).
    public var messageType: String?
    /// The state.
    public var state: JournalState?
    /// A flag the entry carries.
    public var flag: JournalFlag?
    /// Received at or after this.
    public var receivedFrom: Date?
    /// Received before this.
    public var receivedBefore: Date?
    /// Where the page starts (keyset paging by entry id): the newest matches older than an entry, or the oldest
    /// matches newer than one (still listed newest first).
    public var cursor: KeysetCursor?

    /// The most entries read for one search: a bound on the work of one page view.
    public static let maximumScanned = 50_000

    /// A search with no filter (every entry).
    public init(
        controlID: String? = nil, sender: String? = nil, messageType: String? = nil, state: JournalState? = nil,
        flag: JournalFlag? = nil, receivedFrom: Date? = nil, receivedBefore: Date? = nil, cursor: KeysetCursor? = nil
    ) {
        self.controlID = controlID
        self.sender = sender
        self.messageType = messageType
        self.state = state
        self.flag = flag
        self.receivedFrom = receivedFrom
        self.receivedBefore = receivedBefore
        self.cursor = cursor
    }

    /// Whether `entry` matches every filter given.
    public func matches(_ entry: JournalEntry) -> Bool {
        if let controlID, entry.controlID != controlID { return false }
        if let sender, !entry.sender.lowercased().contains(sender.lowercased()) { return false }
        if let messageType {
            let wanted = messageType.uppercased()
            guard let type = entry.messageType?.uppercased() else { return false }
            let parts = type.split(separator: "^", omittingEmptySubsequences: false)
            let event = parts.prefix(2).joined(separator: "^")
            guard type == wanted || event == wanted || parts.first.map(String.init) == wanted else { return false }
        }
        if let state, entry.state != state { return false }
        if let flag, !entry.flags.contains(flag) { return false }
        if let receivedFrom, entry.receivedAt < receivedFrom { return false }
        if let receivedBefore, entry.receivedAt >= receivedBefore { return false }
        if let cursor, !cursor.admits(entry.id) { return false }
        return true
    }

    /// The newest `limit` matching entries (after a ``KeysetCursor/after(_:)`` cursor: the oldest `limit` newer than
    /// it), newest first, and whether the scan stopped at ``maximumScanned``.
    public func run(on journal: any Journal, limit: Int) async throws -> (entries: [JournalEntry], truncated: Bool) {
        if let searching = journal as? any JournalSearching {
            return (try await searching.search(self, limit: limit), false)
        }
        // After an entry: read on from it and keep the first matches.
        var cursor: Int64?
        var keepsOldest = false
        if case .after(let id) = self.cursor {
            cursor = id
            keepsOldest = true
        }
        var scanned = 0
        var found: [JournalEntry] = []
        let page = 500
        while scanned < Self.maximumScanned {
            let entries =
                if let flag {
                    try await journal.entries(flag: flag, afterID: cursor, limit: page)
                } else if let state {
                    try await journal.entries(state: state, messageTypes: [], afterID: cursor, limit: page)
                } else {
                    try await journal.entries(afterID: cursor, limit: page)
                }
            scanned += entries.count
            for entry in entries where matches(entry) {
                found.append(entry)
                if keepsOldest, found.count == limit { return (found.reversed(), false) }
                if found.count > limit { found.removeFirst(found.count - limit) }
            }
            guard let last = entries.last, entries.count == page else {
                return (found.reversed(), false)
            }
            cursor = last.id
        }
        return (found.reversed(), true)
    }
}

/// A journal that runs a ``JournalSearch`` itself, reading only the matching rows.
public protocol JournalSearching: Sendable {
    /// The newest `limit` entries that match `search` (the oldest after an ``KeysetCursor/after(_:)`` cursor), newest
    /// first, bodies opened; exactly the entries ``JournalSearch/matches(_:)`` accepts.
    func search(_ search: JournalSearch, limit: Int) async throws -> [JournalEntry]
}
