import ArgumentParser
import Foundation
import Gateway
import Logging
import Store

/// `notebridge outbox`: reads the outbox of notes waiting for, or done with, delivery, and sends dead rows again.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Read the outbox of notes to deliver; send dead-lettered rows again.",
        subcommands: [ListCommand.self, ShowCommand.self, RetryCommand.self, PurgeCommand.self])

    /// One line of metadata about a row (no PHI): JSON.
    static func json(_ item: OutboxItem) -> String {
        func date(_ value: Date?) -> String {
            value.map { JournalCommand.quoted(ISO8601DateFormatter().string(from: $0)) } ?? "null"
        }
        let fields: [(String, String)] = [
            ("id", String(item.id)),
            ("noteId", JournalCommand.quoted(item.noteID)),
            ("destination", JournalCommand.quoted(item.destination)),
            ("state", JournalCommand.quoted(item.state.rawValue)),
            ("attempts", String(item.attempts)),
            ("controlId", JournalCommand.quoted(item.controlID)),
            ("patientKey", JournalCommand.quoted(item.patientKey)),
            ("nextAttemptAt", date(item.nextAttemptAt)),
            ("lastError", item.lastError.map(JournalCommand.quoted) ?? "null"),
            ("leaseExpiresAt", date(item.leaseExpiresAt)),
            ("createdAt", date(item.createdAt)),
            ("deliveredAt", date(item.deliveredAt)),
            (
                "deliveredReferences",
                "[" + item.deliveredReferences.map(JournalCommand.quoted).joined(separator: ",") + "]"
            ),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// The store the configuration names (`storage.backend`), for its outbox.
    static func openStore(_ options: ConfigOptions) throws -> any Store {
        let configuration = try options.load()
        let logger = Logger(label: "notebridge.outbox", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            return try Gateway.openStore(
                configuration, environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch {
            throw CommandFailure(message: "cannot open the store: \(error)", exitCode: 2)
        }
    }

    /// `notebridge outbox list`.
    struct ListCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List rows as JSON lines (metadata only, never the note).")

        @OptionGroup var options: ConfigOptions

        @Option(help: "Only rows in this state: pending, in-flight, delivered or dead.")
        var state: String?

        @Option(help: "Only rows of this destination.")
        var destination: String?

        @Option(help: "List rows with an id greater than this.")
        var after: Int64?

        @Option(help: "At most this many rows (0 for all).")
        var limit: Int = 100

        func run() async throws {
            try await reportingFailures {
                let wanted: OutboxState? = try parsedOption(state, name: "state")
                let store = try OutboxCommand.openStore(options)
                let outbox = store.outbox
                var cursor = after
                var printed = 0
                while limit == 0 || printed < limit {
                    let page = min(500, limit == 0 ? 500 : limit - printed)
                    let items = try await outbox.items(
                        state: wanted, destination: destination, afterID: cursor, limit: page)
                    for item in items { Terminal.line(OutboxCommand.json(item)) }
                    printed += items.count
                    guard let last = items.last, items.count == page else { break }
                    cursor = last.id
                }
                try await store.close()
            }
        }
    }

    /// `notebridge outbox show ID`.
    struct ShowCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one row.")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The row's id.")
        var id: Int64

        func run() async throws {
            try await reportingFailures {
                let store = try OutboxCommand.openStore(options)
                let outbox = store.outbox
                guard let item = try await outbox.item(id: id) else {
                    try await store.close()
                    throw CommandFailure(message: "no outbox row \(id)", exitCode: 1)
                }
                Terminal.line(OutboxCommand.json(item))
                try await store.close()
            }
        }
    }

    /// `notebridge outbox purge --delivered-before T`.
    struct PurgeCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge", abstract: "Delete delivered rows older than a time (they hold no PHI).")

        @OptionGroup var options: ConfigOptions

        @Option(help: "An ISO 8601 time, e.g. 2026-12-01T00:00:00Z: rows delivered before it are deleted.")
        var deliveredBefore: String

        @Option(help: "Only the rows of this destination.")
        var destination: String?

        func run() async throws {
            try await reportingFailures {
                guard let cutoff = ISO8601DateFormatter().date(from: deliveredBefore) else {
                    throw CommandFailure(
                        message: "--delivered-before must be an ISO 8601 time such as 2026-12-01T00:00:00Z", exitCode: 2
                    )
                }
                let store = try OutboxCommand.openStore(options)
                let outbox = store.outbox
                let count = try await outbox.purgeDelivered(before: cutoff, destination: destination)
                try await store.close()
                Terminal.line("{\"purged\":\(count)}")
            }
        }
    }

    /// `notebridge outbox retry ID|--all-dead`.
    struct RetryCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Send a dead row again (a running gateway picks it up within a second), or every dead row.")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The dead row's id.")
        var id: Int64?

        @Flag(help: "Every dead row.")
        var allDead = false

        @Option(help: "With --all-dead: only the rows of this destination.")
        var destination: String?

        func validate() throws {
            guard (id == nil) != !allDead else {
                throw ValidationError("give a row id or --all-dead (not both)")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let store = try OutboxCommand.openStore(options)
                let outbox = store.outbox
                if let id {
                    let retried = try await outbox.retry(id: id, now: Date())
                    try await store.close()
                    guard retried else {
                        throw CommandFailure(message: "outbox row \(id) does not exist or is not dead", exitCode: 1)
                    }
                    Terminal.line("{\"retried\":1}")
                } else {
                    let count = try await outbox.retryAllDead(destination: destination, now: Date())
                    try await store.close()
                    Terminal.line("{\"retried\":\(count)}")
                }
            }
        }
    }
}
