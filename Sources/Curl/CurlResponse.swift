/// The response to a ``CurlRequest``: whatever status the server sent (a 4xx or 5xx is a response, not an error),
/// its header fields and its body.
///
/// When redirects were followed, this is the last response. Interim (1xx) responses are not kept.
public struct CurlResponse: Sendable, Hashable {
    /// The HTTP status code, for example 200 or 503.
    public var status: Int
    /// The header fields in the order received; names are lowercased.
    public var headers: [HTTPHeader]
    /// The response body, after any transfer encoding is removed.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether ``status`` is 2xx.
    public var isSuccess: Bool {
        (200..<300).contains(status)
    }

    /// The value of the first header field named `name` (compared case-insensitively), or `nil`.
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name == name }?.value
    }

    /// The values of every header field named `name` (compared case-insensitively), in order.
    public func headers(named name: String) -> [String] {
        let name = name.lowercased()
        return headers.filter { $0.name == name }.map(\.value)
    }
}

extension CurlResponse: CustomStringConvertible {
    /// The status and the body's size; never header values or the body, which may hold PHI.
    public var description: String {
        "CurlResponse(status: \(status), \(headers.count) headers, \(body.count) body bytes)"
    }
}
