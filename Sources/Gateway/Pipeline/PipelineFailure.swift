/// Why a journal entry cannot become a note: shown by `notebridge journal list --state failed`; never PHI.
struct PipelineFailure: Error, Sendable, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
