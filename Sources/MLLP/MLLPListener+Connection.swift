import Logging
import NIOCore
import NIOSSL

extension MLLPListener {
    /// Serves one connection until the peer closes it, the handler asks to close it, it fails, or the task is
    /// cancelled. Never throws: failures are logged (without content) and end this connection only.
    static func serve(
        _ connection: MLLPAcceptedConnection,
        handler: some MLLPMessageHandler,
        lingerTimeout: Duration
    ) async {
        let logger = connection.logger
        var info = connection.info
        var frameCount = 0
        logger.debug("MLLP connection accepted")
        do {
            let asyncChannel = try await connection.makeAsyncChannel()
            try await asyncChannel.executeThenClose { inbound, outbound in
                var frames = inbound.makeAsyncIterator()
                var peerCertificateRead = false
                while let frame = try await frames.next() {
                    if connection.isTLS && !peerCertificateRead {
                        // The handshake is complete once a frame has been decrypted.
                        info.tlsPeerCertificate = try? await connection.channel.nioSSL_peerCertificate().get()
                        peerCertificateRead = true
                    }
                    frameCount += 1
                    Self.logReceived(frame, logger: logger)
                    let reply = await handler.handle(frame, connection: info)
                    if let bytes = reply.bytes {
                        try await Self.write(bytes, to: connection.channel, outbound: outbound)
                    }
                    // The idle timer may close the connection again.
                    connection.channel.triggerUserOutboundEvent(MLLPIdleTimeoutHandler.FrameHandled(), promise: nil)
                    if reply.closeConnection || frame.endsDecoding {
                        logger.debug("MLLP connection closing after reply")
                        await Self.closeAfterReply(connection.channel, frames: &frames, linger: lingerTimeout)
                        return
                    }
                }
            }
            logger.debug("MLLP connection closed", metadata: ["nb.mllp.frames": "\(frameCount)"])
        } catch is CancellationError {
            logger.debug("MLLP connection closed by shutdown", metadata: ["nb.mllp.frames": "\(frameCount)"])
        } catch {
            connection.channel.close(promise: nil)
            logger.notice(
                "MLLP connection failed",
                metadata: ["nb.mllp.frames": "\(frameCount)", "nb.mllp.error": "\(mllpLogDescription(of: error))"]
            )
        }
    }

    /// The decoder has already logged framing faults at notice level; this adds the connection's view at debug.
    private static func logReceived(_ frame: MLLPInboundFrame, logger: Logger) {
        switch frame {
        case .message(let content):
            logger.trace("MLLP frame received", metadata: ["nb.mllp.bytes": "\(content.readableBytes)"])
        case .oversize(let head):
            logger.debug("MLLP oversize frame received", metadata: ["nb.mllp.head_bytes": "\(head.readableBytes)"])
        case .invalidEndBlock(let content):
            logger.debug("MLLP malformed frame received", metadata: ["nb.mllp.bytes": "\(content.readableBytes)"])
        case .incomplete(let byteCount):
            logger.debug("MLLP incomplete frame at end of stream", metadata: ["nb.mllp.bytes": "\(byteCount)"])
        }
    }

    /// Sends one reply. The async writer refuses writes from a cancelled task, but the reply to a frame handled
    /// while the listener shuts down must still go out, so that case writes through the channel directly.
    private static func write(
        _ bytes: [UInt8],
        to channel: any Channel,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        let buffer = channel.allocator.buffer(bytes: bytes)
        do {
            try await outbound.write(buffer)
        } catch is CancellationError {
            try await channel.writeAndFlush(buffer)
        }
    }

    /// Half-closes the connection once pending writes are flushed, then drops whatever the peer still sends until
    /// it closes its side or `linger` passes. Closing with unread input would make the kernel reset the connection,
    /// and the peer could lose the last reply.
    private static func closeAfterReply(
        _ channel: any Channel,
        frames: inout NIOAsyncChannelInboundStream<MLLPInboundFrame>.AsyncIterator,
        linger: Duration
    ) async {
        do {
            try await channel.close(mode: .output)
        } catch {
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: linger)
                channel.close(promise: nil)
            }
            while (try? await frames.next()) != nil {}
            group.cancelAll()
        }
    }
}

extension MLLPInboundFrame {
    /// Whether the decoder stops after this frame, so the connection cannot continue.
    fileprivate var endsDecoding: Bool {
        switch self {
        case .oversize, .incomplete:
            return true
        case .message, .invalidEndBlock:
            return false
        }
    }
}
