import Foundation
import PostgresStore
import Store
import Testing

@testable import Gateway

/// `storage.backend: postgresql` and its connection keys: read from the file and the environment, and refused with
/// the key named (and the password never quoted).
@Suite("Configuration: PostgreSQL storage")
struct StorageConfigurationTests {
    private func load(_ yaml: String, environment: [String: String] = [:]) throws -> GatewayConfiguration {
        let directory = try URLPaths.temporaryDirectory()
        let file = directory.appendingPathComponent("storage.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return try GatewayConfiguration.load(file: file, environment: environment)
    }

    @Test("the URL, a password from a file or the environment, the pool size and TLS")
    func postgresql() throws {
        let directory = try URLPaths.temporaryDirectory()
        let passwordFile = directory.appendingPathComponent("pg-password")
        try "from-the-file\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        let configuration = try load(
            """
            storage:
              backend: postgresql
              url: postgres://nb@db.internal:6432/notebridge?sslmode=require
              passwordFile: \(passwordFile.path)
              poolSize: 4
              commitConcurrency: 3
              queryTimeoutSeconds: 12
            """)
        #expect(configuration.storeBackend == .postgresql)
        let postgres = try #require(configuration.postgres)
        #expect(postgres.host == "db.internal")
        #expect(postgres.port == 6432)
        #expect(postgres.database == "notebridge")
        #expect(postgres.password == "from-the-file")
        #expect(postgres.poolSize == 4)
        #expect(postgres.commitConcurrency == 3)
        #expect(postgres.queryTimeout == .seconds(12))
        #expect(postgres.tlsMode == .require)
        let fromEnvironment = try GatewayConfiguration.load(
            file: nil,
            environment: [
                "NOTEBRIDGE_STORAGE_BACKEND": "postgresql", "NOTEBRIDGE_STORAGE_URL": "postgres://nb@/nb?host=/run/pg",
                "NOTEBRIDGE_STORAGE_PASSWORD": "from-the-environment",
            ])
        #expect(fromEnvironment.postgres?.password == "from-the-environment")
        #expect(fromEnvironment.postgres?.unixSocketPath == "/run/pg/.s.PGSQL.5432")
        #expect(fromEnvironment.postgres?.queryTimeout == .seconds(30))
        #expect(try GatewayConfiguration.load(file: nil, environment: [:]).postgres == nil)
    }

    @Test(
        "bad storage settings name the key and never the password",
        arguments: [
            ("storage:\n  backend: postgresql\n", "storage.url"),
            ("storage:\n  backend: postgresql\n  url: mysql://nb:hunter2@h/db\n", "storage.url"),
            ("storage:\n  backend: postgresql\n  url: postgres://nb:hunter2@h/db?sslmode=sometimes\n", "storage.url"),
            (
                "storage:\n  backend: postgresql\n  url: postgres://nb:hunter2@h/db\n  password: hunter2\n",
                "storage.password"
            ),
            (
                "storage:\n  backend: postgresql\n  url: postgres://nb@h/db\n  passwordFile: /nonexistent/pw\n",
                "storage.passwordFile"
            ),
            ("storage:\n  backend: postgresql\n  url: postgres://nb@h/db\n  poolSize: 0\n", "storage.poolSize"),
            (
                "storage:\n  backend: postgresql\n  url: postgres://nb@h/db\n  poolSize: 2\n  commitConcurrency: 3\n",
                "storage.commitConcurrency"
            ),
            ("storage:\n  commitConcurrency: 2\n", "storage.commitConcurrency"),
            (
                "storage:\n  backend: postgresql\n  url: postgres://nb@h/db\n  queryTimeoutSeconds: 0\n",
                "storage.queryTimeoutSeconds"
            ),
            ("storage:\n  queryTimeoutSeconds: 30\n", "storage.queryTimeoutSeconds"),
            ("storage:\n  backend: postgresql\n  url: postgres://nb@h/db\n  tls: sometimes\n", "storage.tls"),
            ("storage:\n  backend: postgresql\n  url: postgres://nb@/db?host=/run/pg\n  tls: require\n", "storage.tls"),
            (
                "storage:\n  backend: postgresql\n  url: postgres://nb@h/db\n  tlsRootCertificate: /x.pem\n",
                "storage.tlsRootCertificate"
            ),
            ("storage:\n  url: postgres://nb@h/db\n", "storage.url"),
        ])
    func errors(yaml: String, key: String) throws {
        do {
            _ = try load(yaml)
            Issue.record("expected a configuration error")
        } catch let error as ConfigurationError {
            #expect(error.key == key)
            #expect(!error.reason.isEmpty)
            #expect(!"\(error)".contains("hunter2"))
        }
    }
}
