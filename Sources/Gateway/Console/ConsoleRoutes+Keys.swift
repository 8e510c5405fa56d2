import Foundation
import Hummingbird
import Logging
import Store

extension ConsoleRoutes {
    /// What each scope lets a key do, for the create form.
    static func scopeHelp(_ scope: APIScope) -> String {
        switch scope {
        case .notesWrite: "write notes through /v1 and /fhir"
        case .notesRead: "read the notes it wrote"
        case .notesDelete: "erase the notes it wrote"
        case .admin: "operate the gateway: /admin and this console"
        case .phiRead: "see message bodies, transcripts and notes in the console"
        }
    }

    /// `GET /console/keys`: every key (never a secret) and the create form.
    func keysPage(_ caller: Caller, created: IssuedAPIKey? = nil, notice: String? = nil) async throws -> Response {
        let keys = try await storing { try await store.keys.keys() }
        var values: [String: Any] = [
            "page": "keys", "count": keys.count,
            "keys": keys.map { key -> [String: Any] in
                [
                    "id": key.id, "name": key.name, "scopes": key.scopes.joined(separator: ", "),
                    "created": Self.time(key.createdAt),
                    "state": key.revokedAt.map { "revoked \(Self.time($0))" } ?? "active",
                    "active": key.revokedAt == nil,
                ]
            },
            "scopes": APIScope.allCases.map { scope -> [String: Any] in
                [
                    "id": scope.rawValue.replacingOccurrences(of: ":", with: "-"), "value": scope.rawValue,
                    "help": Self.scopeHelp(scope), "checked": APIScope.noteScopes.contains(scope),
                ]
            },
        ]
        if let notice { values["notice"] = notice }
        if let created {
            values["created"] = [
                "secret": created.secret, "id": created.record.id, "webhookSecret": created.record.webhookSecret,
            ]
        }
        return html("keys", values, session: caller.session, status: created == nil ? .ok : .created)
    }

    /// `POST /console/keys`: creates a key the way `notebridge keys create` does and shows it once.
    func createKey(_ caller: Caller) async throws -> Response {
        let scopes: [APIScope]
        do {
            scopes = try APIScope.parse(caller.form.values("scopes").joined(separator: ","))
        } catch {
            throw ConsoleError.badRequest("choose at least one scope")
        }
        // The path of `notebridge keys create`: issue, store only the hash, audit.
        let issued: IssuedAPIKey
        do {
            issued = try await KeyActions(store: store, logger: logger).create(
                name: caller.form["name"] ?? "", scopes: scopes, by: auditAgent(caller))
        } catch let error as APIError where error.status != .serviceUnavailable {
            throw ConsoleError.badRequest(error.message)
        } catch {
            throw ConsoleError.unavailable
        }
        return try await keysPage(caller, created: issued)
    }

    /// `GET /console/keys/{id}/revoke`: asks before revoking.
    func confirmRevoke(_ context: APIRequestContext, _ caller: Caller) throws -> Response {
        let id = try Self.keyID(context)
        let values: [String: Any] = [
            "page": "keys", "heading": "Revoke key \(id)?",
            "question":
                "Requests with this key will be refused at once, and its console sessions end. This cannot be undone.",
            "action": "/console/keys/\(id)/revoke", "confirmLabel": "Revoke key \(id)", "cancel": "/console/keys",
            "fields": [[String: String]](),
        ]
        return html("confirm", values, session: caller.session)
    }

    /// `POST /console/keys/{id}/revoke`.
    func revokeKey(_ context: APIRequestContext, _ caller: Caller) async throws -> Response {
        let id = try Self.keyID(context)
        // The path of `notebridge keys revoke`: revoke, end the key's sessions, audit.
        let revoked: Bool
        do {
            revoked = try await KeyActions(store: store, logger: logger).revoke(id: id, by: auditAgent(caller))
        } catch {
            throw ConsoleError.unavailable
        }
        guard revoked else { throw ConsoleError.notFound("no active key \(id)") }
        if id == caller.session.keyID { return Self.redirect("/console/login") }
        return try await keysPage(caller, notice: "Key \(id) was revoked.")
    }

    /// A key id: `key_` and 12 hex digits.
    static func keyID(_ context: APIRequestContext) throws(ConsoleError) -> String {
        guard let id = context.parameters.get("id"), id.hasPrefix("key_"), id.count == 16,
            id.dropFirst(4).allSatisfy(\.isHexDigit)
        else {
            throw ConsoleError.badRequest("a key id is key_ and 12 hex digits")
        }
        return id
    }
}
