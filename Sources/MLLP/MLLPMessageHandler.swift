/// Decides what to answer to each frame received by an ``MLLPListener``.
///
/// The listener calls the handler for the frames of one connection in order, one at a time; different connections
/// are handled concurrently.
public protocol MLLPMessageHandler: Sendable {
    /// Handles one decoded frame and returns the bytes to send back framed (an ACK), or nil to send nothing.
    ///
    /// `closeConnection` in the reply asks the listener to close the connection once the reply is sent (used after
    /// an oversize frame; the listener always closes after ``MLLPInboundFrame/oversize(head:)``). When the
    /// listener shuts down, a call in flight runs to completion in a cancelled task, and its reply is still sent.
    func handle(_ frame: MLLPInboundFrame, connection: MLLPConnectionInfo) async -> MLLPReply
}
