import Foundation
import NIOSSL
import PostgresNIO
import Store

extension PostgresStore {
    /// Where the database is and how to reach it (`storage.url`, `storage.password`, `storage.passwordFile`,
    /// `storage.poolSize`, `storage.tls`, `storage.tlsRootCertificate`).
    public struct Configuration: Sendable, Hashable {
        /// How the connection is protected (the `sslmode` values of libpq that NoteBridge supports).
        public enum TLSMode: String, Sendable, Hashable, CaseIterable {
            /// Plain TCP (a Unix socket, or a private network).
            case disable
            /// TLS when the server offers it, without checking its certificate.
            case prefer
            /// TLS always, without checking the server's certificate.
            case require
            /// TLS always, with the server's certificate checked against the trust roots and the host name.
            case verifyFull = "verify-full"
        }

        /// The server's host name or address; `nil` with ``unixSocketPath``.
        public var host: String?
        /// The server's port.
        public var port: Int
        /// A Unix domain socket to connect through instead of TCP (`postgres:///db?host=/run/postgresql`).
        public var unixSocketPath: String?
        /// The role to log in as.
        public var username: String
        /// The role's password, when the server asks for one.
        public var password: String?
        /// The database.
        public var database: String
        /// The most connections this instance opens.
        public var poolSize: Int
        /// How the connection is protected.
        public var tlsMode: TLSMode
        /// A PEM file of trust roots for ``TLSMode/verifyFull`` (the system's when `nil`).
        public var tlsRootCertificate: String?
        /// The most records committed in one journal transaction (group commit).
        public var maximumBatchSize: Int
        /// How many journal transactions may commit at the same time.
        public var commitConcurrency: Int
        /// How long to wait for a connection to the server.
        public var connectTimeout: Duration
        /// How long one statement may go unanswered before it fails and its connection is closed (the server then
        /// ends the session, its transaction and its locks): a connection the server dropped never leaves a caller
        /// waiting. Schema migrations allow at least a quarter of an hour per statement.
        public var queryTimeout: Duration

        /// The default ``queryTimeout``.
        public static let defaultQueryTimeout: Duration = .seconds(30)

        /// A configuration; see each property.
        public init(
            host: String? = "127.0.0.1", port: Int = 5432, unixSocketPath: String? = nil, username: String,
            password: String? = nil, database: String, poolSize: Int = 10, tlsMode: TLSMode = .prefer,
            tlsRootCertificate: String? = nil, maximumBatchSize: Int = 256, commitConcurrency: Int = 2,
            connectTimeout: Duration = .seconds(5), queryTimeout: Duration = Configuration.defaultQueryTimeout
        ) {
            self.host = host
            self.port = port
            self.unixSocketPath = unixSocketPath
            self.username = username
            self.password = password
            self.database = database
            self.poolSize = poolSize
            self.tlsMode = tlsMode
            self.tlsRootCertificate = tlsRootCertificate
            self.maximumBatchSize = maximumBatchSize
            self.commitConcurrency = commitConcurrency
            self.connectTimeout = connectTimeout
            self.queryTimeout = queryTimeout
        }

        /// Reads a `postgres://` (or `postgresql://`) URL: `postgres://user[:password]@host[:port]/database` with
        /// the optional query parameters `sslmode` (`disable`, `prefer`, `require`, `verify-full`), `host` (a Unix
        /// socket folder, as libpq reads it) and `pool_size`. Throws ``StoreError`` naming what is wrong
        /// (never the password).
        public init(url text: String) throws {
            guard let components = URLComponents(string: text),
                let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
            else {
                throw StoreError(
                    .invalidArgument, reason: "must be a postgres:// URL (postgres://user@host:5432/database)")
            }
            guard let user = components.user, !user.isEmpty else {
                throw StoreError(.invalidArgument, reason: "the URL names no user (postgres://USER@host/db)")
            }
            let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
            guard !path.isEmpty, !path.contains("/") else {
                throw StoreError(
                    .invalidArgument, reason: "the URL names no database (postgres://user@host/DATABASE)")
            }
            var host = components.host.flatMap { $0.isEmpty ? nil : $0 }
            if let bracketed = host, bracketed.hasPrefix("["), bracketed.hasSuffix("]") {
                host = String(bracketed.dropFirst().dropLast())
            }
            var socket: String?
            var tls = TLSMode.prefer
            var pool = 10
            for item in components.queryItems ?? [] {
                let value = item.value ?? ""
                switch item.name {
                case "sslmode":
                    guard let mode = TLSMode(rawValue: value) else {
                        throw StoreError(
                            .invalidArgument,
                            reason: "sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    tls = mode
                case "host":
                    guard value.hasPrefix("/") else {
                        throw StoreError(
                            .invalidArgument, reason: "the host parameter must be a Unix socket folder (/…)")
                    }
                    socket = value
                case "pool_size":
                    guard let size = Int(value), (1...200).contains(size) else {
                        throw StoreError(.invalidArgument, reason: "pool_size must be 1 to 200")
                    }
                    pool = size
                default:
                    throw StoreError(
                        .invalidArgument,
                        reason: "unknown URL parameter \(item.name) (sslmode, host and pool_size are read)")
                }
            }
            if let socket {
                let port = components.port ?? 5432
                self.init(
                    host: nil, port: port, unixSocketPath: "\(socket)/.s.PGSQL.\(port)", username: user,
                    password: components.password, database: path, poolSize: pool, tlsMode: .disable)
                return
            }
            guard let host else {
                throw StoreError(
                    .invalidArgument, reason: "the URL names no host (postgres://user@HOST/db, or ?host=/socket/dir)")
            }
            if let port = components.port, !(1...65_535).contains(port) {
                throw StoreError(.invalidArgument, reason: "the port must be 1 to 65535")
            }
            self.init(
                host: host, port: components.port ?? 5432, username: user,
                password: components.password.flatMap { $0.removingPercentEncoding ?? $0 }, database: path,
                poolSize: pool, tlsMode: tls)
        }

        /// The URL without its password, for logs.
        public var redactedDescription: String {
            if let unixSocketPath {
                return "postgres://\(username)@/\(database)?host=\(unixSocketPath)"
            }
            return "postgres://\(username)@\(host ?? ""):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
        }

        /// The PostgresNIO client configuration.
        func clientConfiguration() throws -> PostgresClient.Configuration {
            var configuration: PostgresClient.Configuration
            if let unixSocketPath {
                configuration = PostgresClient.Configuration(
                    unixSocketPath: unixSocketPath, username: username, password: password, database: database)
            } else {
                let tls: PostgresClient.Configuration.TLS
                switch tlsMode {
                case .disable:
                    tls = .disable
                case .prefer, .require:
                    var settings = TLSConfiguration.makeClientConfiguration()
                    settings.certificateVerification = .none
                    tls = tlsMode == .prefer ? .prefer(settings) : .require(settings)
                case .verifyFull:
                    var settings = TLSConfiguration.makeClientConfiguration()
                    settings.certificateVerification = .fullVerification
                    if let tlsRootCertificate {
                        do {
                            settings.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(tlsRootCertificate))
                        } catch {
                            throw StoreError(
                                .invalidArgument, reason: "cannot read the TLS trust roots at \(tlsRootCertificate)")
                        }
                    }
                    tls = .require(settings)
                }
                configuration = PostgresClient.Configuration(
                    host: host ?? "127.0.0.1", port: port, username: username, password: password, database: database,
                    tls: tls)
            }
            configuration.options.maximumConnections = poolSize
            configuration.options.minimumConnections = 0
            configuration.options.connectTimeout = connectTimeout
            configuration.options.additionalStartupParameters = [("application_name", "notebridge")]
            return configuration
        }

        /// Throws ``StoreError`` naming the first setting out of range.
        func validate() throws {
            guard (1...200).contains(poolSize) else {
                throw StoreError(.invalidArgument, reason: "the pool size must be 1 to 200")
            }
            guard maximumBatchSize >= 1 else {
                throw StoreError(.invalidArgument, reason: "maximumBatchSize must be at least 1")
            }
            guard (1...poolSize).contains(commitConcurrency) else {
                throw StoreError(.invalidArgument, reason: "commitConcurrency must be 1 to the pool size")
            }
            guard queryTimeout >= .seconds(1) else {
                throw StoreError(.invalidArgument, reason: "the query timeout must be at least one second")
            }
            guard !database.isEmpty, !username.isEmpty else {
                throw StoreError(.invalidArgument, reason: "the database and user must not be empty")
            }
        }
    }
}

extension PostgresStore.Configuration: CustomStringConvertible, CustomDebugStringConvertible {
    /// ``redactedDescription``: the settings never print the password, however they are printed.
    public var description: String { redactedDescription + " pool=\(poolSize)" }
    /// The same as ``description``.
    public var debugDescription: String { description }
}
