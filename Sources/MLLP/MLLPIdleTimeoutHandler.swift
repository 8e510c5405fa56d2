import Logging
import NIOCore

/// Closes the channel when the `IdleStateHandler` before it reports that no frame was read for the idle timeout,
/// unless a frame read is still waiting for its reply: a handler slower than the timeout (a busy database, a
/// loaded machine) must not have its connection cut while it works.
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

    private let logger: Logger
    /// Frames read and not yet handled.
    private var awaitingReply = 0

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        awaitingReply += 1
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is FrameHandled else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        awaitingReply = max(0, awaitingReply - 1)
        promise?.succeed(())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idleEvent = event as? IdleStateHandler.IdleStateEvent, idleEvent == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        guard awaitingReply == 0 else { return }
        self.logger.info("MLLP connection idle; closing")
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension MLLPIdleTimeoutHandler: Sendable {}
