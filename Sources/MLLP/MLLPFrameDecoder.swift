// Minimal Lower Layer Protocol, HL7 v2.5.1 Implementation Guide for Transmission Over TCP/IP,
// appendix C, section C.4.2 "Block format".

import Logging
import NIOCore

/// Splits a byte stream into MLLP frames.
///
/// An MLLP frame wraps one HL7 message between a start block and an end block followed by a carriage return:
///
/// ```
///  ... noise ... | 0x0B |        content (≤ maximumFrameSize bytes)        | 0x1C | 0x0D | ... next frame
///                  <VT>   MSH|^~\&|...<CR>PID|...<CR>OBX|...<CR>             <FS>   <CR>
///  discarded       start                                                     end block
///  and counted     block
/// ```
///
/// - Bytes before a start block (NULs or line noise between frames) are discarded and counted in
///   ``discardedByteCount``.
/// - A start block inside an unfinished frame abandons that frame (its bytes are counted as discarded) and starts a
///   new one.
/// - An end block followed by anything but `0x0D` yields ``MLLPInboundFrame/invalidEndBlock(_:)``; decoding resumes
///   at the next start block.
/// - Content longer than ``maximumFrameSize`` yields ``MLLPInboundFrame/oversize(head:)`` once, after which the
///   decoder discards everything: the connection is expected to answer and close.
/// - A frame left unfinished when the channel closes yields ``MLLPInboundFrame/incomplete(byteCount:)``.
///
/// The decoder remembers how far it has scanned the current frame, so bytes arriving in small reads are examined
/// only once, and it leaves the reader index alone while it waits for the rest of a frame.
///
/// Logs carry byte counts only, never content.
public final class MLLPFrameDecoder: ByteToMessageDecoder {
    /// The decoder produces one ``MLLPInboundFrame`` per frame or framing fault.
    public typealias InboundOut = MLLPInboundFrame

    private enum State {
        /// Discarding bytes until the next start block.
        case awaitingStartBlock
        /// The start block was consumed; the reader index is at the first content byte and `scannedBytes` content
        /// bytes are known to hold neither an end block nor a start block.
        case readingContent(scannedBytes: Int)
        /// An oversize frame was reported; every further byte is discarded.
        case stopped
    }

    /// The largest accepted content size of one frame, in bytes.
    public let maximumFrameSize: Int

    /// How many bytes were consumed without being delivered: noise outside frames, abandoned and incomplete frames
    /// (start block included), the part of an oversize frame beyond its head, and everything after an oversize frame.
    public private(set) var discardedByteCount = 0

    private var state = State.awaitingStartBlock
    private var unloggedDiscardedBytes = 0
    private let logger: Logger

    /// Creates a decoder.
    ///
    /// - Parameters:
    ///   - maximumFrameSize: The largest accepted content size of one frame; at least 1. Defaults to 1 MiB.
    ///   - logger: Receives framing faults with byte counts only. Defaults to a logger that discards everything.
    public init(
        maximumFrameSize: Int = MLLPFraming.defaultMaximumFrameSize,
        logger: Logger = Logger(label: "nb.mllp.decoder", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.maximumFrameSize = max(1, maximumFrameSize)
        self.logger = logger
    }

    /// Decodes at most one frame from `buffer`.
    public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        switch self.state {
        case .awaitingStartBlock:
            return self.seekStartBlock(in: &buffer)
        case .readingContent(let scannedBytes):
            return self.scanContent(in: &buffer, scannedBytes: scannedBytes, context: context)
        case .stopped:
            self.discard(buffer.readableBytes, from: &buffer)
            return .needMoreData
        }
    }

    /// Decodes what is left when the channel closes, reporting an unfinished frame as
    /// ``MLLPInboundFrame/incomplete(byteCount:)``.
    public func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        if try self.decode(context: context, buffer: &buffer) == .continue {
            return .continue
        }
        if case .readingContent = self.state {
            let byteCount = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: byteCount)
            self.discardedByteCount += byteCount + 1
            self.state = .awaitingStartBlock
            self.logger.notice(
                "MLLP connection ended inside a frame",
                metadata: ["nb.mllp.bytes": "\(byteCount)"]
            )
            context.fireChannelRead(Self.wrapInboundOut(.incomplete(byteCount: byteCount)))
        }
        self.logUnloggedDiscardedBytes()
        return .needMoreData
    }

    // MARK: - States

    private func seekStartBlock(in buffer: inout ByteBuffer) -> DecodingState {
        let startOffset = buffer.withUnsafeReadableBytes { bytes in
            bytes.firstIndex(of: MLLPFraming.startBlock)
        }
        guard let startOffset else {
            self.discard(buffer.readableBytes, from: &buffer)
            return .needMoreData
        }
        self.discard(startOffset, from: &buffer)
        self.logUnloggedDiscardedBytes()
        buffer.moveReaderIndex(forwardBy: 1)
        self.state = .readingContent(scannedBytes: 0)
        return .continue
    }

    private func scanContent(
        in buffer: inout ByteBuffer,
        scannedBytes: Int,
        context: ChannelHandlerContext
    ) -> DecodingState {
        let available = buffer.readableBytes
        // Content offsets 0...maximumFrameSize may hold the end block; a plain byte at offset maximumFrameSize
        // makes the frame oversize, so nothing beyond it is ever examined.
        let scanLimit = min(available, self.maximumFrameSize + 1)
        let delimiter: (offset: Int, byte: UInt8)? = buffer.withUnsafeReadableBytes { bytes in
            var offset = scannedBytes
            while offset < scanLimit {
                let byte = bytes[offset]
                if byte == MLLPFraming.endBlock || byte == MLLPFraming.startBlock {
                    return (offset, byte)
                }
                offset += 1
            }
            return nil
        }

        guard let delimiter else {
            if available > self.maximumFrameSize {
                return self.reportOversize(in: &buffer, context: context)
            }
            self.state = .readingContent(scannedBytes: scanLimit)
            return .needMoreData
        }

        if delimiter.byte == MLLPFraming.startBlock {
            let abandoned = delimiter.offset + 1
            buffer.moveReaderIndex(forwardBy: delimiter.offset + 1)
            self.discardedByteCount += abandoned
            self.state = .readingContent(scannedBytes: 0)
            self.logger.notice(
                "MLLP start block inside an unfinished frame; frame abandoned",
                metadata: ["nb.mllp.bytes": "\(abandoned)"]
            )
            return .continue
        }

        guard delimiter.offset + 1 < available else {
            // The end block is the last byte received: wait for the byte that follows it.
            self.state = .readingContent(scannedBytes: delimiter.offset)
            return .needMoreData
        }
        let trailer = buffer.getInteger(at: buffer.readerIndex + delimiter.offset + 1, as: UInt8.self)
        guard let content = buffer.readSlice(length: delimiter.offset) else {
            return .needMoreData
        }
        buffer.moveReaderIndex(forwardBy: 1)
        self.state = .awaitingStartBlock
        if trailer == MLLPFraming.carriageReturn {
            buffer.moveReaderIndex(forwardBy: 1)
            context.fireChannelRead(Self.wrapInboundOut(.message(content)))
        } else {
            // The byte after the end block is left for `seekStartBlock`: it may start the next frame.
            self.logger.notice(
                "MLLP end block not followed by carriage return",
                metadata: ["nb.mllp.bytes": "\(content.readableBytes)"]
            )
            context.fireChannelRead(Self.wrapInboundOut(.invalidEndBlock(content)))
        }
        return .continue
    }

    private func reportOversize(in buffer: inout ByteBuffer, context: ChannelHandlerContext) -> DecodingState {
        let consumed = buffer.readableBytes
        let headLength = min(MLLPFraming.oversizeHeadSize, self.maximumFrameSize, consumed)
        let head = ByteBuffer(bytes: buffer.readableBytesView.prefix(headLength))
        buffer.moveReaderIndex(forwardBy: consumed)
        self.discardedByteCount += consumed - headLength
        self.state = .stopped
        self.logger.notice(
            "MLLP frame exceeds the maximum frame size; decoding stopped",
            metadata: [
                "nb.mllp.bytes": "\(consumed)",
                "nb.mllp.maximum_frame_size": "\(self.maximumFrameSize)",
            ]
        )
        context.fireChannelRead(Self.wrapInboundOut(.oversize(head: head)))
        return .continue
    }

    // MARK: - Discarding

    private func discard(_ count: Int, from buffer: inout ByteBuffer) {
        guard count > 0 else { return }
        buffer.moveReaderIndex(forwardBy: count)
        self.discardedByteCount += count
        self.unloggedDiscardedBytes += count
    }

    private func logUnloggedDiscardedBytes() {
        guard self.unloggedDiscardedBytes > 0 else { return }
        self.logger.debug(
            "MLLP bytes outside frames discarded",
            metadata: ["nb.mllp.bytes": "\(self.unloggedDiscardedBytes)"]
        )
        self.unloggedDiscardedBytes = 0
    }
}

@available(*, unavailable)
extension MLLPFrameDecoder: Sendable {}
