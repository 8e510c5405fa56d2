import Coding
import EncounterModel
import Foundation
import Scribe

/// The one way from an `Encounter` to a note and its codes, for every intake (`/v1`, `/fhir`, HL7 v2): the note
/// engine with the encounter's specialty, layout and patient context, and the coder when codes are asked for.
/// Pure apart from the clock that turns a birth date into an age.
public struct EncounterNoteWriter: Sendable {
    private let writer: NoteWriter

    /// Creates a writer.
    public init(writer: NoteWriter = NoteWriter()) {
        self.writer = writer
    }

    /// The note of `encounter`; throws when the transcript cannot be used (the error names the field, never the
    /// text). An unknown specialty or layout writes the generic, standard note.
    public func note(for encounter: Encounter, at date: Date = Date()) throws(TranscriptError) -> Note {
        try writer.note(
            transcript: encounter.transcript.text, specialty: Specialty(rawValue: encounter.specialty) ?? .generic,
            template: NoteTemplate(rawValue: encounter.template) ?? .standard, context: context(of: encounter, at: date))
    }

    /// The billing codes of `note`, when the encounter asks for them.
    public func codes(for note: Note, encounter: Encounter, at date: Date = Date()) -> BillingCodes? {
        guard encounter.options.includeBillingCodes else { return nil }
        return Coder.shared.codes(for: note, request: codingRequest(for: encounter, at: date))
    }

    /// The note of `encounter` and its billing codes (when the encounter asks for them): what ``note(for:at:)`` and
    /// ``codes(for:encounter:at:)`` give, with the transcript read once for both.
    public func noteAndCodes(for encounter: Encounter, at date: Date = Date()) throws(TranscriptError) -> (
        note: Note, codes: BillingCodes?
    ) {
        let transcript = try Transcript(encounter.transcript.text, limits: writer.limits)
        let note = writer.note(
            transcript: transcript, specialty: Specialty(rawValue: encounter.specialty) ?? .generic,
            template: NoteTemplate(rawValue: encounter.template) ?? .standard,
            context: context(of: encounter, at: date))
        guard encounter.options.includeBillingCodes else { return (note, nil) }
        let request = codingRequest(for: encounter, at: date)
        return (note, Coder.shared.codes(for: note, request: request, transcript: transcript))
    }

    /// What the coder is told beside the note.
    func codingRequest(for encounter: Encounter, at date: Date) -> Coder.Request {
        Coder.Request(
            patient: encounter.options.patientStatus.flatMap(VisitLevel.Patient.init(rawValue:)),
            medications: encounter.context.medications, age: age(of: encounter, at: date),
            transcript: encounter.transcript.text)
    }

    /// The note engine's context: age, sex (HL7 administrative sex F or M), medications, allergies and history.
    func context(of encounter: Encounter, at date: Date) -> NoteContext {
        let sex: NoteContext.Sex? =
            switch encounter.patient.sex.uppercased() {
            case "F": .female
            case "M": .male
            default: nil
            }
        return NoteContext(
            age: age(of: encounter, at: date), sex: sex, medications: encounter.context.medications,
            allergies: encounter.context.allergies, history: encounter.context.history)
    }

    func age(of encounter: Encounter, at date: Date) -> Int? {
        encounter.context.age ?? Self.age(birthDate: encounter.patient.birthDate, at: date)
    }

    /// Whole years from a `YYYYMMDD…` birth date to `date` (UTC), or `nil` when the date is not readable.
    public static func age(birthDate: String, at date: Date) -> Int? {
        let digits = birthDate.prefix(8)
        guard digits.count == 8, digits.allSatisfy(\.isASCII), let value = Int(digits) else { return nil }
        let year = value / 10_000
        let monthDay = value % 10_000
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let now = calendar.dateComponents([.year, .month, .day], from: date)
        guard let nowYear = now.year, let nowMonth = now.month, let nowDay = now.day, year > 1850, year <= nowYear
        else { return nil }
        let age = nowYear - year - (nowMonth * 100 + nowDay < monthDay ? 1 : 0)
        return (0...150).contains(age) ? age : nil
    }
}
