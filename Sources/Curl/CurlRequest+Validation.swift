extension CurlRequest {
    /// The header fields whose bytes, taken together, a response may not exceed.
    static let maximumResponseHeaderBytes = 256 * 1024

    /// Checks everything that can be checked before a transfer and returns the parsed URL; throws
    /// ``CurlError/Code/invalidRequest`` naming the first problem.
    func validated() throws -> CurlURL {
        let target = try CurlURL(parsing: url)
        let prefix = target.host.isEmpty ? "\(target.scheme) URL" : target.redacted
        guard target.scheme == "http" || target.scheme == "https" else {
            throw CurlError(
                .invalidRequest,
                reason: "\(prefix): the scheme \(target.scheme) is not allowed; only http and https are")
        }
        guard !target.host.isEmpty else {
            throw CurlError(.invalidRequest, reason: "\(prefix): the URL names no host")
        }
        guard Self.isToken(method) else {
            throw CurlError(.invalidRequest, reason: "\(prefix): the method is not an HTTP token")
        }
        guard method != "HEAD" || body.isEmpty else {
            throw CurlError(.invalidRequest, reason: "\(prefix): a HEAD request cannot carry a body")
        }
        for (index, header) in headers.enumerated() {
            guard Self.isToken(header.name) else {
                throw CurlError(
                    .invalidRequest, reason: "\(prefix): header \(index + 1) has a name that is not an HTTP token")
            }
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw CurlError(
                    .invalidRequest, reason: "\(prefix): header \(header.name) has a CR, LF or NUL in its value")
            }
        }
        guard connectTimeout > .zero, timeout > .zero else {
            throw CurlError(.invalidRequest, reason: "\(prefix): timeouts must be positive")
        }
        guard maximumResponseBytes >= 0, maximumRedirects >= 0 else {
            throw CurlError(
                .invalidRequest, reason: "\(prefix): maximumResponseBytes and maximumRedirects must not be negative")
        }
        let strings = [proxy, tls.caFile, tls.clientCertificateFile, tls.clientKeyFile, tls.clientKeyPassword]
        guard !strings.contains(where: { $0?.utf8.contains(0) ?? false }) else {
            throw CurlError(.invalidRequest, reason: "\(prefix): the proxy or a TLS setting contains a NUL byte")
        }
        return target
    }

    /// Whether the request carries a body: whenever it has one, and always for `POST`, `PUT` and `PATCH`.
    var sendsBody: Bool {
        !body.isEmpty || method == "POST" || method == "PUT" || method == "PATCH"
    }

    /// Whether a header named `name` (compared case-insensitively) is among ``headers``.
    func hasHeader(_ name: String) -> Bool {
        let name = name.lowercased()
        return headers.contains { $0.name.lowercased() == name }
    }

    /// Whether `text` is a non-empty HTTP token (RFC 9110, section 5.6.2).
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenCharacter)
    }

    /// Whether `byte` is a `tchar` (RFC 9110, section 5.6.2).
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
