import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Accepts MLLP connections (optionally over TLS) and hands each received frame to an ``MLLPMessageHandler``,
/// sending back the reply it returns.
///
/// Each connection is served in its own child task of a discarding task group: frames of one connection are handled
/// in order, one at a time, and a failing connection is logged and closed without affecting the others.
///
/// ``run(handler:logger:onBound:)`` serves until its task is cancelled. Cancellation stops accepting at once;
/// every connection finishes the frame it is handling (its reply is still sent) and is then closed; `run` returns
/// when the last connection is closed. To run it as a swift-service-lifecycle `Service`, call it inside
/// `cancelWhenGracefulShutdown`.
///
/// Logs carry the peer address, connection number and byte counts; never message content.
public struct MLLPListener: Sendable {
    /// Where to listen and how to treat connections.
    public var configuration: Configuration

    private let eventLoopGroup: any EventLoopGroup

    /// Creates a listener; nothing is bound before ``run(handler:logger:onBound:)``.
    ///
    /// - Parameters:
    ///   - configuration: Where to listen and how to treat connections.
    ///   - eventLoopGroup: The event loops serving the sockets. Defaults to the shared NIO group.
    public init(
        configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
    }

    /// Binds, then serves connections until the calling task is cancelled.
    ///
    /// - Parameters:
    ///   - handler: Answers each frame.
    ///   - logger: Receives connection events, with byte counts only.
    ///   - onBound: Called once with the bound port (the actual one when the configured port is 0), before the
    ///     first connection is accepted.
    /// - Throws: ``MLLPError`` with ``MLLPError/Code/bindFailed`` or ``MLLPError/Code/invalidTLSConfiguration``
    ///   when the listener cannot start; any error that stops the accepting socket, after open connections closed.
    ///   Cancellation is not an error: `run` then returns normally.
    public func run(
        handler: some MLLPMessageHandler,
        logger: Logger,
        onBound: @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let configuration = self.configuration
        let tlsContext = try configuration.tls?.makeServerContext()
        let registry = MLLPConnectionRegistry(limit: configuration.maxConnections)
        var logger = logger
        let serverChannel = try await self.bind(tlsContext: tlsContext, registry: registry, logger: logger)
        let port = serverChannel.channel.localAddress?.port ?? configuration.port
        logger[metadataKey: "nb.mllp.port"] = "\(port)"
        logger.info(
            "MLLP listener accepting connections",
            metadata: ["nb.mllp.host": "\(configuration.host)", "nb.mllp.tls": "\(tlsContext != nil)"]
        )
        onBound(port)

        var acceptFailure: (any Error)?
        await withDiscardingTaskGroup { group in
            do {
                try await serverChannel.executeThenClose { connections in
                    for try await connection in connections {
                        guard registry.claim(connection.channel) else {
                            connection.logger.warning(
                                "MLLP connection limit reached; connection refused",
                                metadata: ["nb.mllp.max_connections": "\(registry.limit)"]
                            )
                            connection.channel.close(promise: nil)
                            continue
                        }
                        group.addTask {
                            await Self.serve(connection, handler: handler, lingerTimeout: configuration.lingerTimeout)
                            registry.release()
                        }
                    }
                }
            } catch {
                if !(error is CancellationError) && !Task.isCancelled {
                    logger.error(
                        "MLLP listener stopped accepting",
                        metadata: ["nb.mllp.error": "\(mllpLogDescription(of: error))"]
                    )
                    acceptFailure = error
                }
            }
            registry.shutDown()
            if registry.activeCount > 0 {
                logger.info(
                    "MLLP listener draining connections",
                    metadata: ["nb.mllp.connections": "\(registry.activeCount)"]
                )
            }
        }
        logger.info("MLLP listener stopped")
        if let acceptFailure {
            throw acceptFailure
        }
    }

    private func bind(
        tlsContext: NIOSSLContext?,
        registry: MLLPConnectionRegistry,
        logger: Logger
    ) async throws -> NIOAsyncChannel<MLLPAcceptedConnection, Never> {
        let configuration = self.configuration
        do {
            return try await ServerBootstrap(group: self.eventLoopGroup)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                // Reading starts once the serving task has wrapped the channel (see `MLLPAcceptedConnection`).
                .childChannelOption(.autoRead, value: false)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Self.setUpConnection(
                            channel,
                            configuration: configuration,
                            tlsContext: tlsContext,
                            registry: registry,
                            logger: logger
                        )
                    }
                }
        } catch {
            throw MLLPError(
                code: .bindFailed,
                reason: "cannot listen on \(configuration.host):\(configuration.port): \(mllpLogDescription(of: error))"
            )
        }
    }

    /// Installs the connection's handlers; runs on the connection's event loop.
    private static func setUpConnection(
        _ channel: any Channel,
        configuration: Configuration,
        tlsContext: NIOSSLContext?,
        registry: MLLPConnectionRegistry,
        logger: Logger
    ) throws -> MLLPAcceptedConnection {
        guard let connectionID = registry.admit(channel) else {
            channel.close(promise: nil)
            throw CancellationError()
        }
        let info = MLLPConnectionInfo(
            remoteAddress: channel.remoteAddress?.mllpPeerDescription ?? "unknown",
            connectionID: connectionID
        )
        var logger = logger
        logger[metadataKey: "nb.mllp.peer"] = "\(info.remoteAddress)"
        logger[metadataKey: "nb.mllp.connection_id"] = "\(info.connectionID)"

        let pipeline = channel.pipeline.syncOperations
        if let tlsContext {
            try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext))
        }
        try pipeline.addHandler(
            ByteToMessageHandler(MLLPFrameDecoder(maximumFrameSize: configuration.maximumFrameSize, logger: logger))
        )
        try pipeline.addHandler(MessageToByteHandler(MLLPFrameEncoder()))
        // Idle means no whole frame for the timeout since the serving task started reading or since the last reply,
        // while no reply is pending (after the framing on purpose).
        try pipeline.addHandler(MLLPIdleTimeoutHandler(timeout: TimeAmount(configuration.idleTimeout), logger: logger))
        // Last: what arrives before the serving task wraps the channel waits here (see `MLLPInboundHoldHandler`).
        try pipeline.addHandler(MLLPInboundHoldHandler())
        return MLLPAcceptedConnection(channel: channel, info: info, isTLS: tlsContext != nil, logger: logger)
    }
}
