import Logging
import NIOCore

/// One open connection of an ``MLLPClient``: sends a message, waits for its reply, and so on.
///
/// Use it only inside the ``MLLPClient/withConnection(isolation:_:)`` body that received it. After a timeout or
/// any failure the connection is closed, since a late reply could no longer be matched to its message; every later
/// ``send(_:timeout:isolation:)`` throws ``MLLPError/Code/connectionClosed``.
public final class MLLPClientConnection {
    private enum State {
        case ready
        case awaitingReply
        case closed(reason: String)
    }

    private enum Outcome {
        case reply(MLLPInboundFrame?)
        case failure(any Error)
        case timedOut

        /// A reply that arrived just as the timer fired still counts.
        var isReplyMessage: Bool {
            if case .reply(.message) = self {
                return true
            }
            return false
        }
    }

    private var frames: NIOAsyncChannelInboundStream<MLLPInboundFrame>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: any Channel
    private let logger: Logger
    private var state = State.ready

    init(
        frames: NIOAsyncChannelInboundStream<MLLPInboundFrame>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: any Channel,
        logger: Logger
    ) {
        self.frames = frames
        self.outbound = outbound
        self.channel = channel
        self.logger = logger
    }

    /// Sends one framed message and waits for one framed reply.
    ///
    /// - Parameters:
    ///   - message: The message content, without framing; it must not contain `0x0B` or `0x1C`.
    ///   - timeout: How long the whole exchange (sending and waiting for the reply) may take.
    /// - Returns: The content of the reply frame (the acknowledgment).
    /// - Throws: ``MLLPError`` with ``MLLPError/Code/timeout``, ``MLLPError/Code/connectionClosed``,
    ///   ``MLLPError/Code/frameTooLarge`` (the reply exceeded the maximum frame size),
    ///   ``MLLPError/Code/invalidFrame``, ``MLLPError/Code/invalidContent`` (nothing was sent; the connection stays
    ///   usable) or ``MLLPError/Code/sendInProgress``; `CancellationError` when the task is cancelled.
    public func send(
        _ message: [UInt8],
        timeout: Duration,
        isolation: isolated (any Actor)? = #isolation
    ) async throws -> [UInt8] {
        switch self.state {
        case .ready:
            break
        case .awaitingReply:
            throw MLLPError(code: .sendInProgress, reason: "another message is waiting for its reply")
        case .closed(let reason):
            throw MLLPError(code: .connectionClosed, reason: "connection closed earlier: \(reason)")
        }
        guard !message.contains(where: { $0 == MLLPFraming.startBlock || $0 == MLLPFraming.endBlock }) else {
            throw MLLPError(
                code: .invalidContent,
                reason: "message content contains an MLLP start or end block byte (\(message.count) bytes)"
            )
        }
        self.state = .awaitingReply

        let outcome = await self.exchange(message, timeout: timeout, isolation: isolation)
        switch outcome {
        case .reply(.message(let content)):
            self.state = .ready
            self.logger.trace(
                "MLLP reply received",
                metadata: ["nb.mllp.sent_bytes": "\(message.count)", "nb.mllp.bytes": "\(content.readableBytes)"]
            )
            return Array(content.readableBytesView)
        case .reply(.oversize):
            throw self.fail(.frameTooLarge, "reply exceeds the maximum frame size")
        case .reply(.invalidEndBlock):
            throw self.fail(.invalidFrame, "reply end block not followed by carriage return")
        case .reply(.incomplete(let byteCount)):
            throw self.fail(.connectionClosed, "connection closed inside a reply after \(byteCount) bytes")
        case .reply(nil):
            throw self.fail(.connectionClosed, "connection closed before the reply")
        case .timedOut:
            throw self.fail(.timeout, "no reply within \(timeout)")
        case .failure(let error):
            if error is CancellationError {
                _ = self.fail(.connectionClosed, "cancelled while waiting for the reply")
                throw error
            }
            throw self.fail(.connectionClosed, "connection failed: \(mllpLogDescription(of: error))")
        }
    }

    /// Closes the connection; later sends throw ``MLLPError/Code/connectionClosed``.
    public func close(isolation: isolated (any Actor)? = #isolation) async {
        if case .closed = self.state {
            return
        }
        self.state = .closed(reason: "closed by the client")
        self.outbound.finish()
        try? await self.channel.close()
    }

    /// Writes the message and reads one frame, racing a timer that closes the channel.
    private func exchange(
        _ message: [UInt8],
        timeout: Duration,
        isolation: isolated (any Actor)?
    ) async -> Outcome {
        let channel = self.channel
        return await withTaskGroup(of: Bool.self, isolation: isolation) { group in
            group.addTask {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return false
                }
                channel.close(promise: nil)
                return true
            }
            var outcome: Outcome
            do {
                try await self.outbound.write(channel.allocator.buffer(bytes: message))
                outcome = .reply(try await self.frames.next(isolation: isolation))
            } catch {
                outcome = .failure(error)
            }
            group.cancelAll()
            let timerFired = await group.next() == true
            if timerFired, !outcome.isReplyMessage {
                outcome = .timedOut
            }
            return outcome
        }
    }

    /// Closes the connection after a failed exchange and returns the error to throw.
    private func fail(_ code: MLLPError.Code, _ reason: String) -> MLLPError {
        self.state = .closed(reason: reason)
        self.channel.close(promise: nil)
        self.logger.notice("MLLP exchange failed", metadata: ["nb.mllp.error": "\(code): \(reason)"])
        return MLLPError(code: code, reason: reason)
    }
}

@available(*, unavailable)
extension MLLPClientConnection: Sendable {}
