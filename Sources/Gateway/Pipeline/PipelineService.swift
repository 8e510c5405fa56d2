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
/// An HL7 message whose transcript is a recording (an ED observation) does not hold the pass while it is transcribed:
/// its recording becomes a durable audio job (``PipelineRecordingJobs``) and the entry stays accepted. Order is kept
/// per patient, as the outbox delivers: a later entry of the same patient (``OutboxNote/patientKey``), a text
/// message included, is not recorded while the recording waits, and stays accepted too; the other patients' entries
/// are recorded as usual. When the job ends it wakes the pipeline, and the next pass, which starts again from the
/// oldest accepted entry, writes the recording's note and then the patient's later ones, in journal order. A failed
/// job fails its entry (with the application `AE` the sender asked for), and the patient's later entries go on.
///
/// Crash safety is the transaction's: an entry stays `accepted` until its note and rows commit with its move to
/// `processed`, and a pass that stops (cancellation, a store failure) drops what it prepared but did not record;
/// the next pass, or the next start, writes those notes again.
///
/// Several instances share one journal by claiming the entries they write (``JournalClaimant``): a pass claims a page
/// at a time, so each entry is prepared by one instance. The order holds across instances too: before it records an
/// entry, a pass waits until every earlier accepted entry is its own (each instance records its own in order), so
/// notes commit in journal order whichever instance writes them. When an earlier claim has expired (its instance
/// died), the pass stops, and the next one, which starts from the oldest accepted entry, takes it over. An earlier
/// entry claimed by nobody counts too: this pass's claim skipped it while another instance's claim statement held it
/// locked (SKIP LOCKED), a statement that commits in a moment or is undone (its session ended, its instance died).
/// The pass waits briefly for someone's claim to show, then stops, and the next pass, started at once, claims it.
/// A transcript message is prepared only when every earlier ADT message is this instance's, since it may read the
/// visit context such a message keeps.
struct PipelineService: Service {
    let pipeline: EncounterPipeline
    let messageTypes: [String]
    let wakes: DeliverySignal
    let deliveries: DeliverySignal
    let pollInterval: Duration
    /// Who this instance claims entries as.
    var claimant = JournalClaimant(owner: "embedded", lease: .seconds(30))
    /// Whether this is the only instance on the journal (the embedded store): then no other owner's claim can appear
    /// while the service runs, and one look per page for claims left by another owner (a database brought over from
    /// a shared store) stands for the look before each entry.
    var soleInstance = false
    /// The most entries whose notes are being written at once (at least 1).
    var concurrency: Int = PipelineService.defaultConcurrency
    /// The niceness of the note-writing threads (0: the process's priority; Linux only).
    var threadNiceness: Int32 = 0
    var metrics: GatewayMetrics?
    let logger: Logger
    /// Whether the passes are working on their claims (``keepClaims()`` asks it).
    var progress = PipelineProgress()

    /// One note per core.
    static var defaultConcurrency: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The entries claimed from the journal at a time: small, so that instances sharing the journal take turns
    /// often instead of one waiting for another's long page.
    static let pageSize = 32

    /// How long a pass waits for an earlier entry claimed by nobody to be claimed (another instance's claim
    /// statement in flight commits in milliseconds) before it stops and lets its next pass claim the entry: short,
    /// since the entry holds every instance's later entries, and a claim that was undone leaves it to nobody.
    static let unclaimedGrace = Duration.milliseconds(100)

    /// The message types whose entries may keep a visit context (ADT events).
    var contextMessageTypes: [String] { messageTypes.filter { $0.hasPrefix("ADT") } }

    func run() async throws {
        let threads = PipelineThreads(count: concurrency, niceness: threadNiceness, progress: progress)
        await withDiscardingTaskGroup { group in
            group.addTask { await self.keepClaims() }
            await wakes.serve(pollingEvery: pollInterval) { await self.processAccepted(on: threads) }
            group.cancelAll()
        }
        await threads.shutdown()
        logger.info("pipeline stopped")
    }

    /// Extends this instance's claims every third of the lease while its passes are working on them, on the
    /// cooperative pool rather than in a pass: a pass waiting for its note threads on a busy machine (they run at a
    /// lower priority) must not see its claims expire and another instance write the same notes. Working means a note
    /// being written on a thread, or a step of a pass ended within the lease (``PipelineProgress``): a pass parked in
    /// a wait that does not end (every store call is bounded, but a wait must never hold the cluster) stops
    /// extending, as an instance that died does, and its claims expire for the other instances to take over.
    func keepClaims() async {
        var extending = true
        while !Task.isCancelled {
            try? await Task.sleep(for: claimant.lease / 3)
            guard !Task.isCancelled else { return }
            extending = await extendClaimsIfWorking(extendedLastTime: extending)
        }
    }

    /// One turn of ``keepClaims()``: extends this instance's claims when the pipeline is working on them, and says
    /// whether it did (or tried: a store failure is logged at debug level and tried again next turn). A change from
    /// the last turn (`extendedLastTime`) is logged.
    func extendClaimsIfWorking(extendedLastTime: Bool) async -> Bool {
        guard progress.isWorking(within: claimant.lease) else {
            if extendedLastTime {
                logger.warning(
                    "the pipeline made no progress within the claim lease; its journal claims are left to expire",
                    metadata: ["nb.pipeline.idle_ms": "\(progress.sinceLastStep.clampedMilliseconds)"])
            }
            return false
        }
        if !extendedLastTime {
            logger.notice("the pipeline is making progress again; its journal claims are extended")
        }
        do {
            _ = try await pipeline.journal.extendClaims(by: claimant, now: Date())
        } catch {
            logger.debug("journal claims not extended", metadata: ["nb.error": "\(OutboxWorker.describe(error))"])
        }
        return true
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
        /// The entries before this id may be recorded: no earlier entry is claimed by another instance.
        var clearedBefore: Int64 = .min
        /// The entries before this id may be prepared: no earlier ADT message is claimed by another instance.
        var contextsClearedBefore: Int64 = .min
        /// When this pass last extended its claims.
        var renewed = ContinuousClock.now
        /// The patients (``OutboxNote/patientKey``) with an earlier entry waiting for its recording's transcription:
        /// their later notes are not recorded by this pass (they stay accepted), so that each patient's notes are
        /// still queued in the order their messages were acknowledged.
        var held: Set<String> = []

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
                    service.progress.record()
                    running -= 1
                    ready[sequence] = (entry, preparation)
                    await renewClaims()
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
                    guard await recordable(from: entry.id, through: entry.id) != nil else { return }
                    waiting.removeFirst()
                    started += 1
                    recorded += 1
                    tally(entry, await pipeline.process(entry))
                    continue
                }
                // A transcript message may read the visit context of an earlier ADT message another instance holds:
                // it starts once that one is recorded (waiting only when nothing of this pass is in the way).
                guard await contextsSettled(before: entry.id, idle: running == 0) else { return }
                waiting.removeFirst()
                let sequence = started
                started += 1
                running += 1
                let (pipeline, threads) = (self.pipeline, self.threads)
                group.addTask { (sequence, entry, await pipeline.prepare(entry, on: threads)) }
            }
        }

        /// Claims the next page of accepted entries when none is waiting. A page whose entries may read a visit
        /// context waits until no earlier ADT message is claimed by another instance.
        mutating func refill() async {
            guard waiting.isEmpty, !exhausted, !stopping else { return }
            await renewClaims()
            defer { service.progress.record() }
            do {
                waiting = try await pipeline.journal.claimAccepted(
                    messageTypes: service.messageTypes, afterID: cursor, limit: PipelineService.pageSize,
                    by: service.claimant, now: Date())
            } catch {
                service.logger.error(
                    "journal unreadable by the pipeline", metadata: ["nb.error": "\(OutboxWorker.describe(error))"])
                exhausted = true
                return
            }
            guard let last = waiting.last else {
                exhausted = true
                return
            }
            cursor = last.id
            // The only instance: when every entry up to the page's last is its own now (no other owner claims any,
            // and the pass claims from the oldest), they stay its own, so every entry of the page may be prepared and
            // recorded without asking again.
            if service.soleInstance, last.id >= clearedBefore || last.id >= contextsClearedBefore,
                case .none = await earlier(before: last.id + 1, messageTypes: service.messageTypes)
            {
                clearedBefore = max(clearedBefore, last.id + 1)
                contextsClearedBefore = max(contextsClearedBefore, last.id + 1)
            }
        }

        /// What other instances claim before `id`; `.held` when the journal cannot say (the caller waits, then
        /// gives up).
        func earlier(before id: Int64, messageTypes: [String]) async -> EarlierJournalClaims {
            defer { service.progress.record() }
            do {
                return try await pipeline.journal.earlierClaims(
                    before: id, messageTypes: messageTypes, owner: service.claimant.owner, now: Date())
            } catch {
                service.logger.error(
                    "journal claims unreadable by the pipeline",
                    metadata: ["nb.error": "\(OutboxWorker.describe(error))"])
                return .held(firstID: .min)
            }
        }

        /// Extends this instance's claims when a third of the lease has passed since the last time, so that they
        /// do not expire while the pass still works on them (waiting for an earlier instance, or on a busy machine).
        mutating func renewClaims() async {
            let lease = service.claimant.lease
            guard ContinuousClock.now - renewed >= lease / 3 else { return }
            renewed = ContinuousClock.now
            defer { service.progress.record() }
            do {
                _ = try await pipeline.journal.extendClaims(by: service.claimant, now: Date())
            } catch {
                service.logger.warning(
                    "journal claims not extended", metadata: ["nb.error": "\(OutboxWorker.describe(error))"])
            }
        }

        /// Waits until entry `first` may be recorded, and returns the id below which this pass's entries may be
        /// recorded now (past `first`, up to `last + 1`): entries below the lowest earlier entry that is not this
        /// instance's (another instance claims it, or nobody does). Recording that prefix at once, rather than waiting
        /// for all of `first...last`, is what keeps two instances from waiting for each other. Returns `nil`,
        /// stopping the pass, when an earlier claim expired or an earlier entry stayed claimed by nobody (the next
        /// pass takes the entry over), when waiting lasts a whole lease, or on cancellation.
        mutating func recordable(from first: Int64, through last: Int64) async -> Int64? {
            await renewClaims()
            if last < clearedBefore { return last + 1 }
            let deadline = ContinuousClock.now + service.claimant.lease
            var unclaimedSince: ContinuousClock.Instant?
            var pause = Duration.milliseconds(2)
            while !Task.isCancelled {
                switch await earlier(before: last, messageTypes: service.messageTypes) {
                case .none:
                    clearedBefore = max(clearedBefore, last + 1)
                    return last + 1
                case .held(let lowest) where lowest > first, .unclaimed(let lowest) where lowest > first:
                    clearedBefore = max(clearedBefore, lowest)
                    return lowest
                case .abandoned:
                    takeOverAbandoned()
                    return nil
                case .unclaimed:
                    guard stillWaiting(forUnclaimedSince: &unclaimedSince) else { return nil }
                    await backOff(&pause)
                case .held:
                    unclaimedSince = nil
                    guard ContinuousClock.now < deadline else {
                        service.logger.warning("earlier journal entries stayed claimed by another instance")
                        stopping = true
                        return nil
                    }
                    await backOff(&pause)
                }
            }
            stopping = true
            return nil
        }

        /// Whether entry `id` may be prepared: every earlier ADT message is this instance's. When one is not and
        /// the pass is `idle` (nothing of it prepared but not recorded), waits for it as
        /// ``recordable(from:through:)`` does; otherwise answers `false` at once and the pass tries again later.
        mutating func contextsSettled(before id: Int64, idle: Bool) async -> Bool {
            let types = service.contextMessageTypes
            guard pipeline.contexts != nil, !types.isEmpty, id >= contextsClearedBefore else { return true }
            let deadline = ContinuousClock.now + service.claimant.lease
            var unclaimedSince: ContinuousClock.Instant?
            var pause = Duration.milliseconds(2)
            while !Task.isCancelled {
                switch await earlier(before: id, messageTypes: types) {
                case .none:
                    contextsClearedBefore = id + 1
                    return true
                case .held(let lowest) where lowest > id, .unclaimed(let lowest) where lowest > id:
                    contextsClearedBefore = lowest
                    return true
                case .abandoned:
                    takeOverAbandoned()
                    return false
                case .unclaimed:
                    guard idle else { return false }
                    guard stillWaiting(forUnclaimedSince: &unclaimedSince) else { return false }
                    await backOff(&pause)
                case .held:
                    unclaimedSince = nil
                    guard idle else { return false }
                    guard ContinuousClock.now < deadline else {
                        stopping = true
                        return false
                    }
                    await backOff(&pause)
                }
            }
            stopping = true
            return false
        }

        /// Waits `pause` before the journal is asked again, doubles it up to 50 ms, and renews this pass's claims:
        /// the wait of ``recordable(from:through:)`` and ``contextsSettled(before:idle:)`` between two questions.
        mutating func backOff(_ pause: inout Duration) async {
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
            await renewClaims()
        }

        /// Stops the pass because an earlier entry's claim expired (its instance died), and starts the next pass at
        /// once: it claims from the oldest accepted entry, so it takes the entry over, rather than at the next poll.
        mutating func takeOverAbandoned() {
            service.logger.notice("an earlier journal entry's claim expired; the next pass takes it over")
            stopping = true
            service.wakes.wake()
        }

        /// Whether to go on waiting for an earlier entry claimed by nobody, seen since `since` (now, when `nil`: set):
        /// for ``PipelineService/unclaimedGrace``. After that the pass stops, and the next, which starts at once from
        /// the oldest accepted entry, claims the entry (or finds it claimed by then, and waits for its instance).
        mutating func stillWaiting(forUnclaimedSince since: inout ContinuousClock.Instant?) -> Bool {
            let now = ContinuousClock.now
            let first = since ?? now
            since = first
            guard now - first >= PipelineService.unclaimedGrace else { return true }
            service.logger.notice("an earlier journal entry is claimed by no instance; the next pass claims it")
            stopping = true
            service.wakes.wake()
            return false
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
                    // Behind a recording of the same patient: left accepted for a later pass.
                    guard !held.contains(note.patientKey) else { continue }
                    notes.append((entry, note, destinations, metadata))
                    continue
                }
                if case .awaitingRecording(let patientKey, _) = preparation {
                    held.insert(patientKey)
                    tally(entry, await pipeline.record(preparation, entry: entry))
                    continue
                }
                await flush(&notes)
                if !stopping, await recordable(from: entry.id, through: entry.id) != nil {
                    tally(entry, await pipeline.record(preparation, entry: entry))
                }
            }
            await flush(&notes)
        }

        /// Records `notes` (consecutive, in journal order) in one transaction, or in several when another
        /// instance's earlier claims sit between them.
        mutating func flush(_ notes: inout [EncounterPipeline.PreparedNote]) async {
            while let first = notes.first, let last = notes.last, !stopping {
                guard let bound = await recordable(from: first.entry.id, through: last.entry.id) else { return }
                let prefix = Array(notes.prefix { $0.entry.id < bound })
                let outcomes = await pipeline.recordNotes(prefix)
                for (note, outcome) in zip(prefix, outcomes) { tally(note.entry, outcome) }
                notes.removeFirst(prefix.count)
            }
            notes = []
        }

        mutating func tally(_ entry: JournalEntry, _ outcome: EncounterPipeline.Outcome) {
            service.progress.record()
            let metrics = service.metrics
            // The route label: the probed header's route, as the pipeline chose it (the header is read again only
            // when counting).
            let route = { [pipeline] in metrics == nil ? nil : pipeline.routeName(of: entry) }
            switch outcome {
            case .processed:
                written += 1
                metrics?.processed(messageType: entry.messageType, outcome: .processed, route: route())
                service.deliveries.wake()
            case .failed:
                metrics?.processed(messageType: entry.messageType, outcome: .failed, route: route())
            case .contextKept:
                metrics?.processed(messageType: entry.messageType, outcome: .processed, route: route())
            case .alreadyProcessed:
                metrics?.processed(messageType: entry.messageType, outcome: .alreadyProcessed, route: route())
            case .deferred:
                // The entry stays accepted; later entries wait for the next pass so that none overtakes it.
                stopping = true
            case .awaitingRecording:
                // The entry stays accepted (its patient's later notes with it); the others go on.
                break
            }
        }
    }
}
