import Foundation
import GRDB

extension SQLiteJournal: PipelineNoteIndex {
    /// The id of the note written from journal entry `journalID` (`pipeline_notes.journal_id`), or `nil`.
    public func pipelineNoteID(journalID: Int64) async throws -> String? {
        try await read("find the note of a journal entry") { db in
            try String.fetchOne(db, sql: "SELECT id FROM pipeline_notes WHERE journal_id = ?", arguments: [journalID])
        }
    }

    /// The outbox rows of note `noteID`, by id ascending.
    public func items(noteID: String) async throws -> [OutboxItem] {
        try await read("list the outbox rows of a note") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.outboxColumns) FROM outbox WHERE note_id = ? ORDER BY id", arguments: [noteID]
            ).map(Self.decodeItem)
        }
    }
}
