import Delivery
import EncounterModel
import Foundation
import HL7v2
import Logging
import MLLP
import Mapping
import Store
import TestSupport
import Testing
import Transcription

@testable import Gateway

@Suite("Pipeline: an ED recording → transcript → note")
struct EncounterPipelineRecordingTests {
    static let spoken = "the patient has a zanzibarite cough for three weeks and a mild fever at night"

    /// A speech engine that says `text`, or fails with `error`.
    struct StandIn: SpeechEngine {
        var text: String
        var error: TranscriptionError?
        var name: String { "stand-in" }
        func transcribe(
            _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (Double) -> Void)?
        ) async throws -> SpeechTranscript {
            if let error { throw error }
            return SpeechTranscript(
                segments: [.init(span: AudioSpan(start: 0, end: audio.seconds), text: text)], duration: audio.seconds)
        }
    }

    /// Two seconds of a 440 Hz tone as a 16 kHz mono 16-bit WAV file (loud enough to count as speech).
    static func tone() -> [UInt8] {
        let samples = (0..<32_000).map { Int16(8_000 * sin(2 * Double.pi * 440 * Double($0) / 16_000)) }
        var bytes: [UInt8] = []
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        bytes += Array("RIFF".utf8)
        append(UInt32(36 + samples.count * 2))
        bytes += Array("WAVEfmt ".utf8)
        append(UInt32(16))
        append(UInt16(1))
        append(UInt16(1))
        append(UInt32(16_000))
        append(UInt32(32_000))
        append(UInt16(2))
        append(UInt16(16))
        bytes += Array("data".utf8)
        append(UInt32(samples.count * 2))
        for sample in samples { append(sample) }
        return bytes
    }

    static func message(_ control: String, value: String) -> [UInt8] {
        EncounterPipelineTests.mdm(control, observations: ["OBX|1|ED|18842-5^Audio^LN|1|\(value)||||||F"])
    }

    /// The pipeline harness of ``EncounterPipelineTests``, reading ED observations, with `audio` and a gate of one
    /// transcription at a time.
    private func withPipeline(
        audio: AudioConfiguration?,
        _ body: (SQLiteJournal, PipelineService, HL7Intake, LogRecorder) async throws -> Void
    ) async throws {
        var configuration = HL7EncounterReader.Configuration()
        configuration.observationValueTypes = ["TX", "FT", "ST", "ED"]
        try await EncounterPipelineTests.withPipeline(
            reader: HL7EncounterReader(configuration: configuration), destinations: ["ehr"], messageTypes: ["MDM^T02"],
            configure: { pipeline in
                pipeline.audio = audio
                pipeline.transcriptions = TranscriptionGate(limit: 1, queueLimit: 100)
            }, body)
    }

    static func audio(_ engine: StandIn, maximumBytes: Int = 1_000_000) -> AudioConfiguration {
        var audio = AudioConfiguration()
        audio.engine = engine
        audio.limits.maximumBytes = maximumBytes
        return audio
    }

    @Test("acknowledged at once; the pipeline transcribes the recording and writes the note from what was said")
    func transcribed() async throws {
        try await withPipeline(audio: Self.audio(StandIn(text: Self.spoken))) { journal, service, intake, recorder in
            let encoded = Data(Self.tone()).base64EncodedString()
            let reply = await intake.receive(
                Self.message("ED-1", value: "DICTATE^AU^WAV^Base64^\(encoded)"), source: "t",
                logger: recorder.logger())
            #expect(try HL7Message(parsing: try #require(reply.bytes))["MSA-1"] == "AA")
            #expect(await service.processAccepted() == 1)
            let entry = try #require(try await journal.entries(afterID: nil, limit: 1).first)
            #expect(entry.state == .processed)
            let row = try #require(
                try await journal.items(state: .pending, destination: nil, afterID: nil, limit: 10).first)
            let record = try NoteRecord.decoded(from: try #require(try await journal.noteDocument(id: row.noteID)))
            #expect(record.encounter.transcript.text == Self.spoken)
            #expect(record.encounter.transcript.kind == .speechToText)
            #expect(record.encounter.transcript.source == .hl7Observation)
            #expect(record.sections.flatMap(\.lines).joined(separator: " ").lowercased().contains("cough"))
            #expect(!recorder.text.contains("zanzibarite") && !recorder.text.contains(EncounterPipelineTests.name))
        }
    }

    @Test(
        "a recording that cannot be used marks the entry failed with a reason that names the problem",
        arguments: [
            ("DICTATE^AP^PDF^Base64^QUJD", "ED.2 (type of data)"),
            ("DICTATE^AU^WAV^Base64^QU*D", "Base64 alphabet"),
            ("DICTATE^AU^WAV^Base64^\(Data("not audio at all, only words".utf8).base64EncodedString())", "OBX-5 (ED)"),
        ])
    func refused(value: String, reason: String) async throws {
        try await withPipeline(audio: Self.audio(StandIn(text: Self.spoken))) { journal, service, intake, recorder in
            _ = await intake.receive(Self.message("ED-2", value: value), source: "t", logger: recorder.logger())
            #expect(await service.processAccepted() == 0)
            let entry = try #require(try await journal.entries(afterID: nil, limit: 1).first)
            #expect(entry.state == .failed)
            #expect(entry.failureReason?.contains(reason) == true, "\(entry.failureReason ?? "")")
            #expect(try await journal.count(state: .pending) == 0)
        }
    }

    @Test("over audio.maxBytes, an engine failure, or no audio configuration: failed, never a note")
    func limitsAndEngine() async throws {
        let encoded = Data(Self.tone()).base64EncodedString()
        let cases: [(AudioConfiguration?, String)] = [
            (Self.audio(StandIn(text: Self.spoken), maximumBytes: 10_000), "larger than the limit of 10000 bytes"),
            (
                Self.audio(StandIn(text: "", error: TranscriptionError(.engineFailed, reason: "model /secret broke"))),
                "could not be transcribed on this server (engineFailed)"
            ),
            (Self.audio(StandIn(text: "cough")), "at least 3 are needed"),
            (nil, "audio transcription is not configured"),
        ]
        for (audio, reason) in cases {
            try await withPipeline(audio: audio) { journal, service, intake, recorder in
                _ = await intake.receive(
                    Self.message("ED-3", value: "DICTATE^AU^WAV^Base64^\(encoded)"), source: "t",
                    logger: recorder.logger())
                #expect(await service.processAccepted() == 0)
                let entry = try #require(try await journal.entries(afterID: nil, limit: 1).first)
                #expect(entry.state == .failed)
                #expect(entry.failureReason?.contains(reason) == true, "\(entry.failureReason ?? "")")
                #expect(entry.failureReason?.contains("/secret") == false)
            }
        }
    }
}
