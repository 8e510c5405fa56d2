import ArgumentParser
import Foundation
import HL7v2
import MLLP

/// `notebridge bench`: throughput measurements (see Benchmarks/).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure HL7 parse, MLLP and note-writing throughput.",
        subcommands: [ParseBench.self, MLLPBench.self, NoteBench.self, CodesBench.self, FHIRBench.self])

    /// `notebridge bench hl7 FILE...`: full parses of every message of the files, repeated.
    struct ParseBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hl7", abstract: "Parse every message of the files repeatedly; print messages/s and MB/s as JSON.")

        @Option(help: "Seconds to run each measurement.")
        var seconds: Double = 3

        @Argument(help: "HL7 files.")
        var files: [String]

        func run() async throws {
            try await reportingFailures {
                var messages: [[UInt8]] = []
                for file in files {
                    let batch = try Terminal.readMessages(file)
                    messages.append(contentsOf: batch.messages.map { $0.encoded() })
                }
                guard !messages.isEmpty else { throw CommandFailure(message: "no messages", exitCode: 2) }
                let bytesPerRound = messages.reduce(0) { $0 + $1.count }
                func measure(_ body: ([UInt8]) throws -> Int) throws -> (Double, Double, Int) {
                    let clock = ContinuousClock()
                    let start = clock.now
                    var rounds = 0
                    var checksum = 0
                    while clock.now - start < .milliseconds(Int(seconds * 1000)) {
                        for message in messages { checksum &+= try body(message) }
                        rounds += 1
                    }
                    let elapsed = clock.now - start
                    let secondsElapsed = Latency.seconds(elapsed)
                    let perSecond = Double(rounds * messages.count) / secondsElapsed
                    let megabytes = Double(rounds * bytesPerRound) / secondsElapsed / 1_000_000
                    return (perSecond, megabytes, checksum)
                }
                let structural = try measure { bytes in
                    try HL7Message(parsing: bytes).segments.count
                }
                let decoded = try measure { bytes in
                    let message = try HL7Message(parsing: bytes)
                    var total = 0
                    for segment in message.segments {
                        for field in segment.fields {
                            for repetition in field.repetitions {
                                for component in repetition.components {
                                    for value in component.subcomponents { total &+= value.utf8.count }
                                }
                            }
                        }
                    }
                    return total
                }
                Terminal.line(
                    String(
                        format: #"{"messages":%d,"bytes":%d,"parse":{"messagesPerSecond":%.0f,"megabytesPerSecond":%.2f},"parseAndDecodeAll":{"messagesPerSecond":%.0f,"megabytesPerSecond":%.2f}}"#,
                        messages.count, bytesPerRound, structural.0, structural.1, decoded.0, decoded.1))
            }
        }
    }

    /// `notebridge bench mllp HOST:PORT`: acknowledged messages per second over N connections.
    struct MLLPBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mllp",
            abstract: "Send messages over N concurrent connections, each waiting for its ACK; print throughput and latency as JSON.")

        @Argument(help: "HOST:PORT of a running notebridge serve.")
        var destination: String

        @Option(help: "Concurrent connections.")
        var connections: Int = 16

        @Option(help: "Messages in all.")
        var messages: Int = 20_000

        @Option(help: "A message file to use as the template (MSH-10 is replaced per message).")
        var template: String?

        func run() async throws {
            try await reportingFailures {
                let parts = destination.split(separator: ":")
                guard parts.count == 2, let port = Int(parts[1]) else {
                    throw CommandFailure(message: "destination must read HOST:PORT", exitCode: 2)
                }
                let host = String(parts[0])
                let base: HL7Message
                if let template {
                    guard let first = try Terminal.readMessages(template).messages.first else {
                        throw CommandFailure(message: "\(template): no message", exitCode: 2)
                    }
                    base = first
                } else {
                    base = try HL7Message(
                        parsing: "MSH|^~\\&|BENCH|BENCHFAC|NOTEBRIDGE|NB|20261101120000||ADT^A04^ADT_A01|X|P|2.5.1\rEVN|A04|20261101120000\rPID|1||BENCH001^^^BENCH^MR||BENCHMARK^SYNTHETIC||19700101|U\rPV1|1|O|CLINIC^1^1\r")
                }
                let run = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
                let controlPath = try HL7TerserPath(parsing: "MSH-10")
                let perConnection = max(1, messages / max(1, connections))
                var payloads: [[[UInt8]]] = []
                for connection in 0..<connections {
                    payloads.append(
                        try (0..<perConnection).map { index in
                            try base.setting("B\(run)-\(connection)-\(index)", at: controlPath).encoded()
                        })
                }
                let client = MLLPClient(configuration: .init(host: host, port: port))
                let clock = ContinuousClock()
                let start = clock.now
                let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
                    for connection in 0..<connections {
                        let batch = payloads[connection]
                        group.addTask {
                            try await client.withConnection { link in
                                var latencies: [Double] = []
                                latencies.reserveCapacity(batch.count)
                                var rejected = 0
                                for payload in batch {
                                    let sent = clock.now
                                    let reply = try await link.send(payload, timeout: .seconds(30))
                                    let elapsed = clock.now - sent
                                    latencies.append(Latency.milliseconds(elapsed))
                                    if !SendCommand.summarize(reply).accepted { rejected += 1 }
                                }
                                return (latencies, rejected)
                            }
                        }
                    }
                    var all: ([Double], Int) = ([], 0)
                    for try await result in group {
                        all.0.append(contentsOf: result.0)
                        all.1 += result.1
                    }
                    return all
                }
                let elapsed = clock.now - start
                let seconds = Latency.seconds(elapsed)
                let latencies = results.0.sorted()
                func percentile(_ p: Double) -> Double { Latency.percentile(latencies, p) }
                Terminal.line(
                    String(
                        format: #"{"connections":%d,"messages":%d,"notAccepted":%d,"seconds":%.3f,"messagesPerSecond":%.0f,"latencyMs":{"p50":%.3f,"p90":%.3f,"p99":%.3f,"max":%.3f}}"#,
                        connections, latencies.count, results.1, seconds, Double(latencies.count) / seconds,
                        percentile(0.5), percentile(0.9), percentile(0.99), latencies.last ?? 0))
                if results.1 > 0 { throw ExitCode(1) }
            }
        }
    }
}
