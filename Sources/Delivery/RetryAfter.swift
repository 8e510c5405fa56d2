import Curl
import Foundation

/// `Retry-After` (RFC 9110 section 10.2.3): how long a server that answered 429 or 503 asks to be left alone. The one
/// reading of it for every HTTP destination (FHIR server, webhook receiver, `/v1` callbacks).
public enum RetryAfter {
    /// The longest delay honoured; a longer one is cut to this.
    public static let maximum: Duration = .seconds(3_600)

    /// The delay a `Retry-After` value asks for: delta-seconds or an HTTP date, at most ``maximum``; `nil` when the
    /// value is neither (or negative).
    public static func delay(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let seconds = Int(text.prefix(9)) else { return nil }
            return min(.seconds(seconds), maximum)
        }
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            parser.dateFormat = format
            if let date = parser.date(from: text) {
                let seconds = max(0, date.timeIntervalSince(now))
                return min(.milliseconds(Int64((seconds * 1000).rounded(.up))), maximum)
            }
        }
        return nil
    }

    /// The delay an answer asks for: its `Retry-After` when the status is 429 or 503 and the value is valid, else
    /// `nil` (other statuses' `Retry-After` is not a request to wait before retrying the same request).
    public static func delay(of response: CurlResponse, now: Date = Date()) -> Duration? {
        guard response.status == 429 || response.status == 503 else { return nil }
        return response.header("Retry-After").flatMap { delay($0, now: now) }
    }
}
