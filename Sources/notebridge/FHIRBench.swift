import ArgumentParser
import Coding
import FHIR
import Foundation
import Mapping
import Scribe

/// `notebridge bench fhir`: a note rendered as a FHIR document Bundle and serialized to JSON, and FHIR JSON and
/// XML parsing of the shared examples; one core.
struct FHIRBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir", abstract: "Measure note → FHIR Bundle serialization and FHIR JSON/XML parsing; print JSON.")

    @Option(help: "Repetitions per measurement (after 3 warm-up runs).")
    var iterations = 1_000

    @Option(help: "A transcript whose note (with billing codes) is rendered.")
    var transcript: String

    @Argument(help: "FHIR resources to parse (.json and .xml).")
    var files: [String] = []

    func run() async throws {
        try await reportingFailures {
            let clock = ContinuousClock()
            var checksum = 0
            func percentiles(_ body: () throws -> Int) rethrows -> (p50: Double, p90: Double) {
                let result = try Latency.measure(iterations: iterations, body)
                checksum &+= result.checksum
                return (result.p50, result.p90)
            }
            guard let text = String(validating: try Terminal.read(transcript, limit: 4 << 20), as: UTF8.self) else {
                throw CommandFailure(message: "\(transcript): not UTF-8", exitCode: 2)
            }
            let note: Note
            do {
                note = try NoteWriter().note(transcript: text, specialty: .physician)
            } catch {
                throw CommandFailure(message: "\(transcript): \(error)", exitCode: 2)
            }
            let codes = Coder.shared.codes(for: note, request: Coder.Request(transcript: text))
            let input = NoteFHIRInput(
                note: note, codes: codes, noteID: "note_0123456789abcdef0123456789abcdef", date: "2026-11-29T10:00:00Z")
            let renderer = NoteFHIRRenderer()
            let render = percentiles { JSONWriter.write(renderer.documentBundle(input)).count }
            let bundleBytes = JSONWriter.write(renderer.documentBundle(input)).count
            // The same Bundle with a patient (so that the US Core DocumentReference profile applies), validated
            // against the base specification and the profiles it claims.
            var withPatient = input
            withPatient.patient = .make(["resourceType": "Patient", "id": "bench-patient"])
            let claimed = renderer.documentBundle(withPatient)
            let validator = FHIRProfileValidator.bundled
            let validate = percentiles { validator.validate(claimed).count }
            var documents: [(bytes: [UInt8], xml: Bool)] = []
            for file in files {
                documents.append((try Terminal.read(file, limit: 16 << 20), file.hasSuffix(".xml")))
            }
            let json = documents.filter { !$0.xml }
            let xml = documents.filter { $0.xml }
            func throughput(_ set: [(bytes: [UInt8], xml: Bool)], _ parse: ([UInt8]) throws -> JSONValue) throws -> String {
                guard !set.isEmpty else { return "null" }
                let total = set.reduce(0) { $0 + $1.bytes.count }
                for item in set { _ = try parse(item.bytes) }
                let start = clock.now
                var rounds = 0
                while clock.now - start < .seconds(2) {
                    for item in set { _ = try parse(item.bytes) }
                    rounds += 1
                }
                let seconds = Latency.seconds(clock.now - start)
                let perSecond = Double(rounds * set.count) / seconds
                return #"{"files":\#(set.count),"bytes":\#(total),"documentsPerSecond":\#(Int(perSecond)),"MBPerSecond":\#(String(format: "%.1f", Double(rounds * total) / seconds / 1e6))}"#
            }
            let jsonParse = try throughput(json) { try JSONReader().read($0) }
            let jsonValidate = try throughput(json) { bytes in
                let value = try JSONReader().read(bytes)
                _ = FHIRValidator().validate(value)
                return value
            }
            let xmlParse = try throughput(xml) { try FHIRXMLReader().read($0) }
            if checksum == Int.min { Terminal.line("") }  // keeps the measured work from being optimized away
            Terminal.line(
                #"{"render":{"bundleBytes":\#(bundleBytes),"p50Milliseconds":\#(String(format: "%.3f", render.p50)),"p90Milliseconds":\#(String(format: "%.3f", render.p90))},"profileValidate":{"p50Milliseconds":\#(String(format: "%.3f", validate.p50)),"p90Milliseconds":\#(String(format: "%.3f", validate.p90))},"jsonParse":\#(jsonParse),"jsonParseAndValidate":\#(jsonValidate),"xmlParse":\#(xmlParse)}"#
            )
        }
    }
}
