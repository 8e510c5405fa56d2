import NIOCore

/// Holds the frames and the end-of-input event of an accepted connection until the task serving it has wrapped the
/// channel in a `NIOAsyncChannel`, then passes them on, in order, as it leaves the pipeline.
///
/// An accepted connection starts with `autoRead` off (see ``MLLPAcceptedConnection``), but that does not stop every
/// read: when the socket reports that the peer closed its output, NIO drains it at once. A sender that writes a frame
/// and half-closes straight away (`nc -N`, a scripted sender) therefore has its frame decoded, and its input-closed
/// event sent, before anything consumes them; without this handler both went past the end of the pipeline, the frame
/// was never handled or answered, and the serving task waited for an event that had already passed, holding its
/// connection slot for ever.
final class MLLPInboundHoldHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = MLLPInboundFrame
    typealias InboundOut = MLLPInboundFrame

    /// The frames decoded so far, in order.
    private var frames: [NIOAny] = []
    /// Whether the peer closed its output (nothing can follow it).
    private var inputClosed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        frames.append(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // Passed on with the held frames when the handler leaves the pipeline.
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(.inputClosed) = event as? ChannelEvent {
            inputClosed = true
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        let frames = self.frames
        self.frames = []
        for frame in frames {
            context.fireChannelRead(frame)
        }
        if !frames.isEmpty {
            context.fireChannelReadComplete()
        }
        if inputClosed {
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
        context.leavePipeline(removalToken: removalToken)
    }
}

@available(*, unavailable)
extension MLLPInboundHoldHandler: Sendable {}
