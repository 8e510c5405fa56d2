import CoreMetrics
import Prometheus
import Synchronization
import Transcription

/// The gateway's counters and the Prometheus registry that exports them on `GET /metrics` (swift-prometheus over
/// swift-metrics).
///
/// One registry per running gateway, handed to every part that counts (no process-wide bootstrap, so that tests can
/// run several gateways in one process). Labels are destination names, route names, message types and outcomes
/// only (route and destination names come from the configuration, so their set is bounded and holds no PHI): a
/// message type that is not a plain HL7 code (`MDM^T02`), a site-defined `Z` type, and any type past the first
/// ``maximumMessageTypes`` seen are exported as `other`, so that what a sender writes into MSH-9 neither reaches a
/// label nor grows the registry without bound.
public struct GatewayMetrics: Sendable {
    /// `notebridge_messages_received_total{source, message_type, outcome, route}`: inbound messages, by what the
    /// intake did with them and the route the pipeline gives them (``noRoute`` when none takes them).
    public static let receivedLabel = "notebridge_messages_received_total"
    /// `notebridge_messages_processed_total{message_type, outcome, route}`: accepted messages the pipeline finished
    /// with, by the route that took them (``noRoute`` when none did).
    public static let processedLabel = "notebridge_messages_processed_total"
    /// `notebridge_transcription_fallbacks_total{reason}`: recordings the embedded speech engine transcribed because
    /// the remote one failed, by why it failed (`FallbackSpeechEngine.Reason`: `unreachable`, `timeout`,
    /// `http_status`, `malformed_answer`).
    public static let transcriptionFallbacksLabel = "notebridge_transcription_fallbacks_total"
    /// `notebridge_audio_jobs{state}`: audio jobs in the store (`queued`, `processing`, `failed`), as the last pass of
    /// the audio worker counted them (every instance on a shared database sees the same counts).
    public static let audioJobsLabel = "notebridge_audio_jobs"
    /// `notebridge_audio_jobs_finished_total{outcome}`: audio jobs this instance ended (`done`, `failed`, `cancelled`).
    public static let audioJobsFinishedLabel = "notebridge_audio_jobs_finished_total"
    /// The audio job transcriptions tried again after a transient engine failure.
    public static let audioJobRetriesLabel = "notebridge_audio_job_retries_total"
    /// The recordings of HL7 v2 ED observations, by what became of them (``HL7RecordingOutcome``).
    public static let edRecordingsLabel = "notebridge_ed_recordings_total"
    /// The label naming a state.
    public static let stateDimension = "state"
    /// The label naming why something happened.
    public static let reasonDimension = "reason"
    /// The label naming where a message came from (`mllp`).
    public static let sourceDimension = "source"
    /// The label naming a message type (`MDM^T02`, `other`, `unknown`).
    public static let messageTypeDimension = "message_type"
    /// The label naming an outcome.
    public static let outcomeDimension = "outcome"
    /// The label naming the route of a message: a configured route's name (`routes.<name>` for HL7 v2, the
    /// Subscription route's name for a notification), else ``noRoute``.
    public static let routeDimension = "route"
    /// The route label of a message no configured route takes (and of every message when no route is configured).
    /// Configuration refuses a route of this name.
    public static let noRoute = "none"

    /// What the intake did with a message.
    public enum ReceivedOutcome: String, Sendable, CaseIterable {
        /// Journaled as accepted.
        case accepted
        /// Journaled as rejected (AR/AE).
        case rejected
        /// A duplicate: the stored acknowledgment was sent again.
        case duplicate
        /// The journal could not commit it; the sender was asked to send it again.
        case notStored = "not_stored"
    }

    /// What the pipeline did with an accepted message.
    public enum ProcessedOutcome: String, Sendable, CaseIterable {
        /// A note was written and queued for every destination.
        case processed
        /// The message cannot become a note (marked failed with a reason).
        case failed
        /// A note was written, but another pass or instance had committed the message's note first (work done
        /// twice; instances sharing a journal claim their messages to avoid it).
        case alreadyProcessed = "already_processed"
    }

    /// The registry the counters live in.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory over ``registry``.
    public let factory: PrometheusMetricsFactory
    /// The most distinct message types exported with their own label.
    public static let maximumMessageTypes = 64
    private let messageTypes = MessageTypeLabels()

    /// A new, empty registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.factory = PrometheusMetricsFactory(registry: registry)
    }

    /// The message types given their own label so far.
    private final class MessageTypeLabels: Sendable {
        private let seen = Mutex<Set<String>>([])

        func label(_ messageType: String?) -> String {
            let label = GatewayMetrics.messageTypeLabel(messageType)
            guard label != "other", label != "unknown" else { return label }
            return seen.withLock { seen in
                if seen.contains(label) { return label }
                guard seen.count < GatewayMetrics.maximumMessageTypes else { return "other" }
                seen.insert(label)
                return label
            }
        }
    }

    /// Counts one inbound message; `route` is the name of the configured route that takes it, `nil` for none.
    public func received(source: String, messageType: String?, outcome: ReceivedOutcome, route: String? = nil) {
        Counter(
            label: Self.receivedLabel,
            dimensions: [
                (Self.sourceDimension, source), (Self.messageTypeDimension, messageTypes.label(messageType)),
                (Self.outcomeDimension, outcome.rawValue), (Self.routeDimension, Self.routeLabel(route)),
            ], factory: factory
        ).increment()
    }

    /// Counts one message the pipeline finished with; `route` is the name of the configured route that took it, `nil`
    /// for none.
    public func processed(messageType: String?, outcome: ProcessedOutcome, route: String? = nil) {
        Counter(
            label: Self.processedLabel,
            dimensions: [
                (Self.messageTypeDimension, messageTypes.label(messageType)), (Self.outcomeDimension, outcome.rawValue),
                (Self.routeDimension, Self.routeLabel(route)),
            ], factory: factory
        ).increment()
    }

    /// A route name as a label: a configured name (1 to 64 ASCII letters, digits, `-` or `_`, as configuration
    /// requires), else ``noRoute``.
    static func routeLabel(_ route: String?) -> String {
        guard let route, (1...64).contains(route.utf8.count),
            route.utf8.allSatisfy({
                (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D
                    || $0 == 0x5F
            })
        else { return noRoute }
        return route
    }

    /// Counts one recording the embedded engine transcribed in place of the remote one.
    public func transcriptionFallback(reason: FallbackSpeechEngine.Reason) {
        Counter(
            label: Self.transcriptionFallbacksLabel, dimensions: [(Self.reasonDimension, reason.rawValue)],
            factory: factory
        ).increment()
    }

    /// Sets how many audio jobs are in `state` (an ``Store/AudioJobState`` value).
    public func audioJobs(state: String, count: Int) {
        Gauge(label: Self.audioJobsLabel, dimensions: [(Self.stateDimension, state)], factory: factory)
            .record(count)
    }

    /// Counts one audio job this instance ended.
    func audioJobFinished(_ outcome: AudioJobMetricOutcome) {
        Counter(
            label: Self.audioJobsFinishedLabel, dimensions: [(Self.outcomeDimension, outcome.rawValue)],
            factory: factory
        ).increment()
    }

    /// Counts one retry of an audio job's transcription after a transient engine failure, by the failure's code
    /// (`remoteHTTPStatus`, `remoteTimedOut`, ...).
    func audioJobRetried(reason: String) {
        Counter(label: Self.audioJobRetriesLabel, dimensions: [(Self.reasonDimension, reason)], factory: factory)
            .increment()
    }

    /// Counts one recording of an HL7 v2 ED observation: refused before the acknowledgment, transcribed, or failed
    /// after it.
    func hl7Recording(_ outcome: HL7RecordingOutcome) {
        Counter(
            label: Self.edRecordingsLabel, dimensions: [(Self.outcomeDimension, outcome.rawValue)], factory: factory
        ).increment()
    }

    /// Every counter in the Prometheus text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// A message type as a label: `CODE` or `CODE^EVENT` of 1 to 3 upper-case letters or digits each, the code not
    /// a site-defined `Z` one, else `other` (`unknown` when there is none).
    static func messageTypeLabel(_ messageType: String?) -> String {
        guard let messageType, !messageType.isEmpty else { return "unknown" }
        guard !messageType.hasPrefix("Z") else { return "other" }
        let parts = messageType.utf8.split(separator: UInt8(ascii: "^"), omittingEmptySubsequences: false)
        guard parts.count <= 2,
            parts.allSatisfy({ part in
                (1...3).contains(part.count)
                    && part.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
            })
        else { return "other" }
        return messageType
    }
}

/// What became of the recording of an HL7 v2 ED observation, as a metric label.
enum HL7RecordingOutcome: String, Sendable, CaseIterable {
    /// Refused by the intake before the acknowledgment (structure, Base64, size, not audio): answered `AE`.
    case refused
    /// Transcribed by the pipeline after the acknowledgment.
    case transcribed
    /// Not transcribed after the acknowledgment (silent or corrupt audio, an engine failure): the entry failed.
    case failed
}
