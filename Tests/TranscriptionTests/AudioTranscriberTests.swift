import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Transcription

/// End to end with the embedded PocketSphinx engine on speech synthesized by espeak-ng in the test.
@Suite("AudioTranscriber: PocketSphinx on synthesized speech")
struct AudioTranscriberTests {
    /// A transcriber with one decoding thread unless asked: the suites run in parallel with timing-sensitive ones
    /// (MLLP idle timeouts) on a 2-core machine, and one test is enough to cover parallel decoding.
    static func transcriber(
        _ tools: AudioTools, workers: Int = 1, logger: Logger = Logger(label: "test")
    ) throws -> AudioTranscriber {
        AudioTranscriber(
            decoder: try AudioDecoderTests.decoder(tools), engine: PocketSphinxEngine(workers: workers), logger: logger)
    }

    /// The share of `expected` words found among the recognised words.
    static func recall(_ expected: [String], in transcript: SpeechTranscript) -> Double {
        let heard = Set(transcript.segments.flatMap(\.words).map(\.text))
        return Double(expected.filter(heard.contains).count) / Double(expected.count)
    }

    /// Measured with the stock model (2026-12): "the patient has a golf and a fever" from WAV, FLAC, MP3 (64 kb/s),
    /// OGG and WebM (Opus 48 kb/s), "the patient has a golf and the fever" from M4A (AAC 64 kb/s).
    @Test("a clinical sentence is transcribed with at least half its content words, from every container")
    func sentence() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let speech = try await tools.speech("the patient has a cough and a fever")
            let transcriber = try Self.transcriber(tools)
            for format in AudioContainer.allCases.map(\.rawValue) {
                let bytes = try AudioTools.bytes(try await tools.convert(speech, to: format))
                let transcript = try await transcriber.transcribe(bytes: bytes)
                let recall = Self.recall(["patient", "cough", "fever"], in: transcript)
                #expect(recall >= 0.5, "\(format): \(Int(recall * 100)) % of the content words")
                #expect(transcript.segments.count == 1)
                for word in transcript.segments.flatMap(\.words) {
                    #expect(word.span.start >= 0 && word.span.end <= transcript.duration + 0.05)
                }
            }
            #expect(AudioDecoderTests.leftovers(tools).isEmpty)
        }
    }

    @Test("sentences apart by a pause are separate segments with their own times; the log names no word")
    func segments() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let first = try await tools.speech("the patient has a cough", name: "first.wav")
            let second = try await tools.speech("she has a fever and a headache", name: "second.wav")
            let joined = try await tools.joined(first, pause: 2.5, second)
            let recorder = LogRecorder()
            let transcriber = try Self.transcriber(tools, workers: 2, logger: recorder.logger())
            let progress = ProgressLog()
            let transcript = try await transcriber.transcribe(file: joined) { done, total in progress.add(done, total) }
            #expect(transcript.segments.count == 2)
            guard transcript.segments.count == 2 else { return }
            let (one, two) = (transcript.segments[0], transcript.segments[1])
            #expect(one.span.end + 1.5 < two.span.start, "the pause lies between them")
            #expect(two.span.start > 3 && two.span.start < 5)
            #expect(two.words.allSatisfy { $0.span.start >= two.span.start - 0.01 })
            #expect(Self.recall(["patient", "cough", "fever", "headache"], in: transcript) >= 0.5)
            // Progress ends at the total.
            let reports = progress.reports
            #expect(!reports.isEmpty)
            if let last = reports.last { #expect(abs(last.done - last.total) < 0.001) }
            // The log has counts and times, never words; a transcript's description neither.
            #expect(recorder.all.contains { $0.message == "audio transcribed" })
            for word in transcript.segments.flatMap(\.words).map(\.text) where word.count > 3 {
                #expect(!recorder.text.contains(word))
                #expect(!"\(transcript)".contains(word))
                #expect(!"\(one)".contains(word))
            }
            #expect(AudioDecoderTests.leftovers(tools).isEmpty)
        }
    }

    @Test("silence-only audio is refused as silent, from sox and from ffmpeg")
    func silence() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let transcriber = try Self.transcriber(tools)
            let sox = try await tools.silence(seconds: 3)
            await #expect(throws: TranscriptionError(.silentAudio, reason: "")) { try await transcriber.transcribe(file: sox) }
            let anullsrc = tools.path("null.ogg")
            try await AudioTools.run(
                "ffmpeg",
                ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "4",
                 "-c:a", "libvorbis", "-y", anullsrc])
            await #expect(throws: TranscriptionError(.silentAudio, reason: "")) {
                try await transcriber.transcribe(bytes: try AudioTools.bytes(anullsrc))
            }
            #expect(AudioDecoderTests.leftovers(tools).isEmpty)
        }
    }

    @Test("a missing model is named, not a crash")
    func missingModel() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            var model = PocketSphinxEngine.Model.debianUSEnglish
            model.languageModel = tools.path("missing.lm.bin")
            var transcriber = try Self.transcriber(tools)
            transcriber.engine = PocketSphinxEngine(model: model)
            let speech = try await tools.speech("a cough")
            await #expect(throws: TranscriptionError(.engineUnavailable, reason: "")) {
                try await transcriber.transcribe(file: speech)
            }
        }
    }
}

/// Progress reports collected from any thread.
final class ProgressLog: Sendable {
    private let stored = Mutex<[(done: Double, total: Double)]>([])

    func add(_ done: Double, _ total: Double) {
        stored.withLock { $0.append((done, total)) }
    }

    var reports: [(done: Double, total: Double)] { stored.withLock { $0 } }

    @Test("the marked text: segments joined by spaces without speakers; each change of speaker a labelled line")
    func markedText() {
        let plain = SpeechTranscript(
            segments: [
                .init(span: AudioSpan(start: 0, end: 1), text: "first words"),
                .init(span: AudioSpan(start: 1, end: 2), text: ""),
                .init(span: AudioSpan(start: 2, end: 3), text: "then more"),
            ], duration: 3)
        #expect(plain.markedText.text == plain.text)
        #expect(plain.markedText.segments.map(\.range) == [0..<11, 12..<21])
        let dialogue = SpeechTranscript(
            segments: [
                .init(span: AudioSpan(start: 0, end: 1), text: "how are you", speaker: "Doctor"),
                .init(span: AudioSpan(start: 1, end: 2), text: "tired", speaker: "Patient"),
                .init(span: AudioSpan(start: 2, end: 3), text: "and sore", speaker: "Patient"),
                .init(span: AudioSpan(start: 3, end: 4), text: "since when", speaker: "Doctor:\u{7}<b>"),
            ], duration: 4)
        let marked = dialogue.markedText
        #expect(marked.text == "Doctor: how are you\nPatient: tired and sore\nDoctorb: since when")
        let scalars = Array(marked.text.unicodeScalars)
        for placed in marked.segments {
            #expect(String(String.UnicodeScalarView(scalars[placed.range])) == placed.segment.text)
        }
    }
}
