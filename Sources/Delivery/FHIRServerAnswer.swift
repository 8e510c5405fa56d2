import Curl
import FHIR
import Foundation

/// What a FHIR server's answer to a write means for the outbox (FHIR R4 RESTful API, section 3.1.0.7 on status
/// codes and OperationOutcome; RFC 9110 section 10.2.3 on `Retry-After`).
///
/// 2xx → delivered; 400, 404, 409, 412, 422 (and any other 4xx but 401, 408 and 429) → dead letter, with the
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
            return .delivered
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
