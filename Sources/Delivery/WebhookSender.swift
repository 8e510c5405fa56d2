import Curl
import Foundation

/// Posts signed webhook events with libcurl: JSON bodies, `NoteBridge-Signature` (see ``WebhookSignature``),
/// `NoteBridge-Event` and `NoteBridge-Delivery` headers; a 429 or 503 answer's `Retry-After` is read with
/// ``RetryAfter``, as the FHIR destination reads it. Used by the webhook destination of the outbox and by the
/// `/v1` API's callback deliveries.
public struct WebhookSender: Sendable {
    /// What one POST came to.
    public struct Answer: Sendable, Hashable {
        /// The HTTP status, when the receiver answered.
        public var status: Int?
        /// `HTTP 200`, or the transfer error's code (never a body or a URL).
        public var result: String
        /// What a 429 or 503 answer's `Retry-After` asks for (``RetryAfter``); `nil` otherwise.
        public var retryAfter: Duration?

        /// Creates an answer.
        public init(status: Int?, result: String, retryAfter: Duration? = nil) {
            self.status = status
            self.result = result
            self.retryAfter = retryAfter
        }

        /// A 2xx answer.
        public var isSuccess: Bool { status.map { (200..<300).contains($0) } ?? false }

        /// Whether trying again later may succeed: no answer, 408, 425, 429 or 5xx. Any other 4xx says the request
        /// itself was refused.
        public var isRetryable: Bool {
            guard let status else { return true }
            return status == 408 || status == 425 || status == 429 || status >= 500
        }
    }

    let client: CurlClient

    /// A sender with its own libcurl client.
    public init(maximumConcurrentTransfers: Int = 8) {
        client = CurlClient(maximumConcurrentTransfers: maximumConcurrentTransfers)
    }

    /// Signs `payload` with `secret` at the current time and posts it to `url`; with `refusingLinkLocal`, a `url`
    /// whose name resolves to a link-local or cloud metadata address is not connected to
    /// (``CurlRequest/refusesLinkLocalAddresses``).
    public func post(
        url: String, eventType: String, deliveryID: String, payload: [UInt8], secret: String, timeout: Duration,
        refusingLinkLocal: Bool = false
    ) async -> Answer {
        let timestamp = Int(Date().timeIntervalSince1970)
        var request = CurlRequest(
            method: "POST", url: url,
            headers: [
                HTTPHeader(name: "Content-Type", value: "application/json"),
                HTTPHeader(name: "User-Agent", value: "NoteBridge-Webhook/1"),
                HTTPHeader(name: "NoteBridge-Event", value: eventType),
                HTTPHeader(name: "NoteBridge-Delivery", value: deliveryID),
                HTTPHeader(
                    name: WebhookSignature.header,
                    value: WebhookSignature.sign(body: payload, secret: secret, timestamp: timestamp)),
            ],
            body: payload, connectTimeout: .seconds(5), timeout: timeout, maximumResponseBytes: 64 * 1024)
        request.refusesLinkLocalAddresses = refusingLinkLocal
        do {
            let response = try await client.perform(request)
            return Answer(
                status: response.status, result: "HTTP \(response.status)", retryAfter: RetryAfter.delay(of: response))
        } catch let error as CurlError {
            return Answer(status: nil, result: "\(error.code)")
        } catch {
            return Answer(status: nil, result: "\(type(of: error))")
        }
    }
}
