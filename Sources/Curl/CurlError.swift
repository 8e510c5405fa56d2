/// An error raised by the `Curl` module: the request was refused, or the transfer failed before a complete
/// response arrived.
///
/// The ``code`` is opaque and stable: compare codes, never ``reason`` strings. The reason names the target by
/// scheme, host and port only and never contains the URL's path or query, header values, or either body, any of
/// which may hold PHI.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, compared by identity.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidRequest
            case couldNotResolve
            case couldNotConnect
            case timeout
            case tls
            case tooLarge
            case cancelled
            case other
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The request was refused before anything was sent: a malformed URL, a scheme other than `http` or
        /// `https`, a method or header that is not valid HTTP, or a limit out of range.
        public static let invalidRequest = Code(.invalidRequest)
        /// The host name (or the proxy's) could not be resolved.
        public static let couldNotResolve = Code(.couldNotResolve)
        /// No connection could be made to the host (or the proxy): refused, unreachable.
        public static let couldNotConnect = Code(.couldNotConnect)
        /// The connect timeout or the total timeout of the request ran out.
        public static let timeout = Code(.timeout)
        /// The TLS handshake failed: the server's certificate was not trusted or did not name the host, a
        /// certificate or key file could not be read, or the server refused the client certificate.
        public static let tls = Code(.tls)
        /// The response was larger than the request's ``CurlRequest/maximumResponseBytes`` (or its header fields
        /// larger than 256 KiB).
        public static let tooLarge = Code(.tooLarge)
        /// The task performing the request was cancelled.
        public static let cancelled = Code(.cancelled)
        /// Any other libcurl failure (connection reset, malformed response, ...); ``CurlError/curlCode`` says which.
        public static let other = Code(.other)

        /// A stable, human-readable name of the code.
        public var description: String {
            switch base {
            case .invalidRequest: "invalidRequest"
            case .couldNotResolve: "couldNotResolve"
            case .couldNotConnect: "couldNotConnect"
            case .timeout: "timeout"
            case .tls: "tls"
            case .tooLarge: "tooLarge"
            case .cancelled: "cancelled"
            case .other: "other"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Why it failed, for operators. Never contains the URL's path or query, header values or bodies.
    public var reason: String
    /// libcurl's result code (`CURLcode`) when libcurl reported the failure, for example 28 for a timeout.
    public var curlCode: Int?
    /// The file that raised the error.
    public var file: String
    /// The line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(_ code: Code, reason: String, curlCode: Int? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.curlCode = curlCode
        self.file = file
        self.line = line
    }

    /// `CurlError.<code>: <reason> [curl <curlCode>] (<file>:<line>)`.
    public var description: String {
        let curl = curlCode.map { " [curl \($0)]" } ?? ""
        return "CurlError.\(code): \(reason)\(curl) (\(file):\(line))"
    }
}
