import ArgumentParser
import Foundation
import Gateway
import Store

/// `notebridge audit`: the audit trail of note access.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit trail of every access to a note.", subcommands: [Export.self])

    /// `notebridge audit export`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Export audit records as FHIR R4 AuditEvent resources: a collection Bundle, or NDJSON.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case bundle, ndjson
        }

        @OptionGroup var options: ConfigOptions

        @Option(help: "bundle (a FHIR collection Bundle) or ndjson (one AuditEvent per line).")
        var format: Format = .bundle

        @Option(help: "Only records at or after this time (ISO 8601, e.g. 2026-11-01T00:00:00Z).")
        var since: String?

        @Option(help: "Only records before this time (ISO 8601).")
        var until: String?

        func run() async throws {
            try await reportingFailures {
                let from = try since.map { try Self.date($0, option: "since") }
                let to = try until.map { try Self.date($0, option: "until") }
                let records = try await options.withNoteStore { store in
                    var all: [AuditRecord] = []
                    var after: Int64 = 0
                    while true {
                        let page = try await store.audit.auditRecords(
                            since: from, until: to, afterID: after, limit: 5_000)
                        all += page
                        guard let last = page.last, page.count == 5_000 else { break }
                        after = last.id
                    }
                    return all
                }
                switch format {
                case .bundle: Terminal.write(try AuditEventExport.bundle(records) + [0x0A])
                case .ndjson: Terminal.write(try AuditEventExport.ndjson(records))
                }
            }
        }

        static func date(_ text: String, option: String) throws -> Date {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw CommandFailure(
                    message: "--\(option): not an ISO 8601 time such as 2026-11-01T00:00:00Z", exitCode: 2)
            }
            return date
        }
    }
}
