/// What ``Journal/record(_:duplicateWindow:)`` did with an entry.
public enum JournalRecordOutcome: Sendable, Hashable {
    /// The entry was committed as a new row with this id.
    case recorded(id: Int64)
    /// The entry repeats an earlier message (same sender and control id within the window); nothing was inserted.
    /// The original is returned with its body opened and its duplicate count already incremented; send its stored
    /// acknowledgment again.
    case duplicate(JournalEntry)
    /// The entry reuses the control id of an earlier one (same sender, within the window) but its content differs:
    /// it was committed as a new row with this id, flagged ``JournalFlag/reusedControlID``, pointing at `earlierID`.
    case reusedControlID(id: Int64, earlierID: Int64)
}
