import NIOCore

/// One event produced by ``MLLPFrameDecoder`` for the bytes received on a connection.
///
/// Every case but ``message(_:)`` reports a framing fault; the byte buffers carry message content (PHI) and must
/// never be logged.
public enum MLLPInboundFrame: Sendable, Hashable {
    /// A complete frame: the content between the start block (`0x0B`) and the end block (`0x1C 0x0D`).
    case message(ByteBuffer)

    /// A frame whose content exceeded the decoder's maximum frame size.
    ///
    /// `head` is the first bytes of the content (at most ``MLLPFraming/oversizeHeadSize``), enough to read the MSH
    /// segment and answer with a negative acknowledgment. The decoder stops decoding after this event; the
    /// connection is expected to reply and close.
    case oversize(head: ByteBuffer)

    /// The end block character (`0x1C`) was followed by a byte other than carriage return (`0x0D`).
    ///
    /// Carries the content before the end block. The decoder then discards bytes until the next start block.
    case invalidEndBlock(ByteBuffer)

    /// The connection ended in the middle of a frame; `byteCount` content bytes had been received after its start
    /// block.
    case incomplete(byteCount: Int)
}
