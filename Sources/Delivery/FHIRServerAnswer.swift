import Curl
import FHIR
import Foundation
import Store

/// What a FHIR server's answer to a write means for the outbox (FHIR R4 RESTful API, section 3.1.0.7 on status
/// codes and OperationOutcome; RFC 9110 section 10.2.3 on `Retry-After`).
///
/// 2xx → delivered (what the server reports storing is read by ``storedReferences(of:resourceType:)``); 400, 404, 409, 412, 422 (and any other 4xx but 401, 408 and 429) → dead letter, with the
/// OperationOutcome's issue codes and expressions only (its diagnostics and details text may quote the resource, so
/// they are never kept); 429 and 503 → retried after `Retry-After` (``RetryAfter``) when the server sends one; 408 and other 5xx,
/// timeouts and connection failures → retried with backoff. A 401 is the caller's to handle (one token refresh);
/// classified here it is a dead letter.
public enum FHIRServerAnswer {
    /// The OperationOutcome bodies read (larger ones are not parsed).
    static let outcomeReader = JSONReader(limits: JSONReader.Limits(maximumBytes: 1 << 20, maximumDepth: 32))
    /// The most issues summarized.
    static let maximumIssues = 8

    /// The outcome of an HTTP answer to a write of `what` (`transaction`, `PUT Composition`, ...; no PHI).
    public static func outcome(of response: CurlResponse, writing what: String, now: Date = Date()) -> DeliveryOutcome {
        let status = response.status
        switch status {
        case 200..<300:
            return .deliveredWithoutReferences
        case 429, 503:
            let reason = "HTTP \(status) from the FHIR server for \(what)"
            if let delay = RetryAfter.delay(of: response, now: now) {
                return .retryAfter(reason: reason + " (Retry-After \(delay.components.seconds) s)", delay: delay)
            }
            return .retry(reason: reason)
        case 408, 500..<600:
            return .retry(reason: "HTTP \(status) from the FHIR server for \(what)")
        case 401:
            return .dead(reason: "HTTP 401 from the FHIR server for \(what): the credentials were refused")
        default:
            let issues = operationOutcomeSummary(response.body)
            return .dead(
                reason: "HTTP \(status) from the FHIR server for \(what)" + (issues.isEmpty ? "" : ": \(issues)"))
        }
    }

    /// The outcome of a transfer that failed before an answer.
    public static func outcome(of error: CurlError, writing what: String) -> DeliveryOutcome {
        switch error.code {
        case .cancelled: return .interrupted
        case .invalidRequest: return .dead(reason: "the request for \(what) is not valid: \(error.code)")
        case .tooLarge: return .dead(reason: "the FHIR server's answer to \(what) is larger than the limit")
        default: return .retry(reason: "no answer from the FHIR server for \(what): \(error.code)")
        }
    }

    /// The longest `Location` read, bytes (a longer one is ignored).
    static let maximumLocationBytes = 2048

    /// What a 2xx answer to a write reports storing, as `Type/id/_history/version` (or `Type/id`) references: each
    /// entry of a `transaction-response` or `batch-response` Bundle (its `response.location`, else its resource's
    /// type, id and `meta.versionId`); otherwise the `Location` header (conditional create, create, update), then
    /// `Content-Location`, then the returned resource's type, id and `meta.versionId`, the version completed from a
    /// weak `ETag` (`W/"3"`) when the rest names none. With `resourceType`, a single write's reference must be of that
    /// type. Only references that pass `OutboxItem.isDeliveredReference` are kept (no base URL, query or other text
    /// of the answer), at most `OutboxItem.maximumDeliveredReferences`; anything else in the answer is ignored.
    public static func storedReferences(of response: CurlResponse, resourceType: String? = nil) -> [String] {
        let body = response.body.isEmpty ? nil : try? FHIRServerDestination.answerReader.read(response.body)
        if let body, body["resourceType"]?.string == "Bundle",
            ["transaction-response", "batch-response"].contains(body["type"]?.string ?? "")
        {
            var references: [String] = []
            for entry in body["entry"]?.array ?? [] {
                guard references.count < OutboxItem.maximumDeliveredReferences else { break }
                let found =
                    entry["response"]?["location"]?.string.flatMap { reference(location: $0) }
                    ?? entry["resource"].flatMap { reference(resource: $0) }
                if let found { references.append(found) }
            }
            return references
        }
        var found: String?
        for header in ["Location", "Content-Location"] where found == nil {
            if let value = response.header(header), let reference = reference(location: value),
                resourceType == nil || reference.hasPrefix("\(resourceType ?? "")/")
            {
                found = reference
            }
        }
        if found == nil, let body, let reference = reference(resource: body),
            resourceType == nil || body["resourceType"]?.string == resourceType
        {
            found = reference
        }
        guard var reference = found else { return [] }
        if !reference.contains("/_history/"), let version = response.header("ETag").flatMap(weakETagVersion) {
            let versioned = "\(reference)/_history/\(version)"
            if OutboxItem.isDeliveredReference(versioned) { reference = versioned }
        }
        return [reference]
    }

    /// `Type/id/_history/version` (or `Type/id`) of a `Location` (`[base]/Type/id/_history/version`, absolute or
    /// relative; a query or fragment is dropped); `nil` when it names no resource that way.
    static func reference(location: String) -> String? {
        guard location.utf8.count <= maximumLocationBytes else { return nil }
        let path = location.prefix { $0 != "?" && $0 != "#" }
        let parts = path.split(separator: "/")
        let candidate: [Substring]
        if let history = parts.lastIndex(of: "_history"), history >= 2, history + 1 < parts.count {
            candidate = Array(parts[(history - 2)...(history + 1)])
        } else if parts.count >= 2 {
            candidate = Array(parts.suffix(2))
        } else {
            return nil
        }
        let reference = candidate.joined(separator: "/")
        return OutboxItem.isDeliveredReference(reference) ? reference : nil
    }

    /// `Type/id/_history/versionId` (or `Type/id`) of a returned resource; `nil` without a valid type and id.
    static func reference(resource: JSONValue) -> String? {
        guard let type = resource["resourceType"]?.string, let id = resource["id"]?.string else { return nil }
        let plain = "\(type)/\(id)"
        guard OutboxItem.isDeliveredReference(plain) else { return nil }
        if let version = resource["meta"]?["versionId"]?.string {
            let versioned = "\(plain)/_history/\(version)"
            if OutboxItem.isDeliveredReference(versioned) { return versioned }
        }
        return plain
    }

    /// The version of a weak ETag (`W/"3"`, FHIR R4 RESTful API section 3.1.0.5.2), when it is one.
    static func weakETagVersion(_ value: String) -> String? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("W/\""), text.hasSuffix("\""), text.count > 4, text.count <= 70 else { return nil }
        return String(text.dropFirst(3).dropLast())
    }

    /// `invalid @ Patient.identifier; processing`: the codes and expressions of an OperationOutcome's issues, or
    /// `""` when the body is not one. Diagnostics and details are left out (they may quote PHI), and so is any
    /// expression that is not a plain FHIRPath element path.
    public static func operationOutcomeSummary(_ body: [UInt8]) -> String {
        guard !body.isEmpty, let outcome = try? outcomeReader.read(body),
            outcome["resourceType"]?.string == "OperationOutcome", let issues = outcome["issue"]?.array
        else { return "" }
        var parts: [String] = []
        for issue in issues.prefix(maximumIssues) {
            guard let code = issue["code"]?.string, isToken(code) else { continue }
            let expressions = (issue["expression"]?.array ?? []).compactMap(\.string).filter(isElementPath).prefix(4)
            parts.append(expressions.isEmpty ? code : "\(code) @ \(expressions.joined(separator: ", "))")
        }
        return parts.joined(separator: "; ")
    }

    /// An issue type code: lowercase letters and `-`, at most 32.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "-") }
    }

    /// A FHIRPath element path (`Bundle.entry[2].resource.subject`): letters, digits, `.`, `_` and `[n]` only, at
    /// most 120 characters, so that no literal value (which could be PHI) gets through.
    static func isElementPath(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 120 && text.first?.isLetter == true
            && text.allSatisfy {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "[" || $0 == "]")
            }
    }
}
