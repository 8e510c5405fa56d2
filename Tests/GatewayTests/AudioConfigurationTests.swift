import Foundation
import Testing
import Transcription

@testable import Gateway

@Suite("Audio configuration: the speech model")
struct AudioConfigurationTests {
    @Test("the clinical model by default, the stock model by choice, the folder configurable, a bad name refused")
    func speechModel() throws {
        let defaults = try GatewayConfiguration.load(file: nil, environment: [:])
        #expect(defaults.api.audio.speechModel == .clinical(in: "models/speech"))
        let stock = try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_AUDIO_SPEECH_MODEL": "stock"])
        #expect(stock.api.audio.speechModel == .debianUSEnglish)
        let moved = try GatewayConfiguration.load(
            file: nil, environment: ["NOTEBRIDGE_AUDIO_SPEECH_MODEL_DIRECTORY": "/opt/notebridge/models/speech"])
        #expect(moved.api.audio.speechModel?.languageModel == "/opt/notebridge/models/speech/clinical-en-us.lm.bin")
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_AUDIO_SPEECH_MODEL": "whisper"])
        }
    }

    @Test("setting the model keeps the embedded engine's other settings")
    func modelKeepsEngine() {
        var audio = AudioConfiguration()
        audio.engine = PocketSphinxEngine(workers: 3, threadNiceness: 5)
        audio.speechModel = .clinical(in: "m")
        let engine = audio.engine as? PocketSphinxEngine
        #expect(engine?.workers == 3)
        #expect(engine?.threadNiceness == 5)
        #expect(engine?.model.dictionary == "m/clinical-en-us.dict")
    }
}
