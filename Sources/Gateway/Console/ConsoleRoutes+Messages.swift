import EncounterModel
import Foundation
import HL7v2
import HTTPTypes
import Hummingbird
import Logging
import Store

extension ConsoleRoutes {
    /// The messages one search page lists unless `limit` says otherwise.
    static let messagesListed = 200

    /// `GET /console/messages?control_id=&sender=&type=&state=&flag=&from=&to=&before=&after=&limit=`: the journal
    /// search, newest first, a page at a time (keyset paging by entry id).
    func messages(_ request: Request, _ caller: Caller) async throws -> Response {
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? {
            guard let value = query.get(name)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        var search = JournalSearch(controlID: text("control_id"), sender: text("sender"), messageType: text("type"))
        if let value = text("state") {
            guard let state = JournalState(rawValue: value) else {
                throw ConsoleError.badRequest(
                    "state must be one of \(JournalState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            search.state = state
        }
        if let value = text("flag") {
            guard let flag = JournalFlag(rawValue: value) else {
                throw ConsoleError.badRequest(
                    "flag must be one of \(JournalFlag.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            search.flag = flag
        }
        if let value = text("from") { search.receivedFrom = try Self.day(value, field: "from") }
        if let value = text("to") {
            search.receivedBefore = try Self.day(value, field: "to").addingTimeInterval(86_400)
        }
        for (name, value) in [
            ("control_id", search.controlID), ("sender", search.sender), ("type", search.messageType),
        ]
        where (value?.count ?? 0) > 200 {
            throw ConsoleError.badRequest("\(name) is longer than 200 characters")
        }
        let paging = try ConsolePaging(query, defaultLimit: Self.messagesListed)
        search.cursor = paging.cursor
        let found = try await storing { try await search.run(on: store.journal, limit: paging.readLimit) }
        let (page, pager) = paging.page(
            found.entries, id: \.id, path: "/console/messages",
            filters: ["control_id", "sender", "type", "state", "flag", "from", "to"].map { name in
                (name, query.get(name)?.trimmingCharacters(in: .whitespaces) ?? "")
            })
        let entries = page.map { entry -> [String: Any] in
            [
                "id": entry.id, "received": Self.time(entry.receivedAt), "controlID": entry.controlID ?? "",
                "type": entry.messageType ?? "", "sender": entry.sender, "state": entry.state.rawValue,
                "ack": entry.acknowledgmentCode, "flags": entry.flags.map(\.rawValue).joined(separator: ", "),
            ]
        }
        let values: [String: Any] = [
            "page": "messages",
            "query": [
                "controlID": text("control_id") ?? "", "sender": text("sender") ?? "", "type": text("type") ?? "",
                "from": text("from") ?? "", "to": text("to") ?? "",
            ],
            "states": JournalState.allCases.map { ["value": $0.rawValue, "selected": $0 == search.state] },
            "flags": JournalFlag.allCases.map { ["value": $0.rawValue, "selected": $0 == search.flag] },
            "entries": entries, "count": entries.count, "truncated": found.truncated, "pager": pager,
            "scanned": JournalSearch.maximumScanned,
        ]
        return html("messages", values, session: caller.session)
    }

    /// A `YYYY-MM-DD` day (UTC), as an HTML date input sends it.
    static func day(_ text: String, field: String) throws(ConsoleError) -> Date {
        guard let date = try? Date("\(text)T00:00:00Z", strategy: .iso8601) else {
            throw ConsoleError.badRequest("\(field) must be a day such as 2026-12-01")
        }
        return date
    }

    /// `GET /console/messages/{id}`: a message's metadata, its segment tree and note (with `phi:read`, audited),
    /// the acknowledgment that was sent, and the note's deliveries.
    func message(_ context: APIRequestContext, _ caller: Caller) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw ConsoleError.badRequest("a message id is a whole number above 0")
        }
        guard let entry = try await storing({ try await store.journal.entry(id: id) }) else {
            throw ConsoleError.notFound("no message \(id) in the journal")
        }
        let index = store.outbox as? any PipelineNoteIndex
        let noteID = try await storing { try await index?.pipelineNoteID(journalID: id) }
        var deliveries: [[String: Any]] = []
        if let noteID, let index {
            deliveries = try await storing { try await index.items(noteID: noteID) }.map(Self.deliveryRow)
        }
        var entryValues: [String: Any] = [
            "id": entry.id, "controlID": entry.controlID ?? "", "type": entry.messageType ?? "",
            "version": entry.version ?? "", "sender": entry.sender, "source": entry.source,
            "received": Self.time(entry.receivedAt), "state": entry.state.rawValue, "bytes": entry.body.count,
            "duplicates": entry.duplicateCount,
            "ackCode": entry.acknowledgmentCode.isEmpty ? "none" : entry.acknowledgmentCode,
        ]
        if let reason = entry.failureReason { entryValues["reason"] = reason }
        if let earlier = entry.reusesControlIDOf { entryValues["reuses"] = earlier }
        var values: [String: Any] = [
            "page": "messages", "entry": entryValues,
            "ack": entry.acknowledgment.isEmpty
                ? "" : String(decoding: entry.acknowledgment, as: UTF8.self).replacingOccurrences(of: "\r", with: "\n"),
            "deliveries": deliveries,
        ]
        if let noteID { values["noteID"] = noteID }
        let parsed: HL7Message?
        do {
            parsed = try HL7Message(parsing: entry.body, limits: configuration.parserLimits)
        } catch {
            parsed = nil
            values["parseError"] = "\(error.code) at \(error.location.map { "\($0)" } ?? "the start")"
        }
        let tree = parsed.map(SegmentTree.init)
        if caller.session.canReadPHI {
            try await auditPHIView(
                caller, noteID: noteID, target: AuditRecord.Target.journalEntry(id), what: "journal/\(id)")
            values["tree"] = tree.map(Self.treeValues) ?? []
            if let noteID {
                let document = try await storing { try await store.outbox.noteDocument(id: noteID) }
                if let record = document.flatMap({ try? NoteRecord.decoded(from: $0) }) {
                    values["note"] = Self.noteValues(record)
                }
            }
        } else {
            values["outline"] = (tree?.outline ?? []).map {
                ["id": $0.id, "name": $0.name, "fieldCount": $0.fieldCount] as [String: Any]
            }
        }
        return html("message", values, session: caller.session)
    }

    static func treeValues(_ tree: SegmentTree) -> [[String: Any]] {
        tree.segments.map { segment in
            [
                "position": segment.position, "id": segment.id, "name": segment.name,
                "fields": segment.fields.map { field -> [String: Any] in
                    [
                        "path": field.path, "name": field.name, "dataType": field.dataType, "value": field.value,
                        "hasComponents": !field.components.isEmpty,
                        "components": field.components.map { ["path": $0.path, "value": $0.value] },
                    ]
                },
            ]
        }
    }

    static func noteValues(_ record: NoteRecord) -> [String: Any] {
        let codes =
            record.diagnoses.map { ["code": $0.code, "text": $0.description] }
            + record.procedures.map { ["code": $0.code, "text": $0.label] }
        return [
            "sections": record.sections.map { ["title": $0.title, "lines": $0.lines] as [String: Any] },
            "codes": codes, "hasCodes": !codes.isEmpty,
        ]
    }

    static func deliveryRow(_ item: OutboxItem) -> [String: Any] {
        [
            "id": item.id, "noteID": item.noteID, "destination": item.destination, "state": item.state.rawValue,
            "attempts": item.attempts, "controlID": item.controlID, "lastError": item.lastError ?? "",
            "next": item.state == .pending ? time(item.nextAttemptAt) : "", "dead": item.state == .dead,
        ]
    }
}
