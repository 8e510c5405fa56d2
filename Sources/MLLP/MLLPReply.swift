/// What the listener does after a ``MLLPMessageHandler`` handled a frame.
public struct MLLPReply: Sendable, Hashable {
    /// The content to send back, framed by the listener (usually an ACK or NAK); `nil` sends nothing.
    public var bytes: [UInt8]?

    /// Whether to close the connection once `bytes` (if any) were sent.
    public var closeConnection: Bool

    /// Creates a reply.
    public init(bytes: [UInt8]?, closeConnection: Bool = false) {
        self.bytes = bytes
        self.closeConnection = closeConnection
    }

    /// Send nothing and keep the connection open.
    public static let none = MLLPReply(bytes: nil)

    /// Send nothing and close the connection.
    public static let close = MLLPReply(bytes: nil, closeConnection: true)
}
