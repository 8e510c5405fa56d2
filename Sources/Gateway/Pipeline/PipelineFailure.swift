import HL7v2

/// Why a journal entry cannot become a note: shown by `notebridge journal list --state failed`; never PHI.
struct PipelineFailure: Error, Sendable, Equatable {
    var reason: String
    /// What an enhanced-mode application acknowledgment reports in ERR-3 (HL7 table 0357).
    var errorCode: HL7ErrorCode
    init(_ reason: String, errorCode: HL7ErrorCode = .applicationInternalError) {
        self.reason = reason
        self.errorCode = errorCode
    }
}
