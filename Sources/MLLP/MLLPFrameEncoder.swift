// Minimal Lower Layer Protocol, HL7 v2.5.1 Implementation Guide for Transmission Over TCP/IP,
// appendix C, section C.4.2 "Block format".

import NIOCore

/// Wraps each outbound message in an MLLP frame: `0x0B` content `0x1C 0x0D`.
///
/// Content that itself holds a start block or an end block byte would corrupt the stream for the receiver, so such
/// a write fails with ``MLLPError/Code/invalidContent`` and nothing is sent.
public struct MLLPFrameEncoder: MessageToByteEncoder, Sendable {
    /// The encoder takes the message content.
    public typealias OutboundIn = ByteBuffer

    /// Creates an encoder.
    public init() {}

    /// Writes `data` framed into `out`.
    public func encode(data: ByteBuffer, out: inout ByteBuffer) throws {
        let containsFramingByte = data.withUnsafeReadableBytes { bytes in
            bytes.contains { $0 == MLLPFraming.startBlock || $0 == MLLPFraming.endBlock }
        }
        guard !containsFramingByte else {
            throw MLLPError(
                code: .invalidContent,
                reason: "message content contains an MLLP start or end block byte (\(data.readableBytes) bytes)"
            )
        }
        out.reserveCapacity(minimumWritableBytes: data.readableBytes + 3)
        out.writeInteger(MLLPFraming.startBlock)
        out.writeImmutableBuffer(data)
        out.writeInteger(MLLPFraming.endBlock)
        out.writeInteger(MLLPFraming.carriageReturn)
    }
}
