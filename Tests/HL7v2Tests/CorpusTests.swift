import Foundation
import HL7v2
import Testing

/// Every sample of the public corpus in ../shared/eval/hl7 parses, round-trips byte for byte, and reads
/// back the MSH-9, MSH-12 and segment counts that SOURCES.tsv records.
@Suite("Sample corpus")
struct CorpusTests {
    static let files: [String] = (try? TestData.corpusFiles().map(\.lastPathComponent)) ?? []

    @Test("the corpus is present and large")
    func corpusPresent() {
        #expect(Self.files.count >= 100, "expected the shared HL7 corpus at \(TestData.corpusDirectory.path)")
    }

    @Test("round trip and terser reads", arguments: files)
    func roundTrip(file: String) throws {
        let url = TestData.corpusDirectory.appendingPathComponent(file)
        let bytes = Array(try Data(contentsOf: url))
        let batch = try HL7Batch(parsing: bytes)
        #expect(batch.encoded() == bytes)
        #expect(!batch.messages.isEmpty)
        let sources = try TestData.corpusSources()
        let row = try #require(sources[file])
        let first = try #require(batch.messages.first)
        #expect(first.encodedValue(at: try HL7TerserPath(parsing: "MSH-9")) == row["msh9"])
        #expect(first["MSH-12"] == row["msh12"])
        if batch.envelope.isEmpty, batch.messages.count == 1 {
            #expect(first.bytes == bytes)
            #expect(first.segments.count == Int(row["n_segments"] ?? ""))
            // Rebuilding from the parsed elements writes the same bytes.
            #expect(HL7MessageBuilder(message: first).encoded() == bytes)
        }
        for message in batch.messages {
            // Every value decodes without trapping and the JSON rendering is valid JSON.
            let json = message.jsonString()
            _ = try JSONSerialization.jsonObject(with: Data(json.utf8))
            #expect(message.header?.controlID.isEmpty == false)
        }
    }

    @Test("LF and CRLF terminated copies parse to the CR form")
    func lineFeedTolerance() throws {
        for file in Self.files.prefix(20) {
            let bytes = Array(try Data(contentsOf: TestData.corpusDirectory.appendingPathComponent(file)))
            let lf = bytes.map { $0 == 0x0D ? 0x0A : $0 }
            var crlf: [UInt8] = []
            for byte in bytes {
                crlf.append(byte)
                if byte == 0x0D { crlf.append(0x0A) }
            }
            #expect(try HL7Batch(parsing: lf).encoded() == bytes)
            #expect(try HL7Batch(parsing: crlf).encoded() == bytes)
        }
    }
}
