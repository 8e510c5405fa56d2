import ArgumentParser
import Foundation
import Gateway
import Logging
import Store

/// `notebridge keys`: the bearer API keys of the `/v1` API.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the API keys of the /v1 note API (only their hashes are stored).",
        subcommands: [CreateKey.self, ListKeys.self, RevokeKey.self])

    /// `notebridge keys create`.
    struct CreateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create an API key and print it once, with its webhook signing secret.")

        @OptionGroup var options: ConfigOptions

        @Option(help: "A name for the key (who or what uses it).")
        var name: String

        @Option(
            help:
                "Comma-separated scopes: \(APIScope.allCases.map(\.rawValue).joined(separator: ", ")) (default: the notes scopes; admin only when named)."
        )
        var scopes: String = APIScope.noteScopes.map(\.rawValue).joined(separator: ",")

        @Option(help: "json or text.")
        var format: String = "text"

        func run() async throws {
            try await reportingFailures {
                let parsed: [APIScope]
                do {
                    parsed = try APIScope.parse(scopes)
                } catch let error as APIError {
                    throw CommandFailure(message: error.message, exitCode: 2)
                }
                // The console's path: the key, then the audit record (channel `cli`, the local operator).
                let issued = try await options.withNoteStore { store in
                    do {
                        return try await KeyActions(store: store, logger: options.quietLogger).create(
                            name: name, scopes: parsed, by: .localOperator())
                    } catch let error as APIError {
                        throw CommandFailure(message: error.message, exitCode: 2)
                    }
                }
                if format == "json" {
                    let object: [String: String] = [
                        "id": issued.record.id, "name": issued.record.name, "key": issued.secret,
                        "scopes": issued.record.scopes.joined(separator: ","),
                        "webhook_secret": issued.record.webhookSecret,
                    ]
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    Terminal.write(Array(try encoder.encode(object)) + [0x0A])
                } else {
                    Terminal.line("API key (shown once; store it now): \(issued.secret)")
                    Terminal.line("key id:         \(issued.record.id)")
                    Terminal.line("scopes:         \(issued.record.scopes.joined(separator: ","))")
                    Terminal.line("webhook secret: \(issued.record.webhookSecret)")
                }
            }
        }
    }

    /// `notebridge keys list`.
    struct ListKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List API keys: id, name, scopes, created, revoked (never the keys).")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await reportingFailures {
                let keys = try await options.withNoteStore { try await $0.keys.keys() }
                for key in keys {
                    let created = key.createdAt.formatted(.iso8601)
                    let state = key.revokedAt.map { "revoked \($0.formatted(.iso8601))" } ?? "active"
                    Terminal.line("\(key.id)\t\(key.name)\t\(key.scopes.joined(separator: ","))\t\(created)\t\(state)")
                }
            }
        }
    }

    /// `notebridge keys revoke`.
    struct RevokeKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke an API key at once; exit 1 when there is no such active key.")

        @OptionGroup var options: ConfigOptions

        @Argument(help: "The key id (key_...).")
        var id: String

        func run() async throws {
            try await reportingFailures {
                // The console's path: revoke, end the key's console sessions, then the audit record (channel `cli`).
                let revoked = try await options.withNoteStore { store in
                    do {
                        return try await KeyActions(store: store, logger: options.quietLogger).revoke(
                            id: id, by: .localOperator())
                    } catch let error as APIError {
                        throw CommandFailure(message: error.message, exitCode: 2)
                    }
                }
                guard revoked else { throw CommandFailure(message: "\(id): no such active API key", exitCode: 1) }
                Terminal.line("\(id)\trevoked")
            }
        }
    }
}

extension ConfigOptions {
    /// The logger of the CLI's store work: none (the CLI's output is its own lines).
    var quietLogger: Logger { Logger(label: "notebridge.cli", factory: { _ in SwiftLogNoOpLogHandler() }) }

    /// Opens the store the configuration names (`storage.backend`), runs `body`, and closes it.
    func withNoteStore<T>(_ body: (any Store) async throws -> T) async throws -> T {
        let configuration = try load()
        let store: any Store
        do {
            store = try Gateway.openStore(
                configuration, environment: ProcessInfo.processInfo.environment,
                logger: quietLogger)
        } catch {
            throw CommandFailure(message: "cannot open the note store: \(error)", exitCode: 2)
        }
        do {
            let result = try await body(store)
            try? await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }
}
