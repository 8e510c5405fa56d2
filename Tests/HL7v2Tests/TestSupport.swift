import Foundation
import HL7v2

enum TestData {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// The public sample corpus beside the repository (`../shared/eval/hl7`).
    static let corpusDirectory = repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/eval/hl7")

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: testsDirectory.appendingPathComponent("Fixtures/\(name)")))
    }

    static func corpusFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpusDirectory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "hl7" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// SOURCES.tsv rows by file name: msh9, msh12, n_segments.
    static func corpusSources() throws -> [String: [String: String]] {
        let text = try String(contentsOf: corpusDirectory.appendingPathComponent("SOURCES.tsv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard !lines.isEmpty else { return [:] }
        let header = lines.removeFirst()
        var rows: [String: [String: String]] = [:]
        for line in lines where line.count == header.count {
            rows[line[0]] = Dictionary(uniqueKeysWithValues: zip(header, line))
        }
        return rows
    }

    static func message(_ segments: String...) throws(HL7ParseError) -> HL7Message {
        try HL7Message(parsing: segments.joined(separator: "\r") + "\r")
    }

    static let msh25 = "MSH|^~\\&|SEND|FAC|RECV|RFAC|20261101120000||ADT^A01^ADT_A01|C1|P|2.5"
}
