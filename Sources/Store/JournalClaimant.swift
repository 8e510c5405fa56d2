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

/// What stands in the way of an owner among the accepted entries before one entry: what the pipeline asks before
/// it records that entry, so that no note commits before an earlier message's note (per-patient order holds across
/// instances because every note commits after the notes of all earlier messages). Every earlier accepted entry the
/// owner does not hold counts: one claimed by another instance, and one claimed by nobody (journaled after the
/// owner's page was claimed, or skipped by the owner's claim while another instance's claim statement held it
/// locked, a statement that may yet commit or be undone).
public enum EarlierJournalClaims: Sendable, Hashable {
    /// Every earlier accepted entry is the owner's own.
    case none
    /// Other instances hold earlier entries under claims that have not expired, and every other earlier entry is
    /// the owner's; the lowest id among the entries held.
    case held(firstID: Int64)
    /// Some earlier entry is claimed by nobody, and no other instance's claim on an earlier entry has expired; the
    /// lowest id among the earlier entries not the owner's (claimed by nobody, or held by another instance). The
    /// entry is for whichever instance claims it first, from the oldest accepted entry on.
    case unclaimed(firstID: Int64)
    /// Some earlier entry's claim by another instance has expired: the entry is claimable again.
    case abandoned
}
