import Foundation
import HL7v2
import Hummingbird
import Logging
import MLLP
import NIOCore
import ServiceLifecycle
import Store
import UnixSignals

/// Builds and runs the gateway: the journal, the MLLP listener and the HTTP listener under one
/// `ServiceGroup` that drains on SIGTERM and SIGINT.
public enum Gateway {
    /// Opens the journal the configuration names (creating the key file on first start).
    public static func openJournal(
        _ configuration: GatewayConfiguration, environment: [String: String], logger: Logger
    ) throws -> SQLiteJournal {
        let keyring = try DataKeyring.load(keyFile: configuration.keyFileURL, environment: environment)
        return try SQLiteJournal(
            databaseFile: configuration.databaseFile, keyring: keyring,
            configuration: SQLiteJournal.Configuration(synchronous: configuration.synchronous), logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting, finishes in-flight messages and closes the database.
    ///
    /// - Parameter onReady: called once with the bound ports (useful when a port is 0).
    public static func run(
        _ configuration: GatewayConfiguration, environment: [String: String], logger: Logger,
        onReady: @escaping @Sendable (GatewayEndpoints) -> Void = { _ in }
    ) async throws {
        let journal = try openJournal(configuration, environment: environment, logger: logger)
        let collector = EndpointCollector(onReady: onReady)
        let intake = HL7Intake(
            journal: journal,
            acknowledgments: HL7AcknowledgmentBuilder(
                applicationName: configuration.applicationName, facilityName: configuration.facilityName),
            limits: configuration.parserLimits, acceptedTypes: configuration.acceptedMessageTypes,
            duplicateWindow: configuration.duplicateWindow, maximumFrameSize: configuration.mllp.maximumFrameSize,
            logger: logger)
        let mllp = MLLPService(
            listener: MLLPListener(configuration: configuration.mllp), intake: intake, logger: logger,
            onBound: { collector.mllpBound($0) })
        let http = Application(
            router: HealthRoutes.router(journal: journal, readiness: collector),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "NoteBridge"),
            onServerRunning: { channel in collector.httpBound(channel.localAddress?.port ?? configuration.httpPort) },
            logger: logger)
        // Services start in order and stop in reverse: MLLP stops accepting first, HTTP last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let retention = configuration.retention {
            services.append(.init(service: RetentionService(journal: journal, retention: retention, logger: logger)))
        }
        services += [.init(service: http), .init(service: mllp)]
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await journal.close()
            throw error
        }
        try await journal.close()
        logger.info("NoteBridge stopped; journal closed")
    }
}
