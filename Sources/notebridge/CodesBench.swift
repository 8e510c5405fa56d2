import ArgumentParser
import Coding
import Foundation
import Scribe
import Terminology

/// `notebridge bench codes FILE...`: how long the ICD-10-CM table takes to load and index, a `codes search`
/// query, and billing codes added to a note (note with codes minus note without), one core.
struct CodesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codes",
        abstract: "Measure ICD-10-CM load, search and note coding latency; print JSON.")

    @Option(help: "Repetitions per measurement (after 3 warm-up runs).")
    var iterations = 500

    @Argument(help: "Transcripts to write coded notes from.")
    var files: [String] = []

    static let queries = [
        "htn", "type 2 diabetes with neuropathy", "right knee osteoarthritis", "acute sinusitis", "CHF",
        "high blood pressure", "sprain of right ankle", "major depressive disorder recurrent moderate",
        "heart attack", "chronic obstructive pulmonary disease with exacerbation",
    ]

    func run() async throws {
        try await reportingFailures {
            let clock = ContinuousClock()
            let milliseconds = Latency.milliseconds
            var start = clock.now
            let codeSet = ICD10CM.shared
            let load = milliseconds(clock.now - start)
            start = clock.now
            let index = ICD10Search.shared
            let build = milliseconds(clock.now - start)
            start = clock.now
            _ = DiagnosisIndex.shared.longestPhrase
            let phraseBuild = milliseconds(clock.now - start)
            func percentiles(_ body: () throws -> Int) rethrows -> (p50: Double, p90: Double, checksum: Int) {
                try Latency.measure(iterations: iterations, body)
            }
            var queryNumber = 0
            let search = percentiles {
                queryNumber += 1
                return index.search(Self.queries[queryNumber % Self.queries.count], limit: 10).count
            }
            var coding = "null"
            if !files.isEmpty {
                var texts: [String] = []
                for file in files {
                    let bytes = try Terminal.read(file, limit: 4 << 20)
                    guard let text = String(validating: bytes, as: UTF8.self) else {
                        throw CommandFailure(message: "\(file): is not UTF-8 text", exitCode: 2)
                    }
                    texts.append(text)
                }
                let writer = NoteWriter()
                let coder = Coder.shared
                let notes = try texts.map { try writer.note(transcript: $0) }
                var noteNumber = 0
                let coded = percentiles {
                    noteNumber += 1
                    let note = notes[noteNumber % notes.count]
                    let codes = coder.codes(for: note, request: Coder.Request(transcript: texts[noteNumber % texts.count]))
                    return codes.icd10.count + codes.cpt.count
                }
                coding = String(format: "{\"notes\":%d,\"p50Ms\":%.4f,\"p90Ms\":%.4f}", notes.count, coded.p50, coded.p90)
            }
            Terminal.line(
                String(
                    format: "{\"billableCodes\":%d,\"loadMs\":%.1f,\"indexMs\":%.1f,\"phraseIndexMs\":%.1f,\"search\":{\"p50Ms\":%.4f,\"p90Ms\":%.4f},\"coding\":%@,\"peakRSSMB\":%d}",
                    codeSet.billableCount, load, build, phraseBuild, search.p50, search.p90, coding, NoteBench.peakResidentMegabytes()))
        }
    }
}
