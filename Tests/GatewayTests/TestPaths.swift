import Foundation
import Gateway

enum URLPaths {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/eval/hl7")

    /// This test process's scratch directory: every temporary directory of the suite is made inside it, and it
    /// is removed with all it holds when the process exits (the suites used to leave one directory per test in
    /// the system's temporary directory).
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nb-test-\(getpid())-\(UUID().uuidString)")
        atexit { try? FileManager.default.removeItem(at: URLPaths.scratch) }
        return url
    }()

    /// A fresh temporary directory, removed when the test process exits.
    static func temporaryDirectory() throws -> URL {
        let url = scratch.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Loads `yaml` as the configuration file, with `environment` for its `${NAME}`s.
func loadConfiguration(_ yaml: String, environment: [String: String] = [:]) throws -> GatewayConfiguration {
    let directory = try URLPaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("notebridge.yaml")
    try yaml.write(to: file, atomically: true, encoding: .utf8)
    return try GatewayConfiguration.load(file: file, environment: environment)
}

enum FileManagerList {
    static func hl7Files(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "hl7" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func read(_ url: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }
}
