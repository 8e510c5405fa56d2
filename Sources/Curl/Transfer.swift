internal import CCurl

/// One blocking libcurl transfer: configures an easy handle from a ``CurlRequest``, runs `curl_easy_perform` and
/// turns the outcome into a ``CurlResponse`` or a ``CurlError``.
///
/// Runs on a ``TransferWorker``'s thread, never on the Swift concurrency pool.
enum Transfer {
    /// Performs `request` (already validated, `target` being its parsed URL) on `handle` and resets the handle.
    static func perform(
        _ request: CurlRequest,
        target: CurlURL,
        handle: EasyHandle,
        cancellation: CancellationFlag
    ) -> Result<CurlResponse, CurlError> {
        guard !cancellation.isCancelled else {
            return .failure(CurlError(.cancelled, reason: "\(request.method) \(target.redacted): cancelled"))
        }
        let state = TransferState(
            maximumBodyBytes: request.maximumResponseBytes,
            maximumHeaderBytes: CurlRequest.maximumResponseHeaderBytes,
            cancellation: cancellation
        )
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            // The handle keeps pointers to the header list and the error buffer until it is reset.
            handle.reset()
            curl_slist_free_all(headerList)
            errorBuffer.deallocate()
        }
        let result: CURLcode
        do {
            headerList = try makeHeaderList(for: request)
            try configure(handle, for: request, target: target, headerList: headerList)
            try handle.set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
            let userdata = Unmanaged.passUnretained(state).toOpaque()
            try handle.setCallbacks(
                write: { data, size, count, userdata in
                    guard let userdata else {
                        return 0
                    }
                    let total = size * count
                    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
                    return state.receiveBody(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
                },
                header: { data, size, count, userdata in
                    guard let userdata else {
                        return 0
                    }
                    let total = size * count
                    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
                    return state.receiveHeader(UnsafeRawBufferPointer(start: data, count: total)) ? total : 0
                },
                progress: { userdata, _, _, _, _ in
                    guard let userdata else {
                        return 0
                    }
                    let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
                    return state.cancellation.isCancelled ? 1 : 0
                },
                userdata: userdata
            )
            // With an empty body libcurl still needs a non-NULL CURLOPT_POSTFIELDS, or it would read stdin.
            let bytes = request.body.isEmpty ? [0] : request.body
            result = try bytes.withUnsafeBytes { bytes in
                if request.sendsBody {
                    try handle.set(CURLOPT_POSTFIELDSIZE_LARGE, size: Int64(request.body.count))
                    try handle.set(CURLOPT_POSTFIELDS, pointer: bytes.baseAddress)
                }
                return withExtendedLifetime(state) {
                    curl_easy_perform(handle.pointer)
                }
            }
        } catch let error as CurlError {
            return .failure(error)
        } catch {
            return .failure(CurlError(.other, reason: "\(request.method) \(target.redacted): \(error)"))
        }
        guard result == CURLE_OK else {
            let detail = target.scrubbed(String(cString: errorBuffer), original: request.url)
            return .failure(failure(for: result, state: state, request: request, target: target, detail: detail))
        }
        guard let status = handle.info(CURLINFO_RESPONSE_CODE) else {
            return .failure(CurlError(.other, reason: "\(request.method) \(target.redacted): no response status"))
        }
        return .success(CurlResponse(status: Int(status), headers: state.headers, body: state.body))
    }

    /// The request's header fields as a libcurl string list, plus the removal of libcurl's own `Content-Type`
    /// (`application/x-www-form-urlencoded`) and `Expect: 100-continue` unless the request sets them.
    private static func makeHeaderList(for request: CurlRequest) throws -> UnsafeMutablePointer<curl_slist>? {
        var lines = request.headers.map { header in
            // `Name:` would remove the field; `Name;` sends it with an empty value.
            header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
        }
        if request.sendsBody && !request.hasHeader("Content-Type") {
            lines.append("Content-Type:")
        }
        if !request.hasHeader("Expect") {
            lines.append("Expect:")
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlError(.other, reason: "libcurl could not allocate the header list")
            }
            list = appended
        }
        return list
    }

    /// Sets every option of the transfer except the body, the callbacks and the error buffer.
    private static func configure(
        _ handle: EasyHandle,
        for request: CurlRequest,
        target: CurlURL,
        headerList: UnsafeMutablePointer<curl_slist>?
    ) throws {
        try handle.set(CURLOPT_NOSIGNAL, true)
        try handle.set(CURLOPT_URL, request.url)
        try handle.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try handle.set(CURLOPT_REDIR_PROTOCOLS_STR, target.scheme == "https" ? "https" : "http,https")
        try handle.set(CURLOPT_FOLLOWLOCATION, request.followRedirects)
        try handle.set(CURLOPT_MAXREDIRS, CLong(request.maximumRedirects))
        try handle.set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.curlMilliseconds)
        try handle.set(CURLOPT_TIMEOUT_MS, request.timeout.curlMilliseconds)
        if request.maximumResponseBytes > 0 {
            // Fails early when Content-Length announces too much; TransferState enforces the limit regardless.
            try handle.set(CURLOPT_MAXFILESIZE_LARGE, size: Int64(request.maximumResponseBytes))
        }

        switch request.method {
        case "HEAD":
            try handle.set(CURLOPT_NOBODY, true)
        case _ where request.sendsBody:
            try handle.set(CURLOPT_POST, true)
        default:
            try handle.set(CURLOPT_HTTPGET, true)
        }
        if request.method != "GET" && request.method != "HEAD" && request.method != "POST" {
            try handle.set(CURLOPT_CUSTOMREQUEST, request.method)
        }
        try handle.set(CURLOPT_HTTPHEADER, list: headerList)

        // An empty proxy string also keeps libcurl from reading http_proxy, https_proxy and no_proxy.
        try handle.set(CURLOPT_PROXY, request.proxy ?? "")
        try handle.set(CURLOPT_SUPPRESS_CONNECT_HEADERS, true)
        if request.refusesLinkLocalAddresses { try handle.refuseLinkLocalAddresses() }

        let tls = request.tls
        try handle.set(CURLOPT_SSLVERSION, CLong(CURL_SSLVERSION_TLSv1_2))
        try handle.set(CURLOPT_SSL_VERIFYPEER, tls.verifyPeer)
        try handle.set(CURLOPT_SSL_VERIFYHOST, CLong(tls.verifyHost ? 2 : 0))
        if let caFile = tls.caFile {
            try handle.set(CURLOPT_CAINFO, caFile)
        }
        if let certificate = tls.clientCertificateFile {
            try handle.set(CURLOPT_SSLCERT, certificate)
            try handle.set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let key = tls.clientKeyFile {
            try handle.set(CURLOPT_SSLKEY, key)
            try handle.set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let password = tls.clientKeyPassword {
            try handle.set(CURLOPT_KEYPASSWD, password)
        }
    }

    /// Whether libcurl's error detail reports a TLS alert from the peer (OpenSSL: `... SSL_read: ... alert ...`).
    private static func isTLSAlert(_ detail: String) -> Bool {
        detail.contains("SSL") && detail.contains("alert")
    }

    /// The ``CurlError`` for a failed `curl_easy_perform`.
    private static func failure(
        for result: CURLcode,
        state: TransferState,
        request: CurlRequest,
        target: CurlURL,
        detail: String
    ) -> CurlError {
        let code: CurlError.Code
        switch result {
        case _ where state.exceededLimit, CURLE_FILESIZE_EXCEEDED:
            code = .tooLarge
        case _ where state.cancellation.isCancelled:
            code = .cancelled
        case CURLE_OPERATION_TIMEDOUT:
            code = .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            code = .couldNotResolve
        case CURLE_COULDNT_CONNECT:
            code = .couldNotConnect
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            code = .invalidRequest
        case CURLE_RECV_ERROR where isTLSAlert(detail), CURLE_SEND_ERROR where isTLSAlert(detail):
            // With TLS 1.3 a server refusing the client certificate sends its alert after the client's side of the
            // handshake has finished, so libcurl reports a failed read or write rather than a handshake failure.
            code = .tls
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            code = .tls
        default:
            code = .other
        }
        var reason = "\(request.method) \(target.redacted): \(String(cString: curl_easy_strerror(result)))"
        if code == .tooLarge {
            reason += " (limit \(request.maximumResponseBytes) body bytes)"
        }
        if !detail.isEmpty {
            reason += ": \(detail)"
        }
        return CurlError(code, reason: reason, curlCode: Int(result.rawValue))
    }
}
