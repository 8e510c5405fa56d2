import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import MLLP

/// The idle timer on an accepted connection's own pipeline (decoder, encoder, idle timer, hold handler), on an
/// `EmbeddedEventLoop` whose clock only moves when the test advances it: nothing here depends on the machine's load.
@Suite("MLLPIdleTimeoutHandler")
struct MLLPIdleTimeoutHandlerTests {
    static let timeout = TimeAmount.seconds(2)

    /// An accepted connection as ``MLLPListener`` sets it up, connected, with reading not yet started (the listener
    /// accepts with `autoRead` off; the serving task starts reading when it wraps the channel).
    static func acceptedConnection() throws -> EmbeddedChannel {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let channel = EmbeddedChannel()
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(ByteToMessageHandler(MLLPFrameDecoder(logger: logger)))
        try pipeline.addHandler(MessageToByteHandler(MLLPFrameEncoder()))
        try pipeline.addHandler(MLLPIdleTimeoutHandler(timeout: timeout, logger: logger))
        try pipeline.addHandler(MLLPInboundHoldHandler())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2575)).wait()
        return channel
    }

    static func frame(_ text: String) -> ByteBuffer {
        ByteBuffer(bytes: [0x0B] + Array(text.utf8) + [0x1C, 0x0D])
    }

    @Test("the idle period starts when the connection is first read, not when it is accepted")
    func idlePeriodStartsWhenServed() throws {
        let channel = try Self.acceptedConnection()
        defer { _ = try? channel.finish() }
        // The serving task starts late (a loaded machine): the connection was never read, so it is not idle yet.
        channel.embeddedEventLoop.advanceTime(by: Self.timeout * 10)
        #expect(channel.isActive, "closed before its serving task read anything")
        // Serving starts: from now on a connection that sends nothing is idle.
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: Self.timeout - .milliseconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive, "not closed a timeout after serving started")
    }

    @Test("a frame that arrived before the connection was served is never closed on, however late the serving")
    func frameBeforeServingIsKept() throws {
        let channel = try Self.acceptedConnection()
        defer { _ = try? channel.finish() }
        // Arrives before serving starts (NIO drains a half-closed socket even with autoRead off): held unanswered.
        try channel.writeInbound(Self.frame("MSH|early"))
        channel.embeddedEventLoop.advanceTime(by: Self.timeout * 10)
        #expect(channel.isActive, "closed with a frame unanswered")
        channel.read()
        channel.embeddedEventLoop.advanceTime(by: Self.timeout * 10)
        #expect(channel.isActive, "closed with a frame unanswered")
        // The hold handler leaves (the async wrapper took over): the frame goes on to be handled.
        let pipeline = channel.pipeline.syncOperations
        pipeline.removeHandler(try pipeline.handler(type: MLLPInboundHoldHandler.self), promise: nil)
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == .message(ByteBuffer(string: "MSH|early")))
        channel.embeddedEventLoop.advanceTime(by: Self.timeout * 10)
        #expect(channel.isActive, "closed with a frame unanswered")
        // Answered: idle again, closed a timeout later.
        channel.triggerUserOutboundEvent(MLLPIdleTimeoutHandler.FrameHandled(), promise: nil)
        channel.embeddedEventLoop.advanceTime(by: Self.timeout - .milliseconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test("while served, each frame stops the idle period and its reply starts a new one")
    func framesResetTheIdlePeriod() throws {
        let channel = try Self.acceptedConnection()
        defer { _ = try? channel.finish() }
        let pipeline = channel.pipeline.syncOperations
        pipeline.removeHandler(try pipeline.handler(type: MLLPInboundHoldHandler.self), promise: nil)
        channel.read()
        for index in 0..<3 {
            channel.embeddedEventLoop.advanceTime(by: Self.timeout - .milliseconds(1))
            #expect(channel.isActive)
            try channel.writeInbound(Self.frame("MSH|\(index)"))
            #expect(try channel.readInbound(as: MLLPInboundFrame.self) != nil)
            channel.embeddedEventLoop.advanceTime(by: Self.timeout * 3)
            #expect(channel.isActive, "closed while a frame waited for its reply")
            channel.triggerUserOutboundEvent(MLLPIdleTimeoutHandler.FrameHandled(), promise: nil)
        }
        channel.embeddedEventLoop.advanceTime(by: Self.timeout)
        #expect(!channel.isActive)
    }
}
