import Crypto
import Foundation
import Store

/// Webhook signatures: `NoteBridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
///
/// A receiver recomputes the HMAC over the timestamp and the raw body with its key's webhook secret, compares in
/// constant time, and refuses timestamps outside its replay window (``verify(header:body:secret:now:tolerance:)``
/// does all three).
public enum WebhookSignature {
    /// The signature header.
    public static let header = "NoteBridge-Signature"
    /// The default replay window.
    public static let defaultTolerance: Duration = .seconds(300)

    /// The header value for `body` sent at `timestamp`.
    public static func sign(body: [UInt8], secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hexMAC(body: body, secret: secret, timestamp: timestamp))"
    }

    /// Whether `header` is a valid signature of `body` made within `tolerance` of `now`.
    public static func verify(
        header: String, body: [UInt8], secret: String, now: Date = Date(), tolerance: Duration = defaultTolerance
    ) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0].trimmingCharacters(in: .whitespaces) {
            case "t": timestamp = Int(pair[1])
            case "v1": signatures.append(String(pair[1]))
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { return false }
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= Double(tolerance.components.seconds) + Double(tolerance.components.attoseconds) / 1e18 else {
            return false
        }
        let expected = Array(hexMAC(body: body, secret: secret, timestamp: timestamp).utf8)
        return signatures.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    static func hexMAC(body: [UInt8], secret: String, timestamp: Int) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.encode(mac)
    }
}
