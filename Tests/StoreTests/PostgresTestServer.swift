import Foundation
import Logging
import PostgresNIO
import PostgresStore
import Store
import Synchronization
import TestSupport
import Testing

/// A real PostgreSQL server from the Debian package `postgresql`, started by the tests themselves: `initdb` and
/// `postgres` in a fresh temporary folder, as `nobody` when the tests run as root (PostgreSQL refuses to run as
/// root), listening only on a Unix socket in that folder (no TCP port to collide with), durability off (`fsync`)
/// for speed. One server serves every suite that carries the ``PostgresServerTrait`` while any of them runs; it is
/// stopped (and its folder removed) when the last one ends. Each store gets a database of its own.
///
/// When the binaries are missing the tests fail with what to install; they are never skipped.
final class PostgresTestServer: Sendable {
    /// Where Debian puts the server binaries (`/usr/lib/postgresql/<major>/bin`); `NOTEBRIDGE_TEST_POSTGRES_ROOT`
    /// names another folder of the same layout.
    static let binaryRoot =
        ProcessInfo.processInfo.environment["NOTEBRIDGE_TEST_POSTGRES_ROOT"] ?? "/usr/lib/postgresql"
    static let superuser = "notebridge"

    let folder: URL
    let socketFolder: String
    /// The port: the socket's name, and with TLS the TCP port on 127.0.0.1.
    let port: Int
    private let process: Process
    private let databaseCounter = Mutex(0)

    /// The socket file PostgresNIO connects to.
    var socketPath: String { "\(socketFolder)/.s.PGSQL.\(port)" }

    /// The server's certificate (PEM), when it was started with TLS.
    var certificatePath: String { folder.appendingPathComponent("server.crt").path }

    private init(folder: URL, process: Process, port: Int) {
        self.port = port
        self.folder = folder
        self.socketFolder = folder.path
        self.process = process
    }

    // MARK: - Sharing

    private struct Shared: Sendable {
        var users = 0
        var server: PostgresTestServer?
        var starting: Task<PostgresTestServer, any Error>?
    }

    private static let shared = Mutex(Shared())

    /// The running server; fails the test when the suite lacks the trait.
    static func current() throws -> PostgresTestServer {
        guard let server = shared.withLock({ $0.server }) else {
            throw TestServerError("no PostgreSQL test server is running: give the suite the .postgresServer trait")
        }
        return server
    }

    /// Runs `body` with the shared server running (started first when no other suite holds it).
    static func withServer(_ body: () async throws -> Void) async throws {
        let task = shared.withLock { state -> Task<PostgresTestServer, any Error> in
            state.users += 1
            if let starting = state.starting { return starting }
            let starting = Task { try await PostgresTestServer.start() }
            state.starting = starting
            return starting
        }
        do {
            let server = try await task.value
            shared.withLock { $0.server = server }
        } catch {
            await release()
            throw error
        }
        do {
            try await body()
        } catch {
            await release()
            throw error
        }
        await release()
    }

    /// Gives the server back; the last user stops it, before its suite ends (so that no server outlives the tests).
    private static func release() async {
        let last = shared.withLock { state -> Task<PostgresTestServer, any Error>? in
            state.users -= 1
            guard state.users == 0 else { return nil }
            defer {
                state.starting = nil
                state.server = nil
            }
            return state.starting
        }
        guard let last else { return }
        try? await last.value.stop()
    }

    // MARK: - Life cycle

    /// The `bin` folder of the newest installed major version, or an error saying what to install.
    static func binaries() throws -> URL {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: binaryRoot)) ?? []
        let usable = versions.compactMap(Int.init).sorted().reversed().map {
            URL(fileURLWithPath: "\(binaryRoot)/\($0)/bin")
        }.filter {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path)
                && FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("postgres").path)
        }
        guard let bin = usable.first else {
            throw TestServerError(
                "PostgreSQL server binaries not found under \(binaryRoot)/<version>/bin (initdb, postgres): "
                    + "install the Debian package postgresql (scripts/setup-debian.sh test, or apt-get install -y postgresql)"
            )
        }
        return bin
    }

    /// Starts a server of its own. With `tls`, it also listens on 127.0.0.1 (``tcpPort``) with TLS on, its
    /// certificate (for `localhost` and 127.0.0.1, self-signed, made with openssl) at ``certificatePath``.
    static func start(tls: Bool = false) async throws -> PostgresTestServer {
        let bin = try binaries()
        let folder = URL(fileURLWithPath: "/tmp/nbpg-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("data")
        let asRoot = getuid() == 0
        var tcp: [String] = ["-c", "listen_addresses="]
        var tcpPort: Int?
        if tls {
            let port = try freePort()
            tcpPort = port
            try await run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", folder.appendingPathComponent("server.key").path,
                    "-out", folder.appendingPathComponent("server.crt").path,
                ])
            try await run("/bin/chmod", ["600", folder.appendingPathComponent("server.key").path])
            if asRoot {
                try await run(
                    "/bin/chown",
                    [
                        "nobody:nogroup", folder.appendingPathComponent("server.key").path,
                        folder.appendingPathComponent("server.crt").path,
                    ])
            }
            tcp = [
                "-c", "listen_addresses=127.0.0.1", "-c", "port=\(port)", "-c", "ssl=on",
                "-c", "ssl_cert_file=\(folder.appendingPathComponent("server.crt").path)",
                "-c", "ssl_key_file=\(folder.appendingPathComponent("server.key").path)",
            ]
        }
        if asRoot {
            // PostgreSQL will not run as root: the folder belongs to nobody, who runs initdb and the server.
            try await run("/bin/chown", ["nobody:nogroup", folder.path])
        }
        try await run(
            bin.appendingPathComponent("initdb").path,
            ["-D", data.path, "-U", superuser, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
            asNobody: asRoot)
        let server = Process()
        let port = tcpPort ?? 5432
        let arguments =
            [
                "-D", data.path, "-k", folder.path, "-p", "\(port)", "-c", "fsync=off",
                "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
                "-c", "shared_buffers=32MB",
            ] + tcp
        if asRoot {
            server.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            server.arguments =
                ["--reuid=nobody", "--regid=nogroup", "--clear-groups", bin.appendingPathComponent("postgres").path]
                + arguments
        } else {
            server.executableURL = bin.appendingPathComponent("postgres")
            server.arguments = arguments
        }
        let log = FileHandle(forWritingAtPath: "/dev/null")
        server.standardOutput = log
        server.standardError = log
        try server.run()
        let instance = PostgresTestServer(folder: folder, process: server, port: port)
        // Ready once a connection answers (at most 30 s).
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            guard server.isRunning else {
                throw TestServerError("postgres exited during start-up (status \(server.terminationStatus))")
            }
            if FileManager.default.fileExists(atPath: instance.socketPath),
                (try? await run(
                    bin.appendingPathComponent("pg_isready").path, ["-q", "-h", folder.path, "-p", "\(port)"])) != nil
            {
                break
            }
            guard ContinuousClock.now < deadline else {
                server.terminate()
                throw TestServerError("PostgreSQL did not accept connections within 30 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return instance
    }

    /// Stops the server (fast shutdown) and removes its folder.
    func stop() async throws {
        if process.isRunning {
            process.interrupt()
            let deadline = ContinuousClock.now + .seconds(10)
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestServerError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw TestServerError("no free TCP port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a program to its end; throws when it fails. It waits without blocking a thread (`initdb` takes seconds;
    /// see ``Process/exitStatus()``).
    @discardableResult
    private static func run(_ path: String, _ arguments: [String], asNobody: Bool = false) async throws -> Int32 {
        let process = Process()
        if asNobody {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        let status = try await process.exitStatus()
        guard status == 0 else {
            throw TestServerError("\(path) exited with status \(status)")
        }
        return status
    }

    // MARK: - Databases

    /// The configuration of a new, empty database on this server.
    func newDatabase() async throws -> PostgresStore.Configuration {
        let name =
            "nb_\(databaseCounter.withLock { counter -> Int in counter += 1; return counter })_\(UUID().uuidString.prefix(8).lowercased())"
        try await withClient(database: "postgres") { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) STRATEGY = FILE_COPY"))
        }
        return configuration(database: name)
    }

    func configuration(database: String) -> PostgresStore.Configuration {
        PostgresStore.Configuration(
            host: nil, unixSocketPath: socketPath, username: Self.superuser, database: database, poolSize: 8,
            tlsMode: .disable)
    }

    /// Runs `body` with a client of `database` (its pool running meanwhile).
    func withClient<T: Sendable>(database: String, _ body: @Sendable (PostgresClient) async throws -> T) async throws
        -> T
    {
        let client = PostgresClient(
            configuration: PostgresClient.Configuration(
                unixSocketPath: socketPath, username: Self.superuser, password: nil, database: database),
            backgroundLogger: Logger(label: "test.postgres"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs the suite (or test) with the shared ``PostgresTestServer`` running.
struct PostgresServerTrait: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await PostgresTestServer.withServer { try await function() }
    }
}

extension Trait where Self == PostgresServerTrait {
    /// A real PostgreSQL server for the suite's tests (``PostgresTestServer``).
    static var postgresServer: Self { Self() }
}
