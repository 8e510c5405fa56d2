import Foundation
import Logging
import Store
import TestSupport
import Testing

@testable import Gateway

/// How the gateway reads a request's target before the HTTP decoder (for a `/fhir` 431).
@Suite struct StartupWarningTests {
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
