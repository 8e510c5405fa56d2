import ArgumentParser
import Foundation
import Gateway
import Logging
import PostgresStore
import Store
import Synchronization

/// `notebridge store`: moving an embedded SQLite store into PostgreSQL, and checking the copy.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Copy the embedded SQLite store into PostgreSQL, and check the copy.",
        subcommands: [MigrateCommand.self, CheckCommand.self])

    /// The source and target both subcommands name.
    struct Endpoints: ParsableArguments {
        @OptionGroup var options: ConfigOptions

        @Option(help: "The SQLite store to read (default: notebridge.sqlite in the configured data folder).")
        var from: String?

        @Option(
            help: ArgumentHelp(
                "The PostgreSQL database: postgres://user[:password]@host[:port]/database[?sslmode=…&host=/socket/dir] "
                    + "(default: the configured storage.url). Without a password in the URL, PGPASSWORD is read."))
        var to: String?

        /// The SQLite file, after moving a data folder's two-file layout into it (as the gateway does at start).
        func sourceFile() throws -> URL {
            if let from { return URL(fileURLWithPath: from) }
            let configuration = try options.load()
            let file = configuration.databaseFile
            if FileManager.default.fileExists(atPath: file.path) {
                do {
                    _ = try SQLiteJournal.mergeNotesDatabase(configuration.notesDatabaseFile, into: file)
                } catch {
                    throw CommandFailure(message: "cannot read the SQLite store: \(error)", exitCode: 1)
                }
            }
            return file
        }

        /// The target's connection settings.
        func target() throws -> PostgresStore.Configuration {
            guard let to else {
                let configuration = try options.load()
                guard let postgres = configuration.postgres else {
                    throw CommandFailure(
                        message: "--to postgres://… is required (the configuration names no storage.url)", exitCode: 2)
                }
                return postgres
            }
            var target: PostgresStore.Configuration
            do {
                target = try PostgresStore.Configuration(url: to)
            } catch let error as StoreError {
                throw CommandFailure(message: "--to: \(error.reason)", exitCode: 2)
            }
            if target.password == nil, let password = ProcessInfo.processInfo.environment["PGPASSWORD"] {
                target.password = password
            }
            target.connectTimeout = .seconds(5)
            return target
        }

        /// Opens the SQLite store (never creating it).
        func openSource() throws -> (SQLiteStoreReader, URL) {
            let file = try sourceFile()
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw CommandFailure(message: "\(file.path): no SQLite store there (give --from FILE)", exitCode: 2)
            }
            do {
                return (try SQLiteStoreReader(databaseFile: file), file)
            } catch let error as StoreError where error.code == .newerSchema {
                throw CommandFailure(message: "cannot open the SQLite store: \(error.reason)", exitCode: 1)
            } catch {
                throw CommandFailure(message: "cannot open the SQLite store: \(error)", exitCode: 1)
            }
        }

        /// Opens the PostgreSQL side.
        func openTarget() throws -> (PostgresStoreImport, PostgresStore.Configuration) {
            let target = try target()
            do {
                let logger = Logger(label: "notebridge.store", factory: { _ in SwiftLogNoOpLogHandler() })
                return (try PostgresStoreImport(configuration: target, logger: logger), target)
            } catch let error as StoreError {
                throw CommandFailure(message: "--to: \(error.reason)", exitCode: 2)
            }
        }
    }

    /// `notebridge store migrate`.
    struct MigrateCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy an embedded SQLite store into PostgreSQL (sealed data stays sealed; resumable).",
            discussion: """
                Stop the gateway that uses the SQLite store first. Every table is copied with its ids; sealed \
                values are copied as bytes and never opened, so every instance on PostgreSQL needs the data key \
                file the SQLite store was sealed with. An interrupted run continues where it stopped when run again; \
                nothing is copied twice. Then run 'notebridge store check'.
                """)

        @OptionGroup var endpoints: Endpoints

        @Option(help: "Rows per transaction (1 to 2000).")
        var batchSize = 500

        func run() async throws {
            try await reportingFailures {
                guard (1...PostgresStoreImport.maximumBatchSize).contains(batchSize) else {
                    throw CommandFailure(message: "--batch-size must be 1 to 2000", exitCode: 2)
                }
                let (source, file) = try endpoints.openSource()
                defer { try? source.close() }
                let (target, settings) = try endpoints.openTarget()
                let bar = ProgressDisplay()
                do {
                    Terminal.line("copying \(file.path) into \(settings.redactedDescription)")
                    let tables = try await target.copy(from: source, batchSize: batchSize) { bar.show($0) }
                    await target.close()
                    let rows = tables.map(\.copied).reduce(0, +)
                    Terminal.line("copied \(rows) rows in \(tables.count) tables; now run 'notebridge store check'")
                } catch let error as StoreError where error.code == .newerSchema {
                    bar.interrupt()
                    await target.close()
                    throw CommandFailure(message: "store migrate refused: \(error.reason)", exitCode: 1)
                } catch {
                    bar.interrupt()
                    await target.close()
                    throw CommandFailure(
                        message: "store migrate stopped (run it again to continue): \(Self.reason(error))",
                        exitCode: 1)
                }
            }
        }

        static func reason(_ error: any Error) -> String {
            (error as? StoreError)?.reason ?? "\(type(of: error))"
        }
    }

    /// `notebridge store check`.
    struct CheckCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Compare row counts and digests of every table between the SQLite store and PostgreSQL.",
            discussion: "Exit status 0 when every table matches, 1 when one differs or a side cannot be read.")

        @OptionGroup var endpoints: Endpoints

        func run() async throws {
            try await reportingFailures {
                let (source, _) = try endpoints.openSource()
                defer { try? source.close() }
                let (target, _) = try endpoints.openTarget()
                var differing: [String] = []
                do {
                    guard try await !target.schemaVersions().isEmpty else {
                        await target.close()
                        throw CommandFailure(
                            message:
                                "the PostgreSQL database holds no NoteBridge schema: run 'notebridge store migrate' "
                                + "first", exitCode: 1)
                    }
                    for table in StoreTable.all {
                        let sqlite = try await source.digest(of: table)
                        let postgres = try await target.digest(of: table)
                        let same = sqlite == postgres
                        if !same { differing.append(table.name) }
                        Terminal.line(
                            "\(table.name.padding(toLength: 18, withPad: " ", startingAt: 0)) "
                                + "sqlite \(sqlite.count) rows, postgresql \(postgres.count) rows, "
                                + (same ? "digest \(sqlite.hex.prefix(16)) match" : "DIFFER"))
                    }
                    await target.close()
                } catch let failure as CommandFailure {
                    throw failure
                } catch {
                    await target.close()
                    throw CommandFailure(
                        message: "store check failed: \(MigrateCommand.reason(error))", exitCode: 1)
                }
                guard differing.isEmpty else {
                    throw CommandFailure(
                        message: "the stores differ in \(differing.joined(separator: ", "))", exitCode: 1)
                }
                Terminal.line("every table matches")
            }
        }
    }
}

/// The copy's progress: a bar redrawn in place on a terminal, plain lines (one per table) otherwise; on standard
/// error, so that standard output holds only the result.
final class ProgressDisplay: Sendable {
    private let interactive = isatty(FileHandle.standardError.fileDescriptor) == 1
    /// Whether a bar is drawn and its line not yet ended.
    private let midLine = Mutex(false)

    func show(_ progress: PostgresStoreImport.Progress) {
        if interactive {
            let fraction = progress.total == 0 ? 1 : min(1, Double(progress.copied) / Double(progress.total))
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            midLine.withLock { $0 = !progress.finished }
            Terminal.status(
                "\r[\(bar)] \(String(format: "%3d", Int(fraction * 100)))% \(progress.table) "
                    + "\(progress.copied)/\(progress.total)\u{1B}[K" + (progress.finished ? "\n" : ""))
        } else if progress.finished {
            Terminal.status("\(progress.table): \(progress.copied) of \(progress.total) rows copied\n")
        }
    }

    /// Ends a bar left mid-line (the copy stopped), so that the error that follows starts a line of its own.
    func interrupt() {
        let open = midLine.withLock { open in
            defer { open = false }
            return open
        }
        if open { Terminal.status("\n") }
    }
}
