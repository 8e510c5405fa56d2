import ArgumentParser
import Foundation
import Scribe

/// `notebridge bench note FILE...`: note latency and throughput for transcripts of 200, 1,500 and 10,000
/// words built by repeating the given dialogues' turns, on one core (one task, no concurrency).
struct NoteBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Write notes from transcripts of 200, 1,500 and 10,000 words; print latency percentiles, notes/s and peak RSS as JSON.")

    @Option(help: "Notes to write per size (after 3 warm-up notes).")
    var iterations = 200

    @Option(help: "Transcript sizes in words, comma separated.")
    var words = "200,1500,10000"

    @Argument(help: "Dialogue transcripts whose lines are repeated to reach each size.")
    var files: [String]

    func run() async throws {
        try await reportingFailures {
            var lines: [String] = []
            for file in files {
                let bytes = try Terminal.read(file, limit: 4 << 20)
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw CommandFailure(message: "\(file): is not UTF-8 text", exitCode: 2)
                }
                lines += text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            }
            guard !lines.isEmpty else { throw CommandFailure(message: "no transcript lines", exitCode: 2) }
            let sizes = words.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            let writer = NoteWriter(limits: Transcript.Limits(maximumCharacters: 10_000_000))
            var results: [String] = []
            for size in sizes {
                var transcript: [String] = []
                var count = 0
                var index = 0
                while count < size {
                    let line = lines[index % lines.count]
                    transcript.append(line)
                    count += line.split(separator: " ").count
                    index += 1
                }
                let text = transcript.joined(separator: "\n")
                var checksum = 0
                for _ in 0..<3 { checksum &+= try writer.note(transcript: text).statements.count }
                let clock = ContinuousClock()
                var samples: [Double] = []
                samples.reserveCapacity(iterations)
                for _ in 0..<iterations {
                    let start = clock.now
                    checksum &+= try writer.note(transcript: text).statements.count
                    let elapsed = clock.now - start
                    samples.append(Latency.milliseconds(elapsed))
                }
                samples.sort()
                func percentile(_ p: Double) -> Double { Latency.percentile(samples, p) }
                let total = samples.reduce(0, +)
                let p50 = percentile(0.5)
                results.append(
                    String(
                        format: "{\"words\":%d,\"p50Ms\":%.3f,\"p90Ms\":%.3f,\"p99Ms\":%.3f,\"notesPerSecond\":%.1f,\"msPer1000Words\":%.3f,\"checksum\":%d}",
                        count, p50, percentile(0.9), percentile(0.99), Double(samples.count) / (total / 1000),
                        p50 / Double(count) * 1000, checksum))
            }
            Terminal.line("{\"sizes\":[\(results.joined(separator: ","))],\"peakRSSMB\":\(Self.peakResidentMegabytes())}")
        }
    }

    /// The process's peak resident set size (VmHWM), in MB; 0 where /proc is not available.
    static func peakResidentMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}
