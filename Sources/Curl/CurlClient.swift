internal import CCurl

/// Performs HTTP requests with libcurl: TLS and mutual TLS, proxies, timeouts and response size limits.
///
/// Each transfer runs the blocking `curl_easy_perform` on one of ``maximumConcurrentTransfers`` dedicated threads,
/// never on the Swift concurrency pool; further requests wait for a free thread. Each thread keeps its libcurl
/// handle, so connections and TLS sessions are reused between requests to the same server when libcurl considers
/// their settings equal (proxy, CA file, client certificate, verification flags).
///
/// ```swift
/// let client = CurlClient()
/// let response = try await client.perform(
///     CurlRequest(
///         method: "POST",
///         url: "https://hooks.example.org/notes",
///         headers: [HTTPHeader(name: "Content-Type", value: "application/json")],
///         body: Array(json.utf8),
///         timeout: .seconds(10)
///     )
/// )
/// ```
public final class CurlClient: Sendable {
    /// The most transfers run at once.
    public let maximumConcurrentTransfers: Int

    private let workers: [TransferWorker]
    private let limiter: TransferLimiter

    /// Creates a client running at most `maximumConcurrentTransfers` transfers at once (at least 1).
    public init(maximumConcurrentTransfers: Int = 8) {
        _ = CurlGlobal.initialization
        let count = max(1, maximumConcurrentTransfers)
        self.maximumConcurrentTransfers = count
        self.workers = (0..<count).map { TransferWorker(index: $0) }
        self.limiter = TransferLimiter(count: count)
    }

    /// Sends `request` and returns the server's response, whatever its status.
    ///
    /// Throws ``CurlError``: ``CurlError/Code/invalidRequest`` before anything is sent when the request is not
    /// valid; ``CurlError/Code/timeout``, ``CurlError/Code/couldNotResolve``, ``CurlError/Code/couldNotConnect``,
    /// ``CurlError/Code/tls``, ``CurlError/Code/tooLarge`` or ``CurlError/Code/other`` when the transfer fails; and
    /// ``CurlError/Code/cancelled`` when the task is cancelled, which aborts a running transfer within about a
    /// second.
    public func perform(_ request: CurlRequest) async throws -> CurlResponse {
        let target = try request.validated()
        let initialization = CurlGlobal.initialization
        guard initialization == CURLE_OK.rawValue else {
            throw CurlError(.other, reason: "curl_global_init failed", curlCode: Int(initialization))
        }
        let index: Int
        do {
            index = try await limiter.acquire()
        } catch {
            throw CurlError(.cancelled, reason: "\(request.method) \(target.redacted): cancelled while waiting")
        }
        defer { limiter.release(index) }
        let cancellation = CancellationFlag()
        let result = await withTaskCancellationHandler {
            await workers[index].perform(request, target: target, cancellation: cancellation)
        } onCancel: {
            cancellation.cancel()
        }
        return try result.get()
    }
}

/// libcurl's process-wide initialization, run once before the first transfer.
private enum CurlGlobal {
    /// The `CURLcode` of `curl_global_init`, which runs on first access (Swift runs a global's initializer once,
    /// thread-safely).
    static let initialization: CURLcode.RawValue = curl_global_init(CLong(CURL_GLOBAL_DEFAULT)).rawValue
}
