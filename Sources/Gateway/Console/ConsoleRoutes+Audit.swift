import Foundation
import Hummingbird
import Store

extension ConsoleRoutes {
    /// The audit records one page lists unless `limit` says otherwise.
    static let auditRecordsListed = 100

    /// `GET /console/audit?before=&after=&limit=`: the audit trail, newest first, a page at a time (keyset paging by
    /// record id): who (key id), what (action, note, target, rows), when, from where and how it ended. Metadata
    /// only, as the records are.
    func auditPage(_ request: Request, _ caller: Caller) async throws -> Response {
        let paging = try ConsolePaging(request.uri.queryParameters, defaultLimit: Self.auditRecordsListed)
        let read = try await storing {
            try await store.audit.recentAuditRecords(paging.cursor, limit: paging.readLimit)
        }
        let (records, pager) = paging.page(read, id: \.id, path: "/console/audit", filters: [])
        let rows = records.map { record -> [String: Any] in
            [
                "id": record.id, "recorded": Self.time(record.recordedAt), "keyID": record.keyID ?? "unauthenticated",
                "action": record.action.rawValue, "administrative": record.action.isAdministrative,
                "noteID": record.noteID ?? "", "target": record.target ?? "",
                "affected": record.affected.map { String($0) } ?? "", "channel": record.channel ?? "",
                "status": record.status, "errorCode": record.errorCode ?? "",
                "remoteAddress": record.remoteAddress ?? "",
            ]
        }
        let values: [String: Any] = ["page": "audit", "records": rows, "count": rows.count, "pager": pager]
        return html("audit", values, session: caller.session)
    }
}
