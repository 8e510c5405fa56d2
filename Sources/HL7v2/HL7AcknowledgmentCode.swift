// Acknowledgment codes (HL7 table 0008) and conditions (HL7 table 0155), HL7 v2.5 chapter 2, section 2.9.

/// MSA-1: how the receiver answered.
public enum HL7AcknowledgmentCode: String, Hashable, Sendable, CaseIterable {
    /// `AA`: original mode, application accept.
    case applicationAccept = "AA"
    /// `AE`: original mode, application error.
    case applicationError = "AE"
    /// `AR`: original mode, application reject.
    case applicationReject = "AR"
    /// `CA`: enhanced mode, commit accept.
    case commitAccept = "CA"
    /// `CE`: enhanced mode, commit error.
    case commitError = "CE"
    /// `CR`: enhanced mode, commit reject.
    case commitReject = "CR"

    /// Whether the code accepts the message.
    public var isAccept: Bool { self == .applicationAccept || self == .commitAccept }

    /// The outcome of handling a message, independent of the acknowledgment mode.
    public enum Outcome: Sendable {
        /// Accepted.
        case accept
        /// The content has an error.
        case error
        /// Rejected: header, version or type not accepted, or a system failure.
        case reject
    }

    /// The code for an outcome in original (`AA/AE/AR`) or enhanced (`CA/CE/CR`) mode.
    public init(_ outcome: Outcome, enhanced: Bool) {
        switch (outcome, enhanced) {
        case (.accept, false): self = .applicationAccept
        case (.error, false): self = .applicationError
        case (.reject, false): self = .applicationReject
        case (.accept, true): self = .commitAccept
        case (.error, true): self = .commitError
        case (.reject, true): self = .commitReject
        }
    }
}

/// MSH-15 / MSH-16: when the sender wants an acknowledgment (HL7 table 0155).
public enum HL7AcknowledgmentCondition: String, Hashable, Sendable {
    /// `AL`: always.
    case always = "AL"
    /// `NE`: never.
    case never = "NE"
    /// `ER`: only on an error or reject.
    case errorOnly = "ER"
    /// `SU`: only on success.
    case successOnly = "SU"

    /// Reads MSH-15 or MSH-16; an empty or unknown value reads as `always`.
    public init(field value: String) {
        self = HL7AcknowledgmentCondition(rawValue: value.trimmingSpaces().uppercased()) ?? .always
    }

    /// Whether an acknowledgment with this code should be sent.
    public func shouldSend(_ code: HL7AcknowledgmentCode) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .errorOnly: return !code.isAccept
        case .successOnly: return code.isAccept
        }
    }
}
