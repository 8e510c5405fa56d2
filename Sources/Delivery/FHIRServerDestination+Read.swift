import Curl
import FHIR
import Foundation

extension FHIRServerDestination {
    /// What reading from the server came to.
    public enum ReadResult: Sendable {
        /// The resource (or searchset Bundle) read.
        case resource(JSONValue)
        /// Nothing usable: why (no PHI), and whether asking again later may help.
        case failed(reason: String, retryable: Bool)
    }

    /// Reads `path` (`Encounter/123`, `DocumentReference?encounter=Encounter/123`) from the server with the
    /// destination's TLS, auth (one token refresh on a 401) and limits: how the Subscription intake reads what an
    /// `id-only` notification names.
    public func read(_ path: String) async -> ReadResult {
        var session = Session(destination: self)
        let what = "GET " + String(path.prefix { $0 != "/" && $0 != "?" })
        let response: CurlResponse
        switch await session.send(method: "GET", path: path, headers: [], body: [], what: what) {
        case .answered(let answer): response = answer
        case .failed(let outcome): return .failed(reason: Self.reason(outcome), retryable: outcome.isRetry)
        }
        let outcome = FHIRServerAnswer.outcome(of: response, writing: what)
        guard outcome.isDelivered else { return .failed(reason: Self.reason(outcome), retryable: outcome.isRetry) }
        guard let resource = try? Self.answerReader.read(response.body), resource["resourceType"]?.string != nil else {
            return .failed(reason: "the answer to \(what) is not a FHIR resource", retryable: false)
        }
        return .resource(resource)
    }

    /// The reason of a failed outcome.
    static func reason(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .retry(let reason), .retryAfter(let reason, _), .dead(let reason): reason
        case .delivered: "delivered"
        case .interrupted: "interrupted by shutdown"
        }
    }
}
