internal import CCurl

/// An absolute URL as libcurl's URL API parses it: the parts this module checks and the parts it may show.
struct CurlURL: Sendable {
    /// The scheme, lowercased.
    var scheme: String
    /// The host name or address (an IPv6 address in brackets).
    var host: String
    /// The port when the URL names one.
    var port: String?
    /// The path, which may hold identifiers and is never shown.
    var path: String?
    /// The query, which may hold PHI and is never shown.
    var query: String?

    /// `scheme://host[:port]`: what error messages and descriptions may name.
    var redacted: String {
        "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "")
    }

    /// Parses `url`, which must be absolute (a scheme is never guessed) and name a host.
    init(parsing url: String) throws {
        guard !url.utf8.contains(0) else {
            throw CurlError(.invalidRequest, reason: "the URL contains a NUL byte")
        }
        guard let handle = curl_url() else {
            throw CurlError(.other, reason: "libcurl could not allocate a URL handle")
        }
        defer { curl_url_cleanup(handle) }
        let result = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard result == CURLUE_OK else {
            throw CurlError(
                .invalidRequest, reason: "the URL is not valid: \(String(cString: curl_url_strerror(result)))")
        }
        guard let scheme = Self.part(CURLUPART_SCHEME, of: handle) else {
            throw CurlError(.invalidRequest, reason: "the URL has no scheme")
        }
        self.scheme = scheme.lowercased()
        self.host = Self.part(CURLUPART_HOST, of: handle) ?? ""
        self.port = Self.part(CURLUPART_PORT, of: handle)
        self.path = Self.part(CURLUPART_PATH, of: handle)
        self.query = Self.part(CURLUPART_QUERY, of: handle)
    }

    /// One part of a parsed URL, or `nil` when the URL has none.
    private static func part(_ part: CURLUPart, of handle: OpaquePointer) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, 0) == CURLUE_OK, let value else {
            return nil
        }
        defer { curl_free(value) }
        return String(cString: value)
    }

    /// `message` with this URL's path and query, should libcurl have quoted them, replaced by `<redacted>`.
    func scrubbed(_ message: String, original: String) -> String {
        var message = message.replacing(original, with: redacted)
        if let query, !query.isEmpty {
            message = message.replacing(query, with: "<redacted>")
        }
        if let path, path.count > 1 {
            message = message.replacing(path, with: "/<redacted>")
        }
        return message
    }
}
