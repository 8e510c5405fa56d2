import ArgumentParser
import Foundation
import Gateway
import MLLP
import Store

/// `notebridge serve`: runs the gateway.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: MLLP on 127.0.0.1:2575, HTTP on 127.0.0.1:8080, SQLite under ./data unless configured otherwise.")

    @OptionGroup var options: ConfigOptions

    @Flag(name: .customLong("help-keys"), help: "List every configuration key and its environment variable.")
    var helpKeys = false

    func run() async throws {
        if helpKeys {
            for key in ConfigurationKey.all {
                let aliases = key.aliases.isEmpty ? "" : " (also \(key.aliases.joined(separator: ", ")))"
                Terminal.line("\(key.path)\t\(key.environmentVariable)\(aliases)\t\(key.summary)")
            }
            for (field, summary) in DestinationConfiguration.fields {
                Terminal.line("destinations.<name>.\(field)\t(in the file; ${VARIABLE} allowed)\t\(summary)")
            }
            for (field, summary) in RouteConfiguration.fields {
                Terminal.line("routes.<name>.\(field)\t(in the file; ${VARIABLE} allowed)\t\(summary)")
            }
            for (field, summary) in SubscriptionConfiguration.fields {
                Terminal.line("subscriptions.<name>.\(field)\t(in the file; ${VARIABLE} allowed)\t\(summary)")
            }
            return
        }
        try await reportingFailures {
            let configuration = try options.load()
            let logger = Terminal.bootstrapLogging(level: configuration.logLevel)
            let mllpHost = configuration.mllp.host
            let httpHost = configuration.httpHost
            let tls = configuration.mllp.tls != nil
            let https = configuration.httpTLS != nil
            do {
                try await Gateway.run(
                    configuration, environment: ProcessInfo.processInfo.environment, logger: logger,
                    console: { Terminal.line($0) }
                ) {
                    endpoints in
                    Terminal.line(
                        "NoteBridge listening: mllp\(tls ? "+tls" : "")=\(mllpHost):\(endpoints.mllpPort) \(https ? "https" : "http")=\(httpHost):\(endpoints.httpPort)"
                    )
                }
            } catch let error as CommandFailure {
                throw error
            } catch let error as StoreError where error.code == .newerSchema {
                throw CommandFailure(message: "cannot serve: \(error.reason)", exitCode: 1)
            } catch {
                throw CommandFailure(message: "cannot serve: \(error)", exitCode: 1)
            }
        }
    }
}
