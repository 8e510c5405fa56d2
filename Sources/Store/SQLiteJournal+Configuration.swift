extension SQLiteJournal {
    /// Tuning of a ``SQLiteJournal``.
    public struct Configuration: Sendable {
        /// SQLite's `synchronous` setting (the database is always in WAL mode).
        public enum Synchronous: String, Sendable, CaseIterable {
            /// Commits survive a crash or kill of the process, not a power loss or OS crash. The default.
            case normal
            /// Commits survive a power loss too (an fsync per commit).
            case full
        }

        /// Durability of commits.
        public var synchronous: Synchronous
        /// How long a statement waits for a lock held by another connection or process before failing.
        public var busyTimeout: Duration
        /// The most records committed in one group-commit transaction.
        public var maximumBatchSize: Int
        /// The most concurrent read connections.
        public var maximumReaderCount: Int

        /// Creates a configuration.
        public init(
            synchronous: Synchronous = .normal,
            busyTimeout: Duration = .seconds(5),
            maximumBatchSize: Int = 256,
            maximumReaderCount: Int = 4
        ) {
            self.synchronous = synchronous
            self.busyTimeout = busyTimeout
            self.maximumBatchSize = maximumBatchSize
            self.maximumReaderCount = maximumReaderCount
        }
    }
}
