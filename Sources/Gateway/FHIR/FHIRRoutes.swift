import FHIR
import Foundation
import Hummingbird
import Mapping
import Scribe
import Store
import Transcription

/// The FHIR R4 face of the gateway: `GET /fhir/metadata` and the `$soap-note` operation (system level and on an
/// Encounter), with the /v1 API's keys, scopes, rate limits, note store and audit. Errors are OperationOutcomes.
struct FHIRRoutes: Sendable {
    let v1: V1Routes
    var renderer: NoteFHIRRenderer { NoteFHIRRenderer(mapping: v1.configuration.fhirMapping) }

    func register(on router: Router<APIRequestContext>) {
        router.get("fhir/metadata") { request, _ in
            FHIRFormat.requested(request).response(.ok, Self.capabilityStatement)
        }
        router.post("fhir") { request, context in try await bundleIntake(request, context) }
        router.get("fhir/DocumentReference") { request, context in try await searchDocumentReferences(request, context) }
        router.get("fhir/DocumentReference/:id") { request, context in
            try await readResource("DocumentReference", request, context)
        }
        router.get("fhir/Composition/:id") { request, context in try await readResource("Composition", request, context) }
        router.post("fhir/$soap-note") { request, context in try await soapNote(request, context, encounterID: nil) }
        router.post("fhir/Encounter/:id/$soap-note") { request, context in
            try await soapNote(request, context, encounterID: context.parameters.get("id"))
        }
        router.get("fhir/$soap-note-status/:id") { request, context in try await soapNoteStatus(request, context) }
        router.delete("fhir/$soap-note-status/:id") { request, context in try await cancelSoapNote(request, context) }
    }

    func soapNote(_ request: Request, _ context: APIRequestContext, encounterID: String?) async throws -> Response {
        let format = FHIRFormat.requested(request)
        do {
            let key = try await authenticate(request, context, scope: .notesWrite, action: .create)
            do {
                let parameters = try await readBody(request, limit: recordingBodyLimit)
                let (parsed, visit, recording) = try Self.job(
                    parameters, encounterID: encounterID,
                    maximumAudioBytes: v1.configuration.audio.limits.maximumBytes)
                var job = parsed
                var transcriptPath = Self.parameterPath("transcript", in: parameters)
                if let recording, Self.prefersAsync(request) {
                    // Prefer: respond-async: 202 and the status URL (FHIRRoutes+Async).
                    let (accepted, id) = try await acceptAsync(
                        job, visit: visit, recording: recording, key: key, format: format)
                    await v1.record(.create, key: key, noteID: id, status: 202, error: nil, context)
                    return accepted
                }
                if let recording {
                    job.transcript = try await transcript(of: recording, operation: "soap-note")
                    transcriptPath = recording.path + ".data"
                }
                let made = try await makeNote(
                    job, visit: visit, key: key, source: nil, transcriptPath: transcriptPath,
                    fromRecording: recording != nil)
                await v1.record(.create, key: key, noteID: made.noteID, status: 200, error: nil, context)
                return format.response(.ok, made.bundle)
            } catch let error as FHIRError {
                await v1.record(.create, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
                throw error
            }
        } catch let error as FHIRError {
            return format.response(error.status, error.outcome, headers: error.headers)
        }
    }

    /// The caller's key, with the scope the action needs; failures as OperationOutcomes (and audited).
    func authenticate(
        _ request: Request, _ context: APIRequestContext, scope: APIScope, action: AuditRecord.Action,
        noteID: String? = nil
    ) async throws(FHIRError) -> APIKeyRecord {
        do {
            return try await v1.authenticate(request, context, scope: scope, action: action, noteID: noteID)
        } catch let error as APIError {
            throw FHIRError(error)
        } catch {
            throw FHIRError(.internalServerError, "exception", "the request could not be authorized")
        }
    }

    /// A note made through `/fhir`: its id, and its document Bundle.
    struct MadeNote {
        var noteID: String
        var createdAt: String
        var bundle: JSONValue
    }

    /// Writes the note, codes it, renders its document Bundle, and stores the note with its FHIR form and what it
    /// is searched by (the patient, the encounter, and `source`, which makes a second request a duplicate).
    /// `fromRecording`: the transcript was transcribed from a recording (a transcript that cannot be used is then the
    /// recording's problem, 422).
    func makeNote(
        _ job: NoteJob, visit: Visit, key: APIKeyRecord, source: String?, transcriptPath: String,
        fromRecording: Bool = false
    ) async throws(FHIRError) -> MadeNote {
        let note: Note
        do {
            note = fromRecording ? try v1.service.writeAudioNote(job) : try v1.service.write(job)
        } catch {
            // The transcript cannot be used: name its element.
            throw FHIRError(
                fromRecording ? .unprocessableContent : .badRequest, "value", error.message, expression: transcriptPath)
        }
        let codes = v1.service.codes(for: note, job: job)
        let renderer = renderer
        let lookup = NoteLookup(
            patient: visit.patient.flatMap { Self.literalReference($0) },
            encounter: visit.encounter.flatMap { Self.literalReference($0) }, source: source)
        var rendered: JSONValue = .null
        do {
            let (document, _) = try await v1.storing {
                try await v1.service.store(note, codes: codes, job: job, owner: key) { document in
                    rendered = renderer.documentBundle(
                        NoteFHIRInput(
                            note: note, codes: codes, noteID: document.noteId, date: document.createdAt,
                            patient: visit.patient, encounter: visit.encounter, practitioner: visit.practitioner))
                    return (JSONWriter.write(rendered), lookup)
                }
            }
            return MadeNote(noteID: document.noteId, createdAt: document.createdAt, bundle: rendered)
        } catch let error as APIError {
            throw FHIRError(error)
        } catch {
            throw FHIRError(.internalServerError, "exception", "the note could not be stored")
        }
    }

    /// `Patient/<id>` of a resource that has an id.
    static func literalReference(_ resource: JSONValue) -> String? {
        guard let type = resource["resourceType"]?.string, let id = resource["id"]?.string else { return nil }
        return "\(type)/\(id)"
    }

    /// Reads a Parameters resource sent as FHIR JSON or FHIR XML, within the body limit (`limit`, else the API's).
    func readBody(_ request: Request, limit: Int? = nil) async throws -> JSONValue {
        let limit = limit ?? v1.configuration.maximumBodyBytes
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
            .lowercased() ?? ""
        let isXML = ["application/fhir+xml", "application/xml", "text/xml"].contains(type)
        guard isXML || ["application/fhir+json", "application/json"].contains(type) else {
            throw FHIRError(.unsupportedMediaType, "not-supported", "send application/fhir+json or application/fhir+xml")
        }
        let bytes: [UInt8]
        do {
            // FHIR XML names its encoding in its declaration; FHIR JSON is UTF-8.
            if !isXML, let refusal = APIError.charsetRefusal(request.headers[.contentType]) { throw refusal }
            bytes = try await v1.body(request, limit: limit)
            // Past the API's own limit only a recording's inline data may take a body (`"data"` in JSON, `<data` in
            // XML); any other body that size is too large, however it was framed.
            let apiLimit = v1.configuration.maximumBodyBytes
            if bytes.count > apiLimit, !Self.mayCarryInlineData(bytes, xml: isXML) {
                throw APIError.payloadTooLarge(limit: apiLimit)
            }
        } catch let error as APIError {
            throw FHIRError(error)
        }
        let limits = JSONReader.Limits(maximumBytes: limit, maximumDepth: 64)
        do {
            return isXML ? try FHIRXMLReader(limits: limits).read(bytes) : try JSONReader(limits: limits).read(bytes)
        } catch {
            throw FHIRError(error)
        }
    }

    /// Whether a body names an attachment's inline data: the key `"data"` (JSON) or the element `<data` (XML).
    static func mayCarryInlineData(_ bytes: [UInt8], xml: Bool) -> Bool {
        let marker = Array((xml ? "<data" : "\"data\"").utf8)
        guard bytes.count >= marker.count, let first = marker.first else { return false }
        var index = 0
        let last = bytes.count - marker.count
        while index <= last {
            if bytes[index] == first, bytes[index..<(index + marker.count)].elementsEqual(marker) { return true }
            index += 1
        }
        return false
    }

    /// `Parameters.parameter[i]` of the first parameter named `name`.
    static func parameterPath(_ name: String, in parameters: JSONValue) -> String {
        let index = parameters["parameter"]?.array?.firstIndex { $0["name"]?.string == name } ?? 0
        return "Parameters.parameter[\(index)]"
    }

    /// The Patient, Encounter and Practitioner sent with the request.
    struct Visit {
        var patient: JSONValue?
        var encounter: JSONValue?
        var practitioner: JSONValue?

        /// Keeps a Patient, Encounter or Practitioner, with an id (`id`, else `fallbackID`, else a new
        /// `nb-<type>-<random>`) so that the note's resources can reference it.
        mutating func set(_ resource: JSONValue, fallbackID: String? = nil) {
            var copy = resource
            if copy["id"] == nil, case .object(var members) = copy {
                let type = copy["resourceType"]?.string?.lowercased() ?? "resource"
                members.insert(JSONMember("id", .string(fallbackID ?? "nb-\(type)-\(Hex.random(8))")), at: 1)
                copy = .object(members)
            }
            switch copy["resourceType"]?.string {
            case "Patient": patient = copy
            case "Encounter": encounter = copy
            case "Practitioner": practitioner = copy
            default: break
            }
        }
    }

    /// The note request in a Parameters resource: `transcript` (valueString; a valueAttachment with base64 text or
    /// a recording; or a DocumentReference or Media resource whose attachment is text/plain or a recording),
    /// `specialty`, `template`, `include-billing-codes`, and `patient`, `encounter` and `practitioner` resources.
    ///
    /// With a recording, the job's transcript is empty until the recording (returned, decoded) is transcribed; it is
    /// read, and refused over `maximumAudioBytes` from its base64 length, before the Parameters are validated.
    static func job(
        _ parameters: JSONValue, encounterID: String?,
        maximumAudioBytes: Int = TranscriptionLimits.default.maximumBytes
    ) throws -> (NoteJob, Visit, FHIRRecording?) {
        guard parameters["resourceType"]?.string == "Parameters" else {
            throw FHIRError(.badRequest, "invalid", "the body must be a Parameters resource", expression: "resourceType")
        }
        let (recording, hasTextTranscript) = try transcriptRecording(in: parameters, maximumBytes: maximumAudioBytes)
        if let recording, hasTextTranscript {
            throw FHIRError(
                .badRequest, "invalid", "a transcript and a recording; send one of them",
                expression: recording.path, detailCode: "TRANSCRIPT_AND_RECORDING")
        }
        if let issue = FHIRValidator().validate(parameters).first {
            throw FHIRError(.badRequest, issue.code, issue.message, expression: issue.expression)
        }
        var values: [String: (parameter: JSONValue, index: Int)] = [:]
        for (index, parameter) in (parameters["parameter"]?.array ?? []).enumerated() {
            if let name = parameter["name"]?.string, values[name] == nil { values[name] = (parameter, index) }
        }
        func path(_ name: String) -> String { "Parameters.parameter[\(values[name]?.index ?? 0)]" }
        func text(_ name: String) -> String? {
            guard let parameter = values[name]?.parameter else { return nil }
            return parameter["valueString"]?.string ?? parameter["valueCode"]?.string
        }
        var transcript = recording == nil ? text("transcript") : ""
        if transcript == nil, let resource = values["transcript"]?.parameter["resource"] {
            let attachments = FHIRRecording.attachments(of: resource, path: path("transcript") + ".resource")
            guard let attachment = attachments.first else {
                throw FHIRError(
                    .badRequest, "value",
                    "a transcript resource must be a DocumentReference or a Media with an attachment",
                    expression: path("transcript") + ".resource")
            }
            guard let text = attachments.first(where: { FHIRRecording.kind(of: $0.json) == .text }) else {
                throw FHIRRecording.unsupported(attachment)
            }
            guard let data = text.json["data"]?.string,
                let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters),
                let string = String(data: decoded, encoding: .utf8)
            else {
                throw FHIRError(
                    .badRequest, text.json["url"] == nil ? "value" : "not-supported",
                    "the transcript attachment must hold base64 UTF-8 text; NoteBridge does not fetch attachment URLs",
                    expression: text.path + ".data")
            }
            transcript = string
        }
        if transcript == nil, let attachment = values["transcript"]?.parameter["valueAttachment"] {
            guard let data = attachment["data"]?.string,
                let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters),
                let string = String(data: decoded, encoding: .utf8)
            else {
                throw FHIRError(
                    .badRequest, "value", "the transcript attachment must hold base64 UTF-8 text",
                    expression: path("transcript") + ".valueAttachment.data")
            }
            transcript = string
        }
        guard let transcript else {
            throw FHIRError(
                .badRequest, "required", "a transcript parameter (valueString or valueAttachment) is required",
                expression: "Parameters.parameter")
        }
        var includeCodes = false
        if case .bool(let include)? = values["include-billing-codes"]?.parameter["valueBoolean"] { includeCodes = include }
        let job = try noteJob(
            transcript: transcript, specialty: text("specialty"), template: text("template"),
            includeBillingCodes: includeCodes
        ) { field in path(field == "include_billing_codes" ? "include-billing-codes" : field) }
        var visit = Visit()
        for (name, type) in [("patient", "Patient"), ("encounter", "Encounter"), ("practitioner", "Practitioner")] {
            guard let resource = values[name]?.parameter["resource"] else { continue }
            guard resource["resourceType"]?.string == type else {
                throw FHIRError(.badRequest, "value", "must be a \(type)", expression: path(name) + ".resource")
            }
            visit.set(resource)
        }
        if let encounterID, visit.encounter == nil {
            visit.encounter = .make([
                "resourceType": "Encounter", "id": .string(encounterID), "status": "finished",
                "class": .make([
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory",
                ]),
            ])
        }
        return (job, visit, recording)
    }

    /// The one recording in the `transcript` parameters (a valueAttachment, or the attachments of a DocumentReference
    /// or Media resource), decoded; and whether a transcript is sent as text beside it.
    static func transcriptRecording(
        in parameters: JSONValue, maximumBytes: Int
    ) throws(FHIRError) -> (FHIRRecording?, hasText: Bool) {
        var attachments: [FHIRRecording.Attachment] = []
        var hasText = false
        for (index, parameter) in (parameters["parameter"]?.array ?? []).enumerated()
        where parameter["name"]?.string == "transcript" {
            let path = "Parameters.parameter[\(index)]"
            if parameter["valueString"] != nil { hasText = true }
            if let attachment = parameter["valueAttachment"] {
                attachments.append(FHIRRecording.Attachment(json: attachment, path: path + ".valueAttachment"))
            }
            if let resource = parameter["resource"] {
                attachments += FHIRRecording.attachments(of: resource, path: path + ".resource")
            }
        }
        let recording = try FHIRRecording.single(in: attachments, maximumBytes: maximumBytes)
        hasText = hasText || attachments.contains { FHIRRecording.kind(of: $0.json) == .text }
        return (recording, hasText)
    }

    /// The note request, validated as the /v1 API validates it (the same typed request value, never a JSON round
    /// trip); `path` names the element of a field at fault.
    static func noteJob(
        transcript: String, specialty: String?, template: String?, includeBillingCodes: Bool,
        path: (String) -> String
    ) throws(FHIRError) -> NoteJob {
        var body = NoteRequestBody()
        body.transcript = transcript
        body.specialty = specialty
        body.template = template
        body.includeBillingCodes = includeBillingCodes
        do {
            return try NoteJob(body)
        } catch {
            throw FHIRError(.badRequest, "value", error.message, expression: path(error.details.first?.field ?? "transcript"))
        }
    }

    /// What the server supports, truthfully: JSON and XML; Bundle intake (transaction or collection); reads and a
    /// search of the DocumentReferences and Compositions it produced; the `$soap-note` operation.
    static let capabilityStatement: JSONValue = .make([
        "resourceType": "CapabilityStatement", "status": "active", "date": "2026-11-29", "kind": "instance",
        "software": .make(["name": "NoteBridge", "version": "0.5.0"]),
        "implementation": .make(["description": "NoteBridge EHR integration gateway: SOAP notes from transcripts"]),
        "fhirVersion": "4.0.1", "format": ["json", "xml", "application/fhir+json", "application/fhir+xml"],
        "rest": [
            .make([
                "mode": "server",
                "documentation": "Reads and searches cover the notes made through /fhir by the calling API key, until they expire.",
                "security": .make([
                    "cors": false,
                    "description": "Bearer API keys (Authorization: Bearer nb_live_...), as for the /v1 API: scope notes:write to make notes, notes:read to read them",
                ]),
                "resource": [
                    .make([
                        "type": "DocumentReference",
                        "supportedProfile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference"],
                        "documentation": "The SOAP note as a clinical note (text/plain and text/html attachments); id nb-<note>-doc.",
                        "interaction": [.make(["code": "read"]), .make(["code": "search-type"])],
                        "versioning": "no-version", "readHistory": false, "updateCreate": false,
                        "searchParam": [
                            .make([
                                "name": "patient", "definition": "http://hl7.org/fhir/SearchParameter/clinical-patient",
                                "type": "reference", "documentation": "Patient/id or id (subject is accepted too)",
                            ]),
                            .make([
                                "name": "encounter", "definition": "http://hl7.org/fhir/SearchParameter/clinical-encounter",
                                "type": "reference",
                            ]),
                            .make([
                                "name": "date", "definition": "http://hl7.org/fhir/SearchParameter/clinical-date",
                                "type": "date", "documentation": "prefixes eq, ge, gt, le, lt; repeatable",
                            ]),
                        ],
                    ]),
                    .make([
                        "type": "Composition",
                        "supportedProfile": ["http://notebridge.dev/fhir/StructureDefinition/notebridge-soap-note"],
                        "documentation": "The SOAP note as a Composition with LOINC sections; id nb-<note>.",
                        "interaction": [.make(["code": "read"])], "versioning": "no-version",
                    ]),
                ],
                "interaction": [
                    .make([
                        "code": "transaction",
                        "documentation": "POST [base] with a transaction or collection Bundle: Patient, Encounter, Practitioner and the transcript as a DocumentReference with a text/plain attachment, or the recording as a DocumentReference or Media whose attachment is audio (inline base64 data, transcribed while the request waits); returns a transaction-response Bundle. Idempotent by the transcript's identifier.",
                    ])
                ],
                "operation": [
                    .make([
                        "name": "soap-note",
                        "definition": "http://notebridge.dev/fhir/OperationDefinition/soap-note",
                        "documentation": "POST [base]/$soap-note or [base]/Encounter/[id]/$soap-note with Parameters (transcript as valueString, a text/plain valueAttachment, or a recording: an audio valueAttachment or a DocumentReference or Media resource whose attachment is audio, inline base64 data only, never a url; specialty; template; include-billing-codes; patient, encounter and practitioner resources) returns a document Bundle. A recording is transcribed while the request waits, for at most audio.syncWaitSeconds; with Prefer: respond-async it is queued as a durable job instead: 202 with Content-Location [base]/$soap-note-status/[id], where GET answers 202 (X-Progress, Retry-After) while it runs, then 200 with the same document Bundle, or the failure's OperationOutcome with the status the synchronous call would have used; DELETE there cancels (202). The status URL takes the same API key and scope (notes:write).",
                    ])
                ],
            ])
        ],
    ])
}
