import FHIR
import HTTPTypes
import Hummingbird

/// An error of the `/fhir` routes: answered as an OperationOutcome with an issue type and the element at fault.
struct FHIRError: Error, Sendable {
    var status: HTTPResponse.Status
    /// The issue type: `invalid`, `required`, `structure`, `value`, `not-found`, `too-costly`, `security`,
    /// `not-supported`, `throttled`, `exception`.
    var code: String
    var expression: String?
    var message: String
    var headers: [(HTTPField.Name, String)] = []
    /// Every issue found, when a validation found several (the first is `code`, `message`, `expression`).
    var issues: [FHIRIssue] = []
    /// The id of the API key the refused request was made with, when it is known (for the audit record; never the
    /// key itself).
    var keyID: String?
    /// NoteBridge's own code for the problem (`AUDIO_TOO_LARGE`, `INVALID_BASE64`, ...; the `/v1` error codes), given
    /// as the issue's `details` in ``errorCodeSystem``, when the issue type alone does not tell problems apart.
    var detailCode: String?

    /// The code system of ``detailCode``.
    static let errorCodeSystem = "http://notebridge.dev/fhir/CodeSystem/error-code"

    init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String, expression: String? = nil,
        detailCode: String? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.expression = expression
        self.detailCode = detailCode
    }

    /// A 400 for a resource that is not valid: every issue in the outcome.
    init(issues: [FHIRIssue]) {
        let first = issues.first
        self.init(
            .badRequest, first?.code ?? "invalid", first?.message ?? "the resource is not valid",
            expression: first?.expression)
        self.issues = issues
    }

    /// The OperationOutcome.
    var outcome: JSONValue {
        if !issues.isEmpty { return FHIRValidator.operationOutcome(issues) }
        return .make([
            "resourceType": "OperationOutcome",
            "issue": [
                .make([
                    "severity": "error", "code": .string(code),
                    "details": detailCode.map { detail in
                        .make([
                            "coding": [.make(["system": .string(Self.errorCodeSystem), "code": .string(detail)])],
                            "text": .string(detail),
                        ])
                    },
                    "diagnostics": .string(message), "expression": expression.map { [.string($0)] },
                ])
            ],
        ])
    }

    /// The same error as the /v1 API states it, in FHIR's issue types.
    init(_ error: APIError) {
        let code: String
        switch error.status.code {
        case 401, 403: code = "security"
        case 404: code = "not-found"
        case 409: code = "duplicate"
        case 413: code = "too-costly"
        case 405, 415: code = "not-supported"
        case 429: code = "throttled"
        case 503: code = "transient"
        case 500...: code = "exception"
        default: code = error.details.isEmpty ? "invalid" : "value"
        }
        self.init(error.status, code, error.message, expression: error.details.first?.field)
        headers = error.headers
    }

    /// A parse error of the request body.
    init(_ error: FHIRParseError) {
        switch error.code {
        case .tooLarge, .tooDeep, .tooManyAttributes:
            self.init(.contentTooLarge, "too-costly", error.description, expression: error.path)
        case .doctypeRefused: self.init(.badRequest, "security", error.description, expression: error.path)
        case .invalidStructure: self.init(.badRequest, "structure", error.description, expression: error.path)
        default: self.init(.badRequest, "invalid", error.description, expression: error.path)
        }
    }
}

/// The representation a client asked for: `_format` first, then `Accept`; JSON by default.
enum FHIRFormat {
    case json, xml

    static func requested(_ request: Request) -> FHIRFormat {
        if let format = request.uri.queryParameters.get("_format")?.lowercased() {
            return format.contains("xml") ? .xml : .json
        }
        let accept = request.headers[.accept]?.lowercased() ?? ""
        if accept.contains("fhir+xml") || (accept.contains("xml") && !accept.contains("json")) { return .xml }
        return .json
    }

    /// Whether a `_format` value names JSON or XML (`json`, `xml`, their MIME types, with parameters).
    static func known(_ format: String) -> Bool {
        let type = String(format.lowercased().prefix { $0 != ";" }.filter { $0 != " " })
        return [
            "json", "xml", "application/json", "application/fhir+json", "application/xml", "application/fhir+xml",
            "text/xml", "text/json",
        ].contains(type)
    }

    var contentType: String {
        self == .xml ? "application/fhir+xml; charset=utf-8" : "application/fhir+json; charset=utf-8"
    }

    /// The resource in this format (XML that cannot be written falls back to JSON, which always can).
    func response(
        _ status: HTTPResponse.Status, _ resource: JSONValue, headers extra: [(HTTPField.Name, String)] = []
    ) -> Response {
        var body = JSONWriter.write(resource)
        var type = FHIRFormat.json.contentType
        if self == .xml, let xml = try? FHIRXMLWriter().write(resource) {
            body = xml
            type = contentType
        }
        var headers = HTTPFields()
        headers[.contentType] = type
        for (name, value) in extra { headers[name] = value }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
