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
    /// type and by route, rows delivered, retried and dead by destination.
    var rates = CounterRates(since: Date())
    /// The latest errors: when, where (a link), and the code and reason.
    var errors: [(when: Date, where: String, link: String, reason: String)]

    /// The most outbox rows read to count them (a bound on the work of one refresh).
    static let maximumRowsCounted = 20_000
    /// How many errors are listed.
    static let errorsListed = 10

    /// Reads the numbers from the store.
    static func read(from store: any Store, destinations: [String], now: Date = Date()) async throws -> DashboardStats {
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
        return DashboardStats(
            journal: journal, journalTotal: total, outbox: outbox, lastMinute: lastMinute,
            errors: Array(errors.prefix(errorsListed)))
    }

    /// The counts by `data-stat` name (`journal.processed`, `outbox.ehr.dead`, `outbox.ehr.depth`,
    /// `messages.received-1m`, `type.MDM^T02.processed-1m`, `route.dictation.failed-1m`, `outbox.ehr.retried-1m`).
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
        let routes = Set(rates.receivedByRoute.keys).union(rates.processedByRoute.keys).union(rates.failedByRoute.keys)
        for route in routes {
            counts["route.\(route).received-1m"] = rates.receivedByRoute[route] ?? 0
            counts["route.\(route).processed-1m"] = rates.processedByRoute[route] ?? 0
            counts["route.\(route).failed-1m"] = rates.failedByRoute[route] ?? 0
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

extension ConsoleRoutes {
    func dashboard(_ caller: Caller) async throws -> Response {
        let names = configuration.destinations.map(\.name)
        var stats = try await storing { try await DashboardStats.read(from: store, destinations: names) }
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
        // By route, from the counters (`route` label); the messages no route takes as a last row.
        let rates = stats.rates
        var routes = configuration.routes.map { route -> [String: Any] in
            [
                "name": route.name, "label": route.name,
                "types": route.messageTypes.map(\.description).joined(separator: ", "),
                "destinations": route.destinations.joined(separator: ", "),
                "received": rates.receivedByRoute[route.name] ?? 0,
                "processed": rates.processedByRoute[route.name] ?? 0, "failed": rates.failedByRoute[route.name] ?? 0,
            ]
        }
        if !routes.isEmpty {
            let none = GatewayMetrics.noRoute
            routes.append([
                "name": "no route", "label": none, "types": "", "destinations": "",
                "received": rates.receivedByRoute[none] ?? 0, "processed": rates.processedByRoute[none] ?? 0,
                "failed": rates.failedByRoute[none] ?? 0,
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
            "destinations": destinations, "routes": routes,
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
                        var stats = try await DashboardStats.read(from: store, destinations: names)
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
