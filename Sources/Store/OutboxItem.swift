import Foundation

/// One row of the outbox: a note for one destination. Holds no PHI (the patient key is a keyed digest).
public struct OutboxItem: Sendable, Hashable {
    /// The row id, ascending in commit order.
    public var id: Int64
    /// The note (`note_…`).
    public var noteID: String
    /// The destination's configured name.
    public var destination: String
    /// A keyed digest of the patient's identifier: rows of one key are delivered in order.
    public var patientKey: String
    /// The state.
    public var state: OutboxState
    /// Attempts made so far (released leases do not count).
    public var attempts: Int
    /// When the next attempt is due.
    public var nextAttemptAt: Date
    /// The last error, for operators (never PHI).
    public var lastError: String?
    /// The message control id (MSH-10) every attempt sends, so that a receiver can drop duplicates.
    public var controlID: String
    /// When the current lease expires (in flight only).
    public var leaseExpiresAt: Date?
    /// When it was queued.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// When it was delivered.
    public var deliveredAt: Date?
    /// What the destination reported storing when it took the row (a FHIR server's `Type/id/_history/version`
    /// references, from `Location` or the answer's ids), in the order reported; empty before delivery and for
    /// destinations that report nothing. Identifiers of the server's records only: never PHI.
    public var deliveredReferences: [String]

    /// Creates an item.
    public init(
        id: Int64, noteID: String, destination: String, patientKey: String, state: OutboxState, attempts: Int,
        nextAttemptAt: Date, lastError: String?, controlID: String, leaseExpiresAt: Date?, createdAt: Date,
        updatedAt: Date, deliveredAt: Date?, deliveredReferences: [String] = []
    ) {
        self.id = id
        self.noteID = noteID
        self.destination = destination
        self.patientKey = patientKey
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.controlID = controlID
        self.leaseExpiresAt = leaseExpiresAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deliveredAt = deliveredAt
        self.deliveredReferences = deliveredReferences
    }
}

extension OutboxItem {
    /// The most ``deliveredReferences`` a row keeps.
    public static let maximumDeliveredReferences = 50
    /// The longest one of ``deliveredReferences``, bytes.
    public static let maximumDeliveredReferenceBytes = 256

    /// Whether `text` is a reference a row may keep: `Type/id` or `Type/id/_history/version` (FHIR R4 RESTful API
    /// section 3.1.0.1.2), where `Type` is an ASCII letter then letters (a resource type name), and `id` and
    /// `version` are 1 to 64 ASCII letters, digits, `-` and `.` (the FHIR id grammar); at most
    /// ``maximumDeliveredReferenceBytes`` bytes. Nothing else (no URL, no query, no spaces) gets through.
    public static func isDeliveredReference(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= maximumDeliveredReferenceBytes else { return false }
        // Read as bytes: every byte allowed is ASCII, so a non-ASCII one (or a character of several) fails as it would
        // as a character.
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 4 && parts[2].elementsEqual("_history".utf8)) else { return false }
        let type = parts[0]
        guard let first = type.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first), type.count <= 64,
            type.allSatisfy(isASCIILetter)
        else { return false }
        return isFHIRID(parts[1]) && (parts.count == 2 || isFHIRID(parts[3]))
    }

    /// A FHIR id: 1 to 64 ASCII letters, digits, `-` and `.`.
    static func isFHIRID(_ text: Substring.UTF8View) -> Bool {
        (1...64).contains(text.count)
            && text.allSatisfy {
                isASCIILetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: ".")
            }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    /// Throws ``StoreError/Code/invalidArgument`` unless `references` may be kept with a delivered row.
    package static func checkDeliveredReferences(_ references: [String]) throws {
        guard references.count <= maximumDeliveredReferences else {
            throw StoreError(
                .invalidArgument,
                reason:
                    "a delivered row keeps at most \(maximumDeliveredReferences) references, not \(references.count)")
        }
        guard references.allSatisfy(isDeliveredReference) else {
            throw StoreError(
                .invalidArgument, reason: "a delivered reference must be Type/id or Type/id/_history/version")
        }
    }
}

extension OutboxItem {
    /// A message control id (MSH-10 holds at most 20 characters): `NB` and 16 random hex digits, leaving room for a
    /// one-letter suffix per message kind.
    package static func newControlID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "NB" + Hex.encode(bytes).uppercased()
    }

    /// A lease token: 32 random hex digits.
    package static func newLeaseToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// The column form of delivered references: space-separated (a checked reference has no space), `nil` for none.
    package static func encodeReferences(_ references: [String]) -> String? {
        references.isEmpty ? nil : references.joined(separator: " ")
    }

    /// The references of the column, limited as on the way in (a damaged column cannot make a row huge).
    package static func decodeReferences(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(separator: " ").prefix(maximumDeliveredReferences).map(String.init)
            .filter(isDeliveredReference)
    }
}
