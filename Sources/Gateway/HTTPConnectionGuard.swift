import FHIR
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Synchronization

/// The open HTTP connections of one listener, shared by the guards of its connections.
final class HTTPConnectionCount: Sendable {
    let open = Atomic<Int>(0)
}

/// Guards each HTTP connection where Hummingbird's own handling ends:
/// - a connection beyond `http.maxConnections` gets `503` with a JSON error at its first request and is closed, so
///   that a flood of connections cannot use every file descriptor;
/// - a request must arrive whole (head, body and end) within `http.requestTimeoutSeconds` of its head: a client
///   that trickles its body a byte at a time (which resets the idle timeout) gets `408` and is closed;
/// - a request head the HTTP parser cannot read (a malformed request line or header) gets `400` with a JSON error
///   that names the parser's reason, where Hummingbird answered an empty `400`; a head larger than the parser reads
///   gets `431`, as an OperationOutcome (issue `too-long`) when its target is a `/fhir` path
///   (``HTTPRequestTargetPeeker``, placed before the decoder, reads that from the raw bytes).
///
/// It sits after the HTTP/1 codec, so it reads whole request parts; its own answers close the connection, and
/// whatever the request's handler writes afterwards is dropped. Error texts never quote the request.
final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connections: HTTPConnectionCount
    private let maxConnections: Int
    private let requestTimeout: TimeAmount
    private let logger: Logger
    /// Whether this connection is counted in `connections`.
    private var counted = false
    /// Whether this connection is beyond the limit.
    private var overLimit = false
    /// Whether a request's head was read and its end not yet.
    private var reading = false
    /// Requests whose head was read and whose response has not ended.
    private var unanswered = 0
    /// Whether a response head was written for the oldest unanswered request.
    private var responding = false
    /// Whether this guard answered and is closing the connection.
    private var answered = false
    /// The 408 at the end of the request time, while a request is being read.
    private var deadline: Scheduled<Void>?
    /// Reads whether the current request's target is a `/fhir` path, before the decoder; `nil` when it could not
    /// be placed.
    private var peeker: HTTPRequestTargetPeeker?

    init(connections: HTTPConnectionCount, maxConnections: Int, requestTimeout: TimeAmount, logger: Logger) {
        self.connections = connections
        self.maxConnections = maxConnections
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        counted = true
        overLimit = connections.open.add(1, ordering: .relaxed).newValue > maxConnections
        let operations = context.pipeline.syncOperations
        if let decoder = try? operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
            let peeker = HTTPRequestTargetPeeker()
            if (try? operations.addHandler(peeker, position: .before(decoder))) != nil {
                self.peeker = peeker
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        switch unwrapInboundIn(data) {
        case .head:
            if overLimit {
                logger.warning(
                    "HTTP connection refused: the connection limit is reached",
                    metadata: ["nb.http.limit": "\(maxConnections)"]
                )
                answer(
                    context: context, status: .serviceUnavailable, code: "TOO_MANY_CONNECTIONS",
                    message: "the gateway has \(maxConnections) HTTP connections open, its limit; retry later",
                    retryAfter: 1)
                return
            }
            reading = true
            unanswered += 1
            startDeadline(context: context)
        case .body:
            break
        case .end:
            reading = false
            stopDeadline()
            peeker?.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // After this guard's own answer, the request's handler has nothing more to say on this connection.
        guard !answered else {
            promise?.succeed(())
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            responding = true
        case .end:
            unanswered = max(0, unanswered - 1)
            responding = false
        default:
            break
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A parse error in a request's head (no request is being read or answered): this guard answers it. One in
        // a body is the route's to answer, in its own error shape (it reads the body and sees the error).
        if let parse = error as? HTTPParserError, !answered, !reading, unanswered == 0 {
            let reason = Self.reason(parse)
            logger.info("HTTP request could not be parsed", metadata: ["nb.http.reason": "\(reason)"])
            let tooLarge = "the request line and headers are larger than the gateway reads"
            if parse == .headerOverflow, peeker?.isFHIRPath == true {
                let outcome = FHIRError(.requestHeaderFieldsTooLarge, "too-long", tooLarge).outcome
                answer(
                    context: context, status: .requestHeaderFieldsTooLarge, body: JSONWriter.write(outcome),
                    contentType: "application/fhir+json")
            } else if parse == .headerOverflow {
                answer(
                    context: context, status: .requestHeaderFieldsTooLarge, code: "HEADERS_TOO_LARGE",
                    message: tooLarge)
            } else {
                answer(
                    context: context, status: .badRequest, code: "MALFORMED_REQUEST",
                    message: "the HTTP request could not be read: \(reason)")
            }
            return
        }
        context.fireErrorCaught(error)
    }

    /// The parser's reason in words, written here for each case (NIO's own descriptions name its internals, such as
    /// `swift-http-parser error`); never any of the request's bytes.
    static func reason(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidCharactersUsed, .invalidHeaderToken: "a header name or value holds a character HTTP does not allow"
        case .invalidConstant, .invalidMethod: "the request line does not start with an HTTP method such as GET or POST"
        case .invalidURL: "the request target is not a valid URL path"
        case .invalidVersion: "the request line does not end with HTTP/1.0 or HTTP/1.1"
        case .lfExpected: "a line does not end with CR LF"
        case .headerOverflow: "the request line and headers are too large"
        case .invalidContentLength: "Content-Length is not a whole number of bytes"
        case .unexpectedContentLength: "Content-Length is sent twice, or with Transfer-Encoding"
        case .invalidChunkSize: "a chunk size of the chunked body is not hexadecimal"
        case .invalidEOFState: "the connection ended in the middle of the request"
        case .trailingGarbage, .closedConnection: "bytes follow a request that closed the connection"
        case .paused: "the request is not HTTP/1.1 (an HTTP/2 preface or another protocol)"
        default: "its framing is not valid HTTP/1.1 (for example both Content-Length and Transfer-Encoding)"
        }
    }

    private func answer(
        context: ChannelHandlerContext, status: HTTPResponse.Status, code: String, message: String,
        retryAfter: Int? = nil
    ) {
        answer(
            context: context, status: status, body: APIError(status, code: code, message: message).body,
            contentType: "application/json", retryAfter: retryAfter)
    }

    private func answer(
        context: ChannelHandlerContext, status: HTTPResponse.Status, body: [UInt8], contentType: String,
        retryAfter: Int? = nil
    ) {
        answered = true
        stopDeadline()
        var head = HTTPResponse(status: status)
        head.headerFields[.contentType] = contentType
        head.headerFields[.contentLength] = String(body.count)
        head.headerFields[.connection] = "close"
        if let retryAfter { head.headerFields[.retryAfter] = String(retryAfter) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }

    private func startDeadline(context: ChannelHandlerContext) {
        stopDeadline()
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: requestTimeout) {
            let (handler, context) = bound.value
            handler.deadline = nil
            guard handler.reading, !handler.responding, !handler.answered else { return }
            handler.logger.info("HTTP request not received in time; closing")
            handler.answer(
                context: context, status: .requestTimeout, code: "REQUEST_TIMEOUT",
                message: "the request was not received whole within the request timeout")
        }
    }

    private func stopDeadline() {
        deadline?.cancel()
        deadline = nil
    }

    private func release() {
        stopDeadline()
        if counted {
            counted = false
            connections.open.subtract(1, ordering: .relaxed)
        }
    }
}

@available(*, unavailable)
extension HTTPConnectionGuard: Sendable {}
