/// Where a page of rows ordered by id starts: keyset paging, which reads the rows next to an id through the index
/// instead of counting past an `OFFSET`, and so stays correct and fast while rows are added.
///
/// Pages are shown newest first: ``before(_:)`` asks for the next older page (the rows with smaller ids), ``after(_:)``
/// for the next newer one (the rows with larger ids, the nearest first, then shown newest first).
public enum KeysetCursor: Sendable, Hashable {
    /// The rows with ids below this one.
    case before(Int64)
    /// The rows with ids above this one.
    case after(Int64)

    /// Whether `id` lies on the cursor's side.
    public func admits(_ id: Int64) -> Bool {
        switch self {
        case .before(let bound): id < bound
        case .after(let bound): id > bound
        }
    }
}

extension KeysetCursor {
    /// The SQLite condition on `column` that keeps the cursor's side (`?` stands for its bound), and whether the page is
    /// read in ascending id order (a newer page: the nearest rows above the bound first).
    func condition(on column: String) -> (sql: String, bound: Int64, ascending: Bool) {
        switch self {
        case .before(let id): ("\(column) < ?", id, false)
        case .after(let id): ("\(column) > ?", id, true)
        }
    }
}
