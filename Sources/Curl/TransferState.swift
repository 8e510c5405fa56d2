/// What one transfer has received so far, filled by libcurl's callbacks on the transfer's thread.
///
/// libcurl holds an unretained pointer to it (see ``Transfer``); it must outlive `curl_easy_perform`.
final class TransferState {
    /// The largest body accepted.
    let maximumBodyBytes: Int
    /// The largest total of header bytes accepted.
    let maximumHeaderBytes: Int
    /// Set when the awaiting task is cancelled.
    let cancellation: CancellationFlag

    /// The body received so far.
    private(set) var body: [UInt8] = []
    /// The header fields of the latest response, names lowercased.
    private(set) var headers: [HTTPHeader] = []
    /// Every header byte received, interim and redirect responses included.
    private var headerBytes = 0
    /// Whether the transfer was stopped because the body or the header fields were too large.
    private(set) var exceededLimit = false

    init(maximumBodyBytes: Int, maximumHeaderBytes: Int, cancellation: CancellationFlag) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumHeaderBytes = maximumHeaderBytes
        self.cancellation = cancellation
    }

    /// Appends a piece of the body; `false` stops the transfer (too large, or cancelled).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !cancellation.isCancelled else {
            return false
        }
        guard bytes.count <= maximumBodyBytes - body.count else {
            exceededLimit = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Takes one header line as libcurl delivers it (status line, field, folded continuation or the blank line
    /// ending the header section); `false` stops the transfer (too large, or cancelled).
    ///
    /// A status line starts a new response (an interim 1xx, a proxy's `CONNECT` reply or a redirect came before),
    /// so the fields collected so far are dropped.
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard !cancellation.isCancelled else {
            return false
        }
        headerBytes += bytes.count
        guard headerBytes <= maximumHeaderBytes else {
            exceededLimit = true
            return false
        }
        var line = bytes[...]
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        if line.isEmpty {
            return true
        }
        if line.starts(with: "HTTP/".utf8) {
            headers.removeAll(keepingCapacity: true)
            return true
        }
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            if var last = headers.popLast() {
                last.value += " " + Self.trimmed(line)
                headers.append(last)
            }
            return true
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return true
        }
        let name = Self.trimmed(line[..<colon]).lowercased()
        let value = Self.trimmed(line[line.index(after: colon)...])
        headers.append(HTTPHeader(name: name, value: value))
        return true
    }

    /// `bytes` as text (invalid UTF-8 repaired), without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = bytes.firstIndex(where: { !isBlank($0) }), let end = bytes.lastIndex(where: { !isBlank($0) })
        else {
            return ""
        }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
