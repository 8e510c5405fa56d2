/// One HTTP request for ``CurlClient/perform(_:)``: what to send, where, and the limits of the transfer.
///
/// Only `http` and `https` URLs are accepted, and only `http` and `https` redirects are followed (only `https` when
/// the request is `https`). A request is validated before anything is sent; an invalid one fails with
/// ``CurlError/Code/invalidRequest``.
///
/// The body and header values may hold PHI: the ``description`` of a request shows neither, nor the URL's path and
/// query.
public struct CurlRequest: Sendable {
    /// The request method, an HTTP token such as `GET`, `POST`, `PUT` or `DELETE`.
    public var method: String
    /// The absolute `http` or `https` URL.
    public var url: String
    /// The header fields sent, in order. A `Content-Length` or `Host` here replaces libcurl's; an `Expect` header
    /// is not sent unless given here.
    public var headers: [HTTPHeader]
    /// The request body; sent whenever it is not empty, and always for `POST`, `PUT` and `PATCH`.
    public var body: [UInt8]
    /// The longest wait for the connection (TCP, TLS and proxy handshakes) to be established.
    public var connectTimeout: Duration
    /// The longest the whole transfer may take, connecting included.
    public var timeout: Duration
    /// How `https` servers are authenticated and how the client authenticates for mutual TLS.
    public var tls: CurlTLSConfiguration
    /// The proxy, as libcurl takes it (`http://proxy.example:3128`, `socks5h://host:1080`); `nil` connects
    /// directly. The `http_proxy`, `https_proxy` and `no_proxy` environment variables are never consulted.
    public var proxy: String?
    /// The largest response body accepted, in bytes; a larger one fails the transfer with
    /// ``CurlError/Code/tooLarge``.
    public var maximumResponseBytes: Int
    /// Whether redirects (3xx with `Location`) are followed, up to ``maximumRedirects``; when `false` the 3xx
    /// response is returned.
    public var followRedirects: Bool
    /// The most redirects followed when ``followRedirects`` is `true`.
    public var maximumRedirects: Int
    /// Whether a connection to a link-local or cloud metadata address (IPv4 `169.254.0.0/16` and
    /// `100.100.100.200`, IPv6 `fe80::/10` and `fd00:ec2::254`) is refused, whatever name resolved to it: the
    /// transfer fails with ``CurlError/Code/couldNotConnect``. For URLs a caller supplied (callbacks), where a name
    /// could resolve to the machine's credential service.
    public var refusesLinkLocalAddresses = false

    /// The default ``maximumResponseBytes``: 16 MiB.
    public static let defaultMaximumResponseBytes = 16 * 1024 * 1024

    /// Creates a request.
    ///
    /// - Parameters:
    ///   - method: The request method, `GET` by default.
    ///   - url: The absolute `http` or `https` URL.
    ///   - headers: The header fields, sent in order.
    ///   - body: The request body.
    ///   - connectTimeout: The longest wait for the connection, 10 seconds by default.
    ///   - timeout: The longest the whole transfer may take, 30 seconds by default.
    ///   - tls: How `https` peers are authenticated; by default against the system's trust store.
    ///   - proxy: The proxy URL, or `nil` to connect directly.
    ///   - maximumResponseBytes: The largest response body accepted, 16 MiB by default.
    ///   - followRedirects: Whether redirects are followed; `false` by default.
    ///   - maximumRedirects: The most redirects followed, 5 by default.
    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(30),
        tls: CurlTLSConfiguration = CurlTLSConfiguration(),
        proxy: String? = nil,
        maximumResponseBytes: Int = CurlRequest.defaultMaximumResponseBytes,
        followRedirects: Bool = false,
        maximumRedirects: Int = 5
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.tls = tls
        self.proxy = proxy
        self.maximumResponseBytes = maximumResponseBytes
        self.followRedirects = followRedirects
        self.maximumRedirects = maximumRedirects
    }
}

extension CurlRequest: CustomStringConvertible {
    /// The method, the URL's scheme, host and port, and the body's size; never the path, query, header values or
    /// body.
    public var description: String {
        let target = (try? CurlURL(parsing: url).redacted) ?? "<invalid URL>"
        let method = Self.isToken(method) ? method : "<invalid method>"
        return "CurlRequest(\(method) \(target), \(body.count) body bytes)"
    }
}
