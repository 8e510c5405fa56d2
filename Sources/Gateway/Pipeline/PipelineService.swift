import Delivery
import Foundation
import Logging
import ServiceLifecycle
import Store

/// Runs the pipeline over the journal: every accepted entry of the pipeline's message types, at start (what a crash
/// or a stop left) and whenever the MLLP intake journals one.
///
/// Notes are written for up to ``concurrency`` entries at once, on threads of the pipeline's own
/// (``PipelineThreads``), and recorded strictly in journal order: an entry's note, its outbox rows and its move to
/// `processed` commit only after every earlier entry of the pass was recorded, several at a time in one transaction
/// when several are ready. So outbox rows are numbered in journal order, and the outbox, which delivers a patient's
/// rows in row order, delivers each patient's notes in the order their messages were acknowledged, however the
/// writing of the notes overlapped. An ADT message whose visit context is kept is recorded before any later entry is
/// prepared, since a later transcript message of the same visit reads that context.
///
/// Crash safety is the transaction's: an entry stays `accepted` until its note and rows commit with its move to
/// `processed`, and a pass that stops (cancellation, a store failure) drops what it prepared but did not record;
/// the next pass, or the next start, writes those notes again.
struct PipelineService: Service {
    let pipeline: EncounterPipeline
    let messageTypes: [String]
    let wakes: DeliverySignal
    let deliveries: DeliverySignal
    let pollInterval: Duration
    /// The most entries whose notes are being written at once (at least 1).
    var concurrency: Int = PipelineService.defaultConcurrency
    /// The niceness of the note-writing threads (0: the process's priority; Linux only).
    var threadNiceness: Int32 = 0
    var metrics: GatewayMetrics?
    let logger: Logger

    /// One note per core.
    static var defaultConcurrency: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The entries read from the journal at a time.
    static let pageSize = 64

    func run() async throws {
        let threads = PipelineThreads(count: concurrency, niceness: threadNiceness)
        await wakes.serve(pollingEvery: pollInterval) { await self.processAccepted(on: threads) }
        await threads.shutdown()
        logger.info("pipeline stopped")
    }

    /// One pass over the accepted entries; returns how many notes were written. Without `threads`, the notes are
    /// written on the cooperative pool (tests).
    @discardableResult
    func processAccepted(on threads: PipelineThreads? = nil) async -> Int {
        var pass = Pass(service: self, threads: threads)
        return await pass.run()
    }

    /// The state of one pass: entries read but not started, entries being prepared, prepared entries waiting for
    /// the earlier ones, and the sequence number of the next entry to record.
    private struct Pass {
        let service: PipelineService
        let threads: PipelineThreads?
        var cursor: Int64?
        var exhausted = false
        var waiting: [JournalEntry] = []
        var started = 0
        var recorded = 0
        var running = 0
        var ready: [Int: (JournalEntry, EncounterPipeline.Preparation)] = [:]
        var written = 0
        var stopping = false

        init(service: PipelineService, threads: PipelineThreads?) {
            self.service = service
            self.threads = threads
        }

        var pipeline: EncounterPipeline { service.pipeline }
        var limit: Int { max(1, threads?.count ?? service.concurrency) }

        mutating func run() async -> Int {
            await withTaskGroup(of: (Int, JournalEntry, EncounterPipeline.Preparation).self) { group in
                while !stopping {
                    if Task.isCancelled { stopping = true }
                    await refill()
                    await start(in: &group)
                    if running == 0 {
                        if waiting.isEmpty && exhausted { break }
                        continue
                    }
                    guard let (sequence, entry, preparation) = await group.next() else { break }
                    running -= 1
                    ready[sequence] = (entry, preparation)
                    // The threads get their next entries before this task waits for the database.
                    await start(in: &group)
                    await recordReady()
                }
                // Stopping: what is still being prepared finishes and is dropped (its entries stay accepted).
                group.cancelAll()
                for await _ in group {}
            }
            return written
        }

        /// Starts entries while there is room: twice as many as there are threads, so that a thread never waits for
        /// an entry whose task is reading the database, and at most four times as many prepared but not recorded.
        /// An ADT message waits until everything before it is recorded, and is recorded before anything after it
        /// starts.
        mutating func start(in group: inout TaskGroup<(Int, JournalEntry, EncounterPipeline.Preparation)>) async {
            while !stopping, running < 2 * limit, ready.count + running < 4 * limit {
                if waiting.isEmpty { await refill() }
                guard let entry = waiting.first else { return }
                if pipeline.mayKeepContext(entry) {
                    guard running == 0, ready.isEmpty else { return }
                    waiting.removeFirst()
                    started += 1
                    recorded += 1
                    tally(entry, await pipeline.process(entry))
                    continue
                }
                waiting.removeFirst()
                let sequence = started
                started += 1
                running += 1
                let (pipeline, threads) = (self.pipeline, self.threads)
                group.addTask { (sequence, entry, await pipeline.prepare(entry, on: threads)) }
            }
        }

        /// Reads the next page of accepted entries when none is waiting.
        mutating func refill() async {
            guard waiting.isEmpty, !exhausted else { return }
            do {
                waiting = try await pipeline.journal.entries(
                    state: .accepted, messageTypes: service.messageTypes, afterID: cursor, limit: PipelineService.pageSize)
            } catch {
                service.logger.error(
                    "journal unreadable by the pipeline", metadata: ["nb.error": "\(OutboxWorker.describe(error))"])
                exhausted = true
                return
            }
            if let last = waiting.last {
                cursor = last.id
            } else {
                exhausted = true
            }
        }

        /// Records the prepared entries that follow the last recorded one, in journal order: consecutive notes in
        /// one transaction, anything else on its own. A store failure stops the pass, so that no later entry is
        /// recorded before the one that failed.
        mutating func recordReady() async {
            var notes: [EncounterPipeline.PreparedNote] = []
            while !stopping {
                guard let (entry, preparation) = ready.removeValue(forKey: recorded) else { break }
                recorded += 1
                if case .note(let note, let destinations, let metadata) = preparation {
                    notes.append((entry, note, destinations, metadata))
                    continue
                }
                await flush(&notes)
                if !stopping { tally(entry, await pipeline.record(preparation, entry: entry)) }
            }
            await flush(&notes)
        }

        mutating func flush(_ notes: inout [EncounterPipeline.PreparedNote]) async {
            guard !notes.isEmpty, !stopping else { return }
            let outcomes = await pipeline.recordNotes(notes)
            for (note, outcome) in zip(notes, outcomes) { tally(note.entry, outcome) }
            notes = []
        }

        mutating func tally(_ entry: JournalEntry, _ outcome: EncounterPipeline.Outcome) {
            switch outcome {
            case .processed:
                written += 1
                service.metrics?.processed(messageType: entry.messageType, outcome: .processed)
                service.deliveries.wake()
            case .failed:
                service.metrics?.processed(messageType: entry.messageType, outcome: .failed)
            case .contextKept:
                service.metrics?.processed(messageType: entry.messageType, outcome: .processed)
            case .alreadyProcessed:
                break
            case .deferred:
                // The entry stays accepted; later entries wait for the next pass so that none overtakes it.
                stopping = true
            }
        }
    }
}
