import Foundation
import Store
import TestSupport
import Testing

@testable import Gateway

/// The API key actions the console and `notebridge keys` share: the key, its sessions, and the audit record of who
/// acted (an API key in the console, the local operator in the CLI).
@Suite struct KeyActionsTests {
    @Test func theCLIsKeyActionsAreAuditedAsTheLocalOperatorLikeTheConsoles() async throws {
        let recorder = LogRecorder()
        try await ConsoleSessionTests.withSessions { sessions, store in
            let actions = KeyActions(store: store, logger: recorder.logger())
            let cli = OperatorAudit.Agent.localOperator(userName: "alice")
            #expect(cli == OperatorAudit.Agent(keyID: "local:alice", channel: "cli"))
            let issued = try await actions.create(name: "billing app", scopes: [.notesRead, .admin], by: cli)
            #expect(try await store.keys.key(id: issued.record.id)?.scopes == ["notes:read", "admin"])
            // A bad name is refused before anything is stored or recorded.
            await #expect(throws: APIError.self) {
                _ = try await actions.create(name: "", scopes: [.notesRead], by: cli)
            }
            // Revoking ends the key's console sessions too.
            let session = try await sessions.open(for: issued.record)
            #expect(try await actions.revoke(id: issued.record.id, by: cli))
            let digest = ConsoleSessions.digest(session.id)
            #expect(try await store.consoleSessions.session(tokenDigest: digest, now: Date()) == nil)
            #expect(try await store.keys.key(id: issued.record.id)?.revokedAt != nil)
            // Nothing to revoke: `false`, and no record.
            #expect(try await !actions.revoke(id: issued.record.id, by: cli))
            // The console's agent, through the same code.
            let console = OperatorAudit.Agent(
                keyID: ConsoleSessionTests.key.id, channel: "console", remoteAddress: "127.0.0.1")
            let other = try await actions.create(name: "other", scopes: [.notesWrite], by: console)
            let records = try await store.audit.auditRecords(since: nil, until: nil, afterID: 0, limit: 10)
            #expect(records.map(\.action) == [.keyCreate, .keyRevoke, .keyCreate])
            #expect(records.map(\.keyID) == ["local:alice", "local:alice", ConsoleSessionTests.key.id])
            #expect(records.map(\.channel) == ["cli", "cli", "console"])
            #expect(
                records.map(\.target)
                    == [issued.record.id, issued.record.id, other.record.id].map(AuditRecord.Target.apiKey))
            #expect(records.map(\.remoteAddress) == [nil, nil, "127.0.0.1"])
            // Exported, the CLI's actor is the OS user, not an API key.
            let events = try AuditEventExport.ndjson(records).split(separator: 0x0A).map {
                try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
            }
            func who(_ event: [String: Any]?) -> [String: String]? {
                ((event?["agent"] as? [[String: Any]])?.first?["who"] as? [String: Any])?["identifier"]
                    as? [String: String]
            }
            #expect(who(events[0]) == ["system": "urn:notebridge:local-user", "value": "alice"])
            #expect(who(events[2]) == ["system": "urn:notebridge:api-key", "value": ConsoleSessionTests.key.id])
        }
        #expect(!recorder.text.contains("nb_live_"))
    }

    @Test(
        "the local operator is the OS user name, kept to a short ASCII account name",
        arguments: [
            ("alice", "local:alice"), ("svc.note-bridge_2", "local:svc.note-bridge_2"), ("", "local:unknown"),
            ("DOMAIN\\Bob Smith", "local:DOMAINBobSmith"), ("é", "local:unknown"),
            (String(repeating: "u", count: 40), "local:" + String(repeating: "u", count: 32)),
        ])
    func localOperator(userName: String, keyID: String) {
        let agent = OperatorAudit.Agent.localOperator(userName: userName)
        #expect(agent.keyID == keyID)
        #expect(agent.channel == "cli")
        #expect(agent.remoteAddress == nil)
    }
}
