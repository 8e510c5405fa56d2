import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import Testing
import Transcription

@testable import Gateway
import TestSupport

/// Recordings sent inline in FHIR attachments: `$soap-note` Parameters and Bundle intake.
@Suite("/fhir recordings")
struct FHIRRecordingTests {
    @Test("past the API's body limit only a body that names inline data may be read (else 413 however framed)")
    func inlineDataMarker() {
        let attachment = Array(#"{"content":[{"attachment":{"data":"UklGR"}}]}"#.utf8)
        #expect(FHIRRoutes.mayCarryInlineData(attachment, xml: false))
        let xml = Array(#"<attachment><data value="UklGR"/></attachment>"#.utf8)
        #expect(FHIRRoutes.mayCarryInlineData(xml, xml: true))
        let text = Array(#"{"transcript":"The patient reports a cough."}"#.utf8)
        #expect(!FHIRRoutes.mayCarryInlineData(text, xml: false))
        #expect(!FHIRRoutes.mayCarryInlineData(Array("<dat".utf8), xml: true))
    }

    typealias F = V1APIFixture

    /// The first bytes of a WAV file (a RIFF header), enough for the container to be recognised.
    static let wavHeader: [UInt8] = Array("RIFF".utf8) + [0x24, 0, 0, 0] + Array("WAVEfmt ".utf8) + [16, 0, 0, 0]
    static let pdf: [UInt8] = Array("%PDF-1.7\n%not a recording at all\n".utf8)

    static func base64(_ bytes: [UInt8]) -> JSONValue { .string(Data(bytes).base64EncodedString()) }

    static func attachment(_ type: String?, data: JSONValue? = base64(wavHeader), url: String? = nil) -> JSONValue {
        .make(["contentType": type.map { .string($0) }, "data": data, "url": url.map { .string($0) }])
    }

    static func documentReference(_ attachments: [JSONValue]) -> JSONValue {
        .make([
            "resourceType": "DocumentReference", "status": "current",
            "content": .array(attachments.map { .make(["attachment": $0]) }),
        ])
    }

    static func media(_ attachment: JSONValue) -> JSONValue {
        .make(["resourceType": "Media", "status": "completed", "content": attachment])
    }

    static func parameters(_ transcripts: [JSONValue]) -> JSONValue {
        .make([
            "resourceType": "Parameters",
            "parameter": .array(
                transcripts.map { value in
                    var members: [JSONMember] = [JSONMember("name", "transcript")]
                    if value["resourceType"] != nil {
                        members.append(JSONMember("resource", value))
                    } else if let text = value.string {
                        members.append(JSONMember("valueString", .string(text)))
                    } else {
                        members.append(JSONMember("valueAttachment", value))
                    }
                    return .object(members)
                } + [.make(["name": "specialty", "valueCode": "physician"])]),
        ])
    }

    static func refusal(_ body: () throws -> Void) -> FHIRError? {
        do {
            try body()
            return nil
        } catch let error as FHIRError {
            return error
        } catch {
            return FHIRError(.internalServerError, "exception", "\(type(of: error))")
        }
    }

    @Test("An attachment is a recording by its audio/* type, or by its first bytes whatever type it declares")
    func kinds() {
        #expect(FHIRRecording.kind(of: Self.attachment("text/plain; charset=utf-8")) == .text)
        #expect(FHIRRecording.kind(of: Self.attachment("audio/wav")) == .recording)
        #expect(FHIRRecording.kind(of: Self.attachment("AUDIO/MPEG", data: nil, url: "https://x.test/a.mp3")) == .recording)
        #expect(FHIRRecording.kind(of: Self.attachment("application/octet-stream")) == .recording)
        #expect(FHIRRecording.kind(of: Self.attachment(nil)) == .recording)
        #expect(FHIRRecording.kind(of: Self.attachment("application/pdf", data: Self.base64(Self.pdf))) == .other)
        #expect(FHIRRecording.kind(of: Self.attachment(nil, data: "%%%%")) == .other)
        #expect(FHIRRecording.kind(of: Self.attachment(nil, data: nil)) == .other)
    }

    @Test("$soap-note Parameters: a DocumentReference, a Media or a valueAttachment carries the recording")
    func parsing() throws {
        let document = Self.parameters([
            Self.documentReference([Self.attachment("image/png", data: Self.base64([0x89, 0x50])), Self.attachment("audio/wav")])
        ])
        let (job, _, recording) = try FHIRRoutes.job(document, encounterID: "e-1")
        #expect(recording == FHIRRecording(audio: Self.wavHeader, path: "Parameters.parameter[0].resource.content[1].attachment"))
        #expect(job.transcript.isEmpty)
        let media = try FHIRRoutes.job(Self.parameters([Self.media(Self.attachment("audio/x-wav"))]), encounterID: nil)
        #expect(media.2?.path == "Parameters.parameter[0].resource.content")
        let inline = try FHIRRoutes.job(Self.parameters([Self.attachment("application/octet-stream")]), encounterID: nil)
        #expect(inline.2?.audio == Self.wavHeader)
        #expect(inline.2?.path == "Parameters.parameter[0].valueAttachment")
        // Line breaks inside the base64 text are allowed (base64Binary), as in a wrapped XML document.
        let wrapped = Data(Self.wavHeader).base64EncodedString(options: .lineLength64Characters)
        let broken = try FHIRRoutes.job(Self.parameters([Self.attachment("audio/wav", data: .string(wrapped))]), encounterID: nil)
        #expect(broken.2?.audio == Self.wavHeader)
        // A transcript as text still is one.
        let text = try FHIRRoutes.job(Self.parameters([.string(F.transcript)]), encounterID: nil)
        #expect(text.2 == nil && text.0.transcript == F.transcript)
        let textDocument = try FHIRRoutes.job(
            Self.parameters([Self.documentReference([Self.attachment("text/plain", data: Self.base64(Array(F.transcript.utf8)))])]),
            encounterID: nil)
        #expect(textDocument.2 == nil && textDocument.0.transcript == F.transcript)
    }

    @Test("A recording over audio.maxBytes is refused from its base64 length, before it is decoded")
    func limitBeforeDecoding() {
        // 4000 characters would decode to ~3000 bytes; the trailing character is not base64, which decoding would find.
        let data = JSONValue.string(String(repeating: "A", count: 4_000) + "*")
        let error = Self.refusal {
            _ = try FHIRRoutes.job(Self.parameters([Self.attachment("audio/wav", data: data)]), encounterID: nil, maximumAudioBytes: 1_000)
        }
        #expect(error?.status == .contentTooLarge)
        #expect(error?.code == "too-costly")
        #expect(error?.detailCode == "AUDIO_TOO_LARGE")
        #expect(error?.expression == "Parameters.parameter[0].valueAttachment.data")
        // Within the limit, the same text is decoded and its bad character found.
        let bad = Self.refusal {
            _ = try FHIRRoutes.job(Self.parameters([Self.attachment("audio/wav", data: data)]), encounterID: nil, maximumAudioBytes: 10_000)
        }
        #expect(bad?.detailCode == "INVALID_BASE64")
    }

    typealias R = FHIRRecordingTests

    /// Bad recordings: the `transcript` parameters, and the status, issue type, detail code and element of the refusal.
    static let refusalCases: [([JSONValue], Int, String, String, String)] = [
            // An attachment url is never fetched.
            (
                [R.documentReference([R.attachment("audio/mpeg", data: nil, url: "https://ehr.test/a.mp3")])],
                400, "not-supported", "ATTACHMENT_URL_NOT_FETCHED", "Parameters.parameter[0].resource.content[0].attachment.url"
            ),
            (
                [R.documentReference([R.attachment(nil, data: nil, url: "https://ehr.test/a")])],
                400, "not-supported", "ATTACHMENT_URL_NOT_FETCHED", "Parameters.parameter[0].resource.content[0].attachment.url"
            ),
            // Not strict base64.
            (
                [R.attachment("audio/wav", data: "UklGRg==UklGRg==")], 400, "value", "INVALID_BASE64",
                "Parameters.parameter[0].valueAttachment.data"
            ),
            (
                [R.media(R.attachment("audio/wav", data: "UklGR*not-base64"))], 400, "value", "INVALID_BASE64",
                "Parameters.parameter[0].resource.content.data"
            ),
            (
                [R.attachment("audio/wav", data: "UklGRg")], 400, "value", "INVALID_BASE64",
                "Parameters.parameter[0].valueAttachment.data"
            ),
            // Neither text nor audio.
            (
                [R.documentReference([R.attachment("application/pdf", data: R.base64(R.pdf))])], 422, "not-supported",
                "UNSUPPORTED_ATTACHMENT", "Parameters.parameter[0].resource.content[0].attachment.contentType"
            ),
            // Two recordings, in one resource or in two parameters.
            (
                [R.documentReference([R.attachment("audio/wav"), R.attachment("audio/ogg")])], 400, "invalid", "TWO_RECORDINGS",
                "Parameters.parameter[0].resource.content[1].attachment"
            ),
            (
                [R.media(R.attachment("audio/wav")), R.attachment("audio/wav")], 400, "invalid", "TWO_RECORDINGS",
                "Parameters.parameter[1].valueAttachment"
            ),
            // A transcript and a recording.
            (
                [.string(V1APIFixture.transcript), R.media(R.attachment("audio/wav"))], 400, "invalid", "TRANSCRIPT_AND_RECORDING",
                "Parameters.parameter[1].resource.content"
            ),
            (
                [R.attachment("audio/wav", data: "")], 422, "value", "CORRUPT_AUDIO", "Parameters.parameter[0].valueAttachment.data"
            ),
        ]

    @Test("Each refusal has its status, issue type, detail code and element", arguments: refusalCases)
    func refusals(transcripts: [JSONValue], status: Int, code: String, detail: String, expression: String) throws {
        let error = try #require(Self.refusal { _ = try FHIRRoutes.job(Self.parameters(transcripts), encounterID: nil) })
        #expect(Int(error.status.code) == status, "\(error.message)")
        #expect(error.code == code)
        #expect(error.detailCode == detail)
        #expect(error.expression == expression)
        // The OperationOutcome carries the detail code, and never the data.
        let outcome = error.outcome
        #expect(FHIRValidator().validate(outcome).isEmpty)
        let issue = outcome["issue"]?.array?.first
        #expect(issue?["details"]?["coding"]?.array?.first?["code"]?.string == detail)
        #expect(issue?["details"]?["coding"]?.array?.first?["system"]?.string == FHIRError.errorCodeSystem)
        #expect(!String(decoding: JSONWriter.write(outcome), as: UTF8.self).contains("UklGR"))
    }

    @Test("Transcription errors keep the /v1 status and code, as the issue's details, at the attachment's data")
    func transcriptionErrors() {
        let cases: [(TranscriptionError.Code, Int, String, String)] = [
            (.unsupportedContainer, 415, "not-supported", "UNSUPPORTED_AUDIO"),
            (.corruptAudio, 422, "value", "CORRUPT_AUDIO"),
            (.silentAudio, 422, "value", "SILENT_AUDIO"),
            (.tooLarge, 413, "too-costly", "AUDIO_TOO_LARGE"),
            (.tooLong, 422, "too-costly", "AUDIO_TOO_LONG"),
            (.remoteUnreachable, 502, "exception", "REMOTE_TRANSCRIPTION_FAILED"),
            (.remoteHTTPStatus, 502, "exception", "REMOTE_TRANSCRIPTION_FAILED"),
            (.remoteTimedOut, 504, "timeout", "REMOTE_TRANSCRIPTION_TIMEOUT"),
            (.remoteRefusedAudio, 422, "value", "REMOTE_TRANSCRIPTION_REFUSED"),
            (.engineUnavailable, 503, "transient", "TRANSCRIPTION_UNAVAILABLE"),
            (.engineFailed, 500, "exception", "TRANSCRIPTION_FAILED"),
        ]
        for (code, status, issue, detail) in cases {
            let error = FHIRError(recording: TranscriptionError(code, reason: "the reason"), path: "Media.content")
            #expect(Int(error.status.code) == status, "\(code)")
            #expect(error.code == issue, "\(code)")
            #expect(error.detailCode == detail, "\(code)")
            #expect(error.expression == "Media.content.data")
        }
    }

    static func bundle(_ resources: [JSONValue], identifier: String = "visit-audio-1") -> JSONValue {
        .make([
            "resourceType": "Bundle", "type": "collection",
            "entry": .array(
                [.make(["resource": .make(["resourceType": "Patient", "id": "p-1", "gender": "female"])])]
                    + resources.map { resource in
                        guard case .object(var members) = resource else { return resource }
                        members.append(
                            JSONMember("identifier", [.make(["system": "urn:example:visits", "value": .string(identifier)])]))
                        return .make(["resource": .object(members)])
                    }),
        ])
    }

    @Test("Bundle intake: a DocumentReference or Media with audio is the recording; two, or text beside it, are refused")
    func bundleIntake() throws {
        let intake = try FHIRRoutes.intake(Self.bundle([Self.media(Self.attachment("audio/wav"))]))
        #expect(intake.recording?.audio == Self.wavHeader)
        #expect(intake.recording?.path == "Bundle.entry[1].resource.content")
        #expect(intake.transcriptEntry == 1)
        #expect(intake.source == "urn:example:visits|visit-audio-1")
        #expect(intake.job.transcript.isEmpty)
        let document = try FHIRRoutes.intake(Self.bundle([Self.documentReference([Self.attachment("audio/ogg")])]))
        #expect(document.recording?.path == "Bundle.entry[1].resource.content[0].attachment")
        let two = Self.refusal {
            _ = try FHIRRoutes.intake(
                Self.bundle([Self.media(Self.attachment("audio/wav")), Self.documentReference([Self.attachment("audio/wav")])]))
        }
        #expect(two?.detailCode == "TWO_RECORDINGS")
        let both = Self.refusal {
            _ = try FHIRRoutes.intake(
                Self.bundle([
                    Self.media(Self.attachment("audio/wav")),
                    Self.documentReference([Self.attachment("text/plain", data: Self.base64(Array(F.transcript.utf8)))]),
                ]))
        }
        #expect(both?.detailCode == "TRANSCRIPT_AND_RECORDING")
        let large = Self.refusal {
            _ = try FHIRRoutes.intake(Self.bundle([Self.media(Self.attachment("audio/wav"))]), maximumAudioBytes: 8)
        }
        #expect(large?.status == .contentTooLarge && large?.detailCode == "AUDIO_TOO_LARGE")
        let url = Self.refusal {
            _ = try FHIRRoutes.intake(Self.bundle([Self.media(Self.attachment("audio/wav", data: nil, url: "https://ehr.test/a"))]))
        }
        #expect(url?.detailCode == "ATTACHMENT_URL_NOT_FETCHED")
        // A PDF DocumentReference is context, as before; with no transcript nor recording the Bundle is refused.
        let none = Self.refusal {
            _ = try FHIRRoutes.intake(Self.bundle([Self.documentReference([Self.attachment("application/pdf", data: Self.base64(Self.pdf))])]))
        }
        #expect(none?.code == "required")
    }

    /// A fixture whose decodes use a scratch folder of the test's own, with one decoding thread.
    static func fixture(_ tools: AudioTools, syncWait: Duration = .seconds(30)) async throws -> V1APIFixture {
        let scratch = tools.path("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        var configuration = V1Routes.Configuration()
        configuration.audio.temporaryDirectory = scratch
        configuration.audio.engine = PocketSphinxEngine(workers: 1)
        configuration.audio.syncWait = syncWait
        return try await V1APIFixture(configuration: configuration)
    }

    static func post(_ client: some TestClientProtocol, _ fixture: F, _ body: JSONValue, uri: String = "/fhir/$soap-note")
        async throws -> (HTTPResponse.Status, JSONValue)
    {
        var headers = F.headers(fixture.key, contentType: "application/fhir+json")
        headers[.accept] = "application/fhir+json"
        let response = try await client.execute(
            uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: JSONWriter.write(body)))
        return (response.status, try JSONReader().read(Array(response.body.readableBytesView)))
    }

    @Test("$soap-note transcribes a spoken recording into the note; not-audio, silent and slow recordings are refused")
    func soapNoteWithSpeech() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let speech = try AudioTools.bytes(
                try await tools.speech("the patient has a cough and a fever for three days. the plan is rest and fluids."))
            let silence = try AudioTools.bytes(try await tools.silence(seconds: 2))
            let fixture = try await Self.fixture(tools)
            try await fixture.application().test(.router) { client in
                let (status, bundle) = try await Self.post(
                    client, fixture, Self.parameters([Self.documentReference([Self.attachment("audio/wav", data: Self.base64(speech))])]),
                    uri: "/fhir/Encounter/enc-3/$soap-note")
                #expect(status == .ok, "\(bundle)")
                #expect(bundle["type"] == "document")
                #expect(FHIRValidator().validate(bundle).isEmpty)
                let text = String(decoding: JSONWriter.write(bundle), as: UTF8.self).lowercased()
                #expect(text.contains("cough") || text.contains("fever"))
                #expect(try await fixture.store.noteCount() == 1)

                let (notAudio, outcome) = try await Self.post(
                    client, fixture, Self.parameters([Self.attachment("audio/wav", data: Self.base64(Self.pdf))]))
                #expect(notAudio == .unsupportedMediaType)
                #expect(outcome["issue"]?.array?.first?["details"]?["text"] == "UNSUPPORTED_AUDIO")
                let (silent, silentOutcome) = try await Self.post(
                    client, fixture, Self.parameters([Self.media(Self.attachment("audio/wav", data: Self.base64(silence)))]))
                #expect(silent == .unprocessableContent)
                #expect(silentOutcome["issue"]?.array?.first?["details"]?["text"] == "SILENT_AUDIO")
                #expect(try await fixture.store.noteCount() == 1)
            }
            // No spoken word in the log.
            #expect(!fixture.recorder.text.lowercased().contains("cough"))
            #expect(fixture.recorder.text.contains("recording of a FHIR request transcribed"))
            // A wait shorter than the transcription: refused, pointing to /v1/note/audio.
            let hurried = try await Self.fixture(tools, syncWait: .milliseconds(5))
            try await hurried.application().test(.router) { client in
                let (status, outcome) = try await Self.post(
                    client, hurried, Self.parameters([Self.attachment("audio/wav", data: Self.base64(speech))]))
                #expect(status == .unprocessableContent)
                let issue = outcome["issue"]?.array?.first
                #expect(issue?["code"] == "too-costly")
                #expect(issue?["details"]?["text"] == "SYNC_WAIT_EXCEEDED")
                #expect(issue?["diagnostics"]?.string?.contains("/v1/note/audio") == true)
                #expect(issue?["diagnostics"]?.string?.contains("Prefer: respond-async") == true)
            }
            #expect(Self.leftovers(tools).isEmpty)
        }
    }

    static func leftovers(_ tools: AudioTools) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: tools.path("scratch"))) ?? ["(no scratch folder)"]
    }
}
