import Foundation
import MLLP
import NIOHTTP1
import Store
import Testing

@testable import Gateway

@Suite("Configuration")
struct ConfigurationTests {
    @Test("embedded defaults")
    func defaults() throws {
        let configuration = try GatewayConfiguration.load(file: nil, environment: [:])
        #expect(configuration.httpPort == 8080)
        #expect(configuration.mllp.port == 2575)
        #expect(configuration.dataDirectory == "./data")
        #expect(configuration.databaseFile.lastPathComponent == "notebridge.sqlite")
        #expect(configuration.storeBackend == .sqlite)
        #expect(configuration.keyFileURL.path.hasSuffix("data/journal.key"))
        #expect(configuration.mllp.maximumFrameSize == 1 << 20)
        #expect(configuration.mllp.tls == nil)
        #expect(configuration.httpIdleTimeout == .seconds(60))
    }

    @Test("the HTTP idle timeout from the file and the environment, and its range")
    func httpIdleTimeout() throws {
        let directory = try URLPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("notebridge.yaml")
        try "http:\n  idleTimeoutSeconds: 15\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try GatewayConfiguration.load(file: file, environment: [:]).httpIdleTimeout == .seconds(15))
        let overridden = try GatewayConfiguration.load(
            file: file, environment: ["NOTEBRIDGE_HTTP_IDLE_TIMEOUT_SECONDS": "3"])
        #expect(overridden.httpIdleTimeout == .seconds(3))
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_HTTP_IDLE_TIMEOUT_SECONDS": "0"])
        }
    }

    @Test("the HTTP request timeout and connection limit: defaults, file, environment and ranges")
    func httpRequestTimeoutAndConnectionLimit() throws {
        let defaults = try GatewayConfiguration.load(file: nil, environment: [:])
        #expect(defaults.httpRequestTimeout == .seconds(120))
        #expect(defaults.httpMaxConnections == 1024)
        let directory = try URLPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("notebridge.yaml")
        try "http:\n  requestTimeoutSeconds: 30\n  maxConnections: 64\n".write(
            to: file, atomically: true, encoding: .utf8)
        let loaded = try GatewayConfiguration.load(file: file, environment: ["NOTEBRIDGE_HTTP_MAX_CONNECTIONS": "8"])
        #expect(loaded.httpRequestTimeout == .seconds(30))
        #expect(loaded.httpMaxConnections == 8)
        for (key, value) in [
            ("NOTEBRIDGE_HTTP_REQUEST_TIMEOUT_SECONDS", "0"), ("NOTEBRIDGE_HTTP_MAX_CONNECTIONS", "0"),
        ] {
            #expect(throws: ConfigurationError.self) {
                try GatewayConfiguration.load(file: nil, environment: [key: value])
            }
        }
    }

    @Test("a parser error is named in words, without the request's bytes")
    func parserErrorReason() {
        #expect(HTTPConnectionGuard.reason(.invalidHeaderToken) == "a header name or value holds a character HTTP does not allow")
        #expect(HTTPConnectionGuard.reason(.invalidChunkSize) == "a chunk size of the chunked body is not hexadecimal")
        // NIO's own descriptions, split at capitals, used to read "invalid  h t t p method" and "unknown httpparser
        // error" (a TLS hello or a garbage line on the HTTP port; Content-Length with Transfer-Encoding).
        #expect(HTTPConnectionGuard.reason(.invalidMethod).contains("HTTP method"))
        #expect(HTTPConnectionGuard.reason(.invalidVersion).contains("HTTP/1.1"))
        let cases: [HTTPParserError] = [
            .invalidCharactersUsed, .trailingGarbage, .invalidEOFState, .headerOverflow, .closedConnection,
            .invalidVersion, .invalidStatus, .invalidMethod, .invalidURL, .lfExpected, .invalidHeaderToken,
            .invalidContentLength, .unexpectedContentLength, .invalidChunkSize, .invalidConstant,
            .invalidInternalState, .strictModeAssertion, .paused, .unknown,
        ]
        for error in cases {
            let reason = HTTPConnectionGuard.reason(error)
            #expect(!reason.contains("parser") && !reason.contains("  ") && reason.count > 15, "\(error): \(reason)")
        }
    }

    @Test("a section given a list is named as such, and a file at fault is called a file")
    func sectionGivenAValue() throws {
        let directory = try URLPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("notebridge.yaml")
        try "http: [1, 2]\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try GatewayConfiguration.load(file: file, environment: [:])
            Issue.record("loaded")
        } catch let error as ConfigurationError {
            // It read "unknown key", though `http` is the HTTP listener's section.
            #expect(error.key == "http")
            #expect(error.reason.contains("must be a mapping"))
        }
        try "a: [\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try GatewayConfiguration.load(file: file, environment: [:])
            Issue.record("loaded")
        } catch let error as ConfigurationError {
            #expect(error.description.hasPrefix("configuration file '"))
        }
    }

    @Test("a configuration file with aliases or a non-scalar key is refused with its reason, quickly and without a crash")
    func hostileYAML() throws {
        let directory = try URLPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("notebridge.yaml")
        // Nine levels of nine aliases: `serve` spent 32 s and 2 GB on it; a key that is a list stopped the process.
        var bomb = #"a: &a ["x","x","x","x","x","x","x","x","x"]"# + "\n"
        for (name, previous) in zip(["b", "c", "d", "e", "f", "g", "h"], ["a", "b", "c", "d", "e", "f", "g"]) {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
        }
        let cases = [
            (bomb, "aliases (*name) are not allowed"),
            ("? [a, b]\n: c\n", "every key must be a plain value"),
            ("http:\n  ? {port: 1}\n  : 2\n", "every key must be a plain value"),
        ]
        for (text, reason) in cases {
            try text.write(to: file, atomically: true, encoding: .utf8)
            let started = ContinuousClock.now
            do {
                _ = try GatewayConfiguration.load(file: file, environment: [:])
                Issue.record("loaded")
            } catch let error as ConfigurationError {
                #expect(error.reason.contains(reason), "\(error)")
            }
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test("YAML file, then environment variables")
    func fileAndEnvironment() throws {
        let directory = try URLPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("notebridge.yaml")
        try """
        http:
          port: 9090
        mllp:
          port: 12575
          maxFrameBytes: 2048
          idleTimeoutSeconds: 30
        storage:
          path: /var/lib/notebridge
          synchronous: full
        routes:
          acceptMessageTypes: [ADT^A04, ORU^*]
        """.write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try GatewayConfiguration.load(file: file, environment: [:])
        #expect(fromFile.httpPort == 9090)
        #expect(fromFile.mllp.port == 12575)
        #expect(fromFile.mllp.maximumFrameSize == 2048)
        #expect(fromFile.mllp.idleTimeout == .seconds(30))
        #expect(fromFile.dataDirectory == "/var/lib/notebridge")
        #expect(fromFile.synchronous == .full)
        #expect(fromFile.acceptedMessageTypes.map(\.description) == ["ADT^A04", "ORU^*"])
        let overridden = try GatewayConfiguration.load(
            file: file,
            environment: ["NOTEBRIDGE_HTTP_PORT": "0", "NOTEBRIDGE_MLLP_PORT": "0", "NOTEBRIDGE_DATA_DIR": "/tmp/nb"])
        #expect(overridden.httpPort == 0)
        #expect(overridden.mllp.port == 0)
        #expect(overridden.dataDirectory == "/tmp/nb")
        #expect(overridden.mllp.maximumFrameSize == 2048)
    }

    @Test("every key has an environment variable")
    func environmentNames() {
        let names = ConfigurationKey.all.map(\.environmentVariable)
        #expect(names.contains("NOTEBRIDGE_HTTP_PORT"))
        #expect(names.contains("NOTEBRIDGE_MLLP_MAX_FRAME_BYTES"))
        #expect(names.contains("NOTEBRIDGE_MLLP_TLS_REQUIRE_CLIENT_CERTIFICATE"))
        #expect(Set(names).count == names.count)
    }

    @Test(
        "bad configurations name the key",
        arguments: [
            ("http:\n  port: 70000\n", "http.port"),
            ("mllp:\n  prot: 1\n", "mllp.prot"),
            ("storage:\n  synchronous: sometimes\n", "storage.synchronous"),
            ("storage:\n  backend: postgres\n", "storage.backend"),
            ("destinations:\n  hook:\n    type: webhook\n    url: http://127.0.0.1:9/x\n", "destinations.hook.secret"),
            (
                "destinations:\n  hook:\n    type: webhook\n    url: http://h/x\n    secret: 0123456789abcdef\n    host: h\n",
                "destinations.hook.host"
            ),
            ("mllp:\n  tls:\n    certificate: /x.pem\n", "mllp.tls.privateKey"),
            ("routes:\n  acceptMessageTypes: [NOT-A-TYPE]\n", "routes.acceptMessageTypes"),
            ("- just\n- a list\n", ""),
            ("http: [unclosed\n", ""),
        ])
    func errors(yaml: String, key: String) throws {
        let directory = try URLPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("bad.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try GatewayConfiguration.load(file: file, environment: [:])
            Issue.record("expected a configuration error")
        } catch let error as ConfigurationError {
            if !key.isEmpty { #expect(error.key == key) }
            #expect(!error.reason.isEmpty)
        }
    }

    @Test("a bad environment value is an error")
    func badEnvironment() {
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_MLLP_PORT": "many"])
        }
    }
}

@Suite("Configuration: retention")
struct RetentionConfigurationTests {
    @Test("retention days, forever, and a duplicate window longer than retention")
    func retention() throws {
        #expect(try GatewayConfiguration.load(file: nil, environment: [:]).retention == .seconds(30 * 86_400))
        #expect(
            try GatewayConfiguration.load(file: nil, environment: ["NOTEBRIDGE_STORAGE_RETENTION_DAYS": "0"]).retention
                == nil)
        #expect(throws: ConfigurationError.self) {
            try GatewayConfiguration.load(
                file: nil,
                environment: [
                    "NOTEBRIDGE_STORAGE_RETENTION_DAYS": "1", "NOTEBRIDGE_STORAGE_DUPLICATE_WINDOW_HOURS": "48",
                ])
        }
    }
}
