import MLLP
import NIOCore
import NIOEmbedded
import Testing

@Suite("MLLPFrameEncoder")
struct MLLPFrameEncoderTests {
    @Test("wraps content in 0x0B … 0x1C 0x0D")
    func framesContent() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(MLLPFrameEncoder()))
        try channel.writeOutbound(content("MSH|^~\\&|A\r"))
        let written = try channel.readOutbound(as: ByteBuffer.self)
        #expect(written.map { Array($0.readableBytesView) } == [0x0B] + Array("MSH|^~\\&|A\r".utf8) + [0x1C, 0x0D])
        #expect(try channel.finish().isClean)
    }

    @Test("an empty message is an empty frame")
    func emptyContent() throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(MLLPFrameEncoder()))
        try channel.writeOutbound(ByteBuffer())
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(bytes: [0x0B, 0x1C, 0x0D]))
        #expect(try channel.finish().isClean)
    }

    @Test("content holding a framing byte is refused", arguments: [MLLPFraming.startBlock, MLLPFraming.endBlock])
    func refusesFramingBytes(byte: UInt8) throws {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(MLLPFrameEncoder()))
        var message = content("MSH|")
        message.writeInteger(byte)
        // The write fails, and the error also travels down the pipeline, where EmbeddedChannel keeps it.
        let writeError = #expect(throws: MLLPError.self) {
            try channel.writeOutbound(message)
        }
        #expect(writeError?.code == .invalidContent)
        #expect(throws: MLLPError.self) {
            try channel.throwIfErrorCaught()
        }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test("encoder output decodes to the original messages")
    func roundTrip() throws {
        let encoder = EmbeddedChannel(handler: MessageToByteHandler(MLLPFrameEncoder()))
        let decoder = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder()))
        let messages = (0..<20).map { syntheticMessage(controlID: "R\($0)") }
        for message in messages {
            try encoder.writeOutbound(content(message))
            while let bytes = try encoder.readOutbound(as: ByteBuffer.self) {
                try decoder.writeInbound(bytes)
            }
        }
        for message in messages {
            #expect(try decoder.readInbound(as: MLLPInboundFrame.self) == .message(content(message)))
        }
        #expect(try encoder.finish().isClean)
        #expect(try decoder.finish().isClean)
    }
}
