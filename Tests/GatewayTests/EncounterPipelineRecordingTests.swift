import Delivery
import EncounterModel
import Foundation
import HL7v2
import Logging
import MLLP
import Mapping
import Store
import Synchronization
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

    /// Counts wake-ups.
    final class Wakes: Sendable {
        private let count = Mutex(0)
        func wake() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    /// The harness with recordings transcribed as durable audio jobs in the journal's own database; counts the
    /// worker's wake-ups.
    private func withRecordingJobs(
        _ body: (SQLiteJournal, PipelineService, HL7Intake, LogRecorder, Wakes) async throws -> Void
    ) async throws {
        var configuration = HL7EncounterReader.Configuration()
        configuration.observationValueTypes = ["TX", "FT", "ST", "ED"]
        let wakes = Wakes()
        try await EncounterPipelineTests.withPipeline(
            reader: HL7EncounterReader(configuration: configuration), destinations: ["ehr"], messageTypes: ["MDM^T02"],
            configure: { pipeline in
                pipeline.audio = Self.audio(StandIn(text: "never asked", error: nil))
                if let journal = pipeline.journal as? SQLiteJournal {
                    pipeline.recordingJobs = PipelineRecordingJobs(
                        jobs: journal.notes, notes: journal.notes, retention: .seconds(3600),
                        wake: { wakes.wake() })
                }
            }, { journal, service, intake, recorder in try await body(journal, service, intake, recorder, wakes) })
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

    @Test(
        "with the intake's recording check, what can be told before the ACK is answered AE with ERR 102, journaled rejected",
        arguments: [
            ("DICTATE^AP^PDF^Base64^QUJD", "ED.2 (type of data)"),
            ("DICTATE^AU^WAV^Base64^QU*D", "Base64 alphabet"),
            ("DICTATE^AU^WAV^Hex^52494646", "only Base64"),
            ("DICTATE^AU^WAV^Base64^\(Data("not audio at all, only words".utf8).base64EncodedString())", "not MP3"),
            ("DICTATE^AU^WAV^Base64^\(Data(Self.tone()).base64EncodedString())", "larger than the limit of 10000"),
        ])
    func refusedBeforeTheAcknowledgment(value: String, diagnostic: String) async throws {
        try await withPipeline(audio: Self.audio(StandIn(text: Self.spoken))) { journal, service, intake, recorder in
            var configuration = HL7EncounterReader.Configuration()
            configuration.observationValueTypes = ["TX", "FT", "ST", "ED"]
            var checked = intake
            checked.recordings = RecordingIntakeCheck(
                reader: HL7EncounterReader(configuration: configuration), maximumBytes: 10_000)
            let reply = await checked.receive(
                Self.message("ED-9", value: value), source: "t", logger: recorder.logger())
            let ack = try HL7Message(parsing: try #require(reply.bytes))
            #expect(ack["MSA-1"] == "AE")
            #expect(ack["ERR-3.1"] == "102")
            #expect(ack["ERR-2.1"] == "OBX")
            #expect(ack["ERR-2.3"] == "5")
            let text = String(decoding: try #require(reply.bytes), as: UTF8.self)
            #expect(text.contains(diagnostic), "\(text)")
            #expect(!text.contains(EncounterPipelineTests.name))
            let entry = try #require(try await journal.entries(afterID: nil, limit: 1).first)
            #expect(entry.state == .rejected)
            #expect(await service.processAccepted() == 0)
            #expect(!recorder.text.contains(EncounterPipelineTests.name))
        }
    }

    @Test("the intake's recording check passes a good recording, a text transcript, and ED when the mapping reads none")
    func checkPasses() throws {
        var configuration = HL7EncounterReader.Configuration()
        configuration.observationValueTypes = ["TX", "FT", "ST", "ED"]
        let check = RecordingIntakeCheck(
            reader: HL7EncounterReader(configuration: configuration), maximumBytes: 1_000_000)
        let good = try HL7Message(
            parsing: Self.message("ED-10", value: "DICTATE^AU^WAV^Base64^\(Data(Self.tone()).base64EncodedString())"))
        #expect(check.refusal(of: good, header: HL7ReceivedHeader(message: good)) == nil)
        let text = try HL7Message(
            parsing: EncounterPipelineTests.mdm("ED-11", observations: EncounterPipelineTests.transcript))
        #expect(check.refusal(of: text, header: HL7ReceivedHeader(message: text)) == nil)
        let bad = try HL7Message(parsing: Self.message("ED-12", value: "DICTATE^AU^WAV^Base64^QU*D"))
        #expect(check.refusal(of: bad, header: HL7ReceivedHeader(message: bad))?.code == .dataTypeError)
        let textOnly = RecordingIntakeCheck(reader: HL7EncounterReader(), maximumBytes: 1_000_000)
        #expect(textOnly.refusal(of: bad, header: HL7ReceivedHeader(message: bad)) == nil)
    }

    @Test(
        "with audio jobs the recording waits in a durable job: its patient's later note waits too, another patient's does not; the transcript then becomes the note, in order"
    )
    func durableJobKeepsEachPatientsOrder() async throws {
        try await withRecordingJobs { journal, service, intake, recorder, wakes in
            let encoded = Data(Self.tone()).base64EncodedString()
            for message in [
                Self.message("ED-J1", value: "DICTATE^AU^WAV^Base64^\(encoded)"),
                EncounterPipelineTests.mdm("TX-SAME", observations: EncounterPipelineTests.transcript),
                EncounterPipelineTests.mdm("TX-OTHER", patient: "MRN-9001", repeating: 1),
            ] {
                _ = await intake.receive(message, source: "t", logger: recorder.logger())
            }
            // The other patient's note is written; the recording's entry and its patient's text entry wait.
            #expect(await service.processAccepted() == 1)
            let entries = try await journal.entries(afterID: nil, limit: 10)
            #expect(entries.map(\.state) == [.accepted, .accepted, .processed])
            #expect(wakes.value == 1)
            let id = PipelineRecordingJobs.jobID(of: entries[0])
            let jobs = journal.notes
            #expect(try await jobs.audioJob(id: id, now: Date())?.state == .queued)
            #expect(try await jobs.audioJob(id: id, now: Date())?.ownerKeyID == PipelineRecordingJobs.owner)
            // A second pass finds the job queued: no second job, still waiting.
            #expect(await service.processAccepted() == 0)
            #expect(try await jobs.audioJobCounts() == [.queued: 1])

            // The worker transcribes it (here: the store's own calls, as AudioJobRunner makes them).
            let worker = JournalClaimant(owner: "embedded", lease: .seconds(30))
            let claimed = try #require(
                try await jobs.claimAudioJobs(limit: 1, by: worker, excluding: [], now: Date()).first)
            #expect(claimed.job.audio == Self.tone())
            let transcript = PipelineRecordingTranscript(
                text: Self.spoken, segments: [.init(start: 0, end: 2, text: Self.spoken)])
            let now = Date()
            #expect(
                try await jobs.completeAudioJob(
                    id: id, by: worker,
                    note: StoredNote(
                        id: id, ownerKeyID: PipelineRecordingJobs.owner, createdAt: now,
                        expiresAt: now.addingTimeInterval(3600), specialty: "generic", template: "transcript",
                        document: try transcript.encoded(), lookup: NoteLookup()),
                    announcing: nil))

            #expect(await service.processAccepted() == 2)
            let states = try await journal.entries(afterID: nil, limit: 10).map(\.state)
            #expect(states == [.processed, .processed, .processed])
            // The patient's rows in journal order: the recording's note, then the text message's.
            let rows = try await journal.items(state: .pending, destination: nil, afterID: nil, limit: 10)
            var texts: [String] = []
            for row in rows {
                let record = try NoteRecord.decoded(from: try #require(try await journal.noteDocument(id: row.noteID)))
                texts.append(record.encounter.transcript.text)
            }
            #expect(texts.count == 3)
            #expect(texts[1] == Self.spoken)
            #expect(texts[2].contains(EncounterPipelineTests.marker))
            #expect(!recorder.text.contains("zanzibarite"))
        }
    }

    @Test("with audio jobs a failed job fails its entry with the job's reason, and the patient's later entry goes on")
    func failedJobFailsTheEntry() async throws {
        try await withRecordingJobs { journal, service, intake, recorder, _ in
            let encoded = Data(Self.tone()).base64EncodedString()
            _ = await intake.receive(
                Self.message("ED-J2", value: "DICTATE^AU^WAV^Base64^\(encoded)"), source: "t",
                logger: recorder.logger())
            _ = await intake.receive(
                EncounterPipelineTests.mdm("TX-J2", observations: EncounterPipelineTests.transcript), source: "t",
                logger: recorder.logger())
            #expect(await service.processAccepted() == 0)
            let entries = try await journal.entries(afterID: nil, limit: 10)
            let id = PipelineRecordingJobs.jobID(of: entries[0])
            let jobs = journal.notes
            let worker = JournalClaimant(owner: "embedded", lease: .seconds(30))
            _ = try await jobs.claimAudioJobs(limit: 1, by: worker, excluding: [], now: Date())
            let failure = EncounterPipeline.failure(
                of: TranscriptionError(.silentAudio, reason: "the audio holds no speech"))
            #expect(
                try await jobs.failAudioJob(
                    id: id, by: worker, failure: PipelineRecordingTranscript.jobFailure(failure), announcing: nil,
                    now: Date()))
            #expect(await service.processAccepted() == 1)
            let after = try await journal.entries(afterID: nil, limit: 10)
            #expect(after.map(\.state) == [.failed, .processed])
            #expect(after[0].failureReason == "OBX-5 (ED) recording: the audio holds no speech")
        }
    }
}
