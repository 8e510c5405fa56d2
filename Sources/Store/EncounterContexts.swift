import Foundation

/// What ADT messages told about visits (patient class, location, attending, specialty), kept sealed until a
/// transcript message for the same visit arrives and fills its empty fields from it. Keys are keyed digests
/// (``PatientKeyDigester``), never identifiers; documents are PHI and are sealed at rest; both expire like notes.
public protocol EncounterContexts: Sendable {
    /// Stores (or replaces) the context under `key` until `expiresAt`.
    func keepContext(key: String, document: [UInt8], expiresAt: Date, now: Date) async throws
    /// The context under `key`, opened; `nil` when there is none or it expired.
    func context(key: String, now: Date) async throws -> [UInt8]?
}
