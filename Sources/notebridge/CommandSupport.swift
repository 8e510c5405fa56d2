import ArgumentParser
import Foundation
import Gateway
import HL7v2
import Logging
import Store

/// Options shared by every subcommand that touches the database.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (environment variables override it).")
    var config: String?

    /// The journal's keyring, as the configuration names it.
    func loadKeyring() throws -> DataKeyring {
        let configuration = try load()
        do {
            return try DataKeyring.load(keyFile: configuration.keyFileURL)
        } catch {
            throw CommandFailure(message: "\(error)", exitCode: 2)
        }
    }

    func load() throws -> GatewayConfiguration {
        do {
            return try GatewayConfiguration.load(
                file: config.map { URL(fileURLWithPath: $0) }, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw CommandFailure(message: error.description, exitCode: 2)
        }
    }
}

/// A failure the CLI reports as one line on standard error with a non-zero exit status.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    var description: String { message }
}

enum Terminal {
    /// Writes a line to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("notebridge: " + text + "\n").utf8))
    }

    /// Writes text to standard error as it is (no prefix, no newline added): progress shown in place.
    static func status(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes bytes to standard output.
    static func write(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    /// Writes a line to standard output.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Reads a file, or standard input for `-`, up to `limit` bytes.
    static func read(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                throw CommandFailure(message: "\(path): cannot read the file", exitCode: 2)
            }
            if let size = attributes[.size] as? Int, size > limit {
                throw CommandFailure(message: "\(path): larger than \(limit) bytes", exitCode: 2)
            }
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(message: "\(path): cannot read the file", exitCode: 2)
            }
            data = contents
        }
        guard data.count <= limit else {
            throw CommandFailure(message: "\(path): larger than \(limit) bytes", exitCode: 2)
        }
        return Array(data)
    }

    /// Reads a file of messages (a batch, or messages back to back); a malformed file is a failure with exit 2.
    static func readMessages(_ path: String) throws -> HL7Batch {
        let bytes = try read(path)
        do {
            return try HL7Batch(parsing: bytes)
        } catch {
            throw CommandFailure(message: "\(path): \(error)", exitCode: 2)
        }
    }

    /// Configures swift-log: human-readable lines on standard error at `level`.
    static func bootstrapLogging(level: String) -> Logger {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        var logger = Logger(label: "notebridge")
        logger.logLevel = logLevel
        return logger
    }
}

extension AsyncParsableCommand {
    /// Runs a body and turns a `CommandFailure` into a message and an exit status.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as CommandFailure {
            Terminal.error(failure.message)
            throw ExitCode(failure.exitCode)
        }
    }
}

/// The value an option names (`--state failed`), or a usage error listing the values it may take.
func parsedOption<Value: RawRepresentable & CaseIterable>(_ text: String?, name: String) throws -> Value?
where Value.RawValue == String {
    guard let text else { return nil }
    guard let value = Value(rawValue: text) else {
        throw CommandFailure(
            message: "--\(name) must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))", exitCode: 2)
    }
    return value
}
