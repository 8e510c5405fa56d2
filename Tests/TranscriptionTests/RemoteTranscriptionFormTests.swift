import Curl
import Testing

@testable import Transcription

@Suite("RemoteTranscriptionForm and WAVEncoding: the upload of the remote engine")
struct RemoteTranscriptionFormTests {
    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    @Test("the WAV header describes 16 kHz mono 16-bit PCM and the samples follow little-endian")
    func wavHeader() {
        let samples: [Int16] = [0, 1, -1, .max, .min]
        let wav = WAVEncoding.encode(samples, sampleRate: 16_000)
        #expect(wav.count == 44 + 10)
        #expect(Array(wav[0..<4]) == Array("RIFF".utf8) && Array(wav[8..<16]) == Array("WAVEfmt ".utf8))
        #expect(Self.littleEndian(wav[4..<8]) == 36 + 10)
        #expect(Self.littleEndian(wav[16..<20]) == 16)
        #expect(Self.littleEndian(wav[20..<22]) == 1)  // PCM
        #expect(Self.littleEndian(wav[22..<24]) == 1)  // mono
        #expect(Self.littleEndian(wav[24..<28]) == 16_000)
        #expect(Self.littleEndian(wav[28..<32]) == 32_000)
        #expect(Self.littleEndian(wav[32..<34]) == 2)
        #expect(Self.littleEndian(wav[34..<36]) == 16)
        #expect(Array(wav[36..<40]) == Array("data".utf8) && Self.littleEndian(wav[40..<44]) == 10)
        #expect(Array(wav[44...]) == [0x00, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x80])
        // What the decoder recognises as WAV.
        #expect(AudioContainer.recognize(wav) == .wav)
    }

    @Test("the WAV of a slice holds exactly the slice's samples")
    func wavOfSlice() {
        let audio = PCMAudio(samples: (0..<32_000).map { Int16(truncatingIfNeeded: $0) }, sampleRate: 16_000)
        let slice = audio.samples(in: AudioSpan(start: 0.5, end: 1.0))
        let wav = WAVEncoding.encode(slice, sampleRate: 16_000)
        #expect(wav.count == 44 + 8_000 * 2)
        #expect(Self.littleEndian(wav[44..<46]) == 8_000)
    }

    @Test("the multipart body holds model, response_format, language and the file part, in that order")
    func body() throws {
        let wav = WAVEncoding.encode([Int16](repeating: 7, count: 4), sampleRate: 16_000)
        let form = RemoteTranscriptionForm(wav: wav, model: "whisper-1", language: "en", boundary: "XYZ")
        #expect(form.contentType == "multipart/form-data; boundary=XYZ")
        let expected =
            Array(
                ("--XYZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n"
                    + "--XYZ\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\nverbose_json\r\n"
                    + "--XYZ\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n"
                    + "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.wav\"\r\n"
                    + "Content-Type: audio/wav\r\n\r\n").utf8) + wav + Array("\r\n--XYZ--\r\n".utf8)
        #expect(form.body == expected)
        let noLanguage = RemoteTranscriptionForm(wav: wav, model: "m", language: nil, boundary: "XYZ")
        #expect(!String(decoding: noLanguage.body, as: UTF8.self).contains("name=\"language\""))
    }

    @Test("a boundary that occurs in the audio is replaced by a random one; random ones differ")
    func boundaryCollision() {
        let wav = Array("RIFF....\r\n--XYZ and more".utf8)
        let form = RemoteTranscriptionForm(wav: wav, model: "m", language: nil, boundary: "XYZ")
        #expect(form.boundary != "XYZ" && form.boundary.hasPrefix("NoteBridge-"))
        #expect(form.boundary.count == "NoteBridge-".count + 32)
        #expect(RemoteTranscriptionForm.randomBoundary() != RemoteTranscriptionForm.randomBoundary())
        #expect(RemoteTranscriptionForm.occurs(Array("ab".utf8), in: Array("xxab".utf8)))
        #expect(!RemoteTranscriptionForm.occurs(Array("abc".utf8), in: Array("ab".utf8)))
    }

    @Test("speech spans are grouped into pieces of at most the chunk length, in order")
    func chunks() {
        let spans = [
            AudioSpan(start: 1, end: 5), AudioSpan(start: 6, end: 9), AudioSpan(start: 12, end: 14),
            AudioSpan(start: 30, end: 55),
        ]
        let chunks = RemoteSpeechEngine.chunks(of: spans, maximumSeconds: 13)
        #expect(chunks.map(\.span) == [AudioSpan(start: 1, end: 14), AudioSpan(start: 30, end: 55)])
        #expect(chunks.map(\.speechSeconds) == [9, 25])
        #expect(RemoteSpeechEngine.chunks(of: [], maximumSeconds: 10).isEmpty)
    }

    @Test("the endpoint is <base>/v1/audio/transcriptions; the description hides the key")
    func endpoint() {
        var configuration = RemoteSpeechEngine.Configuration(baseURL: "https://stt.example.org/", key: "sk-secret-1")
        #expect(configuration.endpoint == "https://stt.example.org/v1/audio/transcriptions")
        configuration.baseURL = "https://api.example.org/v1"
        #expect(configuration.endpoint == "https://api.example.org/v1/audio/transcriptions")
        #expect(!configuration.description.contains("sk-secret-1") && configuration.description.contains("<redacted>"))
    }

    @Test(
        "settings that cannot work are named",
        arguments: [
            (RemoteSpeechEngine.Configuration(baseURL: "ftp://host"), .baseURL),
            (RemoteSpeechEngine.Configuration(baseURL: "http://user:pw@host"), .baseURL),
            (RemoteSpeechEngine.Configuration(baseURL: "http://host?q=1"), .baseURL),
            (RemoteSpeechEngine.Configuration(baseURL: "http://host", model: "two words"), .model),
            (RemoteSpeechEngine.Configuration(baseURL: "http://host", language: "English"), .language),
            (RemoteSpeechEngine.Configuration(baseURL: "http://host", key: "a b"), .key),
            (
                RemoteSpeechEngine.Configuration(baseURL: "https://host", tls: .init(caFile: "/nonexistent/ca.pem")),
                .caFile
            ),
            (
                RemoteSpeechEngine.Configuration(
                    baseURL: "http://host", tls: .init(caFile: "/dev/null", clientCertificateFile: "/dev/null")),
                .caFile
            ),
            (
                RemoteSpeechEngine.Configuration(baseURL: "https://host", tls: .init(clientKeyFile: "/dev/null")),
                .clientCertificate
            ),
            (RemoteSpeechEngine.Configuration(baseURL: "http://host", timeout: .zero), .timeout),
        ] as [(RemoteSpeechEngine.Configuration, RemoteSpeechEngine.Configuration.Problem.Setting)])
    func check(
        configuration: RemoteSpeechEngine.Configuration, setting: RemoteSpeechEngine.Configuration.Problem.Setting
    )
        throws
    {
        let problem = try #require(throws: RemoteSpeechEngine.Configuration.Problem.self) { try configuration.check() }
        #expect(problem.setting == setting)
        #expect(!problem.reason.contains("a b"))
    }
}
