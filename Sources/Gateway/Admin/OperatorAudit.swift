import Foundation
import Logging
import Store

/// The audit records of operators' actions (outbox retries and purges, API keys created and revoked), from the
/// console and the `/admin` API alike: who (the key id), what (the action, its target, how many rows), when, from
/// where. Never PHI: targets are row ids, key ids and destination names.
struct OperatorAudit: Sendable {
    let audit: any AuditLog
    let logger: Logger

    /// Who acts, and through what.
    struct Agent: Sendable {
        /// The id of the API key that acts.
        var keyID: String
        /// `console` or `admin`.
        var channel: String
        /// The caller's network address, when known.
        var remoteAddress: String?
    }

    /// Appends the record of `action` done by `agent`. The action has happened: a record that cannot be stored is
    /// logged as an error and answered 503, so that the operator knows the trail lacks it.
    func record(_ action: AuditRecord.Action, by agent: Agent, target: String?, affected: Int? = nil) async throws {
        let record = AuditRecord(
            recordedAt: Date(), keyID: agent.keyID, action: action, noteID: nil, status: 200,
            remoteAddress: agent.remoteAddress, target: target, affected: affected, channel: agent.channel)
        do {
            try await audit.append(record)
        } catch {
            logger.error(
                "audit record of an operator action could not be stored",
                metadata: [
                    "nb.api.key_id": "\(agent.keyID)", "nb.audit.action": "\(action.rawValue)",
                    "nb.error": "\(type(of: error))",
                ])
            throw APIError.unavailable
        }
    }
}
