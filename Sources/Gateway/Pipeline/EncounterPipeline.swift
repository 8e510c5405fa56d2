import Delivery
import EncounterModel
import Foundation
import HL7v2
import Logging
import Mapping
import Scribe
import Store

/// Turns one accepted journal entry into a note and its outbox rows: HL7 v2 message → `Encounter` (no JSON on the
/// way) → the note engine and the coder → a `NoteRecord` sealed in the store, committed in one transaction with one
/// outbox row per destination and the entry's move to `processed`. A message the mapping cannot use is marked
/// `failed` with a reason that names fields, never content.
struct EncounterPipeline: Sendable {
    /// What became of one entry.
    enum Outcome: Sendable, Equatable {
        /// A note was written and queued; its id.
        case processed(String)
        /// The entry cannot become a note: marked failed with this reason.
        case failed(String)
        /// Already processed (a concurrent or earlier pass wrote its note).
        case alreadyProcessed
        /// The store failed; the entry stays accepted and is tried again on a later pass.
        case deferred
    }

    let journal: any Journal
    let outbox: any Outbox
    let reader: HL7EncounterReader
    let limits: HL7ParserLimits
    let destinations: [String]
    let noteRetention: Duration
    let digester: PatientKeyDigester
    let mapping: NoteFHIRMapping
    let logger: Logger
    let writer = EncounterNoteWriter()

    /// Processes one entry and records the outcome in the store.
    func process(_ entry: JournalEntry) async -> Outcome {
        var metadata: Logger.Metadata = [
            "nb.journal.id": "\(entry.id)", "nb.hl7.control_id": "\(entry.controlID ?? "")",
            "nb.hl7.message_type": "\(entry.messageType ?? "")",
        ]
        let outcome: Outcome
        switch makeNote(entry) {
        case .failure(let failure):
            let reason = failure.reason
            do {
                try await journal.updateState(id: entry.id, to: .failed, reason: reason)
            } catch {
                metadata["nb.error"] = "\(OutboxWorker.describe(error))"
                logger.error("the failed state of an HL7 message could not be recorded", metadata: metadata)
                return .deferred
            }
            metadata["nb.pipeline.reason"] = "\(reason)"
            logger.notice("HL7 message cannot become a note; journal entry marked failed", metadata: metadata)
            outcome = .failed(reason)
        case .success(let (note, record)):
            do {
                _ = try await outbox.commit(note, destinations: destinations, processing: entry.id, now: record.createdAt)
                metadata["nb.note.id"] = "\(note.id)"
                metadata["nb.outbox.destinations"] = "\(destinations.count)"
                logger.debug("note written and queued for delivery", metadata: metadata)
                outcome = .processed(note.id)
            } catch let error as StoreError where error.code == .duplicate {
                outcome = .alreadyProcessed
            } catch {
                metadata["nb.error"] = "\(OutboxWorker.describe(error))"
                logger.error("note not stored; the message stays accepted and is tried again", metadata: metadata)
                outcome = .deferred
            }
        }
        return outcome
    }

    /// The note of an entry, or why there is none. Pure apart from the clock and the random note id.
    func makeNote(_ entry: JournalEntry) -> Result<(OutboxNote, NoteRecord), PipelineFailure> {
        let message: HL7Message
        do {
            message = try HL7Message(parsing: entry.body, limits: limits)
        } catch {
            return .failure(PipelineFailure("the message cannot be parsed: \(error.code)"))
        }
        let encounter: Encounter
        do {
            encounter = try reader.encounter(from: message, journalID: entry.id)
        } catch {
            return .failure(PipelineFailure(error.reason))
        }
        let now = Date()
        let note: Note
        do {
            note = try writer.note(for: encounter, at: now)
        } catch {
            return .failure(PipelineFailure("the transcript cannot be used: \(error.reason)"))
        }
        let codes = writer.codes(for: note, encounter: encounter, at: now)
        let record = NoteRecord(
            id: "note_" + Hex.random(16), createdAt: now, encounter: encounter, note: note, codes: codes,
            mapping: mapping)
        let document: [UInt8]
        do {
            document = try record.encoded()
        } catch {
            return .failure(PipelineFailure("the note cannot be encoded"))
        }
        let primary = encounter.patient.primaryIdentifier
        let key = digester.patientKey(identifier: primary?.value ?? "", authority: primary?.assigningAuthority ?? "")
        return .success(
            (
                OutboxNote(
                    id: record.id, createdAt: now, expiresAt: now.addingTimeInterval(noteRetention.timeInterval),
                    patientKey: key, document: document),
                record
            ))
    }
}
