import Logging
import NIOCore

/// Closes the channel when no frame was read for the idle timeout, counted from the first read of the connection
/// (when its serving task starts) or from the reply to the last frame, never while a frame read is still waiting for
/// its reply: a handler slower than the timeout (a busy database, a loaded machine) must not have its connection cut
/// while it works, nor right after it replies.
///
/// The listener accepts connections with `autoRead` off and the serving task turns it on when it wraps the channel;
/// until then nothing reads the socket, so a frame the peer sent at once waits unread in the kernel. The idle period
/// therefore starts at the first read request (the `read` outbound operation), not when the connection becomes
/// active: on a loaded machine a serving task that started later than the timeout used to find its connection
/// already closed, its frame unread.
///
/// It sits after the frame decoder and encoder, so it counts whole frames in and replies out; a peer that
/// trickles bytes without completing a frame is idle too.
final class MLLPIdleTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = MLLPInboundFrame
    typealias InboundOut = MLLPInboundFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The user outbound event the connection loop sends once it has handled a frame (replied or not).
    struct FrameHandled: Sendable {}

    /// The user outbound event the serving task sends once it has turned reading on. Turning `autoRead` on starts
    /// the socket's read directly, not through the pipeline, so ``read(context:)`` sees no read until bytes arrive:
    /// a peer that connected and never sent a byte (on the TLS port too: not even a ClientHello) was never idle, and
    /// held its connection slot for as long as it liked.
    struct ServingStarted: Sendable {}

    private let timeout: TimeAmount
    private let logger: Logger
    /// Frames read and not yet handled.
    private var awaitingReply = 0
    /// The close at the end of the current idle period, while one runs.
    private var scheduledClose: Scheduled<Void>?
    /// Whether the connection was asked to read at least once (it is being served).
    private var served = false

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopIdlePeriod()
    }

    func read(context: ChannelHandlerContext) {
        startServing(context: context)
        context.read()
    }

    /// The serving task has started reading: from now on, silence is the peer's.
    private func startServing(context: ChannelHandlerContext) {
        guard !served else { return }
        served = true
        if awaitingReply == 0, context.channel.isActive { startIdlePeriod(context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopIdlePeriod()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        awaitingReply += 1
        stopIdlePeriod()
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is ServingStarted {
            startServing(context: context)
            promise?.succeed(())
            return
        }
        guard event is FrameHandled else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        awaitingReply = max(0, awaitingReply - 1)
        if awaitingReply == 0, served { startIdlePeriod(context: context) }
        promise?.succeed(())
    }

    private func startIdlePeriod(context: ChannelHandlerContext) {
        stopIdlePeriod()
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        scheduledClose = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = bound.value
            handler.scheduledClose = nil
            guard handler.awaitingReply == 0 else { return }
            handler.logger.info("MLLP connection idle; closing")
            context.close(promise: nil)
        }
    }

    private func stopIdlePeriod() {
        scheduledClose?.cancel()
        scheduledClose = nil
    }
}

@available(*, unavailable)
extension MLLPIdleTimeoutHandler: Sendable {}
