import Foundation
import TestSupport
import Testing

@testable import Transcription

/// The speech models (stock and clinical), their search settings and the limits on the files a decoder loads.
@Suite("PocketSphinx speech models")
struct SpeechModelTests {
    /// The project's `models/speech`, found from this file (the tests may run from any folder).
    static let clinicalDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models/speech").path

    @Test("the presets: stock is Debian's model, clinical the project's files on Debian's acoustic model")
    func presets() {
        #expect(PocketSphinxEngine.Model.preset(.stock, directory: "x") == .debianUSEnglish)
        let clinical = PocketSphinxEngine.Model.preset(.clinical, directory: "/opt/nb/models/speech/")
        #expect(clinical.acousticModel == PocketSphinxEngine.Model.debianUSEnglish.acousticModel)
        #expect(clinical.languageModel == "/opt/nb/models/speech/clinical-en-us.lm.bin")
        #expect(clinical.dictionary == "/opt/nb/models/speech/clinical-en-us.dict")
        #expect(clinical.search == .clinical)
        #expect(PocketSphinxEngine.Preset(rawValue: "clinical") == .clinical)
        #expect(PocketSphinxEngine.Preset(rawValue: "Clinical") == nil)
    }

    @Test("search settings become decoder arguments only when set")
    func searchArguments() {
        #expect(PocketSphinxEngine.SearchSettings().arguments.isEmpty)
        let settings = PocketSphinxEngine.SearchSettings(
            beam: 1e-40, wordBeam: 1e-30, phoneBeam: 1e-35, maximumHMMsPerFrame: 3000, maximumWordsPerFrame: 10,
            languageWeight: 7.5)
        #expect(
            settings.arguments == [
                "-beam", "1e-40", "-wbeam", "1e-30", "-pbeam", "1e-35", "-maxhmmpf", "3000", "-maxwpf", "10", "-lw",
                "7.5",
            ])
    }

    @Test("the committed clinical model is in place and within the limits")
    func clinicalFiles() throws {
        let model = PocketSphinxEngine.Model.clinical(in: Self.clinicalDirectory)
        try model.check()
        let dictionary = try String(contentsOfFile: model.dictionary, encoding: .utf8)
        let words = Set(dictionary.split(separator: "\n").compactMap { $0.split(separator: " ").first })
        // Drugs the stock dictionary lacks.
        for drug in ["metformin", "lisinopril", "apixaban", "atorvastatin"] {
            #expect(words.contains(Substring(drug)), "\(drug)")
        }
    }

    @Test("a model file over its size limit is refused before PocketSphinx reads it")
    func oversizeFiles() async throws {
        let tools = try AudioTools()
        defer { tools.remove() }
        let folder = tools.path("speech")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let model = PocketSphinxEngine.Model.clinical(in: folder)
        // A sparse dictionary one byte over the limit, beside a small language model.
        #expect(FileManager.default.createFile(atPath: model.languageModel, contents: Data("x".utf8)))
        #expect(FileManager.default.createFile(atPath: model.dictionary, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: model.dictionary))
        try handle.truncate(atOffset: UInt64(PocketSphinxEngine.Model.maximumDictionaryBytes + 1))
        try handle.close()
        #expect(throws: TranscriptionError(.engineUnavailable, reason: "")) { try model.check() }
        do {
            try model.check()
        } catch {
            #expect(error.reason.contains("over the limit"))
            #expect(error.reason.contains("dictionary"))
        }
        // Missing: named.
        try FileManager.default.removeItem(atPath: model.languageModel)
        #expect(throws: TranscriptionError(.engineUnavailable, reason: "")) { try model.check() }
    }

    /// Measured (2026-12): the stock model heard "start metformin five hundred milligrams twice daily for diabetes" as
    /// words without the drug (it is not in Debian's dictionary); the clinical model hears the drug.
    @Test("the clinical model hears drug names the stock dictionary lacks")
    func clinicalDrugNames() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let speech = try await tools.speech("start metformin five hundred milligrams twice daily for diabetes")
            let clinical = PocketSphinxEngine(model: .clinical(in: Self.clinicalDirectory), workers: 1)
            var transcriber = try AudioTranscriberTests.transcriber(tools)
            transcriber.engine = clinical
            let transcript = try await transcriber.transcribe(file: speech)
            #expect(transcript.segments.flatMap(\.words).map(\.text).contains("metformin"))
            #expect(
                AudioTranscriberTests.recall(["five", "hundred", "milligrams", "diabetes"], in: transcript) >= 0.75)
            transcriber.engine = PocketSphinxEngine(model: .debianUSEnglish, workers: 1)
            let stock = try await transcriber.transcribe(file: speech).segments.flatMap(\.words).map(\.text)
            #expect(!stock.contains("metformin"))
        }
    }
}
