/// An error raised by the MLLP listener, client or codec.
///
/// Compare ``code`` rather than ``reason``: the reason is for operators, and never holds message content.
public struct MLLPError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an opaque, comparable value.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case timeout
            case connectionClosed
            case frameTooLarge
            case invalidFrame
            case invalidContent
            case connectFailed
            case bindFailed
            case invalidTLSConfiguration
            case sendInProgress
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// No reply arrived in time; the connection was closed because a late reply could not be told apart.
        public static let timeout = Code(.timeout)
        /// The connection closed, or failed, before the exchange completed.
        public static let connectionClosed = Code(.connectionClosed)
        /// The peer sent a frame larger than the configured maximum frame size.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// The peer sent a malformed frame (an end block not followed by a carriage return, or an unfinished frame).
        public static let invalidFrame = Code(.invalidFrame)
        /// The message to send contains an MLLP framing byte (`0x0B` or `0x1C`).
        public static let invalidContent = Code(.invalidContent)
        /// The connection to the peer could not be established (refused, unreachable, TLS handshake failure).
        public static let connectFailed = Code(.connectFailed)
        /// The listener could not bind its address.
        public static let bindFailed = Code(.bindFailed)
        /// A certificate, key or trust root file could not be loaded, or the TLS settings are inconsistent.
        public static let invalidTLSConfiguration = Code(.invalidTLSConfiguration)
        /// Another message is already waiting for its reply on this connection.
        public static let sendInProgress = Code(.sendInProgress)

        /// The code's name, such as `timeout`.
        public var description: String {
            self.backing.rawValue
        }
    }

    /// What went wrong.
    public var code: Code

    /// A human-readable explanation; never holds message content.
    public var reason: String

    /// The file that raised the error.
    public var file: String

    /// The line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `MLLPError.<code>: <reason>` followed by the source location.
    public var description: String {
        "MLLPError.\(self.code): \(self.reason) (\(self.file):\(self.line))"
    }
}
