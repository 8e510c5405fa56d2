import Coding
import Curl
import Delivery
import Foundation
import HL7v2
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MLLP
import Mapping
import NIOCore
import PostgresStore
import Scribe
import ServiceLifecycle
import Store
import Transcription
import UnixSignals

/// Builds the coder's ICD-10-CM phrase index (about a second) at start, off the request path, so that the
/// first request with billing codes is as fast as the rest; then ends.
///
/// A stop during the warm-up does not wait for it (the index is built early only for speed; a loaded machine or a
/// debug build can take many seconds): the work goes on in a detached task, and this service returns at once.
/// Finished, it waits for its own turn in the graceful shutdown: a service that returns while the group is stopping
/// the services after it ends the group with `serviceFinishedUnexpectedly` (exit 1), `.ignore` notwithstanding.
struct CoderWarmUp: Service {
    func run() async throws {
        let (done, finished) = AsyncStream<Void>.makeStream()
        Task.detached(priority: .utility) {
            _ = Coder.shared.codes(forAssessment: "Essential hypertension.")
            finished.finish()
        }
        // Iterating ends when the warm-up finishes, or when a graceful shutdown cancels it.
        await cancelWhenGracefulShutdown {
            for await _ in done {}
        }
        // At once when the shutdown has reached this service already; a cancelled group ends the wait too.
        try? await gracefulShutdown()
    }
}

/// Builds and runs the gateway: the journal, the MLLP listener and the HTTP listener under one
/// `ServiceGroup` that drains on SIGTERM and SIGINT.
public enum Gateway {
    /// Opens the ``Store`` the configuration names (`storage.backend`), creating the key file on first start; for
    /// SQLite, a data folder of the two-file layout is merged first.
    public static func openStore(
        _ configuration: GatewayConfiguration, environment: [String: String], logger: Logger
    ) throws -> any Store {
        let keyFileExisted = FileManager.default.fileExists(atPath: configuration.keyFileURL.path)
        let keyring = try DataKeyring.load(keyFile: configuration.keyFileURL, environment: environment)
        switch configuration.storeBackend {
        case .sqlite:
            warnAboutMissingDatabase(configuration, keyFileExisted: keyFileExisted, logger: logger)
            try mergeLegacyNotesDatabase(configuration, logger: logger)
            return try SQLiteStore(
                databaseFile: configuration.databaseFile, keyring: keyring,
                configuration: SQLiteJournal.Configuration(synchronous: configuration.synchronous), logger: logger)
        case .postgresql:
            guard let postgres = configuration.postgres else {
                throw ConfigurationError(key: "storage.url", reason: "is required when storage.backend is postgresql")
            }
            return try PostgresStore(configuration: postgres, keyring: keyring, logger: logger)
        }
    }

    /// Warns once when the data key file was there before this start but no database is (neither the one database
    /// nor the two-file layout's): the database was most likely deleted or moved while its key was kept, and the
    /// gateway is about to start empty. Names the folder only, never a file's contents.
    static func warnAboutMissingDatabase(
        _ configuration: GatewayConfiguration, keyFileExisted: Bool, logger: Logger
    ) {
        let manager = FileManager.default
        guard keyFileExisted, !manager.fileExists(atPath: configuration.databaseFile.path),
            !manager.fileExists(atPath: configuration.notesDatabaseFile.path)
        else { return }
        logger.warning(
            """
            the data key file exists but the data folder has no database: starting with an empty one (was the \
            database deleted or moved? restore it from a backup before accepting messages)
            """,
            metadata: ["nb.store.folder": "\(configuration.databaseFile.deletingLastPathComponent().path)"])
    }

    /// Moves `notes.sqlite` (the two-file layout) into the one database, when it is there.
    static func mergeLegacyNotesDatabase(_ configuration: GatewayConfiguration, logger: Logger) throws {
        _ = try SQLiteJournal.mergeNotesDatabase(
            configuration.notesDatabaseFile, into: configuration.databaseFile, synchronous: configuration.synchronous,
            logger: logger)
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting, finishes in-flight messages and closes the database.
    ///
    /// - Parameters:
    ///   - console: receives what an operator must see once and the log must never hold (a first API key).
    ///   - onReady: called once with the bound ports (useful when a port is 0).
    public static func run(
        _ configuration: GatewayConfiguration, environment: [String: String], logger: Logger,
        console: @escaping @Sendable (String) -> Void = { _ in },
        onReady: @escaping @Sendable (GatewayEndpoints) -> Void = { _ in }
    ) async throws {
        configuration.warnAboutPlainTextListeners(logger)
        let store = try openStore(configuration, environment: environment, logger: logger)
        let journal = store.journal
        do {
            // PostgreSQL's schema is otherwise brought up to date by the first operation: check it now, so that a
            // database a newer NoteBridge migrated stops the start instead of failing every request.
            if let postgres = store as? PostgresStore {
                try await postgres.migrate()
            }
            if configuration.createFirstKey, try await store.keys.keys().isEmpty,
                let issued = try await APIKeys.createFirst(in: store.keys, name: "first key", scopes: APIScope.allCases)
            {
                console(
                    """
                    NoteBridge created its first API key (shown once; only its hash is stored):
                      API key:        \(issued.secret)
                      key id:         \(issued.record.id)
                      webhook secret: \(issued.record.webhookSecret)
                    """)
                logger.notice("first API key created", metadata: ["nb.api.key_id": "\(issued.record.id)"])
            }
        } catch where store.backend == .postgresql && (error as? StoreError)?.code != .newerSchema {
            // Started before its database (the check waits for migrations, then gives up after storage's connect
            // timeout): serve anyway, /readyz answering 503 until the store can commit, so that a balancer keeps
            // traffic away and the instance recovers by itself when the server is back. No first key is made here:
            // another instance, or `notebridge keys create`, makes keys. The reason names the operation and the
            // SQLSTATE only, never a value.
            logger.warning(
                "store unreachable at start; serving with /readyz at 503 until it answers",
                metadata: ["nb.store.reason": "\((error as? StoreError)?.reason ?? "\(type(of: error))")"])
        } catch {
            try? await store.close()
            throw error
        }
        let collector = EndpointCollector(onReady: onReady)
        let writeHealth = StorageWriteHealth()
        let metrics = GatewayMetrics()
        let counters = CounterSampler(metrics: metrics)
        let pipelineWakes = DeliverySignal()
        let pipelineOn = !configuration.destinations.isEmpty
        let wakePipeline: @Sendable () -> Void
        if pipelineOn {
            wakePipeline = { pipelineWakes.wake() }
        } else {
            wakePipeline = {}
        }
        var intake = HL7Intake(
            journal: journal,
            acknowledgments: HL7AcknowledgmentBuilder(
                applicationName: configuration.applicationName, facilityName: configuration.facilityName),
            limits: configuration.parserLimits, acceptedTypes: configuration.acceptedMessageTypes,
            duplicateWindow: configuration.duplicateWindow, maximumFrameSize: configuration.mllp.maximumFrameSize,
            logger: logger, onAccepted: wakePipeline, metrics: metrics, routes: configuration.routes,
            defaultTypes: configuration.pipelineMessageTypes)
        intake.writeHealth = writeHealth
        if pipelineOn {
            // The recording of an ED observation is checked before the ACK as the pipeline will read it.
            intake.recordings = RecordingIntakeCheck(
                reader: HL7EncounterReader(configuration: configuration.encounterMapping),
                routes: configuration.routes, defaultTypes: configuration.pipelineMessageTypes,
                maximumBytes: configuration.api.audio.limits.maximumBytes)
        }
        let mllp = MLLPService(
            listener: MLLPListener(configuration: configuration.mllp), intake: intake, logger: logger,
            onBound: { collector.mllpBound($0) })
        let signal = WebhookSignal()
        let router = Router(context: APIRequestContext.self)
        // One per-key rate limit for every route that takes API keys: /v1 and the Subscription hook.
        let keyLimiter = RateLimiter(
            rate: configuration.api.rateLimit, burst: configuration.api.rateBurst, shared: store.rateLimits,
            logger: logger)
        var api = configuration.api
        if api.audio.remote != nil {
            api.audio.onFallback = { metrics.transcriptionFallback(reason: $0) }
        }
        var v1 = V1Routes(store: store, signal: signal, configuration: api, limiter: keyLimiter, logger: logger)
        v1.writeHealth = writeHealth
        v1.register(on: router)
        v1.audioJobRunner.onFinished { metrics.audioJobFinished($0) }
        v1.audioJobRunner.onRetry { metrics.audioJobRetried(reason: $0) }
        HealthRoutes.register(on: router, store: store, readiness: collector, writeHealth: writeHealth)
        MetricsRoutes.register(on: router, metrics: metrics)
        AdminRoutes(keys: store.keys, outbox: store.outbox, audit: store.audit, logger: logger).register(on: router)
        do {
            try ConsoleRoutes(
                store: store, configuration: configuration, endpoints: collector, counters: counters, logger: logger
            ).register(on: router)
        } catch {
            try? await store.close()
            throw error
        }
        SubscriptionHookRoutes(
            subscriptions: Dictionary(uniqueKeysWithValues: configuration.subscriptions.map { ($0.name, $0) }),
            sources: subscriptionSources(configuration, metrics: metrics, logger: logger), journal: journal,
            keys: store.keys, audit: store.audit, limiter: keyLimiter,
            duplicateWindow: configuration.duplicateWindow, onAccepted: wakePipeline, logger: logger
        ).register(on: router)
        SubscriptionHookRoutes.warnAboutKeyOnlyRoutes(configuration.subscriptions, logger: logger)
        let server: HTTPServerBuilder
        // Without an idle timeout a connection that never sends a request (or stops in the middle of one) is kept
        // for ever: enough of them use up the process's file descriptors.
        // The connection limit, the request time and a JSON answer to a request the parser cannot read.
        let connections = HTTPConnectionCount()
        let maxConnections = configuration.httpMaxConnections
        let requestTimeout = TimeAmount(configuration.httpRequestTimeout)
        let http1: HTTPServerBuilder = .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [
                    HTTPConnectionGuard(
                        connections: connections, maxConnections: maxConnections, requestTimeout: requestTimeout,
                        logger: logger)
                ],
                idleTimeout: TimeAmount(configuration.httpIdleTimeout)))
        if let tls = configuration.httpTLS {
            server = try .tls(http1, tlsConfiguration: tls.makeServerTLSConfiguration())
        } else {
            server = http1
        }
        let http = Application(
            router: HeadAsGet(base: router), server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "NoteBridge"),
            onServerRunning: { channel in collector.httpBound(channel.localAddress?.port ?? configuration.httpPort) },
            logger: logger)
        var retention = RetentionService(
            journal: journal, notes: store.notes, outbox: store.webhooks, pipelineNotes: store.outbox,
            retention: configuration.retention, logger: logger)
        retention.shared = store
        retention.consoleSessions = store.consoleSessions
        retention.audioJobs = store.audioJobs
        // Services start in order and stop in reverse: MLLP stops accepting first, HTTP last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: CoderWarmUp(), successTerminationBehavior: .ignore),
            .init(service: counters),
            .init(service: retention),
            .init(
                service: WebhookService(
                    outbox: store.webhooks, keys: store.keys, signal: signal, configuration: configuration.webhooks,
                    logger: logger)),
            // Audio jobs accepted before a restart are finished after it; it stops after the HTTP listener.
            .init(service: AudioJobService(runner: v1.audioJobRunner, metrics: metrics)),
        ]
        if pipelineOn {
            let keyring: DataKeyring
            do {
                keyring = try DataKeyring.load(keyFile: configuration.keyFileURL, environment: environment)
            } catch {
                try? await store.close()
                throw error
            }
            services += pipelineServices(
                configuration, store: store, wakes: pipelineWakes, keyring: keyring, metrics: metrics,
                audioJobRunner: v1.audioJobRunner, logger: logger)
        }
        services += [.init(service: http), .init(service: mllp)]
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        logger.info("NoteBridge stopped; journal closed")
    }

    /// The FHIR servers the Subscription routes read from, by destination name (each with its own libcurl client).
    static func subscriptionSources(
        _ configuration: GatewayConfiguration, metrics: GatewayMetrics, logger: Logger
    ) -> [String: FHIRServerDestination] {
        var sources: [String: FHIRServerDestination] = [:]
        for subscription in configuration.subscriptions where sources[subscription.source] == nil {
            guard let fhir = configuration.destinations.first(where: { $0.name == subscription.source })?.fhir else {
                continue
            }
            sources[subscription.source] = FHIRServerDestination(
                name: subscription.source, configuration: fhir, client: CurlClient(maximumConcurrentTransfers: 4),
                metrics: metrics.factory, logger: logger)
        }
        return sources
    }

    /// The pipeline (accepted HL7 messages → notes → outbox rows) and one delivery worker per destination. They
    /// start after the sweeper and stop before it, after the listeners. With `audioJobRunner`, the recordings of ED
    /// observations are transcribed as its durable audio jobs; without, by the pipeline pass itself.
    static func pipelineServices(
        _ configuration: GatewayConfiguration, store: any Store, wakes: DeliverySignal, keyring: DataKeyring,
        metrics: GatewayMetrics = GatewayMetrics(), audioJobRunner: AudioJobRunner? = nil, logger: Logger
    ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let deliveries = DeliverySignal()
        let webhookSender = WebhookSender()
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = configuration.destinations.map { destination in
            let target: any Destination =
                if let webhook = destination.webhook {
                    WebhookDestination(
                        name: destination.name, configuration: webhook, sender: webhookSender, logger: logger)
                } else if let fhir = destination.fhir {
                    FHIRServerDestination(
                        name: destination.name, configuration: fhir,
                        client: CurlClient(maximumConcurrentTransfers: max(2, destination.worker.connections)),
                        metrics: metrics.factory, logger: logger)
                } else {
                    MLLPPeerDestination(name: destination.name, configuration: destination.mllp, logger: logger)
                }
            return .init(
                service: OutboxWorker(
                    outbox: store.outbox,
                    destination: target,
                    configuration: destination.worker, signal: deliveries, metrics: metrics.factory, logger: logger))
        }
        var pipeline = EncounterPipeline(
            journal: store.journal, outbox: store.outbox,
            reader: HL7EncounterReader(configuration: configuration.encounterMapping),
            limits: configuration.parserLimits, destinations: configuration.noteDestinations,
            noteRetention: configuration.api.retention, digester: PatientKeyDigester(keyring: keyring),
            mapping: configuration.api.fhirMapping, logger: logger,
            acknowledgmentDestination: configuration.acknowledgmentDestination)
        pipeline.routes = configuration.routes
        // The recording of an ED observation is transcribed as an upload to /v1/note/audio is, with its own slots.
        pipeline.audio = configuration.api.audio
        pipeline.metrics = metrics
        // Each recording is transcribed by a durable audio job (the /v1/note/audio worker runs it), whose end wakes
        // the pipeline.
        if let runner = audioJobRunner {
            pipeline.recordingJobs = PipelineRecordingJobs(
                jobs: store.audioJobs, notes: store.notes, retention: configuration.api.retention,
                wake: { runner.wake() })
            runner.onPipelineRecording { wakes.wake() }
        }
        pipeline.transcriptions = TranscriptionGate(
            limit: configuration.api.audio.concurrentTranscriptions, queueLimit: 10_000)
        pipeline.defaultMessageTypes = configuration.pipelineMessageTypes
        pipeline.subscriptions = Dictionary(
            uniqueKeysWithValues: configuration.subscriptions.map { ($0.name, $0.destinations) })
        // The visit contexts live beside the journal (the SQLite store keeps them in its database).
        pipeline.contexts = store.journal as? any EncounterContexts
        // The pipeline reads the types of its routes and the ADT events whose visit context it keeps.
        var types = configuration.pipelineMessageTypes.map(\.description)
        for route in configuration.routes {
            for type in route.messageTypes.map(\.description) where !types.contains(type) { types.append(type) }
        }
        for event in EncounterPipeline.contextEvents.sorted() where !types.contains("ADT^\(event)") {
            types.append("ADT^\(event)")
        }
        if !configuration.subscriptions.isEmpty { types.append(SubscriptionHookRoutes.messageType) }
        // An embedded store has one instance: its claims are always its own, after a restart too. Instances sharing
        // a database each claim under a name of their own.
        let owner =
            store.backend == .sqlite ? "embedded" : "\(ProcessInfo.processInfo.hostName.prefix(64))/\(Hex.random(6))"
        var service = PipelineService(
            pipeline: pipeline, messageTypes: types, wakes: wakes, deliveries: deliveries,
            pollInterval: .seconds(1), concurrency: configuration.pipelineConcurrency,
            threadNiceness: Int32(configuration.pipelineThreadNiceness), metrics: metrics, logger: logger)
        service.claimant = JournalClaimant(owner: owner, lease: configuration.pipelineClaimLease)
        service.soleInstance = store.backend == .sqlite
        services.append(.init(service: service))
        logger.info(
            "pipeline on",
            metadata: [
                "nb.pipeline.destinations": "\(configuration.destinations.map(\.name).joined(separator: ","))",
                "nb.pipeline.message_types":
                    "\(configuration.pipelineMessageTypes.map(\.description).joined(separator: ","))",
                "nb.pipeline.claimant": "\(owner)",
            ])
        return services
    }
}

// The service group logs each service's description at start: a short name, not a dump of its configuration,
// mappings and stores (which made one start-up line of hundreds of kilobytes).
extension CoderWarmUp: CustomStringConvertible {
    var description: String { "CoderWarmUp" }
}

extension CounterSampler: CustomStringConvertible {
    var description: String { "CounterSampler" }
}

extension PipelineService: CustomStringConvertible {
    var description: String { "PipelineService(concurrency: \(concurrency))" }
}

extension RetentionService: CustomStringConvertible {
    public var description: String { "RetentionService" }
}

extension WebhookService: CustomStringConvertible {
    public var description: String { "WebhookService" }
}

extension MLLPService: CustomStringConvertible {
    public var description: String { "MLLPService" }
}
