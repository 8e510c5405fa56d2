import NIOCore

/// Reads, from the bytes before the HTTP/1 decoder, whether a request's target is a `/fhir` path, so that an answer
/// the decoder's failure calls for (431, the head too large) can be an OperationOutcome on FHIR paths.
///
/// Only the start of a read that begins a request is looked at — the connection's first bytes, and the first read
/// after ``requestEnded()`` — at most ``prefixLimit`` bytes of it: a method, a space, then the target in origin form
/// (`/fhir/...`) or absolute form (`http://host/fhir/...`). A head whose start could not be read this way (pipelined
/// behind another request in one read) is unknown (`nil`). The bytes are passed on unchanged and never kept.
final class HTTPRequestTargetPeeker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The most bytes of a request's start looked at.
    static let prefixLimit = 512

    /// Whether the next read starts a request.
    private var atRequestStart = true
    /// The start of the current request read so far, while its target is not yet known.
    private var prefix: [UInt8] = []
    /// Whether the current request's target is a `/fhir` path; `nil` when unknown.
    private(set) var isFHIRPath: Bool?

    /// Tells the peeker that a request was read whole: the next read starts the next request.
    func requestEnded() {
        atRequestStart = true
        prefix = []
        isFHIRPath = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if atRequestStart {
            let buffer = unwrapInboundIn(data)
            let take = min(buffer.readableBytes, Self.prefixLimit - prefix.count)
            prefix += buffer.getBytes(at: buffer.readerIndex, length: take) ?? []
            switch Self.targetIsFHIR(prefix) {
            case .some(let known):
                isFHIRPath = known
                atRequestStart = false
                prefix = []
            case .none where prefix.count >= Self.prefixLimit:
                atRequestStart = false
                prefix = []
            case .none:
                break
            }
        }
        context.fireChannelRead(data)
    }

    /// Whether the request line at the start of `bytes` has a `/fhir` target; `nil` while more bytes are needed,
    /// `false` too when the bytes do not start with a request line.
    static func targetIsFHIR(_ bytes: [UInt8]) -> Bool? {
        let space = UInt8(ascii: " ")
        var index = 0
        // Empty lines before a request line are allowed (RFC 9112 2.2).
        while index < bytes.count, bytes[index] == UInt8(ascii: "\r") || bytes[index] == UInt8(ascii: "\n") {
            index += 1
        }
        let methodStart = index
        while index < bytes.count, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[index]) { index += 1 }
        guard index < bytes.count else { return nil }
        guard bytes[index] == space, index > methodStart else { return false }
        // The target, up to its ending space when it has arrived.
        let rest = bytes[(index + 1)...]
        let ended = rest.contains(space)
        var path = rest.prefix { $0 != space }
        if path.first != UInt8(ascii: "/") {
            // Absolute form: the path starts at the first `/` after `://`.
            let text = Array(path)
            guard let scheme = (0..<max(0, text.count - 2)).first(where: { text[$0..<$0 + 3] == [58, 47, 47] }) else {
                return ended || text.count >= 16 ? false : nil
            }
            guard let slash = text[(scheme + 3)...].firstIndex(of: UInt8(ascii: "/")) else {
                return ended ? false : nil
            }
            path = path.dropFirst(slash)
        }
        let fhir = Array("/fhir".utf8)
        if path.count > fhir.count {
            let next = path[path.startIndex + fhir.count]
            return Array(path.prefix(fhir.count)) == fhir
                && (next == UInt8(ascii: "/") || next == UInt8(ascii: "?") || next == UInt8(ascii: "#"))
        }
        return ended ? Array(path) == fhir : nil
    }
}

@available(*, unavailable)
extension HTTPRequestTargetPeeker: Sendable {}
