import Foundation
import GRDB

extension SQLiteJournal: JournalSearching {
    /// The search as SQL over the journal's metadata columns (control id and sender by their index, state by
    /// `journal_state`), newest first; only the matching rows' bodies are opened.
    public func search(_ search: JournalSearch, limit: Int) async throws -> [JournalEntry] {
        guard limit > 0 else { return [] }
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let controlID = search.controlID {
            conditions.append("control_id = ?")
            arguments += [controlID]
        }
        if let sender = search.sender {
            conditions.append(#"LOWER(sender) LIKE ? ESCAPE '\'"#)
            arguments += ["%" + Self.likeEscaped(sender.lowercased()) + "%"]
        }
        if let type = search.messageType {
            // The whole type, or its code or code^event followed by more components (as `matches` reads it).
            let wanted = type.uppercased()
            conditions.append(#"(UPPER(message_type) = ? OR UPPER(message_type) LIKE ? ESCAPE '\')"#)
            arguments += [wanted, Self.likeEscaped(wanted) + "^%"]
        }
        if let state = search.state {
            conditions.append("state = ?")
            arguments += [state.rawValue]
        }
        if search.flag == .reusedControlID {
            conditions.append("reuses_control_id_of IS NOT NULL")
        }
        if let from = search.receivedFrom {
            conditions.append("received_at >= ?")
            arguments += [from.epochMilliseconds]
        }
        if let before = search.receivedBefore {
            conditions.append("received_at < ?")
            arguments += [before.epochMilliseconds]
        }
        var order = "DESC"
        if let (condition, bound, ascending) = search.cursor?.condition(on: "id") {
            conditions.append(condition)
            arguments += [bound]
            if ascending { order = "ASC" }
        }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let (matching, ordered) = (arguments, order)
        let rows = try await read("search journal entries") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(JournalRow.columns) FROM journal \(filter) ORDER BY id \(ordered) LIMIT ?",
                arguments: matching
            ).map(JournalRow.init(row:))
        }
        // A type with more than code^event matches only as a whole: the LIKE above is wider for it.
        let entries = try rows.map { try $0.entry(opening: sealer) }.filter(search.matches)
        return order == "ASC" ? Array(entries.reversed()) : entries
    }

    /// `text` with LIKE's wildcards and the escape character escaped by `\`.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
