import Foundation

/// A written note to store with its outbox rows.
public struct OutboxNote: Sendable, Hashable {
    /// `note_` and 32 hex digits.
    public var id: String
    /// When it was written.
    public var createdAt: Date
    /// When it is erased.
    public var expiresAt: Date
    /// A keyed digest of the patient's identifier (``PatientKeyDigester``); never the identifier itself.
    public var patientKey: String
    /// The note record (PHI): sealed before it reaches the database.
    public var document: [UInt8]

    /// Creates a note.
    public init(id: String, createdAt: Date, expiresAt: Date, patientKey: String, document: [UInt8]) {
        self.id = id
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.patientKey = patientKey
        self.document = document
    }
}
