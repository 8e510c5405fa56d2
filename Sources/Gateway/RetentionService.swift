import Foundation
import Logging
import ServiceLifecycle
import Store

/// Deletes journal rows older than the retention period, once at start and then every `interval`.
/// PHI expires: nothing is kept longer than configured.
public struct RetentionService: Service {
    let journal: any Journal
    let retention: Duration
    let interval: Duration
    let logger: Logger

    /// Creates the sweeper.
    public init(journal: any Journal, retention: Duration, interval: Duration = .seconds(3600), logger: Logger) {
        self.journal = journal
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    /// Sweeps until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await sweep(now: Date())
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            // Graceful shutdown interrupted the wait between sweeps.
        }
    }

    /// One sweep: deletes the rows received before `now - retention`.
    public func sweep(now: Date) async {
        let seconds = Double(retention.components.seconds)
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
