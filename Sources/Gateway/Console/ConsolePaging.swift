import Foundation
import Hummingbird
import Store

/// Keyset paging of a console list ordered by id, newest first: `before=ID` opens the next older page, `after=ID` the
/// next newer one, `limit=N` the page size; the links keep the page's filters, so every page has an address that can
/// be bookmarked. No `OFFSET`: a page is read through the id index next to its cursor, and rows added meanwhile do not
/// shift it.
struct ConsolePaging: Sendable, Hashable {
    /// Where the page starts; `nil` for the newest page.
    var cursor: KeysetCursor?
    /// Rows per page.
    var limit: Int

    /// The largest page.
    static let maximumLimit = 500

    /// The paging of a request's query (`before`, `after`, `limit`); 400 for a value that is not a row id or a size.
    init(_ query: Hummingbird.Parameters, defaultLimit: Int) throws(ConsoleError) {
        limit = defaultLimit
        if let text = query.get("limit"), !text.isEmpty {
            guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                throw ConsoleError.badRequest("limit must be a whole number from 1 to \(Self.maximumLimit)")
            }
            limit = value
        }
        let before = query.get("before").flatMap { $0.isEmpty ? nil : $0 }
        let after = query.get("after").flatMap { $0.isEmpty ? nil : $0 }
        switch (before, after) {
        case (nil, nil): cursor = nil
        case (let text?, nil): cursor = .before(try Self.rowID(text, field: "before"))
        case (nil, let text?): cursor = .after(try Self.rowID(text, field: "after"))
        case (_?, _?): throw ConsoleError.badRequest("give before or after, not both")
        }
    }

    init(cursor: KeysetCursor?, limit: Int) {
        self.cursor = cursor
        self.limit = limit
    }

    static func rowID(_ text: String, field: String) throws(ConsoleError) -> Int64 {
        guard let id = Int64(text), id >= 0 else {
            throw ConsoleError.badRequest("\(field) must be a row id (a whole number, 0 or more)")
        }
        return id
    }

    /// How many rows to read: one more than a page, to learn whether another page follows in the direction read.
    var readLimit: Int { limit + 1 }

    /// A page read with ``readLimit`` (newest first, as the stores answer) cut to ``limit``, and its links.
    func page<Row>(_ rows: [Row], id: (Row) -> Int64, path: String, filters: [(String, String)]) -> (
        rows: [Row], links: [String: Any]
    ) {
        var rows = rows
        let more = rows.count > limit
        if more {
            // The extra row is the one furthest in the direction read: the oldest, or after a cursor the newest.
            if case .after = cursor {
                rows.removeFirst(rows.count - limit)
            } else {
                rows.removeLast(rows.count - limit)
            }
        }
        var newer: Int64?
        var older: Int64?
        switch cursor {
        case nil:
            older = more ? rows.last.map(id) : nil
        case .before(let bound):
            newer = rows.first.map(id) ?? bound - 1
            older = more ? rows.last.map(id) : nil
        case .after(let bound):
            newer = more ? rows.first.map(id) : nil
            older = rows.last.map(id) ?? bound + 1
        }
        var links: [String: Any] = [:]
        if let newer { links["newer"] = address(path, filters, ("after", String(newer))) }
        if let older { links["older"] = address(path, filters, ("before", String(older))) }
        if cursor != nil { links["newest"] = address(path, filters, nil) }
        links["any"] = !links.isEmpty
        return (rows, links)
    }

    /// `path?filters&cursor&limit`, percent-encoded.
    func address(_ path: String, _ filters: [(String, String)], _ cursor: (String, String)?) -> String {
        var items = filters.filter { !$0.1.isEmpty }
        if let cursor { items.append(cursor) }
        items.append(("limit", String(limit)))
        return path + "?"
            + items.map { "\($0.0)=\(ConsoleRoutes.percentEncoded($0.1))" }.joined(separator: "&")
    }
}
