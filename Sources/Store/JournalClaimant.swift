import Foundation

/// Who claims accepted journal entries for the pipeline, and for how long a claim holds.
///
/// Several instances sharing one journal each claim the entries they write notes for, so that every entry is
/// prepared by one instance only. A claim is a lease: when it expires (its instance died or stalled), another
/// instance may claim the entry. A claim is not released when the entry's note commits: the entry then leaves the
/// `accepted` state, which is all a claim is about.
public struct JournalClaimant: Sendable, Hashable {
    /// The claiming instance's name; stable across restarts where only one instance uses the journal (an embedded
    /// store), so that a restarted instance takes its own claims back at once.
    public var owner: String
    /// How long a claim holds.
    public var lease: Duration

    /// Creates a claimant.
    public init(owner: String, lease: Duration) {
        self.owner = owner
        self.lease = lease
    }
}

/// What other instances hold among the accepted entries before one entry: what the pipeline asks before it
/// records that entry, so that no note commits before an earlier message's note (per-patient order holds across
/// instances because every note commits after the notes of all earlier messages).
public enum EarlierJournalClaims: Sendable, Hashable {
    /// No earlier accepted entry is claimed by another instance.
    case none
    /// Another instance holds earlier entries under claims that have not expired; the lowest such entry's id.
    case held(firstID: Int64)
    /// Some earlier entry's claim by another instance has expired: the entry is claimable again.
    case abandoned
}
