import ArgumentParser
import Foundation
import Gateway
import HL7v2
import Logging
import Store

/// `notebridge journal`: reads the durable journal of received messages.
struct JournalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal", abstract: "Read the journal of received messages.",
        subcommands: [ListCommand.self, ShowCommand.self, CountCommand.self])

    /// The store the configuration names (`storage.backend`), for its journal.
    static func open(_ options: ConfigOptions) throws -> any Store {
        let configuration = try options.load()
        let logger = Logger(label: "notebridge.journal", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            return try Gateway.openStore(
                configuration, environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch {
            throw CommandFailure(message: "cannot open the journal: \(error)", exitCode: 2)
        }
    }

    /// One line of metadata about an entry (no body): JSON.
    static func json(_ entry: JournalEntry) -> String {
        let fields: [(String, String)] = [
            ("id", String(entry.id)),
            ("receivedAt", quoted(ISO8601DateFormatter().string(from: entry.receivedAt))),
            ("state", quoted(entry.state.rawValue)),
            ("ackCode", quoted(entry.acknowledgmentCode)),
            ("controlId", entry.controlID.map(quoted) ?? "null"),
            ("messageType", entry.messageType.map(quoted) ?? "null"),
            ("version", entry.version.map(quoted) ?? "null"),
            ("sender", quoted(entry.sender)),
            ("source", quoted(entry.source)),
            ("bytes", String(entry.body.count)),
            ("duplicates", String(entry.duplicateCount)),
            ("keyId", quoted(entry.keyID)),
            ("reason", entry.failureReason.map(quoted) ?? "null"),
            ("flags", "[" + entry.flags.map { quoted($0.rawValue) }.joined(separator: ",") + "]"),
            ("reusesControlIdOf", entry.reusesControlIDOf.map { String($0) } ?? "null"),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    static func quoted(_ text: String) -> String {
        let data =
            (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// `notebridge journal list`.
    struct ListCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List entries as JSON lines (metadata only, never bodies).")

        @OptionGroup var options: ConfigOptions

        @Option(help: "List entries with an id greater than this.")
        var after: Int64?

        @Option(help: "At most this many entries (0 for all).")
        var limit: Int = 100

        @Option(help: "Only entries in this state: received, accepted, rejected, processed or failed.")
        var state: String?

        @Option(help: "Only entries with this flag: reused-control-id (a resent MSH-10 whose content differs).")
        var flag: String?

        @Option(help: "Only entries with this message control ID (MSH-10), exactly.")
        var controlId: String?

        @Option(help: "Only entries whose sender (MSH-3|MSH-4) contains this, ignoring case.")
        var sender: String?

        @Option(help: "Only entries of this message type: ADT for every ADT event, ADT^A04 for one.")
        var type: String?

        @Option(help: "Only entries received at or after this time (ISO 8601, e.g. 2026-12-01T00:00:00Z).")
        var from: String?

        @Option(help: "Only entries received before this time (ISO 8601).")
        var to: String?

        func run() async throws {
            try await reportingFailures {
                let flagged: JournalFlag? = try parsedOption(flag, name: "flag")
                let wanted: JournalState? = try parsedOption(state, name: "state")
                // The console's search: the same filters, matched the same way.
                let search = JournalSearch(
                    controlID: controlId, sender: sender, messageType: type, state: wanted, flag: flagged,
                    receivedFrom: try JournalCommand.time(from, name: "from"),
                    receivedBefore: try JournalCommand.time(to, name: "to"))
                let store = try JournalCommand.open(options)
                let journal = store.journal
                var cursor = after
                var printed = 0
                while limit == 0 || printed < limit {
                    let page = min(500, limit == 0 ? 500 : limit - printed)
                    let entries =
                        if let flagged {
                            try await journal.entries(flag: flagged, afterID: cursor, limit: page)
                        } else if let wanted {
                            try await journal.entries(state: wanted, messageTypes: [], afterID: cursor, limit: page)
                        } else {
                            try await journal.entries(afterID: cursor, limit: page)
                        }
                    // Every filter given must match (with --flag and --state, the flagged entries in that state).
                    let shown = entries.filter(search.matches)
                    for entry in shown { Terminal.line(JournalCommand.json(entry)) }
                    printed += shown.count
                    guard let last = entries.last, entries.count == page else { break }
                    cursor = last.id
                }
                try await store.close()
            }
        }
    }

    /// An ISO 8601 time option, or `nil` when absent.
    static func time(_ text: String?, name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw CommandFailure(
                message: "--\(name) must be an ISO 8601 time such as 2026-12-01T00:00:00Z", exitCode: 2)
        }
        return date
    }

    /// `notebridge journal show ID`.
    struct ShowCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show one entry; --body prints the unsealed message (it holds PHI).")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The entry's id.")
        var id: Int64

        @Flag(help: "Print the message body (ER7) instead of the metadata.")
        var body = false

        @Flag(help: "Print the acknowledgment that was sent (ER7) instead of the metadata.")
        var acknowledgment = false

        func run() async throws {
            try await reportingFailures {
                let store = try JournalCommand.open(options)
                let journal = store.journal
                guard let entry = try await journal.entry(id: id) else {
                    try await store.close()
                    throw CommandFailure(message: "no journal entry \(id)", exitCode: 1)
                }
                if body {
                    Terminal.write(entry.body)
                } else if acknowledgment {
                    Terminal.write(entry.acknowledgment)
                } else {
                    Terminal.line(JournalCommand.json(entry))
                }
                try await store.close()
            }
        }
    }

    /// `notebridge journal count`.
    struct CountCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "count", abstract: "Count entries, in all and by state.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await reportingFailures {
                let store = try JournalCommand.open(options)
                let journal = store.journal
                var parts = ["\"total\":\(try await journal.count())"]
                for state in JournalState.allCases {
                    parts.append("\"\(state.rawValue)\":\(try await journal.count(state: state))")
                }
                Terminal.line("{" + parts.joined(separator: ",") + "}")
                try await store.close()
            }
        }
    }
}
