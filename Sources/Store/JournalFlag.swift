/// A mark on a journal entry that an operator should look at; never PHI.
public enum JournalFlag: String, Sendable, Codable, CaseIterable {
    /// The sender used a message control ID (MSH-10) again, within the duplicate window, for a message whose
    /// content differs from the earlier one (other than MSH-7): it was journaled as its own entry instead of
    /// being answered with the earlier acknowledgment.
    case reusedControlID = "reused-control-id"
}
