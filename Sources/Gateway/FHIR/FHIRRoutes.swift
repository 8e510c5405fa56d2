import FHIR
import Foundation
import Hummingbird
import Mapping
import Scribe
import Store

/// The FHIR R4 face of the gateway: `GET /fhir/metadata` and the `$soap-note` operation (system level and on an
/// Encounter), with the /v1 API's keys, scopes, rate limits, note store and audit. Errors are OperationOutcomes.
struct FHIRRoutes: Sendable {
    let v1: V1Routes
    let renderer = NoteFHIRRenderer()

    func register(on router: Router<APIRequestContext>) {
        router.get("fhir/metadata") { request, _ in
            FHIRFormat.requested(request).response(.ok, Self.capabilityStatement)
        }
        router.post("fhir/$soap-note") { request, context in try await soapNote(request, context, encounterID: nil) }
        router.post("fhir/Encounter/:id/$soap-note") { request, context in
            try await soapNote(request, context, encounterID: context.parameters.get("id"))
        }
    }

    func soapNote(_ request: Request, _ context: APIRequestContext, encounterID: String?) async throws -> Response {
        let format = FHIRFormat.requested(request)
        do {
            let key: APIKeyRecord
            do {
                key = try await v1.authenticate(request, context, scope: .notesWrite, action: .create)
            } catch let error as APIError {
                throw FHIRError(error)
            }
            do {
                let parameters = try await readBody(request)
                let (job, visit) = try Self.job(parameters, encounterID: encounterID)
                let note: Note
                do {
                    note = try v1.service.write(job)
                } catch {
                    // The transcript cannot be used: name its parameter.
                    throw FHIRError(.badRequest, "value", error.message, expression: Self.parameterPath("transcript", in: parameters))
                }
                let codes = v1.service.codes(for: note, job: job)
                let (document, _) = try await v1.storing {
                    try await v1.service.store(note, codes: codes, job: job, owner: key)
                }
                let bundle = renderer.documentBundle(
                    NoteFHIRInput(
                        note: note, codes: codes, noteID: document.noteId, date: document.createdAt,
                        patient: visit.patient, encounter: visit.encounter, practitioner: visit.practitioner))
                await v1.record(.create, key: key, noteID: document.noteId, status: 200, error: nil, context)
                return format.response(.ok, bundle)
            } catch let error as APIError {
                await v1.record(.create, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
                throw FHIRError(error)
            } catch let error as FHIRError {
                await v1.record(.create, key: key, noteID: nil, status: Int(error.status.code), error: error.code, context)
                throw error
            }
        } catch let error as FHIRError {
            return format.response(error.status, error.outcome, headers: error.headers)
        }
    }

    /// Reads a Parameters resource sent as FHIR JSON or FHIR XML, within the body limit.
    func readBody(_ request: Request) async throws -> JSONValue {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        let isXML = type.contains("xml")
        guard isXML || type.contains("json") else {
            throw FHIRError(.unsupportedMediaType, "not-supported", "send application/fhir+json or application/fhir+xml")
        }
        let bytes: [UInt8]
        do {
            bytes = try await v1.body(request)
        } catch let error as APIError {
            throw FHIRError(error)
        }
        let limits = JSONReader.Limits(maximumBytes: v1.configuration.maximumBodyBytes, maximumDepth: 64)
        do {
            return isXML ? try FHIRXMLReader(limits: limits).read(bytes) : try JSONReader(limits: limits).read(bytes)
        } catch {
            throw FHIRError(error)
        }
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
    }

    /// The note request in a Parameters resource: `transcript` (valueString, or a valueAttachment with base64
    /// text), `specialty`, `template`, `include-billing-codes`, and `patient`, `encounter` and `practitioner`
    /// resources.
    static func job(_ parameters: JSONValue, encounterID: String?) throws -> (NoteJob, Visit) {
        guard parameters["resourceType"]?.string == "Parameters" else {
            throw FHIRError(.badRequest, "invalid", "the body must be a Parameters resource", expression: "resourceType")
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
        var transcript = text("transcript")
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
        var body: [String: Any] = ["transcript": transcript]
        if let specialty = text("specialty") { body["specialty"] = specialty }
        if let template = text("template") { body["template"] = template }
        if case .bool(let include)? = values["include-billing-codes"]?.parameter["valueBoolean"] {
            body["include_billing_codes"] = include
        }
        let job: NoteJob
        do {
            job = try NoteJob.decode(Array(try JSONSerialization.data(withJSONObject: body)))
        } catch let error as APIError {
            let field = error.details.first?.field ?? "transcript"
            throw FHIRError(.badRequest, "value", error.message, expression: path(field))
        }
        var visit = Visit()
        for (name, type) in [("patient", "Patient"), ("encounter", "Encounter"), ("practitioner", "Practitioner")] {
            guard let resource = values[name]?.parameter["resource"] else { continue }
            guard resource["resourceType"]?.string == type else {
                throw FHIRError(.badRequest, "value", "must be a \(type)", expression: path(name) + ".resource")
            }
            var copy = resource
            if copy["id"] == nil, case .object(var members) = copy {
                members.insert(JSONMember("id", .string("nb-\(name)")), at: 1)
                copy = .object(members)
            }
            switch name {
            case "patient": visit.patient = copy
            case "encounter": visit.encounter = copy
            default: visit.practitioner = copy
            }
        }
        if let encounterID, visit.encounter == nil {
            visit.encounter = .make([
                "resourceType": "Encounter", "id": .string(encounterID), "status": "finished",
                "class": .make([
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory",
                ]),
            ])
        }
        return (job, visit)
    }

    /// What the server supports, truthfully: JSON and XML, and the `$soap-note` operation; no REST reads yet.
    static let capabilityStatement: JSONValue = .make([
        "resourceType": "CapabilityStatement", "status": "active", "date": "2026-11-29", "kind": "instance",
        "software": .make(["name": "NoteBridge", "version": "0.5.0"]),
        "implementation": .make(["description": "NoteBridge EHR integration gateway: SOAP notes from transcripts"]),
        "fhirVersion": "4.0.1", "format": ["json", "xml", "application/fhir+json", "application/fhir+xml"],
        "rest": [
            .make([
                "mode": "server",
                "security": .make([
                    "cors": false,
                    "description": "Bearer API keys (Authorization: Bearer nb_live_...), as for the /v1 API; scope notes:write",
                ]),
                "operation": [
                    .make([
                        "name": "soap-note",
                        "definition": "http://notebridge.dev/fhir/OperationDefinition/soap-note",
                        "documentation": "POST [base]/$soap-note or [base]/Encounter/[id]/$soap-note with Parameters (transcript as valueString or a text/plain valueAttachment; specialty; template; include-billing-codes; patient, encounter and practitioner resources) returns a document Bundle.",
                    ])
                ],
            ])
        ],
    ])
}
