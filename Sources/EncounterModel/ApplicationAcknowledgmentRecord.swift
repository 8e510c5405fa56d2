import Foundation

/// An HL7 v2 enhanced-mode application acknowledgment waiting in the outbox (HL7 v2.5 chapter 2, section 2.9.3):
/// what the message it answers said in its header, the outcome, and the note or the reason. Stored sealed like a
/// note, under an id that starts with ``idPrefix``; its fields are header values, codes and reasons, never content.
public struct ApplicationAcknowledgmentRecord: Sendable, Hashable, Codable {
    /// The prefix of the outbox document ids of acknowledgments (`ack_`), beside the notes' `note_`.
    public static let idPrefix = "ack_"
    /// The layout version this build writes.
    public static let currentVersion = 1

    /// The layout version.
    public var version: Int
    /// MSA-1: `AA` (the note was written) or `AE` (it could not be).
    public var code: String
    /// MSH-10 of the message answered (MSA-2).
    public var acknowledgedControlID: String
    /// MSH-3 and MSH-4 of the message answered (the acknowledgment goes back to them), as ER7.
    public var sendingApplication: String
    /// MSH-4 of the message answered, as ER7.
    public var sendingFacility: String
    /// MSH-9.1 and MSH-9.2 of the message answered.
    public var messageCode: String
    /// MSH-9.2 of the message answered.
    public var triggerEvent: String
    /// MSH-11 of the message answered, as ER7; `""` when not known (the destination's own is used).
    public var processingID: String
    /// MSH-12 of the message answered; `""` when not known (the destination's own is used).
    public var hl7Version: String
    /// The note written from the message (with `AA`).
    public var noteID: String?
    /// The HL7 table 0357 error code (with `AE`).
    public var errorCode: Int?
    /// Why no note was written (with `AE`), as `journal list --state failed` shows it; never PHI.
    public var errorReason: String?
    /// When the outcome was decided.
    public var createdAt: Date

    /// Creates a record.
    public init(
        code: String, acknowledgedControlID: String, sendingApplication: String, sendingFacility: String,
        messageCode: String, triggerEvent: String, processingID: String, hl7Version: String, noteID: String? = nil,
        errorCode: Int? = nil, errorReason: String? = nil, createdAt: Date
    ) {
        self.version = Self.currentVersion
        self.code = code
        self.acknowledgedControlID = acknowledgedControlID
        self.sendingApplication = sendingApplication
        self.sendingFacility = sendingFacility
        self.messageCode = messageCode
        self.triggerEvent = triggerEvent
        self.processingID = processingID
        self.hl7Version = hl7Version
        self.noteID = noteID
        self.errorCode = errorCode
        self.errorReason = errorReason
        self.createdAt = createdAt
    }

    /// The `AA` of a note written from an HL7 v2 message (read from the note's origin); `nil` when the note did not
    /// come from HL7 v2.
    public init?(accepting record: NoteRecord) {
        let origin = record.encounter.origin
        guard origin.channel == .mllp, !origin.controlID.isEmpty else { return nil }
        let sender = origin.sender.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        let type = origin.messageType.split(separator: "^", omittingEmptySubsequences: false)
        self.init(
            code: "AA", acknowledgedControlID: origin.controlID,
            sendingApplication: sender.first.map(String.init) ?? "",
            sendingFacility: sender.count > 1 ? String(sender[1]) : "",
            messageCode: type.first.map(String.init) ?? "", triggerEvent: type.count > 1 ? String(type[1]) : "",
            processingID: "", hl7Version: "", noteID: record.id, createdAt: record.createdAt)
    }

    /// The largest encoded record accepted by ``decoded(from:)``.
    public static let maximumEncodedBytes = 64 << 10

    /// Compact JSON with sorted keys.
    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return Array(try encoder.encode(self))
    }

    /// Decodes a record written by ``encoded()``; refuses oversized records and newer layout versions.
    public static func decoded(from bytes: [UInt8]) throws -> ApplicationAcknowledgmentRecord {
        guard bytes.count <= maximumEncodedBytes else {
            throw NoteRecordError(reason: "the stored acknowledgment is larger than \(maximumEncodedBytes) bytes")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        let record: ApplicationAcknowledgmentRecord
        do {
            record = try decoder.decode(ApplicationAcknowledgmentRecord.self, from: Data(bytes))
        } catch {
            throw NoteRecordError(reason: "the stored acknowledgment cannot be decoded")
        }
        guard record.version <= currentVersion else {
            throw NoteRecordError(
                reason: "the stored acknowledgment has layout version \(record.version); this build reads up to \(currentVersion)")
        }
        return record
    }
}
