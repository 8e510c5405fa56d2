import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Store

@testable import Gateway
import TestSupport

/// A real note store in a temporary folder, the `/v1` routes over it, and a key with every scope.
struct V1APIFixture {
    let directory: URL
    let store: SQLiteNoteStore
    let signal = WebhookSignal()
    let recorder = LogRecorder()
    let configuration: V1Routes.Configuration
    let key: IssuedAPIKey

    init(configuration: V1Routes.Configuration = V1Routes.Configuration()) async throws {
        directory = try URLPaths.temporaryDirectory()
        let keyring = try DataKeyring.load(keyFile: directory.appendingPathComponent("journal.key"), environment: [:])
        store = try SQLiteNoteStore(
            databaseFile: directory.appendingPathComponent("notes.sqlite"), keyring: keyring,
            logger: recorder.logger(label: "store"))
        self.configuration = configuration
        key = try await APIKeys.create(in: store, name: "test app", scopes: APIScope.allCases)
    }

    var logger: Logger { recorder.logger(label: "api") }

    /// The routes and, as in `serve`, the worker that runs their audio jobs.
    func application() -> some ApplicationProtocol {
        let router = Router(context: APIRequestContext.self)
        let routes = V1Routes(store: store, signal: signal, configuration: configuration, logger: logger)
        routes.register(on: router)
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            services: [AudioJobService(runner: routes.audioJobRunner)], logger: logger)
    }

    func webhookService(_ configuration: WebhookService.Configuration = WebhookService.Configuration()) -> WebhookService {
        WebhookService(outbox: store, keys: store, signal: signal, configuration: configuration, logger: logger)
    }

    /// A key with only these scopes.
    func key(scopes: [APIScope]) async throws -> IssuedAPIKey {
        try await APIKeys.create(in: store, name: "limited", scopes: scopes)
    }

    static let transcript: String = {
        let url = URLPaths.repositoryRoot.appendingPathComponent("samples/transcripts/primary-care-dialogue.txt")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static func body(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object)).map(Array.init) ?? [])
    }

    static func headers(_ key: IssuedAPIKey?, contentType: String? = "application/json") -> HTTPFields {
        var fields = HTTPFields()
        if let key { fields[.authorization] = "Bearer \(key.secret)" }
        if let contentType { fields[.contentType] = contentType }
        return fields
    }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The `error` object of an error response.
    static func error(_ buffer: ByteBuffer) -> [String: Any] {
        json(buffer)["error"] as? [String: Any] ?? [:]
    }

    /// Every byte of the database files (main file and WAL).
    func databaseBytes() throws -> [UInt8] {
        var bytes: [UInt8] = []
        for suffix in ["", "-wal"] {
            let url = directory.appendingPathComponent("notes.sqlite" + suffix)
            if let data = FileManager.default.contents(atPath: url.path) { bytes += data }
        }
        return bytes
    }
}

extension Array where Element == UInt8 {
    func contains(bytes needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return false }
        return (0...(count - needle.count)).contains { start in self[start..<(start + needle.count)].elementsEqual(needle) }
    }
}
