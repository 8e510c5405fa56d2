internal import CCurl

/// A libcurl easy handle, kept between transfers so that its connection cache (keep-alive connections, TLS
/// sessions, DNS entries) is reused.
///
/// Not thread-safe: a handle belongs to one ``TransferWorker`` and is only touched on its queue.
final class EasyHandle {
    /// The `CURL *`.
    let pointer: UnsafeMutableRawPointer

    /// Creates a handle; `nil` when libcurl cannot allocate one.
    init?() {
        guard let pointer = curl_easy_init() else {
            return nil
        }
        self.pointer = pointer
    }

    deinit {
        curl_easy_cleanup(pointer)
    }

    /// Restores every option to its default, keeping the connection cache.
    func reset() {
        curl_easy_reset(pointer)
    }

    /// Sets an option that takes a `long`.
    func set(_ option: CURLoption, _ value: CLong) throws {
        try Self.check(nb_curl_setopt_long(pointer, option, value), option)
    }

    /// Sets an option that takes a flag.
    func set(_ option: CURLoption, _ value: Bool) throws {
        try set(option, value ? 1 : 0)
    }

    /// Sets an option that takes a `curl_off_t`.
    func set(_ option: CURLoption, size: Int64) throws {
        try Self.check(nb_curl_setopt_off_t(pointer, option, curl_off_t(size)), option)
    }

    /// Sets an option that takes a string, which libcurl copies.
    func set(_ option: CURLoption, _ value: String) throws {
        try Self.check(nb_curl_setopt_string(pointer, option, value), option)
    }

    /// Sets an option that takes a pointer libcurl keeps; the memory must outlive the transfer.
    func set(_ option: CURLoption, pointer value: UnsafeRawPointer?) throws {
        try Self.check(nb_curl_setopt_pointer(pointer, option, value), option)
    }

    /// Sets an option that takes a string list, which must outlive the transfer.
    func set(_ option: CURLoption, list: UnsafeMutablePointer<curl_slist>?) throws {
        try Self.check(nb_curl_setopt_slist(pointer, option, list), option)
    }

    /// Sets the response body and header callbacks and the progress callback, each with `userdata`.
    func setCallbacks(
        write: curl_write_callback,
        header: curl_write_callback,
        progress: curl_xferinfo_callback,
        userdata: UnsafeMutableRawPointer
    ) throws {
        try Self.check(nb_curl_setopt_write_function(pointer, write, userdata), CURLOPT_WRITEFUNCTION)
        try Self.check(nb_curl_setopt_header_function(pointer, header, userdata), CURLOPT_HEADERFUNCTION)
        try Self.check(nb_curl_setopt_xferinfo_function(pointer, progress, userdata), CURLOPT_XFERINFOFUNCTION)
    }

    /// Makes libcurl refuse to connect to link-local and cloud metadata addresses (`nb_curl_refuse_link_local`).
    func refuseLinkLocalAddresses() throws {
        try Self.check(nb_curl_refuse_link_local(pointer), CURLOPT_OPENSOCKETFUNCTION)
    }

    /// Information returned as a `long`, or `nil` when libcurl has none.
    func info(_ info: CURLINFO) -> CLong? {
        var value: CLong = 0
        guard nb_curl_getinfo_long(pointer, info, &value) == CURLE_OK else {
            return nil
        }
        return value
    }

    /// Throws when libcurl refused an option: ``CurlError/Code/invalidRequest`` for an option or value this
    /// libcurl does not support, ``CurlError/Code/other`` otherwise.
    private static func check(_ result: CURLcode, _ option: CURLoption) throws {
        switch result {
        case CURLE_OK:
            return
        case CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNSUPPORTED_PROTOCOL:
            throw CurlError(
                .invalidRequest,
                reason: "libcurl refused option \(option.rawValue): \(String(cString: curl_easy_strerror(result)))",
                curlCode: Int(result.rawValue)
            )
        default:
            throw CurlError(
                .other,
                reason:
                    "libcurl failed to set option \(option.rawValue): \(String(cString: curl_easy_strerror(result)))",
                curlCode: Int(result.rawValue)
            )
        }
    }
}
