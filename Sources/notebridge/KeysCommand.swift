import ArgumentParser
import Foundation
import Gateway
import Store

/// `notebridge keys`: the data keys that seal stored bodies.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage the data keys that seal stored messages.",
        subcommands: [ListKeys.self, RotateKey.self])

    /// `notebridge keys list`.
    struct ListKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List key ids; the active one last.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await reportingFailures {
                let keyring = try options.loadKeyring()
                for id in keyring.keyIDs {
                    Terminal.line(id == keyring.activeKeyID ? "\(id)\tactive" : id)
                }
            }
        }
    }

    /// `notebridge keys rotate`.
    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Add a new active key to the key file; rows sealed with older keys stay readable.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await reportingFailures {
                let keyring = try options.loadKeyring()
                do {
                    Terminal.line(try keyring.rotate())
                } catch {
                    throw CommandFailure(message: "\(error)", exitCode: 2)
                }
            }
        }
    }
}
