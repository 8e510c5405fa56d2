extension MLLPClient {
    /// Which MLLP peer an ``MLLPClient`` connects to, and how.
    public struct Configuration: Sendable, Hashable {
        /// The peer's host name or address.
        public var host: String

        /// The peer's TCP port.
        public var port: Int

        /// TLS settings; `nil` connects over plain TCP.
        public var tls: MLLPClientTLSConfiguration?

        /// How long to wait for the TCP connection to be established.
        public var connectTimeout: Duration

        /// The largest accepted content size of one reply, in bytes.
        public var maximumFrameSize: Int

        /// Creates a configuration.
        public init(
            host: String,
            port: Int,
            tls: MLLPClientTLSConfiguration? = nil,
            connectTimeout: Duration = .seconds(10),
            maximumFrameSize: Int = MLLPFraming.defaultMaximumFrameSize
        ) {
            self.host = host
            self.port = port
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.maximumFrameSize = maximumFrameSize
        }
    }
}
