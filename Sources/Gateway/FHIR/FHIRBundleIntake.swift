import FHIR
import Foundation
import Hummingbird
import Store
import Transcription

/// `POST /fhir` with a `transaction` or `collection` Bundle: Patient, Encounter and Practitioner (each at most
/// once) and the transcript as a DocumentReference with a `text/plain` attachment. The note is written and stored,
/// and a `transaction-response` Bundle answers each entry in order: the transcript's entry is `201 Created` with
/// the location of the note's DocumentReference (and the resource, unless `Prefer: return=minimal`); the other
/// entries are `200 OK`, used as the note's context and not stored as such.
///
/// The transcript DocumentReference's first identifier (`system|value`, or its masterIdentifier) makes the intake
/// idempotent per API key: sending the same Bundle again answers `200 OK` with the note already made.
extension FHIRRoutes {
    /// The extension on the transcript DocumentReference that carries the note options, as sub-extensions
    /// `specialty` (valueCode), `template` (valueCode) and `include-billing-codes` (valueBoolean, default true).
    static let optionsExtension = "http://notebridge.dev/fhir/StructureDefinition/note-options"

    func bundleIntake(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let format = FHIRFormat.requested(request)
        let minimal = (request.headers[.prefer] ?? "").lowercased().contains("return=minimal")
        do {
            let key = try await authenticate(request, context, scope: .notesWrite, action: .create)
            do {
                let bundle = try await readBody(request, limit: recordingBodyLimit)
                let intake = try Self.intake(bundle, maximumAudioBytes: v1.configuration.audio.limits.maximumBytes)
                let (noteID, createdAt, bundleForm, created) = try await note(for: intake, key: key)
                let reference = Self.entries(bundleForm).first { $0["resourceType"]?.string == "DocumentReference" }
                let referenceID = reference?["id"]?.string ?? ""
                var entries: [JSONValue] = []
                for (index, _) in (bundle["entry"]?.array ?? []).enumerated() {
                    if index == intake.transcriptEntry {
                        entries.append(
                            .make([
                                "fullUrl": .string("DocumentReference/\(referenceID)"),
                                "resource": minimal ? nil : reference.map { Self.versioned($0, createdAt: createdAt) },
                                "response": .make([
                                    "status": created ? "201 Created" : "200 OK",
                                    "location": .string("DocumentReference/\(referenceID)/_history/1"), "etag": #"W/"1""#,
                                    "lastModified": .string(createdAt),
                                ]),
                            ]))
                    } else {
                        entries.append(
                            .make([
                                "response": .make([
                                    "status": "200 OK",
                                    "outcome": Self.information(
                                        "used as the context of the note; NoteBridge does not store this resource"),
                                ])
                            ]))
                    }
                }
                await v1.record(.create, key: key, noteID: noteID, status: created ? 201 : 200, error: nil, context)
                let response: JSONValue = .make([
                    "resourceType": "Bundle", "type": "transaction-response", "entry": .array(entries),
                ])
                return format.response(.ok, response)
            } catch let error as FHIRError {
                await v1.record(.create, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
                throw error
            }
        } catch let error as FHIRError {
            return format.response(error.status, error.outcome, headers: error.headers)
        }
    }

    /// The note for the intake: the one this key already made from the same source, or a new one. Returns its id,
    /// creation time, document Bundle, and whether it is new.
    func note(for intake: Intake, key: APIKeyRecord) async throws(FHIRError) -> (String, String, JSONValue, Bool) {
        if let source = intake.source, let existing = try await existingNote(source: source, key: key) {
            return existing
        }
        var job = intake.job
        if let recording = intake.recording {
            job.transcript = try await transcript(of: recording, operation: "bundle-intake")
        }
        let made: MadeNote
        do {
            made = try await makeNote(
                job, visit: intake.visit, key: key, source: intake.source, transcriptPath: intake.transcriptPath,
                fromRecording: intake.recording != nil)
        } catch {
            // The same source stored by a concurrent request: answer with that note.
            guard error.status == .conflict, let source = intake.source,
                let existing = try await existingNote(source: source, key: key)
            else { throw error }
            return existing
        }
        return (made.noteID, made.createdAt, made.bundle, true)
    }

    /// The note this key already made from `source`, if any.
    func existingNote(source: String, key: APIKeyRecord) async throws(FHIRError) -> (String, String, JSONValue, Bool)? {
        let found = try await searching {
            try await v1.notes.note(ownerKeyID: key.id, source: source, request: nil, now: Date())
        }
        guard let stored = found?.note, let bundle = try Self.bundle(stored) else { return nil }
        return (stored.id, Self.createdAt(stored), bundle, false)
    }

    /// What a Bundle asks for.
    struct Intake {
        var job: NoteJob
        var visit: Visit
        /// `system|value` of the transcript's identifier.
        var source: String?
        /// The index of the transcript's entry.
        var transcriptEntry: Int
        /// Where the transcript text is, for errors.
        var transcriptPath: String
        /// The recording to transcribe, when the visit is sent as audio (the job's transcript is empty until then).
        var recording: FHIRRecording?
    }

    /// Reads the Bundle: its type, the visit resources and the one transcript DocumentReference, or the one
    /// recording (a DocumentReference or Media whose attachment is audio), read and refused over `maximumAudioBytes`
    /// (from its base64 length) before the Bundle is validated.
    static func intake(
        _ bundle: JSONValue, maximumAudioBytes: Int = TranscriptionLimits.default.maximumBytes
    ) throws(FHIRError) -> Intake {
        guard bundle["resourceType"]?.string == "Bundle" else {
            throw FHIRError(.badRequest, "invalid", "POST /fhir takes a Bundle", expression: "resourceType")
        }
        var recordings: [(entry: Int, attachment: FHIRRecording.Attachment)] = []
        for (index, entry) in (bundle["entry"]?.array ?? []).enumerated() {
            guard let resource = entry["resource"] else { continue }
            for attachment in FHIRRecording.attachments(of: resource, path: "Bundle.entry[\(index)].resource")
            where FHIRRecording.kind(of: attachment.json) == .recording {
                recordings.append((index, attachment))
            }
        }
        let recording = try FHIRRecording.single(in: recordings.map { $0.attachment }, maximumBytes: maximumAudioBytes)
        let recordingEntry = recordings.first?.entry
        let issues = FHIRValidator().validate(bundle).filter { $0.severity == .error }
        if !issues.isEmpty {
            throw FHIRError(issues: issues)
        }
        let model: R4.Bundle
        do {
            model = try R4.Bundle(resource: bundle)
        } catch {
            throw FHIRError(error)
        }
        guard let type = model.type, type == "transaction" || type == "collection" else {
            throw FHIRError(
                .badRequest, "not-supported", "the Bundle type must be transaction or collection", expression: "Bundle.type")
        }
        var visit = Visit()
        var seen: [String: Int] = [:]
        var transcript: (index: Int, resource: R4.DocumentReference)?
        for (index, entry) in model.entry.enumerated() {
            let path = "Bundle.entry[\(index)]"
            guard let resource = entry.resource, let resourceType = resource.resourceType else {
                throw FHIRError(.badRequest, "required", "every entry must hold a resource", expression: path + ".resource")
            }
            if type == "transaction" {
                guard let method = entry.request?.method, ["POST", "PUT"].contains(method) else {
                    throw FHIRError(
                        .badRequest, "not-supported", "entries must be POST or PUT requests", expression: path + ".request.method")
                }
            }
            switch resourceType {
            case "Patient", "Encounter", "Practitioner":
                if let first = seen[resourceType] {
                    throw FHIRError(
                        .badRequest, "invalid",
                        "a second \(resourceType) (the first is entry \(first)); send one visit per Bundle",
                        expression: path + ".resource")
                }
                seen[resourceType] = index
                // A PUT names the id the EHR uses: keep it for references.
                let url = entry.request?.url ?? ""
                let fallback = reference(url, type: resourceType).map { String($0.dropFirst(resourceType.count + 1)) }
                visit.set(resource, fallbackID: url.hasPrefix(resourceType + "/") ? fallback : nil)
            case "DocumentReference":
                let document = R4.DocumentReference(json: resource)
                guard document.content.contains(where: { isPlainText($0.attachment) }) else { continue }
                if recordingEntry != nil {
                    throw FHIRError(
                        .badRequest, "invalid", "a transcript and a recording; send one of them",
                        expression: path + ".resource", detailCode: "TRANSCRIPT_AND_RECORDING")
                }
                if let first = transcript {
                    throw FHIRError(
                        .badRequest, "invalid",
                        "a second text/plain DocumentReference (the first is entry \(first.index)); send one transcript per Bundle",
                        expression: path + ".resource")
                }
                transcript = (index, document)
            default:
                continue
            }
        }
        if let recording, let recordingEntry {
            // A Media's identifier and extensions are read through the DocumentReference view (the same elements).
            return try intake(
                of: R4.DocumentReference(json: model.entry[recordingEntry].resource ?? .null), entry: recordingEntry,
                text: "", dataPath: recording.path + ".data", optionsPath: "Bundle.entry[\(recordingEntry)].resource",
                visit: visit, recording: recording)
        }
        guard let transcript else {
            throw FHIRError(
                .badRequest, "required",
                "the Bundle holds no DocumentReference with a text/plain attachment (the transcript), nor a"
                    + " DocumentReference or Media with an audio attachment (a recording)",
                expression: "Bundle.entry")
        }
        let base = "Bundle.entry[\(transcript.index)].resource"
        let contents = transcript.resource.content
        guard let contentIndex = contents.firstIndex(where: { isPlainText($0.attachment) }),
            let attachment = contents[contentIndex].attachment
        else {
            throw FHIRError(.badRequest, "required", "no text/plain attachment", expression: base + ".content")
        }
        let attachmentPath = "\(base).content[\(contentIndex)].attachment"
        let contentType = attachment.contentType?.lowercased() ?? ""
        if let charset = contentType.split(separator: ";").dropFirst().first(where: { $0.contains("charset=") }),
            !["utf-8", "utf8", "\"utf-8\""].contains(charset.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "")
        {
            throw FHIRError(.badRequest, "not-supported", "the transcript must be UTF-8", expression: attachmentPath + ".contentType")
        }
        guard let data = attachment.data else {
            throw FHIRError(
                .badRequest, attachment.url == nil ? "required" : "not-supported",
                "send the transcript text as base64 data; NoteBridge does not fetch attachment URLs",
                expression: attachmentPath + ".data")
        }
        guard let decoded = Data(base64Encoded: data, options: .ignoreUnknownCharacters),
            let text = String(data: decoded, encoding: .utf8)
        else {
            throw FHIRError(.badRequest, "value", "the transcript must be base64 UTF-8 text", expression: attachmentPath + ".data")
        }
        return try intake(
            of: transcript.resource, entry: transcript.index, text: text, dataPath: attachmentPath + ".data",
            optionsPath: base, visit: visit, recording: nil)
    }

    /// The intake of the transcript (or recording) resource at `entry`: the note options from its note-options
    /// extension, and its identifier as the source.
    static func intake(
        of document: R4.DocumentReference, entry: Int, text: String, dataPath: String, optionsPath base: String,
        visit: Visit, recording: FHIRRecording?
    ) throws(FHIRError) -> Intake {
        let transcript = (index: entry, resource: document)
        // Options from the note-options extension.
        var specialty: String?
        var template: String?
        var includeCodes = true
        var optionsPath = base + ".extension"
        let extensions = transcript.resource.extension
        if let index = extensions.firstIndex(where: { $0.url == optionsExtension }) {
            optionsPath = "\(base).extension[\(index)]"
            for option in extensions[index].extension {
                switch option.url {
                case "specialty": specialty = option.valueCode ?? option.valueString
                case "template": template = option.valueCode ?? option.valueString
                case "include-billing-codes": includeCodes = option.valueBoolean ?? includeCodes
                default: continue
                }
            }
        }
        let job = try noteJob(
            transcript: text, specialty: specialty, template: template, includeBillingCodes: includeCodes
        ) { field in
            field == "transcript" ? dataPath : optionsPath
        }
        var source: String?
        let identifier = transcript.resource.identifier.first ?? transcript.resource.masterIdentifier
        if let value = identifier?.value {
            source = (identifier?.system ?? "") + "|" + value
        }
        return Intake(
            job: job, visit: visit, source: source, transcriptEntry: transcript.index, transcriptPath: dataPath,
            recording: recording)
    }

    static func isPlainText(_ attachment: R4.Attachment?) -> Bool {
        attachment?.contentType?.lowercased().hasPrefix("text/plain") == true
    }

    /// An OperationOutcome with one `information` issue.
    static func information(_ text: String) -> JSONValue {
        .make([
            "resourceType": "OperationOutcome",
            "issue": [.make(["severity": "information", "code": "informational", "diagnostics": .string(text)])],
        ])
    }

    /// The resource with `meta.versionId` 1 and `meta.lastUpdated`.
    static func versioned(_ resource: JSONValue, createdAt: String) -> JSONValue {
        guard case .object(var members) = resource else { return resource }
        var meta = resource["meta"]?.members ?? []
        meta.removeAll { $0.key == "versionId" || $0.key == "lastUpdated" }
        meta.insert(contentsOf: [JSONMember("versionId", "1"), JSONMember("lastUpdated", .string(createdAt))], at: 0)
        if let index = members.firstIndex(where: { $0.key == "meta" }) {
            members[index].value = .object(meta)
        } else {
            members.insert(JSONMember("meta", .object(meta)), at: min(2, members.count))
        }
        return .object(members)
    }
}
