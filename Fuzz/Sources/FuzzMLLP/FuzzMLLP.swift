// Fuzz target: `MLLPFrameDecoder` in a channel pipeline, fed a byte stream whole and in small reads.
//
// Input: byte 0 picks the maximum frame size (1...200 bytes, or the 1 MiB default), byte 1 seeds the read sizes,
// the rest is the stream.
//
// Invariants checked on every input:
// - No frame (message or invalid end block) is larger than the maximum frame size or holds a start or end block;
//   an oversize head is at most `MLLPFraming.oversizeHeadSize` bytes; an unfinished frame at close is at most the
//   maximum frame size (plus an end block still waiting for its CR); nothing follows an oversize report or an
//   unfinished frame.
// - The stream delivered in one read and in small reads gives the same events and the same discarded byte count.
// - Every byte is accounted for: delivered (with its framing) or counted as discarded; nothing is left over when
//   the channel closes, and the pipeline never reports an error.

import FuzzSupport
import MLLP
import NIOCore
import NIOEmbedded

struct Decoded: Equatable {
    var frames: [MLLPInboundFrame] = []
    var discardedByteCount = 0
}

func decode(_ stream: ArraySlice<UInt8>, maximumFrameSize: Int, readSize: (Int) -> Int) -> Decoded {
    let decoder = MLLPFrameDecoder(maximumFrameSize: maximumFrameSize)
    let channel = EmbeddedChannel()
    var decoded = Decoded()
    func drain() {
        do {
            while let frame = try channel.readInbound(as: MLLPInboundFrame.self) { decoded.frames.append(frame) }
            try channel.throwIfErrorCaught()
        } catch {
            require(false, "the pipeline reported an error: \(error)")
        }
    }
    do {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder))
    } catch {
        require(false, "the decoder could not be added: \(error)")
    }
    var offset = stream.startIndex
    var read = 0
    while offset < stream.endIndex {
        let length = max(1, min(readSize(read), stream.endIndex - offset))
        do {
            try channel.writeInbound(ByteBuffer(bytes: stream[offset..<(offset + length)]))
        } catch {
            require(false, "writeInbound threw: \(error)")
        }
        drain()
        offset += length
        read += 1
    }
    channel.pipeline.fireChannelInactive()
    drain()
    do {
        _ = try channel.finish(acceptAlreadyClosed: true)
    } catch {
        require(false, "closing the channel threw: \(error)")
    }
    decoded.discardedByteCount = decoder.discardedByteCount
    return decoded
}

func check(_ decoded: Decoded, streamLength: Int, maximumFrameSize: Int) {
    var accounted = decoded.discardedByteCount
    for (position, frame) in decoded.frames.enumerated() {
        let isLast = position == decoded.frames.count - 1
        switch frame {
        case .message(let content), .invalidEndBlock(let content):
            require(content.readableBytes <= maximumFrameSize, "a frame is larger than the maximum frame size")
            require(
                !content.readableBytesView.contains(MLLPFraming.startBlock)
                    && !content.readableBytesView.contains(MLLPFraming.endBlock),
                "a frame holds a start or end block")
            if case .message = frame { accounted += content.readableBytes + 3 } else { accounted += content.readableBytes + 2 }
        case .oversize(let head):
            require(head.readableBytes <= min(MLLPFraming.oversizeHeadSize, maximumFrameSize), "an oversize head is too long")
            require(isLast, "an event follows an oversize report")
            accounted += head.readableBytes + 1
        case .incomplete(let byteCount):
            // The count includes an end block that arrived last and was still waiting for its CR.
            require(byteCount >= 0 && byteCount <= maximumFrameSize + 1, "an unfinished frame is larger than the maximum")
            require(isLast, "an event follows an unfinished frame")
        }
    }
    require(accounted == streamLength, "bytes are not accounted for: \(accounted) of \(streamLength)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMLLP(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    guard input.count >= 2 else { return 0 }
    let maximumFrameSize = input[0] < 200 ? Int(input[0]) + 1 : MLLPFraming.defaultMaximumFrameSize
    var seed = UInt32(input[1]) &* 2_654_435_761 | 1
    let stream = input[2...]

    let whole = decode(stream, maximumFrameSize: maximumFrameSize) { _ in stream.count }
    check(whole, streamLength: stream.count, maximumFrameSize: maximumFrameSize)
    let pieces = decode(stream, maximumFrameSize: maximumFrameSize) { _ in
        seed = seed &* 1_103_515_245 &+ 12_345
        return Int((seed >> 16) % 17) + 1
    }
    require(pieces == whole, "the stream read in pieces decodes differently from the stream read whole")
    return 0
}

/// The program's entry point under SwiftPM, which links an executable with `FuzzMLLP_main` as `main`.
@_cdecl("FuzzMLLP_main")
public func fuzzMLLPMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMLLP)
}
