import Delivery
import Foundation
import HL7v2
import MLLP
import Mapping
import PostgresStore
import Store

/// Everything `notebridge serve` needs: listeners, storage, HL7 limits and routes.
///
/// Built from embedded defaults, then a YAML file, then environment variables (`NOTEBRIDGE_HTTP_PORT`
/// overrides `http.port`), see ``ConfigurationKey`` for the complete list of keys.
public struct GatewayConfiguration: Sendable {
    /// The address the HTTP listener binds: the loopback one unless configured (`http.host`); `0.0.0.0` or `::`
    /// listens on every interface.
    public var httpHost: String = "127.0.0.1"
    /// The HTTP port (0 picks a free one).
    public var httpPort: Int = 8080
    /// TLS (HTTPS) on the HTTP listener, when configured.
    public var httpTLS: MLLPTLSConfiguration?
    /// How long an HTTP connection may stay open without a request being read or answered (`http.idleTimeoutSeconds`):
    /// a client that connects and sends nothing, stops half-way through its headers or body, or keeps a connection
    /// open between requests is closed after it, so that idle connections cannot pile up and use every descriptor.
    public var httpIdleTimeout: Duration = .seconds(60)
    /// How long a request may take to arrive whole, head to end (`http.requestTimeoutSeconds`): a client that
    /// trickles its body (each byte resetting the idle timeout) gets `408` and is closed after it.
    public var httpRequestTimeout: Duration = .seconds(120)
    /// The most HTTP connections open at once (`http.maxConnections`); one more gets `503` and is closed.
    public var httpMaxConnections = 1024
    /// The `/v1` API: body limit, rate limit, note retention, default webhook.
    public var api = V1Routes.Configuration()
    /// Webhook retries.
    public var webhooks = WebhookService.Configuration()
    /// Whether a start with no API key creates one and prints it.
    public var createFirstKey = true
    /// The MLLP listener.
    public var mllp = MLLPListener.Configuration()
    /// The folder that holds the database and the key file.
    public var dataDirectory: String = "./data"
    /// The journal's key file; `<dataDirectory>/journal.key` when not set.
    public var keyFile: String?
    /// Which ``Store`` holds the journal, notes, outbox, keys and audit (`storage.backend`).
    public var storeBackend: StoreBackend = .sqlite
    /// The PostgreSQL database (`storage.url` and the other `storage.*` connection keys), set when ``storeBackend`` is
    /// `postgresql`.
    public var postgres: PostgresStore.Configuration?
    /// SQLite durability: `normal` survives a crash of the process, `full` a power loss.
    public var synchronous: SQLiteJournal.Configuration.Synchronous = .normal
    /// How long a repeated control ID from the same sender counts as a duplicate.
    public var duplicateWindow: Duration = .seconds(7 * 24 * 3600)
    /// How long journal rows are kept; `nil` keeps them forever.
    public var retention: Duration? = .seconds(30 * 24 * 3600)
    /// ER7 parser limits.
    public var parserLimits = HL7ParserLimits.default
    /// MSH-3 of acknowledgments when the sender left MSH-5 empty.
    public var applicationName = "NOTEBRIDGE"
    /// MSH-4 of acknowledgments when the sender left MSH-6 empty.
    public var facilityName = ""
    /// The message types the default route accepts; empty accepts every type.
    public var acceptedMessageTypes: [MessageTypePattern] = []
    /// Where written notes are delivered (`destinations.<name>.*`); none turns the pipeline off, and HL7 messages
    /// are then journaled and acknowledged only.
    public var destinations: [DestinationConfiguration] = []
    /// The message types the pipeline writes notes from (`pipeline.messageTypes`).
    public var pipelineMessageTypes: [MessageTypePattern] = [
        MessageTypePattern(code: "MDM", event: "T02"), MessageTypePattern(code: "ORU", event: "R01"),
    ]
    /// The destination that sends enhanced-mode application acknowledgments (`pipeline.acknowledgmentDestination`);
    /// it gets no notes.
    public var acknowledgmentDestination: String?
    /// The destinations notes are delivered to: every destination but the acknowledgment destinations.
    public var noteDestinations: [String] {
        destinations.filter { !$0.mllp.messages.contains(.applicationAcknowledgment) }.map(\.name)
    }
    /// The HL7 v2 routes (`routes.<name>.*`); none: one implicit route (see ``pipelineRoutes``).
    public var routes: [RouteConfiguration] = []
    /// The Subscription notification routes (`subscriptions.<name>.*`) of `POST /fhir/subscription-hook/<name>`.
    public var subscriptions: [SubscriptionConfiguration] = []
    /// The routes the pipeline uses: the configured ones, or the implicit one that takes `pipeline.messageTypes`
    /// with `pipeline.mapping` to every note destination.
    public var pipelineRoutes: [RouteConfiguration] {
        guard routes.isEmpty else { return routes }
        return [
            RouteConfiguration(
                name: "default", listener: nil, sendingApplication: nil, sendingFacility: nil,
                messageTypes: pipelineMessageTypes, mapping: encounterMapping, destinations: noteDestinations,
                acknowledgmentDestination: acknowledgmentDestination)
        ]
    }
    /// Notes written at once by the pipeline (`pipeline.concurrency`).
    public var pipelineConcurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// The niceness of the pipeline's note-writing threads (`pipeline.threadNiceness`; 0 keeps the process's). On a
    /// busy machine, acknowledging inbound messages durably goes first; the notes wait, journaled.
    public var pipelineThreadNiceness = 10
    /// How long an instance's claim on the accepted messages it writes notes for lasts (`pipeline.claimLeaseSeconds`):
    /// after that, another instance sharing the database takes them over.
    public var pipelineClaimLease: Duration = .seconds(30)
    /// How an HL7 v2 message becomes an encounter (`pipeline.*`).
    public var encounterMapping = HL7EncounterReader.Configuration()
    /// The log level (`trace` … `critical`).
    public var logLevel: String = "info"

    /// The embedded defaults.
    public init() {}

    /// The SQLite database file.
    public var databaseFile: URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("notebridge.sqlite")
    }

    /// Where the two-file layout kept notes, API keys, audit records and webhook deliveries; a file found there is
    /// merged into ``databaseFile`` at start and deleted.
    public var notesDatabaseFile: URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("notes.sqlite")
    }

    /// The key file that seals journal bodies.
    public var keyFileURL: URL {
        keyFile.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("journal.key")
    }
}

/// A message type a route accepts: `ADT^A04`, `ADT^*` or `ORU`.
public struct MessageTypePattern: Hashable, Sendable, CustomStringConvertible {
    /// MSH-9.1.
    public var code: String
    /// MSH-9.2, or `nil` for any event.
    public var event: String?

    /// A pattern of a code and an event (`nil`: any event).
    public init(code: String, event: String?) {
        self.code = code.uppercased()
        self.event = event?.uppercased()
    }

    /// Parses `CODE[^EVENT|^*]`.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "^", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 3, first.allSatisfy({ $0.isLetter || $0.isNumber }),
            parts.count <= 2
        else { return nil }
        code = first.uppercased()
        if parts.count == 2, parts[1] != "*" {
            guard !parts[1].isEmpty, parts[1].allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
            event = parts[1].uppercased()
        } else {
            event = nil
        }
    }

    /// Whether a message's MSH-9.1 and MSH-9.2 match.
    public func matches(code: String, event: String) -> Bool {
        self.code == code.uppercased() && (self.event == nil || self.event == event.uppercased())
    }

    /// `ADT^A04` or `ADT^*`.
    public var description: String { "\(code)^\(event ?? "*")" }
}
