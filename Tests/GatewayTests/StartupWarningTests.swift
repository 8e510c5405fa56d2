import Foundation
import Logging
import Store
import TestSupport
import Testing

@testable import Gateway

/// What the gateway says at start about its data folder, and how it reads a request's target before the HTTP
/// decoder (for a `/fhir` 431).
@Suite struct StartupWarningTests {
    @Test("a key file kept while the database is gone is one warning naming the folder; a first start is none")
    func keyWithoutDatabase() async throws {
        let folder = try URLPaths.temporaryDirectory()
        var configuration = GatewayConfiguration()
        configuration.dataDirectory = folder.appendingPathComponent("data").path
        // First start: neither key nor database. No warning.
        let first = LogRecorder()
        try await Gateway.openStore(configuration, environment: [:], logger: first.logger()).close()
        #expect(first.all.filter { $0.level == .warning }.isEmpty, "\(first.text)")
        // Restarted with both: no warning.
        let again = LogRecorder()
        try await Gateway.openStore(configuration, environment: [:], logger: again.logger()).close()
        #expect(again.all.filter { $0.level == .warning }.isEmpty, "\(again.text)")
        // The database deleted (with its WAL files), the key kept: one warning, the folder and nothing else.
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: configuration.databaseFile.path + suffix)
        }
        let deleted = LogRecorder()
        try await Gateway.openStore(configuration, environment: [:], logger: deleted.logger()).close()
        let warnings = deleted.all.filter { $0.level == .warning }
        #expect(warnings.count == 1, "\(deleted.text)")
        #expect(warnings.first?.message.contains("data key file exists but the data folder has no database") == true)
        #expect(warnings.first?.metadata["nb.store.folder"] == configuration.dataDirectory)
        #expect(warnings.first?.text.contains("journal.key") == false)
    }

    @Test(
        "the request target read before the decoder: /fhir paths in origin and absolute form, others not",
        arguments: [
            ("GET /fhir/metadata HTTP/1.1\r\n", true), ("POST /fhir HTTP/1.1\r\n", true),
            ("GET /fhir?_format=xml HTTP/1.1", true), ("\r\nGET /fhir/Encounter/1", true),
            ("POST http://host:8080/fhir/$soap-note HTTP/1.1", true), ("GET /fhirx HTTP/1.1", false),
            ("GET /v1/note HTTP/1.1", false), ("GET / HTTP/1.1", false), ("GET http://host/v1 HTTP/1.1", false),
            ("\u{16}\u{3}\u{1} fhir", false), ("get /fhir/metadata", false),
        ])
    func targetIsFHIR(line: String, expected: Bool) {
        #expect(HTTPRequestTargetPeeker.targetIsFHIR(Array(line.utf8)) == expected)
    }

    @Test("a request line not yet whole is undecided", arguments: ["GET", "GET /fh", "GET /fhir", "POST http://ho"])
    func undecided(line: String) {
        #expect(HTTPRequestTargetPeeker.targetIsFHIR(Array(line.utf8)) == nil)
    }
}
