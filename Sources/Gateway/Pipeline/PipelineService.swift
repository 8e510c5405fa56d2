import Delivery
import Foundation
import Logging
import ServiceLifecycle
import Store

/// Runs the pipeline over the journal: every accepted entry of the pipeline's message types, in journal order, at
/// start (what a crash or a stop left) and whenever the MLLP intake journals one.
struct PipelineService: Service {
    let pipeline: EncounterPipeline
    let messageTypes: [String]
    let wakes: DeliverySignal
    let deliveries: DeliverySignal
    let pollInterval: Duration
    var metrics: GatewayMetrics?
    let logger: Logger

    func run() async throws {
        await wakes.serve(pollingEvery: pollInterval) { await self.processAccepted() }
        logger.info("pipeline stopped")
    }

    /// One pass over the accepted entries; returns how many notes were written.
    @discardableResult
    func processAccepted() async -> Int {
        var cursor: Int64?
        var written = 0
        while !Task.isCancelled {
            let entries: [JournalEntry]
            do {
                entries = try await pipeline.journal.entries(
                    state: .accepted, messageTypes: messageTypes, afterID: cursor, limit: 64)
            } catch {
                logger.error("journal unreadable by the pipeline", metadata: ["nb.error": "\(OutboxWorker.describe(error))"])
                return written
            }
            guard let last = entries.last else { break }
            for entry in entries {
                if Task.isCancelled { break }
                switch await pipeline.process(entry) {
                case .processed:
                    written += 1
                    metrics?.processed(messageType: entry.messageType, outcome: .processed)
                    deliveries.wake()
                case .failed:
                    metrics?.processed(messageType: entry.messageType, outcome: .failed)
                case .contextKept:
                    metrics?.processed(messageType: entry.messageType, outcome: .processed)
                case .alreadyProcessed, .deferred:
                    break
                }
            }
            cursor = last.id
        }
        return written
    }
}
