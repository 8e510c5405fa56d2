import Delivery
import Foundation
import ServiceLifecycle
import Synchronization

/// Samples the counters `/metrics` exports every few seconds and answers how much each grew over the last minute:
/// the dashboard's per-minute numbers, which therefore agree with `/metrics` (a rate computed from sampled values,
/// as Prometheus' `increase(…[1m])` is).
///
/// The rate at `now` is the counters read now minus the newest sample at least a minute old; while the gateway is
/// younger than a minute, minus zero (every counter starts at zero with the process).
final class CounterSampler: Service, Sendable {
    /// The counters sampled.
    static let names: Set<String> = [
        GatewayMetrics.receivedLabel, GatewayMetrics.processedLabel, DeliveryMetrics.deliveredLabel,
        DeliveryMetrics.retriedLabel, DeliveryMetrics.deadLabel,
    ]

    /// The window of a rate.
    static let window: TimeInterval = 60

    let metrics: GatewayMetrics
    /// How often a sample is taken.
    let interval: Duration

    private struct State {
        /// When sampling started (the counters were zero then).
        var started: Date
        /// Samples, oldest first, none older than needed.
        var samples: [CounterSample] = []
    }

    private let state: Mutex<State>

    init(metrics: GatewayMetrics, interval: Duration = .seconds(2), now: Date = Date()) {
        self.metrics = metrics
        self.interval = interval
        self.state = Mutex(State(started: now))
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                self.sample()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Reads the counters now and keeps the sample (and forgets samples no rate needs any more).
    @discardableResult
    func sample(now: Date = Date()) -> CounterSample {
        let sample = CounterSample(exposition: metrics.exposition(), names: Self.names, time: now)
        state.withLock { state in
            state.samples.append(sample)
            // Keep the newest sample at least a window old, and every later one.
            let cutoff = now.addingTimeInterval(-Self.window)
            if let keep = state.samples.lastIndex(where: { $0.time <= cutoff }), keep > 0 {
                state.samples.removeFirst(keep)
            }
        }
        return sample
    }

    /// How much each counter grew in the last minute (``window``) before `now`.
    func lastMinute(now: Date = Date()) -> CounterRates {
        let current = CounterSample(exposition: metrics.exposition(), names: Self.names, time: now)
        let baseline = state.withLock { state -> CounterSample in
            let cutoff = now.addingTimeInterval(-Self.window)
            return state.samples.last(where: { $0.time <= cutoff }) ?? CounterSample(time: state.started)
        }
        return CounterRates(from: baseline, to: current)
    }
}

/// How much the gateway's counters grew between two samples: messages by type and by route, deliveries by
/// destination.
struct CounterRates: Sendable, Hashable {
    /// The start of the span.
    var since: Date
    /// Inbound messages (every outcome), by message type label.
    var received: [String: Int] = [:]
    /// Messages the pipeline made a note of, by message type label.
    var processed: [String: Int] = [:]
    /// Messages the pipeline could not make a note of, by message type label.
    var failed: [String: Int] = [:]
    /// Inbound messages (every outcome), by route label (``GatewayMetrics/noRoute`` for messages no route takes).
    var receivedByRoute: [String: Int] = [:]
    /// Messages the pipeline made a note of, by route label.
    var processedByRoute: [String: Int] = [:]
    /// Messages the pipeline could not make a note of, by route label.
    var failedByRoute: [String: Int] = [:]
    /// Rows delivered, by destination.
    var delivered: [String: Int] = [:]
    /// Failed attempts that will be tried again, by destination.
    var retried: [String: Int] = [:]
    /// Rows moved to the dead letter, by destination.
    var dead: [String: Int] = [:]

    init(since: Date) {
        self.since = since
    }

    init(from start: CounterSample, to end: CounterSample) {
        since = start.time
        func growth(_ name: String, by key: String, matching: [String: String] = [:]) -> [String: Int] {
            let before = start.sums(name, by: key, matching: matching)
            return end.sums(name, by: key, matching: matching).reduce(into: [:]) { growth, group in
                growth[group.key] = Int(max(0, group.value - (before[group.key] ?? 0)))
            }
        }
        let type = GatewayMetrics.messageTypeDimension
        let outcome = GatewayMetrics.outcomeDimension
        received = growth(GatewayMetrics.receivedLabel, by: type)
        processed = growth(
            GatewayMetrics.processedLabel, by: type,
            matching: [outcome: GatewayMetrics.ProcessedOutcome.processed.rawValue])
        failed = growth(
            GatewayMetrics.processedLabel, by: type,
            matching: [outcome: GatewayMetrics.ProcessedOutcome.failed.rawValue])
        let route = GatewayMetrics.routeDimension
        receivedByRoute = growth(GatewayMetrics.receivedLabel, by: route)
        processedByRoute = growth(
            GatewayMetrics.processedLabel, by: route,
            matching: [outcome: GatewayMetrics.ProcessedOutcome.processed.rawValue])
        failedByRoute = growth(
            GatewayMetrics.processedLabel, by: route,
            matching: [outcome: GatewayMetrics.ProcessedOutcome.failed.rawValue])
        let destination = DeliveryMetrics.destinationDimension
        delivered = growth(DeliveryMetrics.deliveredLabel, by: destination)
        retried = growth(DeliveryMetrics.retriedLabel, by: destination)
        dead = growth(DeliveryMetrics.deadLabel, by: destination)
    }

    /// The sum over every group.
    static func total(_ counts: [String: Int]) -> Int { counts.values.reduce(0, +) }
}
