import Foundation
import Logging
import Store

/// The operator's API key actions — create a key, revoke one — as the console and `notebridge keys` perform them:
/// the store call, the end of a revoked key's console sessions, the notice and the audit record that say who did it
/// (key ids and scopes only, never a secret).
public struct KeyActions: Sendable {
    let store: any Store
    let audit: OperatorAudit
    let logger: Logger

    /// Acts on `store`'s keys and writes to its audit trail.
    public init(store: any Store, logger: Logger) {
        self.store = store
        self.audit = OperatorAudit(audit: store.audit, logger: logger)
        self.logger = logger
    }

    /// Creates a key (only its hash is stored) and records who did; the key is shown once, by the caller. Throws the
    /// ``APIError`` of an unusable name or scope list, and ``APIError/unavailable`` when the store fails or the audit
    /// record cannot be stored.
    public func create(name: String, scopes: [APIScope], by agent: OperatorAudit.Agent) async throws -> IssuedAPIKey {
        let issued: IssuedAPIKey
        do {
            issued = try await APIKeys.create(in: store.keys, name: name, scopes: scopes)
        } catch let error as APIError {
            throw error
        } catch {
            logger.error("API key creation failed", metadata: ["nb.error": "\(type(of: error))"])
            throw APIError.unavailable
        }
        logger.notice(
            "operator created an API key",
            metadata: [
                "nb.api.key_id": "\(agent.keyID)", "nb.api.created_key_id": "\(issued.record.id)",
                "nb.api.scopes": "\(scopes.map(\.rawValue).joined(separator: ","))", "nb.admin.via": "\(agent.channel)",
            ])
        try await audit.record(.keyCreate, by: agent, target: AuditRecord.Target.apiKey(issued.record.id))
        return issued
    }

    /// Revokes key `id` at once, ends its console sessions and records who did; `false` (nothing recorded) when there
    /// is no such active key. Throws ``APIError/unavailable`` when the store fails or the audit record cannot be
    /// stored.
    public func revoke(id: String, by agent: OperatorAudit.Agent) async throws -> Bool {
        guard try await storing({ try await store.keys.revokeKey(id: id, at: Date()) }) else { return false }
        _ = try await storing { try await store.consoleSessions.deleteSessions(keyID: id) }
        logger.notice(
            "operator revoked an API key",
            metadata: [
                "nb.api.key_id": "\(agent.keyID)", "nb.api.revoked_key_id": "\(id)", "nb.admin.via": "\(agent.channel)",
            ])
        try await audit.record(.keyRevoke, by: agent, target: AuditRecord.Target.apiKey(id))
        return true
    }

    /// Runs a store operation; a store failure becomes a 503 that names nothing internal.
    func storing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            logger.error("API key store operation failed", metadata: ["nb.error": "\(type(of: error))"])
            throw APIError.unavailable
        }
    }
}
