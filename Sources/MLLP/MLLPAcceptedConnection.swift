import Logging
import NIOCore

/// A connection accepted by ``MLLPListener``: its pipeline is set up and reading is paused until the task serving
/// it wraps it in a `NIOAsyncChannel`.
///
/// The async wrapper is created by the serving task rather than when the connection is accepted: a `NIOAsyncChannel`
/// still buffered in the accept stream when the listener is cancelled would be dropped without being finished, which
/// traps (swift-nio issue #2637). A plain channel left behind is closed by ``MLLPConnectionRegistry`` instead.
struct MLLPAcceptedConnection: Sendable {
    /// The accepted channel, with `autoRead` off.
    var channel: any Channel

    /// Who is connected, as shown to the ``MLLPMessageHandler``.
    var info: MLLPConnectionInfo

    /// Whether the connection is wrapped in TLS.
    var isTLS: Bool

    /// The listener's logger with the connection's peer and number as metadata.
    var logger: Logger

    /// Wraps the channel for async use, passes on what arrived before (``MLLPInboundHoldHandler``), and starts
    /// reading; runs on the channel's event loop.
    func makeAsyncChannel() async throws -> NIOAsyncChannel<MLLPInboundFrame, ByteBuffer> {
        let channel = self.channel
        return try await channel.eventLoop.submit {
            let asyncChannel = try NIOAsyncChannel<MLLPInboundFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
            let pipeline = channel.pipeline.syncOperations
            pipeline.removeHandler(try pipeline.handler(type: MLLPInboundHoldHandler.self), promise: nil)
            try channel.syncOptions?.setOption(.autoRead, value: true)
            // That read bypasses the pipeline: the idle timer is told that the connection is now being served.
            pipeline.triggerUserOutboundEvent(MLLPIdleTimeoutHandler.ServingStarted(), promise: nil)
            return asyncChannel
        }.get()
    }
}
