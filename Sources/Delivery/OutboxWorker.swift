import CoreMetrics
import EncounterModel
import Foundation
import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Delivers one destination's outbox rows: claims due rows under a lease (at most one per patient at a time, so
/// that each patient's notes arrive in order while patients deliver in parallel), renders and sends each, and
/// records the answer: delivered, retried with backoff and jitter, or dead.
///
/// A `Service` of the gateway's `ServiceGroup`. On graceful shutdown it stops claiming; a send in progress is
/// interrupted and its lease released (not counted as an attempt), so that the row goes out after the restart. A
/// worker killed outright leaves its leases to expire, after which any worker claims the rows again.
public struct OutboxWorker: Service {
    /// Tuning.
    public struct Configuration: Sendable, Hashable {
        /// When failures are tried again.
        public var retry: RetryPolicy
        /// How long a claim holds a row.
        public var leaseDuration: Duration
        /// The most rows claimed (and sent concurrently) at once.
        public var batchSize: Int
        /// How often due rows are looked for when nothing wakes the worker.
        public var pollInterval: Duration
        /// How many connections (or other sessions of the destination) the rows of one claim are sent over at once;
        /// each carries its share of the rows one after the other.
        public var connections: Int
        /// How long a connection is kept open with nothing to send before it is closed (a connection carries one
        /// claim's share after another while rows keep coming).
        public var idleConnectionTimeout: Duration

        /// Creates a configuration.
        public init(
            retry: RetryPolicy = RetryPolicy(), leaseDuration: Duration = .seconds(60), batchSize: Int = 16,
            pollInterval: Duration = .milliseconds(250), connections: Int = 4,
            idleConnectionTimeout: Duration = .seconds(10)
        ) {
            self.retry = retry
            self.leaseDuration = leaseDuration
            self.batchSize = batchSize
            self.pollInterval = pollInterval
            self.connections = connections
            self.idleConnectionTimeout = idleConnectionTimeout
        }
    }

    let outbox: any Outbox
    let destination: any Destination
    let configuration: Configuration
    let signal: DeliverySignal
    let metrics: DeliveryMetrics
    let logger: Logger

    /// Creates a worker for `destination`; its counters are made by `metrics` (the process's factory unless given).
    public init(
        outbox: any Outbox, destination: any Destination, configuration: Configuration = Configuration(),
        signal: DeliverySignal, metrics: (any MetricsFactory)? = nil, logger: Logger
    ) {
        self.outbox = outbox
        self.destination = destination
        self.configuration = configuration
        self.signal = signal
        self.metrics = DeliveryMetrics(destination: destination.name, factory: metrics ?? MetricsSystem.factory)
        var logger = logger
        logger[metadataKey: "nb.delivery.destination"] = "\(destination.name)"
        self.logger = logger
    }

    /// Delivers until graceful shutdown or cancellation: claims due rows for the lanes that are free and deals each
    /// claim over them (the first free lanes first, so that with few rows only the first lanes keep connections);
    /// each lane keeps its connection open from one share to the next until it idles for
    /// ``Configuration/idleConnectionTimeout``. A lane that finishes its share is given more at once: a row that
    /// becomes due while other lanes are busy goes out over a free lane without waiting for them (the claim never
    /// takes a row of a patient with a row in flight, so each patient's rows still go out in order).
    public func run() async throws {
        let lanes = (0..<max(1, configuration.connections)).map { _ in DeliveryLane() }
        let used = LaneUse(count: lanes.count)
        // Woken by new rows, by the poll timer and by a lane that finished its share.
        let (passes, pass) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let (wakes, poke) = signal.subscribe()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for lane in lanes {
                    group.addTask {
                        await self.run(lane)
                    }
                }
                group.addTask {
                    for await _ in wakes { pass.yield() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: configuration.pollInterval)
                        poke.yield()
                    }
                }
                pass.yield()
                for await _ in passes {
                    if Task.isCancelled { break }
                    for (lane, share) in await dealDue(over: lanes.count, used: used) {
                        group.addTask {
                            await self.deliver(share, over: lanes[lane])
                            used.finish(lane)
                            pass.yield()
                        }
                    }
                    for lane in used.idle(for: configuration.idleConnectionTimeout) { lanes[lane].idle() }
                }
                for lane in lanes { lane.close() }
                poke.finish()
                pass.finish()
                group.cancelAll()
            }
        }
        logger.info("delivery worker stopped")
    }

    /// Which lanes hold a share, and when each last got one.
    final class LaneUse: Sendable {
        private struct State {
            var last: [ContinuousClock.Instant]
            var busy: [Bool]
        }

        private let state: Mutex<State>

        init(count: Int) {
            state = Mutex(
                State(last: Array(repeating: .now, count: count), busy: Array(repeating: false, count: count)))
        }

        /// The lanes holding no share, first lanes first.
        func free() -> [Int] {
            state.withLock { state in state.busy.indices.filter { !state.busy[$0] } }
        }

        /// Marks `lanes` as holding a share, used now.
        func take(_ lanes: [Int]) {
            let now = ContinuousClock.now
            state.withLock { state in
                for lane in lanes {
                    state.busy[lane] = true
                    state.last[lane] = now
                }
            }
        }

        /// Marks `lane` as done with its share.
        func finish(_ lane: Int) {
            state.withLock { $0.busy[lane] = false }
        }

        /// The free lanes unused for `timeout`, marked as used now (told once per idle period).
        func idle(for timeout: Duration) -> [Int] {
            let now = ContinuousClock.now
            return state.withLock { state in
                state.last.indices.filter { !state.busy[$0] && now - state.last[$0] >= timeout }.map {
                    state.last[$0] = now
                    return $0
                }
            }
        }
    }

    /// Claims due rows for the free lanes, as many per lane as a whole claim gives each lane (``Configuration/
    /// batchSize`` over ``Configuration/connections``), until none is left to claim now or no lane is free; returns
    /// the shares, each with its lane, the lanes marked as taken.
    func dealDue(over laneCount: Int, used: LaneUse) async -> [(Int, [OutboxLease])] {
        var shares: [(Int, [OutboxLease])] = []
        while !Task.isCancelled {
            let free = used.free()
            guard !free.isEmpty else { break }
            let limit = max(1, configuration.batchSize * free.count / laneCount)
            guard let leases = await claim(limit: limit), !leases.isEmpty else { break }
            // The claim holds at most one row per patient, and none of a patient with a row in flight, so its rows
            // may go out in any order.
            let count = min(free.count, leases.count)
            let chosen = Array(free.prefix(count))
            used.take(chosen)
            for (position, lane) in chosen.enumerated() {
                shares.append((lane, Array(stride(from: position, to: leases.count, by: count).map { leases[$0] })))
            }
            if leases.count < limit { break }
        }
        return shares
    }

    /// Sends the shares `lane` is given over the destination's kept connection, recording each outcome.
    func run(_ lane: DeliveryLane) async {
        defer { lane.close() }
        var done: CheckedContinuation<Bool, Never>?
        var sent: [OutboxLease] = []
        var delivered: [OutboxDelivery] = []
        var closed = false
        while !closed, !Task.isCancelled {
            await destination.deliver(
                batches: {
                    // The previous share is wholly reported: its delivered rows are completed, and its dealer goes on.
                    await complete(delivered)
                    delivered = []
                    done?.resume(returning: true)
                    done = nil
                    while true {
                        guard let job = await lane.next() else {
                            closed = true
                            return nil
                        }
                        guard case .share(let leases, let finished) = job else { return nil }
                        done = finished
                        let (payloads, leased) = await self.payloads(of: leases)
                        if !payloads.isEmpty {
                            sent = leased
                            return payloads
                        }
                        done?.resume(returning: true)
                        done = nil
                    }
                },
                reporting: { index, outcome in
                    var outcome = outcome
                    if Task.isCancelled, outcome.isRetry { outcome = .interrupted }
                    if case .delivered(let references) = outcome {
                        delivered.append(
                            OutboxDelivery(lease: sent[index], references: Self.keptReferences(references)))
                    } else {
                        await record(outcome, for: sent[index])
                    }
                })
            await complete(delivered)
            delivered = []
            done?.resume(returning: true)
            done = nil
        }
    }

    /// The next due rows of the destination, up to `limit` (``Configuration/batchSize`` unless given); `nil` when
    /// the claim failed.
    private func claim(limit: Int? = nil) async -> [OutboxLease]? {
        do {
            return try await outbox.claim(
                destination: destination.name, limit: limit ?? configuration.batchSize,
                leaseDuration: configuration.leaseDuration, now: Date())
        } catch {
            logger.error("outbox claim failed", metadata: ["nb.error": "\(Self.describe(error))"])
            return nil
        }
    }

    /// Claims and delivers due rows until none is left to claim now, over lanes as ``run()`` deals them, each lane
    /// keeping its connection from one share to the next; the lanes close when nothing is left (tests and one-shot
    /// callers; the service runs ``run()``).
    public func deliverDue() async {
        let lanes = (0..<max(1, configuration.connections)).map { _ in DeliveryLane() }
        let used = LaneUse(count: lanes.count)
        await withDiscardingTaskGroup { group in
            for lane in lanes {
                group.addTask { await self.run(lane) }
            }
            while !Task.isCancelled {
                let shares = await dealDue(over: lanes.count, used: used)
                guard !shares.isEmpty else { break }
                await withDiscardingTaskGroup { dealt in
                    for (lane, share) in shares {
                        dealt.addTask { await self.deliver(share, over: lanes[lane]) }
                    }
                }
                for (lane, _) in shares { used.finish(lane) }
            }
            for lane in lanes { lane.close() }
        }
    }

    /// Sends one claimed row over a lane of its own and records the outcome.
    func deliver(_ lease: OutboxLease) async {
        let lane = DeliveryLane()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.run(lane) }
            await deliver([lease], over: lane)
            lane.close()
        }
    }

    /// Hands a share to a lane and waits for its outcomes; a share the lane never took (it stopped) is released.
    private func deliver(_ share: [OutboxLease], over lane: DeliveryLane) async {
        if !(await lane.deliver(share)) {
            for lease in share { await record(.interrupted, for: lease) }
        }
    }

    /// Marks delivered rows in one transaction.
    private func complete(_ delivered: [OutboxDelivery]) async {
        guard !delivered.isEmpty else { return }
        do {
            let lost = Set(try await outbox.complete(delivered, now: Date()))
            for lease in delivered.map(\.lease) {
                var metadata = Self.metadata(of: lease)
                if lost.contains(lease.item.id) {
                    metadata["nb.error"] = "leaseLost: the lease on outbox row \(lease.item.id) is no longer held"
                    logger.error("delivery outcome not recorded", metadata: metadata)
                } else {
                    metrics.delivered.increment()
                    logger.debug("note delivered", metadata: metadata)
                }
            }
        } catch {
            logger.error("delivery outcomes not recorded", metadata: ["nb.error": "\(Self.describe(error))"])
        }
    }

    /// The payloads of claimed rows, their notes read in one go, with the leases they were sent for; a row whose
    /// note cannot be read or opened is settled (dead, or retried) and left out.
    private func payloads(of leases: [OutboxLease]) async -> ([DeliveryPayload], [OutboxLease]) {
        let documents: [String: [UInt8]]
        do {
            documents = try await outbox.noteDocuments(ids: leases.map(\.item.noteID))
        } catch {
            let outcome = DeliveryOutcome.retry(reason: "the note could not be read: \(Self.describe(error))")
            for lease in leases { await record(Task.isCancelled ? .interrupted : outcome, for: lease) }
            return ([], [])
        }
        var payloads: [DeliveryPayload] = []
        var sent: [OutboxLease] = []
        for lease in leases {
            switch payload(of: lease, document: documents[lease.item.noteID]) {
            case .payload(let payload):
                payloads.append(payload)
                sent.append(lease)
            case .refused(let outcome):
                await record(outcome, for: lease)
            }
        }
        return (payloads, sent)
    }

    /// What a claimed row sends, or the outcome that settles it without sending.
    private enum Loaded {
        case payload(DeliveryPayload)
        case refused(DeliveryOutcome)
    }

    /// Decodes the note (or acknowledgment) of a claimed row from its opened document.
    private func payload(of lease: OutboxLease, document: [UInt8]?) -> Loaded {
        guard let document else {
            return .refused(.dead(reason: "the note was erased (its retention ended) before it was delivered"))
        }
        do {
            if lease.item.noteID.hasPrefix(ApplicationAcknowledgmentRecord.idPrefix) {
                return .payload(
                    .acknowledgment(try ApplicationAcknowledgmentRecord.decoded(from: document), item: lease.item))
            }
            return .payload(.note(try NoteRecord.decoded(from: document), item: lease.item))
        } catch let error as NoteRecordError {
            return .refused(.dead(reason: error.reason))
        } catch {
            return .refused(.dead(reason: "the note cannot be decoded"))
        }
    }

    private static func metadata(of lease: OutboxLease) -> Logger.Metadata {
        [
            "nb.outbox.id": "\(lease.item.id)", "nb.hl7.control_id": "\(lease.item.controlID)",
            "nb.outbox.attempt": "\(lease.item.attempts + 1)",
        ]
    }

    /// Records the outcome of one row.
    func record(_ outcome: DeliveryOutcome, for lease: OutboxLease) async {
        var metadata = Self.metadata(of: lease)
        let now = Date()
        do {
            switch outcome {
            case .delivered(let references):
                try await outbox.complete(lease, references: Self.keptReferences(references), now: now)
                metrics.delivered.increment()
                logger.debug("note delivered", metadata: metadata)
            case .retry(let reason), .retryAfter(let reason, _):
                var asked: Duration = .zero
                if case .retryAfter(_, let delay) = outcome { asked = delay }
                let attempts = lease.item.attempts + 1
                let age = now.timeIntervalSince(lease.item.createdAt)
                if let limit = configuration.retry.maximumAge, age > RetryPolicy.seconds(limit) {
                    try await outbox.fail(
                        lease, error: "gave up after \(Int(age)) seconds (the destination's age limit): \(reason)",
                        retryAt: nil, now: now)
                    metrics.dead.increment()
                    metadata["nb.outbox.reason"] = "\(reason)"
                    logger.warning("delivery failed past its age limit; moved to the dead letter", metadata: metadata)
                } else if let backoff = configuration.retry.delay(afterAttempts: attempts) {
                    // The receiver's Retry-After is a floor: the backoff still grows when it keeps asking.
                    let delay = max(backoff, asked)
                    try await outbox.fail(
                        lease, error: reason, retryAt: now.addingTimeInterval(RetryPolicy.seconds(delay)), now: now)
                    metrics.retried.increment()
                    metadata["nb.outbox.retry_in_ms"] = "\(Int64(RetryPolicy.seconds(delay) * 1000))"
                    metadata["nb.outbox.reason"] = "\(reason)"
                    logger.notice("delivery failed; it will be retried", metadata: metadata)
                } else {
                    try await outbox.fail(
                        lease, error: "gave up after \(attempts) attempts: \(reason)", retryAt: nil, now: now)
                    metrics.dead.increment()
                    metadata["nb.outbox.reason"] = "\(reason)"
                    logger.warning("delivery failed for good; moved to the dead letter", metadata: metadata)
                }
            case .dead(let reason):
                try await outbox.fail(lease, error: reason, retryAt: nil, now: now)
                metrics.dead.increment()
                metadata["nb.outbox.reason"] = "\(reason)"
                logger.warning("delivery refused; moved to the dead letter", metadata: metadata)
            case .interrupted:
                try await outbox.release(lease, now: now)
                logger.info("delivery interrupted by shutdown; lease released", metadata: metadata)
            }
        } catch {
            metadata["nb.error"] = "\(Self.describe(error))"
            logger.error("delivery outcome not recorded", metadata: metadata)
        }
    }

    /// The references a delivered row keeps: those the store takes (``OutboxItem/isDeliveredReference(_:)``), the
    /// first ``OutboxItem/maximumDeliveredReferences`` of them, so that a destination's odd report never costs the
    /// row its delivered state.
    static func keptReferences(_ references: [String]) -> [String] {
        Array(references.filter(OutboxItem.isDeliveredReference).prefix(OutboxItem.maximumDeliveredReferences))
    }

    /// An error for a log line: a store error's code and reason (never PHI), or the type name.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return "\(error.code): \(error.reason)" }
        return "\(type(of: error))"
    }
}

extension OutboxWorker: CustomStringConvertible {
    /// The worker's destination name only: the service lifecycle logs services by their description, and a
    /// destination's configuration may hold a secret.
    public var description: String { "OutboxWorker(destination: \(destination.name))" }
}
