import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends HL7 messages to an MLLP peer and waits for the acknowledgment of each.
///
/// A connection lives for the duration of ``withConnection(isolation:_:)``, and carries as many messages as the body
/// sends, one at a time:
///
/// ```swift
/// let client = MLLPClient(configuration: .init(host: "ehr.example", port: 2575), logger: logger)
/// try await client.withConnection { connection in
///     for message in messages {
///         let ack = try await connection.send(message, timeout: .seconds(30))
///     }
/// }
/// ```
///
/// Logs carry the peer address and byte counts; never message content.
public struct MLLPClient: Sendable {
    /// Which peer to connect to, and how.
    public var configuration: Configuration

    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client; nothing is connected before ``withConnection(isolation:_:)``.
    ///
    /// - Parameters:
    ///   - configuration: Which peer to connect to, and how.
    ///   - eventLoopGroup: The event loops serving the sockets. Defaults to the shared NIO group.
    ///   - logger: Receives connection events, with byte counts only.
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "nb.mllp.client", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "nb.mllp.peer"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// Connects, runs `body` with the connection, and closes the connection when `body` returns or throws.
    ///
    /// - Throws: ``MLLPError`` with ``MLLPError/Code/connectFailed`` or ``MLLPError/Code/invalidTLSConfiguration``
    ///   when no connection can be made; whatever `body` throws.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (MLLPClientConnection) async throws -> sending Result
    ) async throws -> sending Result {
        let channel = try await self.connect()
        let logger = self.logger
        return try await channel.executeThenClose(isolation: isolation) { inbound, outbound in
            let connection = MLLPClientConnection(
                frames: inbound.makeAsyncIterator(),
                outbound: outbound,
                channel: channel.channel,
                logger: logger
            )
            return try await body(connection)
        }
    }

    /// Connects, sends one message, waits for its reply, and closes the connection.
    ///
    /// - Returns: The content of the reply frame (the acknowledgment).
    /// - Throws: ``MLLPError``; see ``MLLPClientConnection/send(_:timeout:isolation:)``.
    public func send(_ message: [UInt8], timeout: Duration) async throws -> [UInt8] {
        try await self.withConnection { connection in
            try await connection.send(message, timeout: timeout)
        }
    }

    private func connect() async throws -> NIOAsyncChannel<MLLPInboundFrame, ByteBuffer> {
        let configuration = self.configuration
        let logger = self.logger
        let tlsContext = try configuration.tls?.makeClientContext()
        let serverHostname = configuration.tls.flatMap { tls in
            tls.serverHostname ?? (Self.isIPAddress(configuration.host) ? nil : configuration.host)
        }
        do {
            let channel = try await ClientBootstrap(group: self.eventLoopGroup)
                .connectTimeout(TimeAmount(configuration.connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let tlsContext {
                            try pipeline.addHandler(
                                NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname))
                        }
                        try pipeline.addHandler(
                            ByteToMessageHandler(
                                MLLPFrameDecoder(maximumFrameSize: configuration.maximumFrameSize, logger: logger)
                            )
                        )
                        try pipeline.addHandler(MessageToByteHandler(MLLPFrameEncoder()))
                        return try NIOAsyncChannel<MLLPInboundFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            logger.debug("MLLP client connected", metadata: ["nb.mllp.tls": "\(tlsContext != nil)"])
            return channel
        } catch {
            logger.notice("MLLP client cannot connect", metadata: ["nb.mllp.error": "\(mllpLogDescription(of: error))"])
            throw MLLPError(
                code: .connectFailed,
                reason:
                    "cannot connect to \(configuration.host):\(configuration.port): \(mllpLogDescription(of: error))"
            )
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
