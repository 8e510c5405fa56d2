/// The `multipart/form-data` body (RFC 7578) of one `POST /v1/audio/transcriptions` request, as OpenAI-compatible
/// services take it: the fields `model`, `response_format` (`verbose_json`, which carries the segments and their
/// times) and optionally `language`, then the recording as the file part `file` (`audio.wav`, `audio/wav`).
///
/// ```
/// --<boundary>CRLF
/// Content-Disposition: form-data; name="model"CRLF
/// CRLF
/// whisper-1CRLF
/// --<boundary>CRLF
/// Content-Disposition: form-data; name="response_format"CRLF
/// CRLF
/// verbose_jsonCRLF
/// --<boundary>CRLF                                    (language only when given)
/// Content-Disposition: form-data; name="language"CRLF
/// CRLF
/// enCRLF
/// --<boundary>CRLF
/// Content-Disposition: form-data; name="file"; filename="audio.wav"CRLF
/// Content-Type: audio/wavCRLF
/// CRLF
/// <WAV bytes>CRLF
/// --<boundary>--CRLF
/// ```
///
/// The boundary is random and checked not to occur in the recording, so the body always parses back to these parts.
struct RemoteTranscriptionForm: Sendable {
    /// The boundary between parts (without the leading `--`).
    let boundary: String
    /// The whole body.
    let body: [UInt8]

    /// The `Content-Type` header value of the body.
    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// The body for `wav` and the fields; `boundary` is used when given and it does not occur in `wav` (tests), else
    /// a random one is drawn.
    init(wav: [UInt8], model: String, language: String?, boundary: String? = nil) {
        var chosen = boundary ?? Self.randomBoundary()
        while Self.occurs(Array(("\r\n--" + chosen).utf8), in: wav) {
            chosen = Self.randomBoundary()
        }
        self.boundary = chosen
        var fields = [("model", model), ("response_format", "verbose_json")]
        if let language { fields.append(("language", language)) }
        var body: [UInt8] = []
        body.reserveCapacity(wav.count + 512)
        for (name, value) in fields {
            body += Array("--\(chosen)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array(
            ("--\(chosen)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"audio.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n").utf8)
        body += wav
        body += Array("\r\n--\(chosen)--\r\n".utf8)
        self.body = body
    }

    /// `NoteBridge-` and 32 random hexadecimal digits.
    static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = String(generator.next() as UInt64, radix: 16)
        let low = String(generator.next() as UInt64, radix: 16)
        return "NoteBridge-" + String(repeating: "0", count: 16 - high.count) + high
            + String(repeating: "0", count: 16 - low.count) + low
    }

    /// Whether `pattern` occurs anywhere in `bytes`.
    static func occurs(_ pattern: [UInt8], in bytes: [UInt8]) -> Bool {
        guard let first = pattern.first, bytes.count >= pattern.count else { return false }
        let lastStart = bytes.count - pattern.count
        var index = 0
        while index <= lastStart {
            if bytes[index] == first && bytes[index..<index + pattern.count].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }
}
