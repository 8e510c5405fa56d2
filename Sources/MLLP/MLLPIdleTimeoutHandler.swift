import Logging
import NIOCore

/// Closes the channel when the `IdleStateHandler` before it reports that nothing was read for the idle timeout.
final class MLLPIdleTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idleEvent = event as? IdleStateHandler.IdleStateEvent, idleEvent == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        self.logger.info("MLLP connection idle; closing")
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension MLLPIdleTimeoutHandler: Sendable {}
