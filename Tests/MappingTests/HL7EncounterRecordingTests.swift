import EncounterModel
import Foundation
import HL7v2
import Testing

@testable import Mapping

@Suite("HL7 v2 ED recordings → Encounter")
struct HL7EncounterRecordingTests {
    static let audio = Array("RIFF....WAVEfmt synthetic audio bytes".utf8)
    static var encoded: String { Data(audio).base64EncodedString() }

    private static func configuration(_ types: Set<String> = ["TX", "FT", "ST", "ED"])
        -> HL7EncounterReader.Configuration
    {
        var configuration = HL7EncounterReader.Configuration()
        configuration.observationValueTypes = types
        return configuration
    }

    private func reading(
        _ observations: [String], types: Set<String> = ["TX", "FT", "ST", "ED"], maximumBytes: Int = 1_000,
        extra: [String] = []
    ) throws -> HL7EncounterReader.Reading {
        try HL7EncounterReader(configuration: Self.configuration(types)).reading(
            from: try HL7Message(parsing: HL7EncounterReaderTests.mdm(observations: observations, extra: extra)),
            journalID: 3, maximumAudioBytes: maximumBytes)
    }

    @Test("an ED observation of Base64 audio is the recording; the transcript waits for it")
    func recording() throws {
        let reading = try reading(["OBX|1|ED|18842-5^Audio^LN|1|DICTATE^AU^WAV^Base64^\(Self.encoded)||||||F"])
        let recording = try #require(reading.recording)
        #expect(recording.data == Self.audio)
        #expect(recording.dataSubtype == "WAV")
        #expect(reading.encounter.transcript.text.isEmpty)
        #expect(reading.encounter.transcript.kind == .speechToText)
        #expect(reading.encounter.patient.identifiers.first?.value == "MRN0001")
        // The text-only reading refuses it rather than taking the Base64 as text.
        #expect(throws: EncounterReadError.self) {
            try HL7EncounterReader(configuration: Self.configuration()).encounter(
                from: try HL7Message(
                    parsing: HL7EncounterReaderTests.mdm(observations: [
                        "OBX|1|ED|18842-5^Audio^LN|1|DICTATE^AU^WAV^Base64^\(Self.encoded)||||||F"
                    ])))
        }
    }

    @Test("a text observation is still read as text, before a recording")
    func textFirst() throws {
        let reading = try reading([
            "OBX|1|ED|18842-5^Audio^LN|1|DICTATE^AU^WAV^Base64^\(Self.encoded)||||||F",
            "OBX|2|TX|11506-3^Progress note^LN|1|Patient reports knee pain for three weeks.||||||F",
        ])
        #expect(reading.recording == nil)
        #expect(reading.encounter.transcript.text == "Patient reports knee pain for three weeks.")
        #expect(reading.encounter.transcript.kind == .text)
    }

    @Test("without ED among the value types, an ED observation is not read")
    func notListed() throws {
        #expect(throws: EncounterReadError.self) {
            try reading(
                ["OBX|1|ED|18842-5^Audio^LN|1|DICTATE^AU^WAV^Base64^\(Self.encoded)||||||F"],
                types: ["TX", "FT", "ST"])
        }
    }

    @Test(
        "a recording that is not audio, not Base64, too large or not alone is refused, naming the OBX",
        arguments: [
            ("DICTATE^AP^PDF^Base64^QUJD", 1_000, "invalidRecording"),
            ("DICTATE^AU^WAV^Hex^414243", 1_000, "invalidRecording"),
            ("DICTATE^AU^WAV^Base64^QU*D", 1_000, "invalidRecording"),
            ("DICTATE^AU^WAV^Base64^\(encoded)", 10, "recordingTooLarge"),
            ("DICTATE^AU^WAV^Base64^QUJD~DICTATE^AU^WAV^Base64^QUJD", 1_000, "invalidRecording"),
        ])
    func refused(value: String, maximumBytes: Int, code: String) throws {
        do {
            _ = try reading(["OBX|1|ED|18842-5^Audio^LN|1|\(value)||||||F"], maximumBytes: maximumBytes)
            Issue.record("accepted")
        } catch let error as EncounterReadError {
            #expect(error.code.description == code)
            #expect(error.reason.hasPrefix("OBX(1)-5"))
            #expect(!error.reason.contains("QUJD"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the transcript of a recording has the limits of a text transcript")
    func transcriptLimits() throws {
        let reader = HL7EncounterReader(configuration: Self.configuration())
        let transcript = try reader.transcript(ofRecording: "  the patient has a cough  ")
        #expect(transcript.text == "the patient has a cough")
        #expect(transcript.kind == .speechToText)
        #expect(transcript.source == .hl7Observation)
        #expect(throws: EncounterReadError.self) { try reader.transcript(ofRecording: "cough") }
    }
}
