import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// A request as the test server received it.
public struct ReceivedRequest: Sendable {
    public var method: String
    public var uri: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
}

/// How the test server answers one request.
public struct Reply: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// How long to wait before answering.
    public var delay: Duration
    /// Whether the body is sent chunked (no `Content-Length`), in pieces of at most 16 KiB.
    public var chunked: Bool

    public init(
        status: Int = 200, headers: [(String, String)] = [], body: [UInt8] = [], delay: Duration = .zero,
        chunked: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
        self.chunked = chunked
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 and an ephemeral port, answering every request with `respond`, optionally
/// over TLS; it records what it receives.
public final class TestHTTPServer: Sendable {
    public let port: Int
    private let channel: any Channel
    private let state: Mutex<State>

    private struct State {
        var requests: [ReceivedRequest] = []
        var connections = 0
        var inFlight = 0
        var maximumInFlight = 0
    }

    /// Every request received, in order.
    public var requests: [ReceivedRequest] { state.withLock { $0.requests } }
    /// How many connections were accepted.
    public var connections: Int { state.withLock { $0.connections } }
    /// The most requests that were being answered at once.
    public var maximumInFlight: Int { state.withLock { $0.maximumInFlight } }

    private init(channel: any Channel) throws {
        guard let port = channel.localAddress?.port else {
            throw ChannelError.unknownLocalAddress
        }
        self.channel = channel
        self.port = port
        self.state = Mutex(State())
    }

    /// Starts a server; `tls` makes it speak HTTPS.
    public static func start(
        tls: TLSConfiguration? = nil,
        respond: @escaping @Sendable (ReceivedRequest) -> Reply
    ) async throws -> TestHTTPServer {
        let sslContext = try tls.map { try NIOSSLContext(configuration: $0) }
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                box.server?.connectionAccepted()
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let sslContext {
                        try pipeline.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try pipeline.configureHTTPServerPipeline()
                    try pipeline.addHandler(RequestHandler(box: box, respond: respond))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = try TestHTTPServer(channel: channel)
        box.set(server)
        return server
    }

    /// `http://127.0.0.1:<port>` (or `https://`) followed by `path`.
    public func url(_ path: String = "/", scheme: String = "http", host: String = "127.0.0.1") -> String {
        "\(scheme)://\(host):\(port)\(path)"
    }

    /// Stops listening; open connections are left to close.
    public func close() async throws {
        try await channel.close()
    }

    fileprivate func connectionAccepted() {
        state.withLock { $0.connections += 1 }
    }

    fileprivate func requestStarted(_ request: ReceivedRequest) {
        state.withLock { state in
            state.requests.append(request)
            state.inFlight += 1
            state.maximumInFlight = max(state.maximumInFlight, state.inFlight)
        }
    }

    fileprivate func requestFinished() {
        state.withLock { $0.inFlight -= 1 }
    }
}

/// Runs `body` with a started server, closing it afterwards.
@discardableResult
public func withServer<T>(
    tls: TLSConfiguration? = nil,
    respond: @escaping @Sendable (ReceivedRequest) -> Reply,
    _ body: (TestHTTPServer) async throws -> T
) async throws -> T {
    let server = try await TestHTTPServer.start(tls: tls, respond: respond)
    do {
        let result = try await body(server)
        try await server.close()
        return result
    } catch {
        try? await server.close()
        throw error
    }
}

/// Lets the channel initializer reach the server, which exists only once the bootstrap has bound.
private final class ServerBox: Sendable {
    private let storage = Mutex<TestHTTPServer?>(nil)
    var server: TestHTTPServer? { storage.withLock { $0 } }
    func set(_ server: TestHTTPServer) { storage.withLock { $0 = server } }
}

/// Collects one request at a time and writes the reply.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: ServerBox
    private let respond: @Sendable (ReceivedRequest) -> Reply
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(box: ServerBox, respond: @escaping @Sendable (ReceivedRequest) -> Reply) {
        self.box = box
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else {
                return
            }
            let request = ReceivedRequest(
                method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body)
            box.server?.requestStarted(request)
            let reply = respond(request)
            let keepAlive = head.isKeepAlive
            let version = head.version
            self.head = nil
            if reply.delay > .zero {
                let (seconds, attoseconds) = reply.delay.components
                let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
                context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                    self.write(reply, version: version, keepAlive: keepAlive, context: context)
                }
            } else {
                write(reply, version: version, keepAlive: keepAlive, context: context)
            }
        }
    }

    private func write(_ reply: Reply, version: HTTPVersion, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(reply.headers)
        if !reply.chunked {
            headers.replaceOrAdd(name: "content-length", value: "\(reply.body.count)")
        }
        let head = HTTPResponseHead(
            version: version,
            status: HTTPResponseStatus(statusCode: reply.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var offset = 0
        let piece = reply.chunked ? 16 * 1024 : max(reply.body.count, 1)
        while offset < reply.body.count {
            let end = min(offset + piece, reply.body.count)
            context.write(
                wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body[offset..<end])))), promise: nil)
            offset = end
        }
        let box = self.box
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            box.server?.requestFinished()
        }
        if !keepAlive {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RequestHandler: Sendable {}
