extension MLLPListener {
    /// Where an ``MLLPListener`` listens and how it treats its connections.
    public struct Configuration: Sendable, Hashable {
        /// The address to bind, such as `127.0.0.1` (the default: this machine only), or `0.0.0.0` or `::` (every
        /// interface).
        public var host: String

        /// The TCP port to bind; 0 picks a free port, reported through `onBound`.
        public var port: Int

        /// The largest accepted content size of one frame, in bytes.
        public var maximumFrameSize: Int

        /// How long a connection may stay silent before it is closed.
        public var idleTimeout: Duration

        /// The largest number of connections served at once; further connections are closed on accept.
        public var maxConnections: Int

        /// How long, after the listener closes a connection it was asked to close, it keeps reading and dropping
        /// what the peer still sends, so the peer can read the last reply before the connection is reset.
        public var lingerTimeout: Duration

        /// TLS settings; `nil` serves plain TCP.
        public var tls: MLLPTLSConfiguration?

        /// Creates a configuration.
        public init(
            host: String = "127.0.0.1",
            port: Int = 2575,
            maximumFrameSize: Int = MLLPFraming.defaultMaximumFrameSize,
            idleTimeout: Duration = .seconds(300),
            maxConnections: Int = 1024,
            lingerTimeout: Duration = .seconds(2),
            tls: MLLPTLSConfiguration? = nil
        ) {
            self.host = host
            self.port = port
            self.maximumFrameSize = maximumFrameSize
            self.idleTimeout = idleTimeout
            self.maxConnections = maxConnections
            self.lingerTimeout = lingerTimeout
            self.tls = tls
        }
    }
}
