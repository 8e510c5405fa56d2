import Foundation
import Logging
import Store

/// The audit records of operators' actions (outbox retries and purges, API keys created and revoked), from the
/// console, the `/admin` API and the `notebridge` CLI alike: who (the key id, or the local operator), what (the
/// action, its target, how many rows), when, from where. Never PHI: targets are row ids, key ids and destination
/// names.
public struct OperatorAudit: Sendable {
    /// Who acts, and through what.
    public struct Agent: Sendable, Hashable {
        /// The id of the API key that acts; for the CLI, ``localOperatorPrefix`` and the OS user name.
        public var keyID: String
        /// `console`, `admin` or `cli`.
        public var channel: String
        /// The caller's network address, when known.
        public var remoteAddress: String?

        /// Creates an agent.
        public init(keyID: String, channel: String, remoteAddress: String? = nil) {
            self.keyID = keyID
            self.channel = channel
            self.remoteAddress = remoteAddress
        }

        /// How the record of a CLI action names who acted: `local:` and the OS user name (no API key signs the CLI
        /// in; it acts with the store's own access, on this machine).
        public static let localOperatorPrefix = "local:"

        /// The operator of this machine acting through the `notebridge` CLI (channel `cli`): `local:<OS user name>`,
        /// the name kept to at most 32 ASCII letters, digits, `.`, `_` and `-` (`local:unknown` when there is none).
        /// An account name, never PHI.
        public static func localOperator(userName: String = ProcessInfo.processInfo.userName) -> Agent {
            let kept = String(
                userName.unicodeScalars.filter {
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
                }.prefix(32))
            return Agent(keyID: localOperatorPrefix + (kept.isEmpty ? "unknown" : kept), channel: "cli")
        }
    }

    let audit: any AuditLog
    let logger: Logger

    /// Writes to `audit`; `logger` takes the error of a record that cannot be stored.
    public init(audit: any AuditLog, logger: Logger) {
        self.audit = audit
        self.logger = logger
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
