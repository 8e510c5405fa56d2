import Foundation
import HTTPTypes
import Logging
import Store

/// The operator's outbox actions — send one dead row again, send every dead row again, purge delivered rows — as
/// both `/admin` (bearer keys, JSON) and the console (sessions, HTML) perform them: the store call, its checks, the
/// audit record and the notice that say who did it (key id and row ids only, never a note).
struct OutboxActions: Sendable {
    let outbox: any Outbox
    let audit: OperatorAudit
    let logger: Logger

    init(outbox: any Outbox, audit: any AuditLog, logger: Logger) {
        self.outbox = outbox
        self.audit = OperatorAudit(audit: audit, logger: logger)
        self.logger = logger
    }

    /// Makes dead row `id` pending again; 404 when there is no such row, 409 when it is not dead.
    func retry(id: Int64, by agent: OperatorAudit.Agent) async throws -> Int {
        guard let item = try await storing({ try await outbox.item(id: id) }) else {
            throw APIError(.notFound, code: "NOT_FOUND", message: "no outbox row \(id)")
        }
        guard item.state == .dead, try await storing({ try await outbox.retry(id: id, now: Date()) }) else {
            throw APIError(
                .conflict, code: "NOT_DEAD",
                message: "outbox row \(id) is \(item.state.rawValue), not dead; only dead rows are sent again")
        }
        logger.notice(
            "admin retried an outbox row",
            metadata: ["nb.api.key_id": "\(agent.keyID)", "nb.outbox.id": "\(id)", "nb.admin.via": "\(agent.channel)"])
        try await audit.record(.outboxRetry, by: agent, target: AuditRecord.Target.outboxRow(id), affected: 1)
        return 1
    }

    /// Makes every dead row (of `destination`, when given) pending again; returns how many.
    func retryDead(destination: String?, by agent: OperatorAudit.Agent) async throws -> Int {
        let count = try await storing { try await outbox.retryAllDead(destination: destination, now: Date()) }
        logger.notice(
            "admin retried every dead outbox row",
            metadata: [
                "nb.api.key_id": "\(agent.keyID)", "nb.admin.rows": "\(count)", "nb.admin.via": "\(agent.channel)",
            ])
        try await audit.record(
            .outboxRetryDead, by: agent, target: destination.map(AuditRecord.Target.destination), affected: count)
        return count
    }

    /// Deletes the rows delivered before `cutoff` (of `destination`, when given); returns how many.
    func purge(deliveredBefore cutoff: Date, destination: String?, by agent: OperatorAudit.Agent) async throws -> Int {
        let count = try await storing { try await outbox.purgeDelivered(before: cutoff, destination: destination) }
        logger.notice(
            "admin purged delivered outbox rows",
            metadata: [
                "nb.api.key_id": "\(agent.keyID)", "nb.admin.rows": "\(count)", "nb.admin.via": "\(agent.channel)",
            ])
        try await audit.record(
            .outboxPurge, by: agent, target: destination.map(AuditRecord.Target.destination), affected: count)
        return count
    }

    /// Runs a store operation; a store failure becomes a 503 that names nothing internal.
    func storing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            logger.error("admin store operation failed", metadata: ["nb.error": "\(type(of: error))"])
            throw APIError.unavailable
        }
    }
}
