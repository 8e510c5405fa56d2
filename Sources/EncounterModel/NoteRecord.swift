import Foundation

/// A written note as it is stored for delivery: versioned and `Codable`, defined below the gateway so that a
/// delivery worker renders any output format (HL7 v2 ORU, MDM, DFT; FHIR next) from it without the API layer.
///
/// The whole record is PHI (the encounter, the note text): it is sealed at rest and never logged.
public struct NoteRecord: Sendable, Hashable, Codable {
    /// The record layout written by this build.
    public static let currentVersion = 1

    /// The record layout (``currentVersion`` when written by this build).
    public var version: Int
    /// `note_` and 32 hex digits.
    public var id: String
    /// When the note was written.
    public var createdAt: Date
    /// The encounter it was written for.
    public var encounter: Encounter
    /// The LOINC document type of the note (e.g. `11506-3` Progress note).
    public var documentType: Code
    /// The note in its template's order.
    public var sections: [Section]
    /// ICD-10-CM diagnoses in rank order (empty when codes were not asked for).
    public var diagnoses: [Diagnosis]
    /// CPT and HCPCS procedures in rank order (empty when codes were not asked for).
    public var procedures: [Procedure]

    /// Creates a record of the current version.
    public init(
        id: String, createdAt: Date, encounter: Encounter, documentType: Code, sections: [Section],
        diagnoses: [Diagnosis] = [], procedures: [Procedure] = []
    ) {
        self.version = Self.currentVersion
        self.id = id
        self.createdAt = createdAt
        self.encounter = encounter
        self.documentType = documentType
        self.sections = sections
        self.diagnoses = diagnoses
        self.procedures = procedures
    }

    /// A coded value: code, display and coding system (`LN`, `I10`, `CPT`, `HCPCS` in HL7 v2 terms).
    public struct Code: Sendable, Hashable, Codable {
        /// The code.
        public var code: String
        /// Its display text.
        public var display: String
        /// The HL7 v2 coding system name (table 0396): `LN`, `I10`, `CPT`, `HCPCS`, or `L` for local codes.
        public var system: String

        /// Creates a code.
        public init(code: String, display: String, system: String) {
            self.code = code
            self.display = display
            self.system = system
        }
    }

    /// One section of the note (`subjective`, `data`, ...) as lines of text.
    public struct Section: Sendable, Hashable, Codable {
        /// The part key: `subjective`, `objective`, `assessment`, `plan`, `data`, `behavior`, ...
        public var key: String
        /// The heading: `SUBJECTIVE`, ...
        public var title: String
        /// The section's code (LOINC when it has one; local otherwise).
        public var code: Code
        /// The text, line by line (never empty strings).
        public var lines: [String]

        /// Creates a section.
        public init(key: String, title: String, code: Code, lines: [String]) {
            self.key = key
            self.title = title
            self.code = code
            self.lines = lines
        }
    }

    /// An ICD-10-CM diagnosis.
    public struct Diagnosis: Sendable, Hashable, Codable {
        /// The code, e.g. `I10`.
        public var code: String
        /// Its description.
        public var description: String
        /// 1 for the first-listed diagnosis.
        public var rank: Int

        /// Creates a diagnosis.
        public init(code: String, description: String, rank: Int) {
            self.code = code
            self.description = description
            self.rank = rank
        }
    }

    /// A CPT or HCPCS procedure.
    public struct Procedure: Sendable, Hashable, Codable {
        /// The code, e.g. `99213`.
        public var code: String
        /// `CPT` or `HCPCS`.
        public var system: String
        /// Its label.
        public var label: String
        /// Modifiers (`25`, ...).
        public var modifiers: [String]
        /// Units of service.
        public var units: Int
        /// 1 for the first-listed procedure.
        public var rank: Int

        /// Creates a procedure.
        public init(code: String, system: String, label: String, modifiers: [String] = [], units: Int = 1, rank: Int) {
            self.code = code
            self.system = system
            self.label = label
            self.modifiers = modifiers
            self.units = units
            self.rank = rank
        }
    }
}

extension NoteRecord {
    /// The largest encoded record accepted by ``decoded(from:)``.
    public static let maximumEncodedBytes = 8 << 20

    /// The record in its compact binary layout (`NoteRecord+Binary.swift`): the same record always encodes to the
    /// same bytes.
    public func encoded() throws -> [UInt8] {
        binaryEncoded()
    }

    /// Compact JSON with sorted keys, as builds before the binary layout stored records (kept for tests and for
    /// reading what they wrote).
    public func jsonEncoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .millisecondsSince1970
        return Array(try encoder.encode(self))
    }

    /// Decodes a record written by ``encoded()``, or as JSON by an earlier build (told apart by the first byte);
    /// refuses records larger than ``maximumEncodedBytes`` and versions newer than this build reads.
    public static func decoded(from bytes: [UInt8]) throws -> NoteRecord {
        guard bytes.count <= maximumEncodedBytes else {
            throw NoteRecordError(reason: "the stored note is larger than \(maximumEncodedBytes) bytes")
        }
        let record: NoteRecord
        if bytes.starts(with: binaryMagic) {
            record = try binaryDecoded(from: bytes)
        } else {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .millisecondsSince1970
            do {
                record = try decoder.decode(NoteRecord.self, from: Data(bytes))
            } catch {
                throw NoteRecordError(reason: "the stored note cannot be decoded")
            }
        }
        guard record.version <= currentVersion else {
            throw NoteRecordError(
                reason: "the stored note has layout version \(record.version); this build reads up to \(currentVersion)"
            )
        }
        return record
    }
}
