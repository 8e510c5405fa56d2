import Delivery
import Foundation
import HL7v2
import HTTPTypes
import Hummingbird
import Logging
import MLLP
import NIOCore
import ServiceLifecycle
import Store

/// The dashboard's numbers: metadata only (counts, destination names, error codes and reasons), never PHI.
struct DashboardStats: Sendable {
    /// Journal entries by state, and in all.
    var journal: [(state: String, count: Int)]
    var journalTotal: Int
    /// Outbox rows by destination and state.
    var outbox: [String: [OutboxState: Int]]
    /// By destination, the notes queued in the last minute (from the rows' times).
    var lastMinute: [String: (queued: Int, delivered: Int, dead: Int)] = [:]
    /// What the counters `/metrics` exports grew by in the last minute: messages received, processed and failed by
    /// type, rows delivered, retried and dead by destination.
    var rates = CounterRates(since: Date())
    /// The newest messages: by route, and what happened to messages in the last minute.
    var recent = RecentMessages()
    /// The latest errors: when, where (a link), and the code and reason.
    var errors: [(when: Date, where: String, link: String, reason: String)]

    /// The most outbox rows read to count them (a bound on the work of one refresh).
    static let maximumRowsCounted = 20_000
    /// How many errors are listed.
    static let errorsListed = 10

    /// Reads the numbers from the store.
    static func read(
        from store: any Store, destinations: [String], routes: [RouteConfiguration] = [],
        defaultTypes: [MessageTypePattern] = [], now: Date = Date()
    ) async throws -> DashboardStats {
        let minuteAgo = now.addingTimeInterval(-60)
        var lastMinute: [String: (queued: Int, delivered: Int, dead: Int)] = [:]
        for destination in destinations { lastMinute[destination] = (0, 0, 0) }
        var journal: [(String, Int)] = []
        for state in JournalState.allCases {
            journal.append((state.rawValue, try await store.journal.count(state: state)))
        }
        let total = try await store.journal.count()
        var outbox: [String: [OutboxState: Int]] = [:]
        for destination in destinations { outbox[destination] = [:] }
        var errors: [(when: Date, where: String, link: String, reason: String)] = []
        var cursor: Int64?
        var read = 0
        while read < maximumRowsCounted {
            let items = try await store.outbox.items(state: nil, destination: nil, afterID: cursor, limit: 1_000)
            for item in items {
                outbox[item.destination, default: [:]][item.state, default: 0] += 1
                var minute = lastMinute[item.destination] ?? (0, 0, 0)
                if item.createdAt >= minuteAgo { minute.queued += 1 }
                if let delivered = item.deliveredAt, delivered >= minuteAgo { minute.delivered += 1 }
                if item.state == .dead, item.updatedAt >= minuteAgo { minute.dead += 1 }
                lastMinute[item.destination] = minute
                if let error = item.lastError, item.state != .delivered {
                    errors.append(
                        (
                            item.updatedAt, "outbox row \(item.id) to \(item.destination)",
                            "/console/outbox#row-\(item.id)",
                            error
                        ))
                }
            }
            read += items.count
            guard let last = items.last, items.count == 1_000 else { break }
            cursor = last.id
        }
        // The newest failed journal entries (their reasons are written for operators and hold no PHI).
        let failed = try await JournalSearch(state: .failed).run(on: store.journal, limit: errorsListed)
        for entry in failed.entries {
            errors.append(
                (
                    entry.updatedAt, "message \(entry.id)", "/console/messages/\(entry.id)",
                    entry.failureReason ?? "failed"
                ))
        }
        errors.sort { $0.when > $1.when }
        let recent = try await RecentMessages.read(
            from: store.journal, routes: routes, defaultTypes: defaultTypes, now: now)
        return DashboardStats(
            journal: journal, journalTotal: total, outbox: outbox, lastMinute: lastMinute, recent: recent,
            errors: Array(errors.prefix(errorsListed)))
    }

    /// The counts by `data-stat` name (`journal.processed`, `outbox.ehr.dead`, `outbox.ehr.depth`,
    /// `messages.received-1m`, `type.MDM^T02.processed-1m`, `outbox.ehr.retried-1m`).
    var counts: [String: Int] {
        var counts = [
            "journal.total": journalTotal, "messages.received-1m": CounterRates.total(rates.received),
            "messages.processed-1m": CounterRates.total(rates.processed),
            "messages.failed-1m": CounterRates.total(rates.failed),
        ]
        for type in Set(rates.received.keys).union(rates.processed.keys).union(rates.failed.keys) {
            counts["type.\(type).received-1m"] = rates.received[type] ?? 0
            counts["type.\(type).processed-1m"] = rates.processed[type] ?? 0
            counts["type.\(type).failed-1m"] = rates.failed[type] ?? 0
        }
        for (state, count) in journal { counts["journal.\(state)"] = count }
        for (destination, states) in outbox {
            for state in OutboxState.allCases { counts["outbox.\(destination).\(state.rawValue)"] = states[state] ?? 0 }
            counts["outbox.\(destination).depth"] = (states[.pending] ?? 0) + (states[.inFlight] ?? 0)
            let minute = lastMinute[destination] ?? (0, 0, 0)
            counts["outbox.\(destination).queued-1m"] = minute.queued
            counts["outbox.\(destination).delivered-1m"] = rates.delivered[destination] ?? 0
            counts["outbox.\(destination).retried-1m"] = rates.retried[destination] ?? 0
            counts["outbox.\(destination).dead-1m"] = rates.dead[destination] ?? 0
        }
        return counts
    }
}

/// The newest messages of the journal: counted by the route the pipeline gives them (the most specific match of
/// ``RouteConfiguration/route(for:listener:in:defaultTypes:)``, as ``EncounterPipeline`` routes them) with their
/// states, and how many were received, processed and failed in the last minute.
struct RecentMessages: Sendable {
    /// How many of the newest messages are counted.
    static let newest = 2_000
    /// The most rows read to find them (ids can be sparse after retention sweeps).
    static let maximumRead = 20_000

    /// By route name: messages, and how many of them are processed and failed; `""` for messages no route takes.
    /// Empty when no route is configured.
    var routes: [String: (messages: Int, processed: Int, failed: Int)] = [:]
    /// How many messages are counted.
    var counted = 0
    /// Received, processed and failed in the minute before now (processed and failed by their last change).
    var lastMinute: (received: Int, processed: Int, failed: Int) = (0, 0, 0)

    static func read(
        from journal: any Journal, routes: [RouteConfiguration], defaultTypes: [MessageTypePattern],
        now: Date = Date()
    ) async throws -> RecentMessages {
        // Row ids ascend in commit order and start at 1: the newest rows are at or after the id `count - newest`
        // (later when older rows were swept); read from there and keep the last `newest`.
        let total = try await journal.count()
        var cursor: Int64? = total > newest ? Int64(total - newest) : nil
        var kept: [JournalEntry] = []
        var read = 0
        while read < maximumRead {
            let entries = try await journal.entries(afterID: cursor, limit: 500)
            kept += entries
            if kept.count > newest { kept.removeFirst(kept.count - newest) }
            read += entries.count
            guard let last = entries.last, entries.count == 500 else { break }
            cursor = last.id
        }
        var result = RecentMessages()
        result.counted = kept.count
        let minuteAgo = now.addingTimeInterval(-60)
        for entry in kept {
            if entry.receivedAt >= minuteAgo { result.lastMinute.received += 1 }
            if entry.updatedAt >= minuteAgo, entry.state == .processed { result.lastMinute.processed += 1 }
            if entry.updatedAt >= minuteAgo, entry.state == .failed { result.lastMinute.failed += 1 }
            guard !routes.isEmpty else { continue }
            let route =
                HL7ReceivedHeader(probing: entry.body).flatMap {
                    RouteConfiguration.route(for: $0, listener: "mllp", in: routes, defaultTypes: defaultTypes)
                }?.name ?? ""
            var count = result.routes[route] ?? (0, 0, 0)
            count.messages += 1
            if entry.state == .processed { count.processed += 1 }
            if entry.state == .failed { count.failed += 1 }
            result.routes[route] = count
        }
        return result
    }
}

extension ConsoleRoutes {
    func dashboard(_ caller: Caller) async throws -> Response {
        let names = configuration.destinations.map(\.name)
        var stats = try await storing {
            try await DashboardStats.read(
                from: store, destinations: names, routes: configuration.routes,
                defaultTypes: configuration.pipelineMessageTypes)
        }
        stats.rates = counters.lastMinute()
        let kinds = Dictionary(
            configuration.destinations.map { destination -> (String, String) in
                (
                    destination.name,
                    destination.webhook != nil ? "webhook" : destination.fhir != nil ? "FHIR server" : "MLLP peer"
                )
            }, uniquingKeysWith: { first, _ in first })
        let destinations = stats.outbox.keys.sorted().map { name -> [String: Any] in
            let states = stats.outbox[name] ?? [:]
            return [
                "name": name, "kind": kinds[name] ?? "not configured",
                "href": "/console/outbox?destination=" + Self.percentEncoded(name),
                "depth": (states[.pending] ?? 0) + (states[.inFlight] ?? 0), "pending": states[.pending] ?? 0,
                "inFlight": states[.inFlight] ?? 0, "delivered": states[.delivered] ?? 0, "dead": states[.dead] ?? 0,
                "queuedMinute": stats.lastMinute[name]?.queued ?? 0,
                "deliveredMinute": stats.rates.delivered[name] ?? 0, "retriedMinute": stats.rates.retried[name] ?? 0,
                "deadMinute": stats.rates.dead[name] ?? 0,
            ]
        }
        var routes = configuration.routes.map { route -> [String: Any] in
            let count = stats.recent.routes[route.name] ?? (0, 0, 0)
            return [
                "name": route.name, "types": route.messageTypes.map(\.description).joined(separator: ", "),
                "destinations": route.destinations.joined(separator: ", "), "messages": count.messages,
                "processed": count.processed, "failed": count.failed,
            ]
        }
        if let unrouted = stats.recent.routes[""] {
            routes.append([
                "name": "no route", "types": "", "destinations": "", "messages": unrouted.messages,
                "processed": unrouted.processed, "failed": unrouted.failed,
            ])
        }
        let bound = endpoints?.boundPorts
        let listeners: [[String: Any]] = [
            [
                "name": "HTTP", "address": "\(configuration.httpHost):\(bound?.http ?? configuration.httpPort)",
                "tls": configuration.httpTLS != nil,
            ],
            [
                "name": "MLLP", "address": "\(configuration.mllp.host):\(bound?.mllp ?? configuration.mllp.port)",
                "tls": configuration.mllp.tls != nil,
            ],
        ]
        let values: [String: Any] = [
            "page": "dashboard", "updated": Self.time(Date()), "live": true,
            "journal": [
                "total": stats.journalTotal, "receivedMinute": CounterRates.total(stats.rates.received),
                "processedMinute": CounterRates.total(stats.rates.processed),
                "failedMinute": CounterRates.total(stats.rates.failed),
                "states": stats.journal.map { ["name": $0.state, "count": $0.count] as [String: Any] },
            ] as [String: Any],
            "destinations": destinations, "routes": routes, "routeWindow": RecentMessages.newest,
            "defaultTypes": configuration.pipelineMessageTypes.map(\.description).joined(separator: ", "),
            "listeners": listeners,
            "types": Set(stats.rates.received.keys).union(stats.rates.processed.keys).sorted().map { type in
                [
                    "name": type, "received": stats.rates.received[type] ?? 0,
                    "processed": stats.rates.processed[type] ?? 0, "failed": stats.rates.failed[type] ?? 0,
                ] as [String: Any]
            },
            "rateSince": Self.time(stats.rates.since),
            "errors": stats.errors.map {
                ["when": Self.time($0.when), "where": $0.where, "link": $0.link, "reason": $0.reason] as [String: Any]
            },
        ]
        return html("dashboard", values, session: caller.session)
    }

    /// How often the event stream sends the counts, and how long one stream lasts (the browser reconnects).
    static let eventInterval: Duration = .seconds(2)
    static let eventStreamLifetime: Duration = .seconds(60)

    /// `GET /console/events`: the dashboard's counts as Server-Sent Events (`event: stats`), every two seconds for a
    /// minute; the stream ends early when the client goes away or the gateway shuts down.
    func events(_ caller: Caller) -> Response {
        var headers = Self.securityHeaders(contentType: "text/event-stream; charset=utf-8")
        headers[.cacheControl] = "no-cache"
        headers[.accelBuffering] = "no"
        let store = store
        let names = configuration.destinations.map(\.name)
        let routes = configuration.routes
        let defaultTypes = configuration.pipelineMessageTypes
        let logger = logger
        let counters = counters
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let clock = ContinuousClock()
                let end = clock.now.advanced(by: Self.eventStreamLifetime)
                do {
                    try await writer.write(ByteBuffer(string: "retry: 5000\n\n"))
                    while clock.now < end, !Task.isCancelled, !Task.isShuttingDownGracefully {
                        var stats = try await DashboardStats.read(
                            from: store, destinations: names, routes: routes, defaultTypes: defaultTypes)
                        stats.rates = counters.lastMinute()
                        try await writer.write(Self.statsEvent(stats))
                        try await Task.sleep(for: Self.eventInterval)
                    }
                } catch {
                    logger.debug("console event stream ended", metadata: ["nb.error": "\(type(of: error))"])
                }
                try await writer.finish(nil)
            })
    }

    static func statsEvent(_ stats: DashboardStats) -> ByteBuffer {
        struct Event: Encodable {
            var counts: [String: Int]
            var updated: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Event(counts: stats.counts, updated: time(Date())))) ?? Data("{}".utf8)
        var buffer = ByteBuffer(string: "event: stats\ndata: ")
        buffer.writeBytes(data)
        buffer.writeString("\n\n")
        return buffer
    }
}
