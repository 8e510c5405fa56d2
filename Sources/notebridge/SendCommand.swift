import ArgumentParser
import Foundation
import HL7v2
import MLLP

/// `notebridge send HOST:PORT FILE...`: sends messages over MLLP and reports each acknowledgment.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send HL7 v2 messages over MLLP and print the MSA code of each acknowledgment.",
        discussion: "Exit status 0 only when every message got AA or CA; 1 when any got another code; 2 when the peer could not be reached or a file could not be read.")

    @Argument(help: "HOST:PORT of the MLLP listener.")
    var destination: String

    @Argument(help: "Files of one or more messages (batch envelopes are dropped); - reads standard input.")
    var files: [String]

    @Option(help: "Seconds to wait for each acknowledgment.")
    var timeout: Int = 30

    @Flag(help: "Use TLS.")
    var tls = false

    @Option(name: .customLong("ca"), help: "PEM CA certificates to verify the server (implies --tls).")
    var trustRoots: String?

    @Option(name: .customLong("cert"), help: "PEM client certificate for mutual TLS (implies --tls).")
    var certificate: String?

    @Option(name: .customLong("key"), help: "PEM private key of the client certificate.")
    var privateKey: String?

    @Option(name: .customLong("server-name"), help: "Name to verify the server certificate against.")
    var serverName: String?

    @Flag(help: "Do not verify the server certificate (testing only).")
    var insecure = false

    func run() async throws {
        try await reportingFailures {
            let parts = destination.split(separator: ":")
            guard parts.count >= 2, let port = Int(parts[parts.count - 1]), (1...65535).contains(port) else {
                throw CommandFailure(message: "destination must read HOST:PORT", exitCode: 2)
            }
            let host = parts.dropLast().joined(separator: ":")
            var messages: [(label: String, bytes: [UInt8])] = []
            for file in files {
                let batch = try Terminal.readMessages(file)
                for (index, message) in batch.messages.enumerated() {
                    messages.append(("\(file)#\(index + 1)", message.encoded()))
                }
            }
            let useTLS = tls || trustRoots != nil || certificate != nil || insecure
            let tlsConfiguration = useTLS
                ? MLLPClientTLSConfiguration(
                    trustRootsPath: trustRoots, certificateChainPath: certificate, privateKeyPath: privateKey,
                    serverHostname: serverName, insecureSkipVerify: insecure)
                : nil
            let client = MLLPClient(configuration: .init(host: host, port: port, tls: tlsConfiguration))
            var allAccepted = true
            var remaining = messages[...]
            var reconnectsWithoutProgress = 0
            while !remaining.isEmpty {
                let before = remaining.count
                do {
                    try await client.withConnection { connection in
                        while let next = remaining.first {
                            let reply = try await connection.send(next.bytes, timeout: .seconds(timeout))
                            remaining = remaining.dropFirst()
                            let summary = Self.summarize(reply)
                            if !summary.accepted { allAccepted = false }
                            Terminal.line("\(next.label)\t\(summary.text)")
                        }
                    }
                } catch let error as MLLPError where error.code == .connectionClosed {
                    // The peer closed after a reply (for example after a NAK); reconnect for the rest.
                    reconnectsWithoutProgress = remaining.count < before ? 0 : reconnectsWithoutProgress + 1
                    if reconnectsWithoutProgress < 3 { continue }
                    throw CommandFailure(message: "\(destination): \(error)", exitCode: 2)
                } catch {
                    throw CommandFailure(message: "\(destination): \(error)", exitCode: 2)
                }
            }
            if !allAccepted { throw ExitCode(1) }
        }
    }

    /// `AA CTRL-1` or `AE CTRL-1 102 Data type error: ...` from an acknowledgment's bytes.
    static func summarize(_ reply: [UInt8]) -> (accepted: Bool, text: String) {
        guard let ack = try? HL7Message(parsing: reply) else {
            return (false, "?? (the reply is not a parsable HL7 message)")
        }
        let code = ack["MSA-1"] ?? ""
        var text = "\(code.isEmpty ? "??" : code)\t\(ack["MSA-2"] ?? "")"
        if let error = ack.segment("ERR") {
            text += "\t\(error.field(3)?.encodedValue ?? "")\t\(ack["ERR-8"] ?? ack["ERR-7"] ?? "")"
        } else if let reason = ack["MSA-3"], !reason.isEmpty {
            text += "\t\(reason)"
        }
        return (code == "AA" || code == "CA", text)
    }
}
