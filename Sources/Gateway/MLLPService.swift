import Logging
import MLLP
import ServiceLifecycle

/// The MLLP listener as a lifecycle service: on graceful shutdown it stops accepting and lets the
/// connections finish the message they are handling.
public struct MLLPService: Service {
    let listener: MLLPListener
    let intake: HL7Intake
    let logger: Logger
    let onBound: @Sendable (Int) -> Void

    /// Creates the service.
    public init(listener: MLLPListener, intake: HL7Intake, logger: Logger, onBound: @escaping @Sendable (Int) -> Void) {
        self.listener = listener
        self.intake = intake
        self.logger = logger
        self.onBound = onBound
    }

    /// Runs until graceful shutdown or cancellation.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await listener.run(handler: intake, logger: logger, onBound: onBound)
        }
        logger.info("MLLP listener stopped")
    }
}
