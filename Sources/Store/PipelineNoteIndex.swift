import Foundation

/// Finds the pipeline's note of a journal entry and the outbox rows of a note: what an operator follows from a
/// received message to its deliveries. A backend without it still works; the console then shows no link.
public protocol PipelineNoteIndex: Sendable {
    /// The id of the note written from journal entry `journalID`, or `nil` when none was (yet).
    func pipelineNoteID(journalID: Int64) async throws -> String?
    /// The outbox rows of note `noteID`, by id ascending.
    func items(noteID: String) async throws -> [OutboxItem]
}
