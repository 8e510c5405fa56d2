import EncounterModel
import Foundation
import HL7v2
import Scribe
import Testing

@testable import Mapping

@Suite("NoteRecord → HL7 v2 ORU^R01")
struct HL7NoteRendererTests {
    static let encounter = Encounter(
        patient: Encounter.Patient(
            identifiers: [Encounter.Identifier(value: "MRN0001", assigningAuthority: "NORTH", type: "MR")],
            name: Encounter.PersonName(family: "TESTPATIENT", given: "ALEX"), birthDate: "19800214", sex: "F"),
        visit: Encounter.Visit(
            number: "V0001", patientClass: "O", location: Encounter.Location(pointOfCare: "CLINIC", room: "101"),
            hospitalService: "MED"),
        attending: Encounter.Provider(id: "1234", name: Encounter.PersonName(family: "WELBY", given: "MARCUS")),
        transcript: Encounter.Transcript(text: "unused", source: .hl7Observation),
        origin: Encounter.Origin(channel: .mllp))

    static let record = NoteRecord(
        id: "note_0123456789abcdef0123456789abcdef", createdAt: Date(timeIntervalSince1970: 1_796_000_000),
        encounter: encounter, documentType: NoteRecord.Code(code: "11506-3", display: "Progress note", system: "LN"),
        sections: [
            NoteRecord.Section(
                key: "subjective", title: "SUBJECTIVE",
                code: NoteRecord.Code(code: "61150-9", display: "Subjective", system: "LN"),
                lines: ["Knee pain for three weeks.", "Pipes | hats ^ tildes ~ slashes \\ and & stay intact."]),
            NoteRecord.Section(
                key: "plan", title: "PLAN", code: NoteRecord.Code(code: "18776-5", display: "Plan of care note", system: "LN"),
                lines: ["Ice and rest."]),
        ],
        diagnoses: [
            NoteRecord.Diagnosis(code: "M25.562", description: "Pain in left knee", rank: 1),
            NoteRecord.Diagnosis(code: "I10", description: "Essential (primary) hypertension", rank: 2),
        ])

    @Test("MSH, PID, PV1, OBR and one TX observation per line, every value escaped and read back intact")
    func observationResult() throws {
        let bytes = try HL7NoteRenderer().observationResult(Self.record, controlID: "NB0000000000000001", at: Self.record.createdAt)
        let message = try HL7Message(parsing: bytes)
        #expect(message.segments.map(\.name) == ["MSH", "PID", "PV1", "OBR", "OBX", "OBX", "OBX", "OBX", "OBX"])
        let header = try #require(message.segment("MSH").flatMap(MSHSegment.init))
        #expect(header.messageType == "ORU^R01")
        #expect(header.messageStructure == "ORU_R01")
        #expect(header.controlID == "NB0000000000000001")
        #expect(header.versionID == "2.5.1")
        #expect(header.sendingApplication.namespaceID == "NOTEBRIDGE")
        let pid = try #require(message.segment("PID").flatMap(PIDSegment.init))
        #expect(pid.identifiers.first?.id == "MRN0001")
        #expect(pid.identifiers.first?.assigningAuthority == "NORTH")
        #expect(pid.names.first?.family == "TESTPATIENT")
        let pv1 = try #require(message.segment("PV1").flatMap(PV1Segment.init))
        #expect(pv1.visitNumber == "V0001")
        #expect(pv1.attendingDoctors.first?.id == "1234")
        let obr = try #require(message.segment("OBR").flatMap(OBRSegment.init))
        #expect(obr.universalServiceID == HL7CodedElement(identifier: "11506-3", text: "Progress note", codingSystem: "LN"))
        #expect(obr.resultStatus == "F")
        let observations = message.segments(named: "OBX").compactMap(OBXSegment.init)
        let text = observations.filter { $0.valueType == "TX" }
        #expect(text.map(\.text) == Self.record.sections.flatMap(\.lines))
        #expect(text.map(\.subID) == ["1", "1", "2"])
        #expect(text.map(\.observationIdentifier.identifier) == ["61150-9", "61150-9", "18776-5"])
        #expect(observations.map(\.setID) == ["1", "2", "3", "4", "5"])
        #expect(observations.allSatisfy { $0.resultStatus == "F" })
        let diagnoses = observations.filter { $0.valueType == "CE" }
        #expect(diagnoses.map(\.observationIdentifier.identifier) == ["29308-4", "29308-4"])
        #expect(diagnoses.map(\.values) == [["M25.562^Pain in left knee^I10"], ["I10^Essential (primary) hypertension^I10"]])
        // The escaped line is on the wire as escape sequences, not raw delimiters.
        #expect(String(decoding: bytes, as: UTF8.self).contains("Pipes \\F\\ hats \\S\\ tildes \\R\\ slashes \\E\\ and \\T\\ stay"))
    }

    @Test("the same record and control id render the same bytes (a retry is a duplicate a receiver can drop)")
    func deterministic() throws {
        let renderer = HL7NoteRenderer()
        let first = try renderer.observationResult(Self.record, controlID: "NB1", at: Self.record.createdAt)
        let second = try renderer.observationResult(Self.record, controlID: "NB1", at: Self.record.createdAt)
        #expect(first == second)
    }

    @Test("DG1 segments in rank order when the receiver takes them")
    func diagnosisSegments() throws {
        var configuration = HL7NoteRenderer.Configuration()
        configuration.diagnoses = .segments
        configuration.resultStatus = "P"
        let message = try HL7Message(
            parsing: try HL7NoteRenderer(configuration: configuration).observationResult(
                Self.record, controlID: "NB2", at: Self.record.createdAt))
        let dg1 = message.segments(named: "DG1")
        #expect(dg1.map { $0.field(3)?.repetition(1)?.component(1)?.value } == ["M25.562", "I10"])
        #expect(dg1.map { $0.field(15)?.repetition(1)?.value } == ["1", "2"])
        #expect(message.segments(named: "OBX").compactMap(OBXSegment.init).allSatisfy { $0.resultStatus == "P" })
    }

    @Test("MDM^T02: EVN, PID, PV1, TXA with the note id as unique document number, then the lines")
    func documentNotification() throws {
        let message = try HL7Message(
            parsing: try HL7NoteRenderer().documentNotification(Self.record, controlID: "NB3M", at: Self.record.createdAt))
        #expect(message.segments.map(\.name).prefix(5) == ["MSH", "EVN", "PID", "PV1", "TXA"])
        #expect(message.segment("MSH").flatMap(MSHSegment.init)?.messageType == "MDM^T02")
        let txa = try #require(message.segment("TXA").flatMap(TXASegment.init))
        #expect(txa.documentType == "PN")
        #expect(txa.uniqueDocumentNumber == Self.record.id)
        #expect(txa.completionStatus == "DO")
        #expect(txa.availabilityStatus == "AV")
        #expect(txa.primaryActivityProviders.first?.id == "1234")
        let text = message.segments(named: "OBX").compactMap(OBXSegment.init).filter { $0.valueType == "TX" }
        #expect(text.map(\.text) == Self.record.sections.flatMap(\.lines))
    }

    @Test("DFT^P03: one FT1 per procedure with the diagnoses linked in FT1-19, then DG1 in rank order; none without codes")
    func financialTransaction() throws {
        #expect(try HL7NoteRenderer().financialTransaction(Self.record, controlID: "NB4D", at: Self.record.createdAt) == nil)
        var record = Self.record
        record.procedures = [
            NoteRecord.Procedure(code: "20610", system: "CPT", label: "Arthrocentesis, major joint", modifiers: ["LT"], rank: 2),
            NoteRecord.Procedure(code: "99213", system: "CPT", label: "Office visit, established", modifiers: ["25"], rank: 1),
        ]
        let bytes = try #require(try HL7NoteRenderer().financialTransaction(record, controlID: "NB4D", at: record.createdAt))
        let message = try HL7Message(parsing: bytes)
        #expect(message.segments.map(\.name) == ["MSH", "EVN", "PID", "PV1", "FT1", "FT1", "DG1", "DG1"])
        let ft1 = message.segments(named: "FT1")
        #expect(ft1.map { $0.field(7)?.repetition(1)?.component(1)?.value } == ["99213", "20610"])
        #expect(ft1.map { $0.field(7)?.repetition(1)?.component(3)?.value } == ["C4", "C4"])
        #expect(ft1.map { $0.field(6)?.repetition(1)?.value } == ["CG", "CG"])
        #expect(ft1.map { $0.field(26)?.repetition(1)?.value } == ["25", "LT"])
        #expect(ft1.first?.field(19)?.repetitions.map(\.value) == ["M25.562", "I10"])
        #expect(message.segments(named: "DG1").map { $0.field(3)?.repetition(1)?.value } == ["M25.562", "I10"])
        let kinds = try HL7NoteRenderer().messages(
            record, kinds: [.observationResult, .documentNotification, .financialTransaction], controlID: "NB5",
            at: record.createdAt)
        #expect(kinds.map(\.controlID) == ["NB5", "NB5M", "NB5D"])
    }

    @Test("ages from HL7 birth dates, on the day and the day before a birthday")
    func ages() {
        let date = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30 UTC
        #expect(EncounterNoteWriter.age(birthDate: "19800214", at: date) == 46)
        #expect(EncounterNoteWriter.age(birthDate: "19801130", at: date) == 46)
        #expect(EncounterNoteWriter.age(birthDate: "19801201", at: date) == 45)
        #expect(EncounterNoteWriter.age(birthDate: "1980", at: date) == nil)
        #expect(EncounterNoteWriter.age(birthDate: "20990101", at: date) == nil)
    }

    @Test("a note written by the engine becomes a record with LOINC codes and lines, and round-trips as JSON")
    func recordFromNote() throws {
        let note = try NoteWriter().note(
            transcript: "Doctor: What brings you in?\nPatient: My left knee has hurt for three weeks.\nDoctor: Take ibuprofen and rest it.")
        let record = NoteRecord(
            id: "note_x", createdAt: Date(timeIntervalSince1970: 1_796_000_000), encounter: Self.encounter, note: note,
            codes: nil)
        #expect(record.documentType == NoteRecord.Code(code: "11506-3", display: "Progress note", system: "LN"))
        #expect(record.sections.map(\.key) == note.parts.map(\.key))
        #expect(record.sections.first?.code.system == "LN")
        #expect(record.sections.allSatisfy { $0.lines.allSatisfy { !$0.isEmpty && !$0.contains("\n") } })
        #expect(try NoteRecord.decoded(from: try record.encoded()) == record)
        #expect(throws: NoteRecordError.self) { try NoteRecord.decoded(from: Array("{\"version\":1}".utf8)) }
    }
}
