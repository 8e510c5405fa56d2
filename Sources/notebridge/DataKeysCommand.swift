import ArgumentParser
import Foundation
import Gateway
import Store

/// `notebridge datakeys`: the data keys that seal stored bodies.
struct DataKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datakeys", abstract: "Manage the data keys that seal stored messages and notes.",
        subcommands: [ListKeys.self, RotateKey.self])

    /// `notebridge datakeys list`.
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

    /// `notebridge datakeys rotate`.
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
