import Coding
import EncounterModel
import Foundation
import Scribe
import Testing

@testable import Mapping

/// `EncounterNoteWriter.noteAndCodes` reads the transcript once for the note and its codes: it must give what
/// `note(for:at:)` and `codes(for:encounter:at:)` give apart.
@Suite("Encounter → note and codes, the transcript read once")
struct EncounterNoteWriterTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/transcripts")

    @Test(
        "the same note and codes as writing and coding apart",
        arguments: ["primary-care-dialogue", "psychiatry-dialogue", "dictation-hpi", "ems-dictation"])
    func sameAsApart(file: String) throws {
        let text = try String(contentsOf: Self.samples.appendingPathComponent(file + ".txt"), encoding: .utf8)
        var encounter = MappingFiles.sampleEncounter(transcript: text)
        encounter.context = Encounter.ClinicalContext(medications: ["lisinopril", "metformin"])
        let writer = EncounterNoteWriter()
        let date = Date(timeIntervalSince1970: 1_796_000_000)
        for includeCodes in [true, false] {
            encounter.options.includeBillingCodes = includeCodes
            let together = try writer.noteAndCodes(for: encounter, at: date)
            let note = try writer.note(for: encounter, at: date)
            #expect(together.note == note)
            #expect(together.codes == writer.codes(for: note, encounter: encounter, at: date))
            #expect((together.codes != nil) == includeCodes)
            if includeCodes { #expect(together.codes?.icd10.isEmpty == false) }
        }
    }

    @Test("a transcript the limits refuse fails as note(for:at:) fails")
    func refused() {
        let encounter = MappingFiles.sampleEncounter(transcript: "Too short.")
        let writer = EncounterNoteWriter()
        #expect(throws: TranscriptError.self) { try writer.noteAndCodes(for: encounter) }
        #expect(throws: TranscriptError.self) { try writer.note(for: encounter) }
    }
}
