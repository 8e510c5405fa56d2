import Logging
import MLLP
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("MLLPFrameDecoder")
struct MLLPFrameDecoderTests {
    // MARK: - ByteToMessageDecoderVerifier (split byte by byte, one frame per read, many frames per read)

    @Test("well-formed frames, including an empty one")
    func wellFormedFrames() throws {
        let message = syntheticMessage(controlID: "C1")
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (framed(message), [.message(content(message))]),
                (framed("MSH|^~\\&|A"), [.message(content("MSH|^~\\&|A"))]),
                (framed(""), [.message(content(""))]),
                (joined(framed("ONE"), framed("TWO")), [.message(content("ONE")), .message(content("TWO"))]),
            ],
            decoderFactory: { MLLPFrameDecoder() }
        )
    }

    @Test("garbage and NULs before and between frames are skipped")
    func noiseBetweenFrames() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (joined(content("garbage\r\n"), framed("A")), [.message(content("A"))]),
                (joined(content("\0\0\0"), framed("B"), content("\0\0")), [.message(content("B"))]),
                (joined(framed("C"), content("\r\n"), framed("D")), [.message(content("C")), .message(content("D"))]),
                (content("\0 noise only \0"), []),
            ],
            decoderFactory: { MLLPFrameDecoder() }
        )
    }

    @Test("an end block not followed by CR yields invalidEndBlock and decoding resumes at the next start block")
    func invalidEndBlock() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (content("\u{0B}ABC\u{1C}X"), [.invalidEndBlock(content("ABC"))]),
                (content("\u{0B}ABC\u{1C}XYZ\r"), [.invalidEndBlock(content("ABC"))]),
                (
                    joined(content("\u{0B}BAD\u{1C}"), framed("GOOD")),
                    [.invalidEndBlock(content("BAD")), .message(content("GOOD"))]
                ),
            ],
            decoderFactory: { MLLPFrameDecoder() }
        )
    }

    @Test("a start block inside an unfinished frame abandons it")
    func startBlockInsideFrame() throws {
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (content("\u{0B}PARTIAL\u{0B}WHOLE\u{1C}\r"), [.message(content("WHOLE"))]),
                (content("\u{0B}\u{0B}\u{0B}X\u{1C}\r"), [.message(content("X"))]),
            ],
            decoderFactory: { MLLPFrameDecoder() }
        )
    }

    @Test("content of exactly the maximum frame size is accepted")
    func contentAtMaximum() throws {
        let sixteen = String(repeating: "x", count: 16)
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(framed(sixteen), [.message(content(sixteen))])],
            decoderFactory: { MLLPFrameDecoder(maximumFrameSize: 16) }
        )
    }

    // MARK: - EmbeddedChannel

    @Test("a frame fed byte by byte is emitted only once its trailing CR arrives")
    func byteByByte() throws {
        let decoder = MLLPFrameDecoder()
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        let input = framed("MSH|X")
        for (index, byte) in input.readableBytesView.enumerated() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            let frame = try channel.readInbound(as: MLLPInboundFrame.self)
            if index == input.readableBytes - 1 {
                #expect(frame == .message(content("MSH|X")))
            } else {
                #expect(frame == nil)
            }
        }
        #expect(try channel.finish().isClean)
    }

    @Test("a thousand frames in one read")
    func manyFramesInOneRead() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder()))
        var input = ByteBuffer()
        for index in 0..<1000 {
            var frame = framed(syntheticMessage(controlID: "C\(index)"))
            input.writeBuffer(&frame)
        }
        try channel.writeInbound(input)
        for index in 0..<1000 {
            let frame = try channel.readInbound(as: MLLPInboundFrame.self)
            #expect(frame == .message(content(syntheticMessage(controlID: "C\(index)"))))
        }
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == nil)
        #expect(try channel.finish().isClean)
    }

    @Test("discarded bytes are counted: noise, abandoned frames, the byte after a bad end block")
    func discardedByteCount() throws {
        let decoder = MLLPFrameDecoder()
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(content("\0\0\0"))
        #expect(decoder.discardedByteCount == 3)
        try channel.writeInbound(framed("A"))
        #expect(decoder.discardedByteCount == 3)
        // "\x0BLOST" is abandoned: 5 bytes.
        try channel.writeInbound(content("\u{0B}LOST\u{0B}KEPT\u{1C}\r"))
        #expect(decoder.discardedByteCount == 8)
        // The "X" after the end block is noise: 1 byte.
        try channel.writeInbound(content("\u{0B}BAD\u{1C}X"))
        #expect(decoder.discardedByteCount == 9)
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == .message(content("A")))
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == .message(content("KEPT")))
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == .invalidEndBlock(content("BAD")))
        #expect(try channel.finish().isClean)
    }

    @Test("10 MiB against a 1 MiB maximum: one oversize event with an 8 KiB head, then nothing")
    func oversize() throws {
        let decoder = MLLPFrameDecoder()
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        let header = syntheticMessage(controlID: "BIG")
        var payload = ByteBuffer(string: header)
        payload.writeRepeatingByte(UInt8(ascii: "A"), count: 10 * 1_048_576 - header.utf8.count)
        var input = joined(content("\u{0B}"), payload, content("\u{1C}\r"), framed("AFTER"))
        let totalBytes = input.readableBytes

        // Delivered as the network would: 64 KiB reads.
        while input.readableBytes > 0, let chunk = input.readSlice(length: min(65_536, input.readableBytes)) {
            try channel.writeInbound(chunk)
        }

        let frame = try channel.readInbound(as: MLLPInboundFrame.self)
        guard case .oversize(let head) = frame else {
            Issue.record("expected oversize, got \(String(describing: frame))")
            return
        }
        #expect(head.readableBytes == MLLPFraming.oversizeHeadSize)
        #expect(head.getString(at: head.readerIndex, length: header.utf8.count) == header)
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == nil)
        // Everything but the start block and the head was dropped, the frame after included.
        #expect(decoder.discardedByteCount == totalBytes - 1 - MLLPFraming.oversizeHeadSize)
        #expect(try channel.finish().isClean)
    }

    @Test("one byte over the maximum is oversize; the boundary does not depend on how bytes arrive")
    func oversizeBoundary() throws {
        let seventeen = String(repeating: "y", count: 17)
        for chunkSize in [1, 2, 5, 19, 100] {
            let channel = EmbeddedChannel(handler: ByteToMessageHandler(MLLPFrameDecoder(maximumFrameSize: 16)))
            var input = framed(seventeen)
            while input.readableBytes > 0, let chunk = input.readSlice(length: min(chunkSize, input.readableBytes)) {
                try channel.writeInbound(chunk)
            }
            #expect(
                try channel.readInbound(as: MLLPInboundFrame.self)
                    == .oversize(head: content(String(repeating: "y", count: 16))))
            #expect(try channel.readInbound(as: MLLPInboundFrame.self) == nil)
            #expect(try channel.finish().isClean)
        }
    }

    @Test("a partial frame at close is reported as incomplete with its byte count")
    func partialFrameAtClose() throws {
        let recorder = LogRecorder()
        let decoder = MLLPFrameDecoder(logger: recorder.makeLogger())
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(joined(framed("DONE"), content("\u{0B}MSH|ZZTESTPATIENT")))
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == .message(content("DONE")))
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == nil)

        _ = try channel.finish()
        #expect(try channel.readInbound(as: MLLPInboundFrame.self) == .incomplete(byteCount: 17))
        #expect(decoder.discardedByteCount == 18)
        let notices = recorder.entries(containing: "ended inside a frame")
        #expect(notices.count == 1)
        #expect(notices.first?.metadata["nb.mllp.bytes"] == "17")
        #expect(!recorder.contains("ZZTESTPATIENT"))
    }

    @Test("noise at close is counted, not reported")
    func noiseAtClose() throws {
        let decoder = MLLPFrameDecoder()
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(content("\r\n\0"))
        #expect(try channel.finish().isClean)
        #expect(decoder.discardedByteCount == 3)
    }

    @Test("logs hold byte counts, never content")
    func logsHoldNoContent() throws {
        let recorder = LogRecorder()
        let decoder = MLLPFrameDecoder(maximumFrameSize: 64, logger: recorder.makeLogger())
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(decoder))
        try channel.writeInbound(content("ZZTESTPATIENT noise"))
        try channel.writeInbound(content("\u{0B}ZZTESTPATIENT abandoned"))
        try channel.writeInbound(content("\u{0B}ZZTESTPATIENT bad end\u{1C}!"))
        try channel.writeInbound(framed(String(repeating: "ZZTESTPATIENT ", count: 10)))
        _ = try channel.finish(acceptAlreadyClosed: true)

        #expect(!recorder.entries.isEmpty)
        #expect(!recorder.contains("ZZTESTPATIENT"))
        let noise = recorder.entries(containing: "outside frames")
        #expect(noise.first?.metadata["nb.mllp.bytes"] == "19")
    }
}
