import EncounterModel
import Foundation
import Testing

@Suite("Stored note record encoding")
struct NoteRecordEncodingTests {
    /// A record with every field set (no empty string, empty list or `nil`, and the Booleans off their defaults), so
    /// that a field the binary layout leaves out fails the round trip.
    static let full = NoteRecord(
        id: "note_0123456789abcdef0123456789abcdef", createdAt: Date(timeIntervalSince1970: 1_796_000_000.123),
        encounter: Encounter(
            patient: Encounter.Patient(
                identifiers: [
                    Encounter.Identifier(value: "MRN1", assigningAuthority: "NORTH", type: "MR"),
                    Encounter.Identifier(value: "SSN2", assigningAuthority: "SSA", type: "SS"),
                ], name: Encounter.PersonName(family: "Zebrafish", given: "Quentin", middle: "Ö"),
                birthDate: "19800214", sex: "F"),
            visit: Encounter.Visit(
                number: "V1", patientClass: "O",
                location: Encounter.Location(pointOfCare: "CLINIC", room: "101", bed: "A", facility: "NORTH"),
                hospitalService: "MED", start: "20261101093000", end: "20261101100000"),
            attending: Encounter.Provider(
                id: "1234", name: Encounter.PersonName(family: "Welby", given: "Marcus", middle: "A")),
            author: Encounter.Provider(
                id: "5678", name: Encounter.PersonName(family: "Kildare", given: "James", middle: "B")),
            specialty: "physician", template: "soap",
            options: Encounter.Options(includeBillingCodes: false, includePatientSummary: true, patientStatus: "new"),
            context: Encounter.ClinicalContext(
                age: 46, medications: ["lisinopril"], allergies: ["penicillin"], history: ["hypertension"]),
            transcript: Encounter.Transcript(
                text: "Doctor: How is the knee?\nPatient: Sore — since Tuesday. 🦵 |^~\\&", source: .hl7Note,
                kind: .speechToText),
            origin: Encounter.Origin(
                channel: .fhir, sender: "DICTATE|NORTH", messageType: "MDM^T02", controlID: "BENCH1",
                journalID: -42)),
        documentType: NoteRecord.Code(code: "11506-3", display: "Progress note", system: "LN"),
        sections: [
            NoteRecord.Section(
                key: "subjective", title: "SUBJECTIVE",
                code: NoteRecord.Code(code: "61150-9", display: "Subjective", system: "LN"),
                lines: ["Knee pain since Tuesday.", "No fever."]),
            NoteRecord.Section(
                key: "plan", title: "PLAN", code: NoteRecord.Code(code: "18776-5", display: "Plan", system: "LN"),
                lines: ["Ice and rest."]),
        ],
        diagnoses: [NoteRecord.Diagnosis(code: "M25.561", description: "Pain in right knee", rank: 1)],
        procedures: [
            NoteRecord.Procedure(
                code: "99213", system: "CPT", label: "Office visit", modifiers: ["25"], units: 2, rank: 1)
        ])

    /// The paths of the empty leaves of `value`: empty strings and lists, and `nil`s.
    static func emptyLeaves(_ value: Any, path: String = "record") -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first else { return [path] }
            return emptyLeaves(wrapped.value, path: path)
        }
        if let string = value as? String { return string.isEmpty ? [path] : [] }
        switch mirror.displayStyle {
        case .collection:
            guard !mirror.children.isEmpty else { return [path] }
            return mirror.children.enumerated().flatMap { emptyLeaves($1.value, path: "\(path)[\($0)]") }
        case .struct:
            return mirror.children.flatMap { emptyLeaves($0.value, path: path + "." + ($0.label ?? "?")) }
        default:
            return []
        }
    }

    @Test("the fixture sets every field")
    func fixtureIsFull() {
        #expect(Self.emptyLeaves(Self.full) == [])
        #expect(Self.full.encounter.options.includeBillingCodes != Encounter.Options().includeBillingCodes)
        #expect(Self.full.encounter.options.includePatientSummary != Encounter.Options().includePatientSummary)
    }

    @Test("a record round-trips through the binary layout, and encodes to the same bytes every time")
    func binaryRoundTrip() throws {
        let bytes = try Self.full.encoded()
        #expect(bytes.starts(with: Array("NBR".utf8)))
        #expect(try NoteRecord.decoded(from: bytes) == Self.full)
        #expect(try Self.full.encoded() == bytes)
        // Any date reads back exactly, not only whole milliseconds.
        var now = Self.full
        now.createdAt = Date()
        #expect(try NoteRecord.decoded(from: try now.encoded()) == now)
        var minimal = DeliveryTestsRecord.minimal
        minimal.version = 1
        #expect(try NoteRecord.decoded(from: try minimal.encoded()) == minimal)
    }

    @Test("a record stored as JSON by an earlier build still decodes")
    func jsonStillDecodes() throws {
        // The JSON layout keeps dates to the millisecond.
        var record = Self.full
        record.createdAt = Date(timeIntervalSince1970: 1_796_000_000.123)
        let json = try record.jsonEncoded()
        #expect(json.first == UInt8(ascii: "{"))
        var decoded = try NoteRecord.decoded(from: json)
        #expect(abs(decoded.createdAt.timeIntervalSince(record.createdAt)) < 0.001)
        decoded.createdAt = record.createdAt
        #expect(decoded == record)
    }

    @Test("a cut, altered or newer binary record is refused with an error, never a crash")
    func malformedRefused() throws {
        let bytes = try Self.full.encoded()
        for length in stride(from: 0, to: bytes.count, by: 1) {
            #expect(throws: NoteRecordError.self) { try NoteRecord.decoded(from: Array(bytes.prefix(length))) }
        }
        #expect(throws: NoteRecordError.self) { try NoteRecord.decoded(from: bytes + [0]) }
        var huge = Array(bytes.prefix(4))
        huge += [0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        #expect(throws: NoteRecordError.self) { try NoteRecord.decoded(from: huge) }
        var newer = Self.full
        newer.version = NoteRecord.currentVersion + 1
        #expect(throws: NoteRecordError.self) { try NoteRecord.decoded(from: try newer.encoded()) }
    }
}

/// A record with only the required fields.
enum DeliveryTestsRecord {
    static let minimal = NoteRecord(
        id: "note_1", createdAt: Date(timeIntervalSince1970: 0),
        encounter: Encounter(
            patient: Encounter.Patient(), transcript: Encounter.Transcript(text: "", source: .api),
            origin: Encounter.Origin(channel: .api)),
        documentType: NoteRecord.Code(code: "", display: "", system: ""), sections: [])
}
