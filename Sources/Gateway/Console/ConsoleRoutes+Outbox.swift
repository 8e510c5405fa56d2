import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Store

extension ConsoleRoutes {
    /// The rows one outbox page lists unless `limit` says otherwise.
    static let outboxRowsListed = 200

    var outboxActions: OutboxActions { OutboxActions(outbox: store.outbox, audit: store.audit, logger: logger) }

    /// The caller of an outbox or key action, for its audit record.
    func auditAgent(_ caller: Caller) -> OperatorAudit.Agent {
        OperatorAudit.Agent(keyID: caller.session.keyID, channel: "console", remoteAddress: caller.remoteAddress)
    }

    /// `GET /console/outbox?destination=&state=&before=&after=&limit=`: pending, in-flight and dead rows (or one
    /// state), newest first, a page at a time (keyset paging by row id), grouped by destination.
    func outboxPage(_ request: Request, _ caller: Caller) async throws -> Response {
        let query = request.uri.queryParameters
        let destination = try Self.destinationFilter(query.get("destination"))
        var wanted: [OutboxState] = [.pending, .inFlight, .dead]
        var selected: OutboxState?
        if let text = query.get("state"), !text.isEmpty {
            guard let state = OutboxState(rawValue: String(text)) else {
                throw ConsoleError.badRequest(
                    "state must be one of \(OutboxState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            wanted = [state]
            selected = state
        }
        let paging = try ConsolePaging(query, defaultLimit: Self.outboxRowsListed)
        let read = try await storing {
            try await store.outbox.items(
                states: wanted, destination: destination, cursor: paging.cursor, limit: paging.readLimit)
        }
        let (rows, pager) = paging.page(
            read, id: \.id, path: "/console/outbox",
            filters: [("destination", destination ?? ""), ("state", selected?.rawValue ?? "")])
        let grouped = Dictionary(grouping: rows, by: \.destination)
        let groups = grouped.keys.sorted().map { name -> [String: Any] in
            let items = grouped[name] ?? []
            return ["name": name, "count": items.count, "items": items.map(Self.deliveryRow)]
        }
        let names = Set(configuration.destinations.map(\.name)).union(grouped.keys).sorted()
        var values: [String: Any] = [
            "page": "outbox", "groups": groups, "pager": pager,
            "destinationOptions": names.map { ["value": $0, "selected": $0 == destination] },
            "states": OutboxState.allCases.map { ["value": $0.rawValue, "selected": $0 == selected] },
        ]
        if let destination { values["destination"] = destination }
        if let done = query.get("done") { values["notice"] = Self.doneNotice(String(done)) }
        return html("outbox", values, session: caller.session)
    }

    /// What the page says after an action (`retried-2`, `purged-10`).
    static func doneNotice(_ text: String) -> String? {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, let count = Int(parts[1]), count >= 0 else { return nil }
        switch parts[0] {
        case "retried": return "\(count) dead deliver\(count == 1 ? "y was" : "ies were") queued again."
        case "purged": return "\(count) delivered row\(count == 1 ? " was" : "s were") purged."
        default: return nil
        }
    }

    /// `GET /console/outbox/confirm?action=retry&id=N | retry-dead[&destination=] | purge[&destination=]`: asks
    /// before an action; the answer posts the action with the CSRF token.
    func confirmOutbox(_ request: Request, _ caller: Caller) throws -> Response {
        let query = request.uri.queryParameters
        let destination = try Self.destinationFilter(query.get("destination"))
        var fields: [[String: String]] = []
        if let destination { fields.append(["name": "destination", "value": destination]) }
        var values: [String: Any] = ["page": "outbox", "cancel": "/console/outbox"]
        switch query.get("action") {
        case "retry":
            guard let text = query.get("id"), let id = Int64(text), id > 0 else {
                throw ConsoleError.badRequest("id must be an outbox row id (a whole number above 0)")
            }
            fields.append(["name": "id", "value": String(id)])
            values["heading"] = "Retry delivery \(id)?"
            values["question"] = "Outbox row \(id) will be queued again and sent with its original control ID."
            values["action"] = "/console/outbox/retry"
            values["confirmLabel"] = "Retry row \(id)"
        case "retry-dead":
            values["heading"] = "Retry every dead delivery?"
            values["question"] =
                "Every dead outbox row\(destination.map { " to \($0)" } ?? "") will be queued again."
            values["action"] = "/console/outbox/retry-dead"
            values["confirmLabel"] = "Retry every dead delivery"
        case "purge":
            values["heading"] = "Purge delivered rows?"
            values["question"] =
                "Delivered outbox rows\(destination.map { " to \($0)" } ?? "") older than the time below will be "
                + "deleted. Pending and dead rows are kept."
            values["action"] = "/console/outbox/purge"
            values["confirmLabel"] = "Purge delivered rows"
            values["askCutoff"] = true
            values["cutoff"] = Date().addingTimeInterval(-7 * 86_400).formatted(.iso8601)
        default:
            throw ConsoleError.badRequest("action must be retry, retry-dead or purge")
        }
        values["fields"] = fields
        return html("confirm", values, session: caller.session)
    }

    func retry(_ caller: Caller) async throws -> Response {
        guard let text = caller.form["id"], let id = Int64(text), id > 0 else {
            throw ConsoleError.badRequest("id must be an outbox row id (a whole number above 0)")
        }
        let count = try await outboxActions.retry(id: id, by: auditAgent(caller))
        return Self.redirect("/console/outbox?done=retried-\(count)")
    }

    func retryDead(_ caller: Caller) async throws -> Response {
        let destination = try Self.destinationFilter(caller.form["destination"])
        let count = try await outboxActions.retryDead(destination: destination, by: auditAgent(caller))
        return Self.redirect("/console/outbox?done=retried-\(count)")
    }

    func purge(_ caller: Caller) async throws -> Response {
        let destination = try Self.destinationFilter(caller.form["destination"])
        let cutoff: Date
        do {
            cutoff = try AdminRoutes.purgeCutoff(caller.form["delivered_before"])
        } catch {
            throw ConsoleError.badRequest(
                "delivered_before must be an ISO 8601 time such as 2026-12-01T00:00:00Z")
        }
        let count = try await outboxActions.purge(
            deliveredBefore: cutoff, destination: destination, by: auditAgent(caller))
        return Self.redirect("/console/outbox?done=purged-\(count)")
    }

    /// A destination filter: empty means every destination; otherwise a destination name.
    static func destinationFilter(_ text: String?) throws(ConsoleError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        do {
            return try AdminRoutes.destination(text)
        } catch {
            throw ConsoleError.badRequest("destination must be a destination name (letters, digits, '-' or '_')")
        }
    }
}
