import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import TestSupport
import Testing
import Transcription

@testable import Gateway

/// `$soap-note` with a recording and `Prefer: respond-async` (FHIR R4 §3.1.6): 202 with the status URL, progress
/// while the audio job runs, the synchronous call's document Bundle when it is done, its OperationOutcome when it
/// fails, cancellation by DELETE; only the key that asked reads it. Speech synthesized by espeak-ng, decoded by
/// ffmpeg; the speech engine is the held stand-in of ``V1AudioJobTests`` so that each state can be seen.
@Suite("/fhir $soap-note asynchronously")
struct FHIRAsyncSoapNoteTests {
    typealias F = V1APIFixture
    typealias R = FHIRRecordingTests
    typealias J = V1AudioJobTests

    static func parameters(_ recording: [UInt8]) -> JSONValue {
        .make([
            "resourceType": "Parameters",
            "parameter": [
                .make([
                    "name": "transcript",
                    "resource": R.documentReference([R.attachment("audio/ogg", data: R.base64(recording))]),
                ]),
                .make(["name": "specialty", "valueCode": "physician"]),
                .make(["name": "include-billing-codes", "valueBoolean": true]),
                .make([
                    "name": "patient",
                    "resource": .make(["resourceType": "Patient", "id": "p-async-7", "gender": "female"]),
                ]),
            ],
        ])
    }

    static func send(
        _ client: some TestClientProtocol, _ key: IssuedAPIKey, _ uri: String, method: HTTPRequest.Method = .get,
        body: JSONValue? = nil, async: Bool = false
    ) async throws -> (TestResponse, JSONValue) {
        var headers = F.headers(key, contentType: body == nil ? nil : "application/fhir+json")
        headers[.accept] = "application/fhir+json"
        if async { headers[.prefer] = "respond-async" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: JSONWriter.write($0)) })
        let bytes = Array(response.body.readableBytesView)
        return (response, bytes.isEmpty ? .null : try JSONReader().read(bytes))
    }

    /// GETs the status URL until `done` says so (or 20 s pass).
    static func poll(
        _ client: some TestClientProtocol, _ key: IssuedAPIKey, _ url: String, until done: (TestResponse) -> Bool
    ) async throws -> (TestResponse, JSONValue) {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let answer = try await send(client, key, url)
            if done(answer.0) || ContinuousClock.now > deadline { return answer }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    static func issue(_ outcome: JSONValue) -> JSONValue? { outcome["issue"]?.array?.first }

    /// The Bundle's JSON with the note's id and every timestamp replaced, so two notes of one request compare equal.
    static func normalized(_ bundle: JSONValue, id: String) throws -> String {
        let text = String(decoding: JSONWriter.write(bundle), as: UTF8.self)
            .replacingOccurrences(of: String(id.dropFirst("note_".count)), with: "ID")
        let time = try NSRegularExpression(pattern: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})"#)
        return time.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "TIME")
    }

    @Test("respond-async: 202 and Content-Location, 202 with X-Progress while it runs, then the sync call's Bundle")
    func acceptedThenDone() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = J.HeldEngine()
            let fixture = try await J.fixture(tools, engine: engine, wait: .seconds(30))
            let recording = try await J.recording(tools)
            let request = Self.parameters(recording)
            try await fixture.application().test(.router) { client in
                let (accepted, acknowledgment) = try await Self.send(
                    client, fixture.key, "/fhir/Encounter/enc-async-7/$soap-note", method: .post, body: request,
                    async: true)
                #expect(accepted.status == .accepted, "\(acknowledgment)")
                let url = try #require(accepted.headers[.contentLocation])
                #expect(url.hasPrefix("/fhir/$soap-note-status/note_"))
                let id = String(url.dropFirst("/fhir/$soap-note-status/".count))
                #expect(V1Routes.isNoteID(id))
                #expect(acknowledgment["resourceType"] == "OperationOutcome")
                #expect(FHIRValidator().validate(acknowledgment).isEmpty)

                let (running, progress) = try await Self.poll(client, fixture.key, url) { response in
                    response.headers[.xProgress]?.hasPrefix("0.0") == false
                        && response.headers[.xProgress]?.contains("of") == true
                }
                #expect(running.status == .accepted)
                #expect(running.headers[.retryAfter] == "2")
                #expect(running.headers[.xProgress]?.hasSuffix("seconds of the recording transcribed") == true)
                #expect(Self.issue(progress)?["severity"] == "information")

                // Another key, one without notes:write, an unknown id.
                let stranger = try await fixture.key(scopes: APIScope.allCases)
                let (other, otherOutcome) = try await Self.send(client, stranger, url)
                #expect(other.status == .notFound)
                #expect(Self.issue(otherOutcome)?["code"] == "not-found")
                let reader = try await fixture.key(scopes: [.notesRead])
                #expect(try await Self.send(client, reader, url).0.status == .forbidden)
                let (unknown, unknownOutcome) = try await Self.send(
                    client, fixture.key, "/fhir/$soap-note-status/note_" + String(repeating: "0", count: 32))
                #expect(unknown.status == .notFound)
                #expect(Self.issue(unknownOutcome)?["details"]?["text"] == "NOTE_NOT_FOUND")
                #expect(FHIRValidator().validate(unknownOutcome).isEmpty)

                engine.release()
                let (done, bundle) = try await Self.poll(client, fixture.key, url) { $0.status != .accepted }
                #expect(done.status == .ok, "\(bundle)")
                #expect(bundle["type"] == "document")
                #expect(FHIRValidator().validate(bundle).isEmpty)
                // The synchronous call with the same request answers the same Bundle (but for its id and times).
                let (sync, syncBundle) = try await Self.send(
                    client, fixture.key, "/fhir/Encounter/enc-async-7/$soap-note", method: .post, body: request)
                #expect(sync.status == .ok)
                let syncDocument = try #require(
                    syncBundle["entry"]?.array?.compactMap { $0["resource"] }
                        .first { $0["resourceType"] == "Composition" }?["id"]?.string)
                let syncID = "note_" + syncDocument.dropFirst("nb-".count)
                #expect(try Self.normalized(bundle, id: id) == Self.normalized(syncBundle, id: syncID))
                let text = String(decoding: JSONWriter.write(bundle), as: UTF8.self)
                #expect(text.contains("Patient/p-async-7") && text.contains("Encounter/enc-async-7"))
                // The note is searched by its patient, as the synchronous one is.
                let (search, found) = try await Self.send(
                    client, fixture.key, "/fhir/DocumentReference?patient=Patient/p-async-7")
                #expect(search.status == .ok)
                #expect(found["entry"]?.array?.count == 2, "\(found)")
                // In XML when asked, as the synchronous call answers.
                let xml = try await client.execute(
                    uri: url + "?_format=xml", method: .get, headers: F.headers(fixture.key, contentType: nil))
                #expect(xml.status == .ok)
                #expect(xml.headers[.contentType]?.hasPrefix("application/fhir+xml") == true)
                #expect(String(buffer: xml.body).contains("<Bundle xmlns=\"http://hl7.org/fhir\">"))
                // A note already made is not cancelled here.
                let (late, lateOutcome) = try await Self.send(client, fixture.key, url, method: .delete)
                #expect(late.status == .conflict)
                #expect(Self.issue(lateOutcome)?["code"] == "conflict")
                #expect(try await Self.send(client, fixture.key, url).0.status == .ok)
            }
            #expect(A.leftovers(tools).isEmpty)
            #expect(!fixture.recorder.text.contains("fluids"))
            #expect(!fixture.recorder.text.contains("p-async-7"))
        }
    }

    typealias A = V1AudioNoteTests

    @Test("a silent recording's job fails with the sync call's OperationOutcome; DELETE cancels a running one")
    func failedAndCancelled() async throws {
        try await AudioTools.exclusively {
            let tools = try AudioTools()
            defer { tools.remove() }
            let engine = J.HeldEngine()
            let fixture = try await J.fixture(tools, engine: engine)
            let silence = try AudioTools.bytes(try await tools.silence(seconds: 2))
            let recording = try await J.recording(tools)
            try await fixture.application().test(.router) { client in
                let (accepted, _) = try await Self.send(
                    client, fixture.key, "/fhir/$soap-note", method: .post, body: Self.parameters(silence), async: true)
                #expect(accepted.status == .accepted)
                let url = try #require(accepted.headers[.contentLocation])
                let (failed, outcome) = try await Self.poll(client, fixture.key, url) { $0.status != .accepted }
                #expect(failed.status == .unprocessableContent, "\(outcome)")
                #expect(FHIRValidator().validate(outcome).isEmpty)
                let issue = Self.issue(outcome)
                #expect(issue?["code"] == "value")
                #expect(issue?["details"]?["text"] == "SILENT_AUDIO")
                #expect(
                    issue?["expression"]?.array?.first == "Parameters.parameter[0].resource.content[0].attachment.data")
                #expect(try await fixture.store.noteCount() == 0)

                let (running, _) = try await Self.send(
                    client, fixture.key, "/fhir/$soap-note", method: .post, body: Self.parameters(recording),
                    async: true)
                let runningURL = try #require(running.headers[.contentLocation])
                _ = try await Self.poll(client, fixture.key, runningURL) { _ in engine.started > 0 }
                let (cancelled, cancelOutcome) = try await Self.send(client, fixture.key, runningURL, method: .delete)
                #expect(cancelled.status == .accepted)
                #expect(Self.issue(cancelOutcome)?["severity"] == "information")
                let deadline = ContinuousClock.now + .seconds(10)
                while engine.cancelled == 0 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(engine.cancelled == 1)
                #expect(try await Self.send(client, fixture.key, runningURL).0.status == .notFound)
                #expect(try await fixture.store.noteCount() == 0)
            }
            #expect(A.leftovers(tools).isEmpty)
        }
    }

    @Test("a job's stored failure reads as the synchronous call's OperationOutcome for the same problem")
    func failureOutcomes() {
        let path = "Parameters.parameter[0].valueAttachment"
        let context = FHIRJobContext(visit: FHIRRoutes.Visit(), recordingPath: path)
        let codes: [TranscriptionError.Code] = [
            .unsupportedContainer, .corruptAudio, .silentAudio, .tooLarge, .tooLong, .remoteUnreachable,
            .remoteTimedOut, .remoteRefusedAudio, .engineUnavailable, .engineFailed,
        ]
        for code in codes {
            let sync = FHIRError(recording: TranscriptionError(code, reason: "the reason"), path: path)
            let error = context.failure(APIError.audio(TranscriptionError(code, reason: "the reason")))
            let stored = AudioJobFailure(
                status: Int(error.status.code), code: error.code, message: error.message,
                field: error.details.first?.field, fieldMessage: error.details.first?.message)
            let async = FHIRError(jobFailure: stored)
            #expect(async.status == sync.status, "\(code)")
            #expect(async.code == sync.code, "\(code)")
            #expect(async.detailCode == sync.detailCode, "\(code)")
            #expect(async.expression == sync.expression, "\(code)")
            #expect(async.message == sync.message, "\(code)")
        }
        // Speech that cannot make a note is the recording's problem, 422, as synchronously.
        let unusable = context.failure(APIError.validation("audio", "the speech recognised in the recording is empty"))
        let failure = AudioJobFailure(
            status: 400, code: unusable.code, message: unusable.message, field: unusable.details.first?.field,
            fieldMessage: unusable.details.first?.message)
        let outcome = FHIRError(jobFailure: failure)
        #expect(outcome.status == .unprocessableContent && outcome.code == "value")
        #expect(outcome.expression == path + ".data")
    }

    @Test("the job keeps the request's resources and recording element, and reads them back")
    func contextRoundTrip() throws {
        var visit = FHIRRoutes.Visit()
        visit.set(.make(["resourceType": "Patient", "id": "p-1", "gender": "male"]))
        visit.set(.make(["resourceType": "Encounter", "status": "finished"]), fallbackID: "enc-1")
        let request = AudioJobRequest(
            options: NoteRequestBody(), fhir: FHIRJobContext(visit: visit, recordingPath: "Media.content"))
        let read = try AudioJobRequest.decode(try request.encoded())
        #expect(read.fhir == request.fhir)
        #expect(read.fhir?.visit.patient == visit.patient)
        #expect(read.fhir?.visit.encounter?["id"] == "enc-1")
        #expect(read.fhir?.visit.practitioner == nil)
        // A job queued before the field existed reads without it.
        let older = try AudioJobRequest.decode(Array(#"{"options":{}}"#.utf8))
        #expect(older.fhir == nil)
    }

    @Test("Prefer: respond-async among other preferences, any case; wait= alone is not asynchronous")
    func preference() {
        func prefers(_ values: [String]) -> Bool {
            var headers = HTTPFields()
            for value in values { headers.append(HTTPField(name: .prefer, value: value)) }
            let request = Request(
                head: HTTPRequest(
                    method: .post, scheme: "http", authority: "x", path: "/fhir/$soap-note", headerFields: headers),
                body: RequestBody(buffer: ByteBuffer()))
            return FHIRRoutes.prefersAsync(request)
        }
        #expect(prefers(["respond-async"]))
        #expect(prefers(["return=minimal, Respond-Async"]))
        #expect(prefers(["wait=10", "respond-async; x=1"]))
        #expect(!prefers(["wait=10"]))
        #expect(!prefers(["respond-asynchronously"]))
        #expect(!prefers([]))
    }
}
