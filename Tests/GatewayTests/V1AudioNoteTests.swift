import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Transcription

@testable import Gateway
import TestSupport

/// `POST /v1/note/audio` with recordings synthesized in the test by espeak-ng and encoded by ffmpeg.
@Suite("/v1/note/audio")
struct V1AudioNoteTests {
    typealias F = V1APIFixture

    static let dictation =
        "the patient has a cough and a fever for three days. she has no chest pain. "
        + "the plan is rest and fluids and a follow up visit next week."

    /// A fixture whose decodes use a scratch folder of the test's own.
    static func fixture(_ tools: AudioTools, limits: TranscriptionLimits = .default) async throws -> V1APIFixture {
        let scratch = tools.path("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var configuration = V1Routes.Configuration()
        configuration.audio.temporaryDirectory = scratch
        configuration.audio.limits = limits
        // One decoding thread: the suites run beside timing-sensitive ones on a 2-core machine.
        configuration.audio.engine = PocketSphinxEngine(workers: 1)
        return try await V1APIFixture(configuration: configuration)
    }

    static func leftovers(_ tools: AudioTools) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: tools.path("scratch"))) ?? ["(no scratch folder)"]
    }

    /// A multipart body: `fields` as form fields, then each file part.
    static func multipart(
        boundary: String = "nb-test-boundary-7f3a", fields: [(String, String)] = [],
        files: [(name: String, filename: String, type: String, bytes: [UInt8])] = []
    ) -> ByteBuffer {
        var body: [UInt8] = []
        for (name, value) in fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for file in files {
            body += Array(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n"
                    .utf8)
            body += file.bytes + [0x0D, 0x0A]
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ByteBuffer(bytes: body)
    }

    static func headers(_ fixture: V1APIFixture, boundary: String = "nb-test-boundary-7f3a") -> HTTPFields {
        F.headers(fixture.key, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    @Test("a dictation recording becomes the note, as /v1/note answers it; form fields or a metadata part")
    func note() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let recording = try AudioTools.bytes(try await tools.convert(try await tools.speech(Self.dictation), to: "m4a"))
            let fixture = try await Self.fixture(tools)
            try await fixture.application().test(.router) { client in
                let withFields = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: Self.headers(fixture),
                    body: Self.multipart(
                        fields: [("specialty", "physician"), ("include_transcript", "true"), ("include_billing_codes", "false")],
                        files: [("audio", "visit.bin", "application/octet-stream", recording)]))
                #expect(withFields.status == .ok, "\(F.error(withFields.body))")
                let note = F.json(withFields.body)
                #expect(note["specialty"] as? String == "physician")
                #expect((note["noteId"] as? String).map(V1Routes.isNoteID) == true)
                for field in ["subjective", "objective", "assessment", "plan"] { #expect(note[field] is String, "\(field)") }
                let transcript = try #require(note["transcript"] as? String)
                let heard = Set(transcript.split(separator: " ").map(String.init))
                let expected = ["patient", "cough", "fever", "chest", "pain", "rest", "fluids", "visit", "week"]
                #expect(expected.filter(heard.contains).count * 2 >= expected.count, "\(expected.filter(heard.contains))")
                #expect(note["billing_codes"] == nil)

                let metadata = #"{"specialty":"nurse_practitioner","template":"apso","include_billing_codes":true}"#
                let withMetadata = try await client.execute(
                    uri: "/v1/note/audio", method: .put, headers: Self.headers(fixture),
                    body: Self.multipart(files: [
                        ("metadata", "metadata.json", "application/json", Array(metadata.utf8)),
                        ("audio", "visit.m4a", "audio/mp4", recording),
                    ]))
                #expect(withMetadata.status == .ok, "\(F.error(withMetadata.body))")
                let second = F.json(withMetadata.body)
                #expect(second["specialty"] as? String == "nurse_practitioner")
                #expect(second["template"] as? String == "apso")
                #expect(second["billing_codes"] != nil)
                #expect(second["transcript"] == nil)

                // The stored note reads back like any other.
                let id = try #require(second["noteId"] as? String)
                let read = try await client.execute(uri: "/v1/note/\(id)", method: .get, headers: F.headers(fixture.key))
                #expect(read.status == .ok)
                #expect(read.body == withMetadata.body)
            }
            // No word of what was said reaches the log.
            for word in ["cough", "fever", "fluids", "patient"] { #expect(!fixture.recorder.text.contains(word)) }
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    @Test("a speech model missing on the server is 503 TRANSCRIPTION_UNAVAILABLE, and the log names the missing file")
    func missingSpeechModel() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let speech = try AudioTools.bytes(try await tools.convert(try await tools.speech("the patient has a cough"), to: "wav"))
            let scratch = tools.path("scratch")
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            var configuration = V1Routes.Configuration()
            configuration.audio.temporaryDirectory = scratch
            let missing = tools.path("no-such-models")
            configuration.audio.engine = PocketSphinxEngine(model: .clinical(in: missing), workers: 1)
            let fixture = try await V1APIFixture(configuration: configuration)
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: Self.headers(fixture),
                    body: Self.multipart(files: [("audio", "a.wav", "audio/wav", speech)]))
                #expect(response.status == .serviceUnavailable)
                #expect(F.error(response.body)["code"] as? String == "TRANSCRIPTION_UNAVAILABLE")
                // The caller is not told the server's paths; the operator's log says which file is missing (it
                // said only the code).
                #expect(!String(buffer: response.body).contains(missing))
            }
            #expect(fixture.recorder.text.contains("cannot be transcribed on this server"))
            #expect(fixture.recorder.text.contains(missing))
        }
    }

    @Test("bad audio and bad options get their own errors in the /v1 error shape")
    func errors() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let speech = try AudioTools.bytes(try await tools.convert(try await tools.speech("the patient has a cough"), to: "ogg"))
            let silence = try AudioTools.bytes(try await tools.convert(try await tools.silence(seconds: 3), to: "flac"))
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 200)
            let corrupt = Array("OggS".utf8) + [UInt8](repeating: 0x5A, count: 2000)
            let fixture = try await Self.fixture(tools, limits: TranscriptionLimits(maximumBytes: 200_000, maximumDuration: .seconds(60)))
            let cases: [(String, ByteBuffer, HTTPResponse.Status, String, String?)] = [
                ("no audio part", Self.multipart(fields: [("specialty", "physician")]), .badRequest, "VALIDATION_ERROR", "audio"),
                ("PNG", Self.multipart(files: [("audio", "a.mp3", "audio/mpeg", png)]), .unsupportedMediaType, "UNSUPPORTED_AUDIO", "audio"),
                ("corrupt", Self.multipart(files: [("audio", "a.ogg", "audio/ogg", corrupt)]), .unprocessableContent, "CORRUPT_AUDIO", "audio"),
                ("silence", Self.multipart(files: [("audio", "a.flac", "audio/flac", silence)]), .unprocessableContent, "SILENT_AUDIO", "audio"),
                ("too large", Self.multipart(files: [("audio", "a.wav", "audio/wav", Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WAVE".utf8) + [UInt8](repeating: 0, count: 200_001))]),
                 .contentTooLarge, "AUDIO_TOO_LARGE", "audio"),
                ("bad specialty", Self.multipart(fields: [("specialty", "wizard")], files: [("audio", "a.ogg", "audio/ogg", speech)]),
                 .badRequest, "VALIDATION_ERROR", "specialty"),
                ("bad flag", Self.multipart(fields: [("include_transcript", "maybe")], files: [("audio", "a.ogg", "audio/ogg", speech)]),
                 .badRequest, "VALIDATION_ERROR", "include_transcript"),
                ("transcript in metadata", Self.multipart(files: [
                    ("metadata", "m.json", "application/json", Array(#"{"transcript":"text"}"#.utf8)),
                    ("audio", "a.ogg", "audio/ogg", speech),
                ]), .badRequest, "VALIDATION_ERROR", "transcript"),
                ("metadata not JSON", Self.multipart(files: [
                    ("metadata", "m.json", "application/json", Array("{".utf8)), ("audio", "a.ogg", "audio/ogg", speech),
                ]), .badRequest, "VALIDATION_ERROR", "body"),
                ("two audio parts", Self.multipart(files: [
                    ("audio", "a.ogg", "audio/ogg", speech), ("audio", "b.ogg", "audio/ogg", speech),
                ]), .badRequest, "VALIDATION_ERROR", "audio"),
                ("too many parts", Self.multipart(fields: (0..<20).map { ("x\($0)", "1") }), .badRequest, "VALIDATION_ERROR", "body"),
                ("no closing boundary", ByteBuffer(string: "--nb-test-boundary-7f3a\r\nContent-Disposition: form-data; name=\"audio\"\r\n\r\nabc"),
                 .badRequest, "VALIDATION_ERROR", "body"),
            ]
            try await fixture.application().test(.router) { client in
                for (name, body, status, code, field) in cases {
                    let response = try await client.execute(
                        uri: "/v1/note/audio", method: .post, headers: Self.headers(fixture), body: body)
                    #expect(response.status == status, "\(name)")
                    let error = F.error(response.body)
                    #expect(error["code"] as? String == code, "\(name): \(error)")
                    let details = error["details"] as? [[String: Any]]
                    #expect(details?.first?["field"] as? String == field, "\(name): \(error)")
                }
                let json = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: F.headers(fixture.key), body: F.body(["transcript": "x"]))
                #expect(json.status == .unsupportedMediaType)
                let anonymous = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: F.headers(nil, contentType: "multipart/form-data; boundary=b"),
                    body: Self.multipart(boundary: "b"))
                #expect(anonymous.status == .unauthorized)
                let get = try await client.execute(uri: "/v1/note/audio", method: .get, headers: F.headers(fixture.key))
                #expect(get.status == .notFound || get.status == .methodNotAllowed)
            }
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    @Test("multipart parsing: quoted boundaries and parameters, a preamble, limits")
    func multipartParsing() throws {
        #expect(MultipartFormData.boundary(contentType: #"multipart/form-data; boundary="a b:c""#) == "a b:c")
        #expect(MultipartFormData.boundary(contentType: #"Multipart/Form-Data; charset=utf-8; boundary="x""#) == "x")
        #expect(MultipartFormData.boundary(contentType: #"multipart/form-data; boundary="a;b""#) == nil)
        #expect(MultipartFormData.boundary(contentType: "multipart/form-data;boundary=xyz") == "xyz")
        #expect(MultipartFormData.boundary(contentType: "multipart/mixed; boundary=xyz") == nil)
        #expect(MultipartFormData.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartFormData.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "a", count: 71)) == nil)
        let body = Array(
            ("preamble\r\n--xyz\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a;\\\"b.mp3\"\r\n"
                + "Content-Type: audio/mpeg\r\n\r\n\r\n--xy\r\n--xyz\r\nContent-Disposition: form-data; name=f\r\n\r\nv\r\n--xyz--").utf8)
        let form = try MultipartFormData(body, boundary: "xyz")
        #expect(form.parts.count == 2)
        #expect(form.parts.first?.name == "audio")
        #expect(form.parts.first?.filename == "a;\"b.mp3")
        #expect(form.parts.first?.contentType == "audio/mpeg")
        #expect(form.parts.first.map { Array($0.body) } == Array("\r\n--xy".utf8))
        #expect(form.parts.last.map { Array($0.body) } == Array("v".utf8))
        let longHeader = Array(("--b\r\nX-Long: " + String(repeating: "a", count: 9000) + "\r\n\r\nv\r\n--b--").utf8)
        #expect(throws: APIError.self) { try MultipartFormData(longHeader, boundary: "b") }
    }

    @Test("truncated and mutated bodies are parsed or refused with an APIError, never a crash")
    func multipartMutations() {
        let valid = Array(
            ("--b\r\nContent-Disposition: form-data; name=\"specialty\"\r\n\r\nphysician\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"x\"\r\n\r\nOggS\r\n--b--\r\n").utf8)
        // Every prefix.
        for length in 0...valid.count {
            _ = try? MultipartFormData(Array(valid.prefix(length)), boundary: "b")
        }
        // Bytes flipped to the characters the grammar turns on, with a fixed seed.
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        let interesting: [UInt8] = Array("-\r\n\";=: b\\".utf8) + [0]
        for _ in 0..<3_000 {
            var body = valid
            for _ in 0..<(1 + next() % 4) {
                body[next() % body.count] = interesting[next() % interesting.count]
            }
            do {
                _ = try MultipartFormData(body, boundary: "b")
            } catch {
                #expect(error.code == "VALIDATION_ERROR")
            }
        }
    }

    /// A speech engine that answers `segments` (times within the recording), as a diarizing service would.
    struct SegmentsEngine: SpeechEngine {
        var segments: [(Double, Double, String, String?)]
        var name: String { "segments" }
        func transcribe(
            _ audio: PCMAudio, speech: [AudioSpan], progress: (@Sendable (Double) -> Void)?
        ) async throws -> SpeechTranscript {
            SpeechTranscript(
                segments: segments.map {
                    .init(span: AudioSpan(start: $0.0, end: $0.1), text: $0.2, speaker: $0.3)
                }, duration: audio.seconds)
        }
    }

    @Test(
        "include_transcript shows the timed segments; each statement's evidence says when it was said; speaker turns make a dialogue, none a dictation",
        arguments: [false, true])
    func timedSegments(speakers: Bool) async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let recording = try AudioTools.bytes(try await tools.convert(try await tools.speech(Self.dictation), to: "ogg"))
            let scratch = tools.path("scratch")
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            var configuration = V1Routes.Configuration()
            configuration.audio.temporaryDirectory = scratch
            configuration.audio.engine = SegmentsEngine(segments: [
                (0.5, 2.25, "what brings you in today", speakers ? "Doctor" : nil),
                (2.5, 5.0, "i have had a cough and a fever for three days", speakers ? "Patient" : nil),
                (5.25, 7.75, "no chest pain", speakers ? "Patient" : nil),
                (8.0, 9.5, "the plan is rest and fluids", speakers ? "Doctor" : nil),
            ])
            let fixture = try await V1APIFixture(configuration: configuration)
            try await fixture.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/v1/note/audio", method: .post, headers: Self.headers(fixture),
                    body: Self.multipart(
                        fields: [("include_transcript", "true"), ("include_evidence", "true")],
                        files: [("audio", "visit.ogg", "audio/ogg", recording)]))
                #expect(response.status == .ok, "\(F.error(response.body))")
                let note = F.json(response.body)
                let transcript = try #require(note["transcript"] as? String)
                #expect(note["transcript_kind"] as? String == (speakers ? "dialogue" : "dictation"))
                if speakers {
                    #expect(
                        transcript
                            == "Doctor: what brings you in today\nPatient: i have had a cough and a fever for three days no chest pain\nDoctor: the plan is rest and fluids"
                    )
                } else {
                    #expect(!transcript.contains("\n") && !transcript.contains(":"))
                }
                let segments = try #require(note["transcript_segments"] as? [[String: Any]])
                #expect(segments.count == 4)
                let scalars = Array(transcript.unicodeScalars)
                for segment in segments {
                    let start = try #require(segment["start"] as? Int)
                    let end = try #require(segment["end"] as? Int)
                    #expect(String(String.UnicodeScalarView(scalars[start..<end])) == segment["text"] as? String)
                    #expect((segment["speaker"] as? String != nil) == speakers)
                }
                #expect(segments[1]["startSeconds"] as? Double == 2.5 && segments[1]["endSeconds"] as? Double == 5.0)
                let statements = try #require(note["statements"] as? [[String: Any]])
                let timed = statements.flatMap { ($0["evidence"] as? [[String: Any]]) ?? [] }
                #expect(!timed.isEmpty)
                for evidence in timed {
                    let from = try #require(evidence["startSeconds"] as? Double)
                    let to = try #require(evidence["endSeconds"] as? Double)
                    #expect(0.5 <= from && from <= to && to <= 9.5)
                }
                // The patient's turn about the cough was said from 2.5 to 7.75 s.
                if speakers {
                    let cough = statements.first { ($0["text"] as? String)?.lowercased().contains("cough") == true }
                    let times = ((cough?["evidence"] as? [[String: Any]]) ?? []).map {
                        [$0["startSeconds"] as? Double, $0["endSeconds"] as? Double]
                    }
                    #expect(times.contains([2.5, 7.75]) || times.contains([2.5, 5.0]), "\(times)")
                }
            }
        }
    }
}
