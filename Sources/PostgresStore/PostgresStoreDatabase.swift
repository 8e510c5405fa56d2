import Foundation
import Logging
import NIOCore
import PostgresNIO
import Store
import Synchronization

/// The connection pool every part of a ``PostgresStore`` shares, with the schema's state and the mapping of
/// PostgreSQL errors to ``StoreError``s that name the operation and the SQLSTATE only (never a bound value, which may
/// be a digest or a sealed body, nor the server's detail text, which may quote one).
final class PostgresStoreDatabase: Sendable {
    private enum SchemaState: Sendable {
        /// Not yet brought up to date by this process.
        case pending
        /// At ``PostgresSchema/latestVersion``.
        case ready
    }

    let client: PostgresClient
    let configuration: PostgresStore.Configuration
    let logger: Logger
    private let schema = Mutex(SchemaState.pending)
    private let closed = Mutex(false)

    init(configuration: PostgresStore.Configuration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.client = PostgresClient(configuration: try configuration.clientConfiguration(), backgroundLogger: logger)
        self.logger = logger
    }

    var isClosed: Bool { closed.withLock { $0 } }

    func markClosed() -> Bool {
        closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
    }

    var isSchemaReady: Bool {
        schema.withLock {
            if case .ready = $0 { return true }
            return false
        }
    }

    /// The longest a statement of maintenance work may go unanswered: a migration (waiting for another instance's
    /// migration, building an index on a large table), a retention purge or a copy into the database takes longer
    /// than the statements of the gateway's work, which ``PostgresStore/Configuration/queryTimeout`` bounds.
    var maintenanceStatementLimit: Duration { max(configuration.queryTimeout, .seconds(900)) }

    /// Applies the migrations this database lacks, once per process; instances starting together wait on the
    /// advisory lock (unless `wait` is false: then a held lock throws) and the later ones find nothing left to do.
    /// Throws when the server cannot be reached or the database holds a newer schema than this build knows.
    func migrateIfNeeded(wait: Bool = true) async throws {
        if isSchemaReady { return }
        let applied = try await run("migrate schema", statementLimit: maintenanceStatementLimit) { connection in
            try await PostgresSchema.migrate(connection, wait: wait, logger: self.logger)
        }
        schema.withLock { $0 = .ready }
        if !applied.isEmpty {
            logger.notice(
                "PostgreSQL schema migrated",
                metadata: [
                    "nb.store.migrations": "\(applied.map(String.init).joined(separator: ","))",
                    "nb.store.schema_version": "\(PostgresSchema.latestVersion)",
                ])
        }
    }

    /// Runs `body` on one leased connection (no transaction), after the schema is up to date; each statement waits
    /// at most `statementLimit` (``PostgresStore/Configuration/queryTimeout`` unless given) for its answer.
    func withConnection<T: Sendable>(
        _ operation: String, statementLimit: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen()
        try await migrateIfNeeded()
        return try await run(operation, statementLimit: statementLimit, body)
    }

    /// Runs `body` in one transaction (`READ COMMITTED`), after the schema is up to date. Errors thrown by `body`
    /// as ``StoreError``s come out unchanged (the transaction rolled back); a deadlock or serialization failure is
    /// retried up to three times. With `mappingErrors` false, other errors come out as PostgresNIO threw them. Each
    /// statement waits at most `statementLimit` (``PostgresStore/Configuration/queryTimeout`` unless given).
    func transaction<T: Sendable>(
        _ operation: String, mappingErrors: Bool = true, statementLimit: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen()
        try await migrateIfNeeded()
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await leased(operation, statementLimit: statementLimit) { connection in
                    try await connection.inTransaction(logger: self.logger) { connection in
                        try await body(connection)
                    }
                }
            } catch {
                let state = Self.sqlState(error)
                if attempt < 4, state == "40P01" || state == "40001" {
                    logger.debug("PostgreSQL transaction retried", metadata: ["nb.store.operation": "\(operation)"])
                    continue
                }
                throw mappingErrors ? Self.storeError(error, operation: operation) : error
            }
        }
    }

    /// Runs `body` on a leased connection, mapping errors; each of its statements waits at most `statementLimit`
    /// (the configuration's ``PostgresStore/Configuration/queryTimeout`` unless given) for its answer.
    func run<T: Sendable>(
        _ operation: String, statementLimit: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await leased(operation, statementLimit: statementLimit, body)
        } catch {
            throw Self.storeError(error, operation: operation)
        }
    }

    /// Whether a connection was leased (or a statement sent), set from inside the lease.
    final class LeaseFlag: Sendable {
        private let leased = Mutex(false)
        func set() { leased.withLock { $0 = true } }
        var isSet: Bool { leased.withLock { $0 } }
    }

    /// The longest a statement may go unanswered in the current task: set by ``leased(_:statementLimit:_:)`` for
    /// the statements of its `body`, read by ``PostgresConnection/rows(_:logger:)``.
    @TaskLocal static var statementLimit: Duration = PostgresStore.Configuration.defaultQueryTimeout

    /// Set by ``PostgresConnection/rows(_:logger:)`` when it hands a statement to the server, for the lease of
    /// ``leased(_:statementLimit:_:)``: a lease whose first statement found its connection closed sent nothing.
    @TaskLocal static var sentOnLease: LeaseFlag?

    /// How many more connections a lease tries when the pool handed it one already closed (a session the server
    /// ended, or one this store closed after a statement timed out, that the pool has not yet dropped).
    static let closedConnectionRetries = 2

    /// Runs `body` on a pooled connection, giving up when none is leased within the connect timeout (the server is
    /// down or unreachable and the pool keeps retrying): the caller gets an error, a sender a negative answer, instead
    /// of waiting for the server's return. Once leased, each statement of `body` waits at most `statementLimit`
    /// (``PostgresStore/Configuration/queryTimeout`` unless given) for its answer
    /// (``PostgresConnection/rows(_:logger:)``), so `body` ends, one way or the other, unless it waits for something
    /// else than the server.
    private func leased<T: Sendable>(
        _ operation: String, statementLimit: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let flag = LeaseFlag()
        let limit = configuration.connectTimeout
        return try await Self.$statementLimit.withValue(statementLimit ?? configuration.queryTimeout) {
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    var retries = Self.closedConnectionRetries
                    while true {
                        let sent = LeaseFlag()
                        do {
                            return try await Self.$sentOnLease.withValue(sent) {
                                try await self.client.withConnection { connection in
                                    flag.set()
                                    return try await body(connection)
                                }
                            }
                        } catch is PostgresConnectionClosed where !sent.isSet && retries > 0 {
                            // Nothing reached the server on that connection: another one may take the work.
                            retries -= 1
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    guard flag.isSet else {
                        // The server is down or refuses connections: the storage's state, not the request's.
                        throw StoreError(
                            .cannotWrite, reason: "\(operation): no connection to PostgreSQL within \(limit)")
                    }
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let value = result { return value }
                }
                throw StoreError(.database, reason: "\(operation): the connection ended without a result")
            }
        }
    }

    private func checkOpen() throws {
        if isClosed { throw StoreError(.closed, reason: "the store is closed") }
    }

    /// The SQLSTATE PostgreSQL answered `error` with, when it did (inside a failed transaction too).
    static func sqlState(_ error: any Error) -> String? {
        switch error {
        case let error as PSQLError:
            return error.serverInfo?[.sqlState]
        case let error as PostgresTransactionError:
            return (error.closureError ?? error.commitError ?? error.beginError).flatMap(sqlState)
        default:
            return nil
        }
    }

    /// The constraint a PostgreSQL error names, when it does.
    static func constraintName(_ error: any Error) -> String? {
        switch error {
        case let error as PSQLError:
            return error.serverInfo?[.constraintName]
        case let error as PostgresTransactionError:
            return (error.closureError ?? error.commitError).flatMap(constraintName)
        default:
            return nil
        }
    }

    /// Whether SQLSTATE `state` says the server cannot take writes now, whatever is written, rather than that this
    /// statement is wrong: class 08 (connection exception), 53 (insufficient resources: 53100 disk full, out of
    /// memory, too many connections), 58 (system error: an I/O error), 57P01-57P03 (shut down by an administrator,
    /// a crash, or not accepting connections yet), 25006 (a read-only transaction: a standby, or
    /// `default_transaction_read_only`), and 40001/40P01 (serialization failure, deadlock) once retries are spent.
    static func isStorageUnavailable(sqlState state: String) -> Bool {
        state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("58")
            || ["57P01", "57P02", "57P03", "25006", "40001", "40P01"].contains(state)
    }

    /// Whether PostgresNIO's `code` (an error the server did not answer with a SQLSTATE) is the connection failing:
    /// it could not be made, or was lost (a session the server ended, by `pg_terminate_backend` or a shutdown, comes
    /// out as `clientClosedConnection`).
    static func isConnectionFailure(_ code: PSQLError.Code) -> Bool {
        [PSQLError.Code.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown]
            .contains(code)
    }

    /// A ``StoreError`` for `error`: a ``StoreError`` as it is; a PostgreSQL error with the operation and its SQLSTATE,
    /// `.cannotWrite` when the SQLSTATE says the server cannot take writes now (``isStorageUnavailable(sqlState:)``),
    /// `.database` otherwise; a lost or refused connection as `.cannotWrite` saying the server cannot be reached.
    static func storeError(_ error: any Error, operation: String) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.commitError ?? error.beginError {
                return storeError(inner, operation: operation)
            }
            return StoreError(.database, reason: "\(operation): the transaction failed")
        case let error as PSQLError:
            if let state = error.serverInfo?[.sqlState] {
                return StoreError(
                    isStorageUnavailable(sqlState: state) ? .cannotWrite : .database,
                    reason: "\(operation): PostgreSQL error \(state)")
            }
            return StoreError(
                isConnectionFailure(error.code) ? .cannotWrite : .database,
                reason: "\(operation): PostgreSQL \(error.code) (the server cannot be reached)")
        case let error as PostgresStatementTimedOut:
            // No answer: the connection was closed (the session, its transaction and its locks end with it).
            return StoreError(.cannotWrite, reason: "\(operation): no answer from PostgreSQL within \(error.limit)")
        case is PostgresConnectionClosed:
            return StoreError(
                .cannotWrite,
                reason: "\(operation): the connection to PostgreSQL was closed (the server cannot be reached)")
        case is CancellationError:
            return StoreError(.database, reason: "\(operation): cancelled")
        default:
            return StoreError(.database, reason: "\(operation): \(type(of: error))")
        }
    }
}

/// A statement not sent because its connection was already closed (the server ended the session: a restart,
/// `pg_terminate_backend`).
struct PostgresConnectionClosed: Error {}

/// A statement the server did not answer within its limit; its connection was closed.
struct PostgresStatementTimedOut: Error {
    let limit: Duration
}

extension PostgresConnection {
    /// Runs `query` and collects its rows, waiting at most ``PostgresStoreDatabase/statementLimit`` for them.
    ///
    /// PostgresNIO hands a query to the connection's channel without a write promise, and a channel that has closed
    /// (the server ended the session: a restart, `pg_terminate_backend`) and removed its handlers drops it: the
    /// query's promise is never completed, and a caller awaiting it would wait forever, holding what it holds (a
    /// pipeline pass its journal claims, a retention sweep its advisory lock). So the query is handed over on the
    /// connection's event loop, where the channel closes and removes its handlers: a channel still active there
    /// takes the query in the same turn (its handler answers it, with an error if the session ends meanwhile), and a
    /// closed one refuses it at once. And an answer that does not come within the limit (a server or network that
    /// stopped answering) fails the statement and closes the connection, which ends the session on the server with
    /// its transaction and locks; the query's own promise is then left behind, nothing waits for it.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        guard !isClosed else { throw PostgresConnectionClosed() }
        let limit = PostgresStoreDatabase.statementLimit
        let sent = PostgresStoreDatabase.sentOnLease
        let answer = eventLoop.makePromise(of: [PostgresRow].self)
        let timer = eventLoop.scheduleTask(in: TimeAmount(limit)) {
            answer.fail(PostgresStatementTimedOut(limit: limit))
            self.closeWithoutWaiting()
        }
        answer.futureResult.whenComplete { _ in timer.cancel() }
        eventLoop.execute {
            guard !self.isClosed else {
                answer.fail(PostgresConnectionClosed())
                return
            }
            sent?.set()
            self.collectedRows(query, logger: logger).cascade(to: answer)
        }
        return try await answer.futureResult.get()
    }

    /// The query's rows, through PostgresNIO's future interface (a synchronous function, so that the future-returning
    /// overload of `query` is the one chosen).
    private func collectedRows(_ query: PostgresQuery, logger: Logger) -> EventLoopFuture<[PostgresRow]> {
        self.query(query, logger: logger).map(\.rows)
    }

    /// Starts closing the connection (the server then ends the session) without waiting for it to close.
    func closeWithoutWaiting() {
        let closing: EventLoopFuture<Void> = close()
        closing.whenComplete { _ in }
    }

    /// Runs `body` in a transaction: `BEGIN`, `body`, `COMMIT`, each statement bounded as ``rows(_:logger:)``
    /// bounds it. When `body` throws, the transaction is rolled back while the connection stands (a connection the
    /// server closed has no transaction left), and a failed `ROLLBACK` closes the connection, so that the pool never
    /// hands out a connection inside a transaction. Errors come out as `body` or the server threw them.
    func inTransaction<T>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await rows("BEGIN", logger: logger)
        let value: T
        do {
            value = try await body(self)
        } catch {
            if !isClosed {
                do {
                    try await rows("ROLLBACK", logger: logger)
                } catch {
                    closeWithoutWaiting()
                }
            }
            throw error
        }
        try await rows("COMMIT", logger: logger)
        return value
    }
}

extension PostgresRow {
    /// The value of column `index`.
    func value<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try makeRandomAccess()[index].decode(T.self)
    }
}

extension ByteBuffer {
    /// The readable bytes.
    var bytes: [UInt8] { Array(readableBytesView) }
}

extension Array where Element == UInt8 {
    /// The bytes as a buffer to bind as `bytea`.
    var buffer: ByteBuffer { ByteBuffer(bytes: self) }
}
