/// Where a journaled inbound message stands in its processing.
public enum JournalState: String, Sendable, Codable, CaseIterable {
    /// Framed and committed; not yet validated.
    case received
    /// Accepted (an AA/CA acknowledgment was or will be sent); waiting for processing.
    case accepted
    /// Rejected (an AE/AR/CE/CR acknowledgment was or will be sent).
    case rejected
    /// Fully processed by the pipeline.
    case processed
    /// Processing failed after acceptance.
    case failed
}
