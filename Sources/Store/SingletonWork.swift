/// Work that one instance at a time does for all the instances sharing a database (see
/// ``Store/exclusively(_:_:)``).
public enum SingletonWork: String, Sendable, Hashable, CaseIterable {
    /// The retention sweep: expired notes, old journal rows, finished deliveries.
    case retentionSweep = "retention-sweep"
}
