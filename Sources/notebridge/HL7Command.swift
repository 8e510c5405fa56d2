import ArgumentParser
import HL7v2

/// `notebridge hl7`: HL7 v2 tools.
struct HL7Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hl7", abstract: "HL7 v2 tools.", subcommands: [ParseCommand.self])

    /// `notebridge hl7 parse`: parses files and prints each message as JSON or ER7.
    struct ParseCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "parse",
            abstract: "Parse HL7 v2 files (one or more messages, batches too) and print each message.",
            discussion: "Exit status 1 with a one-line located error when a file is malformed.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case json
            case er7
        }

        @Option(help: "json (one object per line, decoded values) or er7 (the message re-encoded).")
        var format: Format = .json

        @Argument(help: "Files to parse; - reads standard input.")
        var files: [String] = ["-"]

        func run() async throws {
            try await reportingFailures {
                var failed = false
                for file in files {
                    let batch: HL7Batch
                    do {
                        batch = try Terminal.readMessages(file)
                    } catch let failure as CommandFailure {
                        Terminal.error(failure.message)
                        failed = true
                        continue
                    }
                    for message in batch.messages {
                        switch format {
                        case .json: Terminal.line(message.jsonString())
                        case .er7: Terminal.write(message.encoded())
                        }
                    }
                }
                if failed { throw ExitCode(1) }
            }
        }
    }
}
