import Curl
import Delivery
import Foundation
import Testing

@Suite("FHIR server answers: delivered, retried (with Retry-After) or dead, with PHI-free reasons")
struct FHIRServerAnswerTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    static func outcomeBody(diagnostics: String, expression: [String]) -> [UInt8] {
        let expressions = expression.map { "\"\($0)\"" }.joined(separator: ",")
        return Array(
            """
            {"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"business-rule",
            "diagnostics":"\(diagnostics)","details":{"text":"\(diagnostics)"},"expression":[\(expressions)]},
            {"severity":"error","code":"required","expression":["Composition.subject"]}]}
            """.utf8)
    }

    @Test(
        "status codes",
        arguments: [
            (200, DeliveryOutcome.deliveredWithoutReferences), (201, .deliveredWithoutReferences),
            (204, .deliveredWithoutReferences),
            (500, .retry(reason: "HTTP 500 from the FHIR server for transaction")),
            (502, .retry(reason: "HTTP 502 from the FHIR server for transaction")),
            (408, .retry(reason: "HTTP 408 from the FHIR server for transaction")),
            (429, .retry(reason: "HTTP 429 from the FHIR server for transaction")),
            (503, .retry(reason: "HTTP 503 from the FHIR server for transaction")),
            (401, .dead(reason: "HTTP 401 from the FHIR server for transaction: the credentials were refused")),
            (403, .dead(reason: "HTTP 403 from the FHIR server for transaction")),
            (404, .dead(reason: "HTTP 404 from the FHIR server for transaction")),
            (302, .dead(reason: "HTTP 302 from the FHIR server for transaction")),
        ])
    func statuses(status: Int, expected: DeliveryOutcome) {
        let response = CurlResponse(status: status, headers: [], body: [])
        #expect(FHIRServerAnswer.outcome(of: response, writing: "transaction", now: Self.now) == expected)
    }

    @Test(
        "400, 404, 409, 412 and 422 with an OperationOutcome: dead, with codes and element paths only",
        arguments: [400, 404, 409, 412, 422])
    func refusals(status: Int) {
        let body = Self.outcomeBody(
            diagnostics: "Patient QUOKKAFIELD MRN0042 is locked",
            expression: ["Patient.identifier[0]", "Patient.where(value='MRN0042')"])
        let response = CurlResponse(
            status: status, headers: [HTTPHeader(name: "content-type", value: "application/fhir+json")], body: body)
        let outcome = FHIRServerAnswer.outcome(of: response, writing: "POST Patient", now: Self.now)
        #expect(
            outcome
                == .dead(
                    reason:
                        "HTTP \(status) from the FHIR server for POST Patient: business-rule @ Patient.identifier[0]; required @ Composition.subject"
                ))
        guard case .dead(let reason) = outcome else { return }
        for marker in ["QUOKKAFIELD", "MRN0042", "locked"] { #expect(!reason.contains(marker)) }
    }

    @Test(
        "a body that is not an OperationOutcome adds nothing",
        arguments: ["<html>MRN0042</html>", "{\"resourceType\":\"Patient\"}", "", "[[[[[[[[[["])
    func notAnOutcome(body: String) {
        let response = CurlResponse(status: 422, headers: [], body: Array(body.utf8))
        #expect(
            FHIRServerAnswer.outcome(of: response, writing: "transaction")
                == .dead(reason: "HTTP 422 from the FHIR server for transaction"))
    }

    @Test("an OperationOutcome nested past the depth limit is not read")
    func deepOutcome() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"code\":\"invalid\",\"x\":\(deep)}]}"
        #expect(FHIRServerAnswer.operationOutcomeSummary(Array(body.utf8)) == "")
    }

    @Test("429 and 503 honour Retry-After in seconds and as an HTTP date")
    func retryAfterHonoured() {
        let seconds = CurlResponse(status: 429, headers: [HTTPHeader(name: "retry-after", value: "7")], body: [])
        #expect(
            FHIRServerAnswer.outcome(of: seconds, writing: "transaction", now: Self.now)
                == .retryAfter(
                    reason: "HTTP 429 from the FHIR server for transaction (Retry-After 7 s)", delay: .seconds(7)))
        // 90 seconds after `now` (1_796_000_000 is Mon, 30 Nov 2026 00:53:20 GMT).
        let date = CurlResponse(
            status: 503, headers: [HTTPHeader(name: "retry-after", value: "Mon, 30 Nov 2026 00:54:50 GMT")], body: [])
        #expect(
            FHIRServerAnswer.outcome(of: date, writing: "transaction", now: Self.now)
                == .retryAfter(
                    reason: "HTTP 503 from the FHIR server for transaction (Retry-After 90 s)", delay: .seconds(90)))
    }

    @Test(
        "Retry-After values",
        arguments: [
            ("0", Duration?.some(.zero)), ("120", .seconds(120)), (" 5 ", .seconds(5)), ("86400", .seconds(3_600)),
            ("999999999999999999999", .seconds(3_600)), ("-5", nil), ("soon", nil), ("", nil), ("1.5", nil),
            ("Sun, 06 Nov 1994 08:49:37 GMT", .zero),
        ])
    func retryAfter(value: String, expected: Duration?) {
        #expect(RetryAfter.delay(value, now: Self.now) == expected)
    }

    @Test("transfer failures: retried, except an invalid request and a too large answer; cancellation interrupts")
    func transferFailures() {
        #expect(
            FHIRServerAnswer.outcome(of: CurlError(.timeout, reason: "x"), writing: "transaction")
                == .retry(reason: "no answer from the FHIR server for transaction: timeout"))
        #expect(FHIRServerAnswer.outcome(of: CurlError(.couldNotConnect, reason: "x"), writing: "transaction").isRetry)
        #expect(FHIRServerAnswer.outcome(of: CurlError(.tls, reason: "x"), writing: "transaction").isRetry)
        #expect(FHIRServerAnswer.outcome(of: CurlError(.other, reason: "x"), writing: "transaction").isRetry)
        #expect(
            FHIRServerAnswer.outcome(of: CurlError(.cancelled, reason: "x"), writing: "transaction") == .interrupted)
        #expect(!FHIRServerAnswer.outcome(of: CurlError(.tooLarge, reason: "x"), writing: "transaction").isRetry)
        #expect(!FHIRServerAnswer.outcome(of: CurlError(.invalidRequest, reason: "x"), writing: "transaction").isRetry)
    }
}
