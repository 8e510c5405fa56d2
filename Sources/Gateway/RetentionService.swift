import Foundation
import Logging
import ServiceLifecycle
import Store

/// Deletes journal rows older than the retention period, erases notes past their `expires_at` and finished
/// webhook deliveries older than a week, and expired console sessions, once at start and then every `interval`. PHI expires: nothing is kept longer than configured.
public struct RetentionService: Service {
    let journal: any Journal
    let notes: (any NoteStore)?
    let outbox: (any WebhookOutbox)?
    let pipelineNotes: (any Outbox)?
    let retention: Duration?
    let interval: Duration
    let logger: Logger
    /// The store whose instances take turns sweeping (``Store/exclusively(_:_:)``); `nil` sweeps every time.
    var shared: (any Store)? = nil
    /// The console sessions whose expired rows each sweep erases.
    var consoleSessions: (any ConsoleSessionStore)? = nil
    /// The audio jobs, erased (with any recording still waiting) when they expire with the notes' retention.
    var audioJobs: (any AudioJobStore)? = nil

    /// Creates the sweeper.
    public init(
        journal: any Journal, notes: (any NoteStore)? = nil, outbox: (any WebhookOutbox)? = nil,
        pipelineNotes: (any Outbox)? = nil, retention: Duration?,
        interval: Duration = .seconds(60), logger: Logger
    ) {
        self.journal = journal
        self.notes = notes
        self.outbox = outbox
        self.pipelineNotes = pipelineNotes
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    /// Sweeps until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await sweepOnce(now: Date())
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown interrupted the wait between sweeps.
        }
    }

    /// One sweep, unless another instance sharing the store is sweeping now (it sweeps for all).
    func sweepOnce(now: Date) async {
        guard let shared else { return await sweep(now: now) }
        do {
            let swept = try await shared.exclusively(.retentionSweep) { await self.sweep(now: now) }
            if !swept { logger.debug("retention sweep left to the instance sweeping now") }
        } catch {
            logger.error("retention sweep not started", metadata: ["nb.error": "\(type(of: error))"])
        }
    }

    /// One sweep: deletes the journal rows received before `now - retention` and the notes expired at `now`.
    public func sweep(now: Date) async {
        if let notes {
            do {
                _ = try await notes.purgeExpiredNotes(now: now)
            } catch {
                logger.error("note expiry sweep failed", metadata: ["nb.error": "\(type(of: error))"])
            }
        }
        if let audioJobs {
            do {
                _ = try await audioJobs.purgeExpiredAudioJobs(now: now)
            } catch {
                logger.error("audio job expiry sweep failed", metadata: ["nb.error": "\(type(of: error))"])
            }
        }
        if let pipelineNotes {
            do {
                _ = try await pipelineNotes.purgeExpiredNoteDocuments(now: now)
                // Delivered rows (no PHI) are kept a week for operators, like webhook deliveries.
                _ = try await pipelineNotes.purgeDelivered(
                    before: now.addingTimeInterval(-7 * 86_400), destination: nil)
            } catch {
                logger.error("pipeline note expiry sweep failed", metadata: ["nb.error": "\(type(of: error))"])
            }
        }
        if let outbox {
            do {
                // Delivered and failed webhook rows (no PHI) are kept a week for operators, then deleted.
                _ = try await outbox.purgeFinishedDeliveries(before: now.addingTimeInterval(-7 * 86_400))
            } catch {
                logger.error("webhook sweep failed", metadata: ["nb.error": "\(type(of: error))"])
            }
        }
        if let consoleSessions {
            do {
                _ = try await consoleSessions.purgeExpiredSessions(now: now)
            } catch {
                logger.error("console session sweep failed", metadata: ["nb.error": "\(type(of: error))"])
            }
        }
        guard let retention else { return }
        let seconds = retention.timeInterval
        let cutoff = now.addingTimeInterval(-seconds)
        do {
            let deleted = try await journal.purge(receivedBefore: cutoff)
            if deleted > 0 {
                logger.info("journal retention sweep", metadata: ["nb.journal.purged": "\(deleted)"])
            }
        } catch {
            logger.error("journal retention sweep failed", metadata: ["nb.error": "\(type(of: error))"])
        }
    }
}
