import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

@testable import PostgresStore
@testable import Store

/// What only the PostgreSQL store must show (the conformance suite covers what every store does): migrations run
/// once for instances starting together, duplicates decided across instances, group commit, claims shared by
/// instances with per-patient order and lease take-over, no PHI in the clear in the database, and readiness.
@Suite("PostgreSQL store", .postgresServer)
struct PostgresStoreTests {
    private typealias Support = StoreTestSupport

    /// Two "instances" (two stores with pools of their own) on one fresh database, closed after `body`.
    private func withInstances(
        _ count: Int = 2, configure: (inout PostgresStore.Configuration) -> Void = { _ in },
        _ body: ([PostgresStore], PostgresTestServer, String) async throws -> Void
    ) async throws {
        let server = try PostgresTestServer.current()
        var configuration = try await server.newDatabase()
        configure(&configuration)
        let keyring = try Support.keyring()
        let stores = try (0..<count).map { _ in try PostgresStore(configuration: configuration, keyring: keyring) }
        do {
            try await body(stores, server, configuration.database)
        } catch {
            for store in stores { try? await store.close() }
            throw error
        }
        for store in stores { try await store.close() }
    }

    private func note(_ id: String, patient: String, now: Date = Date()) -> OutboxNote {
        OutboxNote(
            id: id, createdAt: now, expiresAt: now.addingTimeInterval(3600), patientKey: patient,
            document: Array("{\"note\":\"\(Support.phiMarker) says the knee hurts\"}".utf8))
    }

    @Test("instances starting together apply each migration once, under the advisory lock")
    func migrationsRunOnce() async throws {
        try await withInstances(4) { stores, server, database in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
            let expected = Array(1...PostgresStore.schemaVersion)
            for store in stores { #expect(try await store.appliedSchemaVersions() == expected) }
            let rows = try await server.withClient(database: database) { client in
                try await client.query("SELECT COUNT(*) FROM notebridge_schema").collect().first?.decode(Int.self)
            }
            #expect(rows == expected.count)
            for store in stores { try await store.checkReadiness() }
        }
    }

    @Test("a database migrated by a newer build is refused with the versions named")
    func newerSchemaIsRefused() async throws {
        try await withInstances(1) { stores, server, database in
            try await stores[0].migrate()
            try await server.withClient(database: database) { client in
                try await client.query("INSERT INTO notebridge_schema (version, name) VALUES (999, 'future')")
            }
            let later = try PostgresStore(
                configuration: server.configuration(database: database), keyring: try Support.keyring())
            await #expect { try await later.checkReadiness() } throws: { error in
                (error as? StoreError)?.code == .newerSchema && "\(error)".contains("version 999")
                    && "\(error)".contains("at \(PostgresStore.schemaVersion)")
            }
            try await later.close()
        }
    }

    @Test("readiness fails at once while another instance holds the migration lock, and passes once it is released")
    func readinessWhileMigrationsPending() async throws {
        let server = try PostgresTestServer.current()
        let configuration = try await server.newDatabase()
        let store = try PostgresStore(configuration: configuration, keyring: try Support.keyring())
        try await server.withClient(database: configuration.database) { client in
            try await client.withConnection { connection in
                let logger = Logger(label: "test.lock")
                try await connection.query(
                    "SELECT pg_advisory_lock(\(PostgresSchema.migrationLockKey))", logger: logger)
                let started = ContinuousClock.now
                await #expect { try await store.checkReadiness() } throws: { error in
                    "\(error)".contains("migrations are pending")
                }
                // The message says it was the lock, not readiness's own 2-second deadline (that error says "no
                // answer"); the bound shows it did not wait for the lock, which is held until after. It is loose
                // because opening the store's first connection takes over a second on a loaded machine.
                #expect(ContinuousClock.now - started < .seconds(5))
                try await connection.query(
                    "SELECT pg_advisory_unlock(\(PostgresSchema.migrationLockKey))", logger: logger)
            }
        }
        // Once released it passes. Readiness answers within its 2-second deadline; on a machine loaded by the rest
        // of the suite the migrations it then runs can take longer than one answer, so it is asked again.
        var ready: (any Error)? = nil
        for _ in 0..<10 {
            do {
                try await store.checkReadiness()
                ready = nil
                break
            } catch {
                ready = error
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        #expect(ready == nil, "\(String(describing: ready))")
        #expect(try await store.appliedSchemaVersions() == Array(1...PostgresStore.schemaVersion))
        try await store.close()
    }

    @Test("readiness and records fail, quickly and without the password, while the server cannot be reached")
    func readinessWithoutServer() async throws {
        let server = try PostgresTestServer.current()
        var configuration = server.configuration(database: "nothing")
        configuration.unixSocketPath = server.socketFolder + "/missing/.s.PGSQL.5432"
        configuration.password = "s3cret-password"
        configuration.connectTimeout = .seconds(1)
        let store = try PostgresStore(configuration: configuration, keyring: try Support.keyring())
        let started = ContinuousClock.now
        await #expect { try await store.checkReadiness() } throws: { error in
            let code = (error as? StoreError)?.code
            return (code == .database || code == .cannotWrite) && !"\(error)".contains("s3cret")
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        // A record is refused too (its sender gets a negative answer), within about the connect timeout.
        let recording = ContinuousClock.now
        await #expect {
            _ = try await store.journal.record(StoreTestSupport.entry(controlID: "DOWN"), duplicateWindow: .seconds(60))
        } throws: { error in
            // cannotWrite: the caller answers "retry later" (503, an MLLP AE), as for a full disk.
            (error as? StoreError)?.code == .cannotWrite && !"\(error)".contains("s3cret")
        }
        #expect(ContinuousClock.now - recording < .seconds(10))
        try await store.close()
    }

    @Test("a read-only database and connections the server ends are cannotWrite; a constraint error is not")
    func storageUnavailableIsCannotWrite() async throws {
        try await withInstances(1) { stores, server, database in
            let store = stores[0]
            _ = try await store.journal.record(Support.entry(controlID: "RW-1"), duplicateWindow: .seconds(60))
            // Every new session read-only (as on a standby), and the pool's sessions ended by the server.
            try await server.withClient(database: "postgres") { client in
                try await client.query(
                    PostgresQuery(unsafeSQL: "ALTER DATABASE \(database) SET default_transaction_read_only = on"))
                try await client.query(
                    PostgresQuery(
                        unsafeSQL:
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'"))
            }
            var reasons: [String] = []
            // The pool's ended sessions fail first (how many depends on how soon the pool notices them), then a new
            // session answers read-only.
            for n in 0..<20 where !reasons.contains(where: { $0.contains("25006") }) {
                await #expect {
                    _ = try await store.journal.record(
                        Support.entry(controlID: "RO-\(n)"), duplicateWindow: .seconds(60))
                } throws: { error in
                    reasons.append((error as? StoreError)?.reason ?? "")
                    return (error as? StoreError)?.code == .cannotWrite && !"\(error)".contains(Support.phiMarker)
                }
            }
            #expect(reasons.contains { $0.contains("25006") }, "\(reasons)")
            try await server.withClient(database: "postgres") { client in
                try await client.query(
                    PostgresQuery(unsafeSQL: "ALTER DATABASE \(database) SET default_transaction_read_only = off"))
                try await client.query(
                    PostgresQuery(
                        unsafeSQL:
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)'"))
            }
        }
        for state in ["08006", "08001", "53100", "53200", "57P01", "57P03", "25006", "40001", "40P01", "58030"] {
            #expect(PostgresStoreDatabase.isStorageUnavailable(sqlState: state), "\(state)")
        }
        for state in ["23505", "42P01", "22001", "57014"] {
            #expect(!PostgresStoreDatabase.isStorageUnavailable(sqlState: state), "\(state)")
        }
    }

    /// `body`'s result, or `nil` when it has not ended within `limit` (it is then left running): a test of a wait
    /// that must end fails, instead of hanging the suite, when the wait does not end.
    private static func ending<T: Sendable>(
        within limit: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T? {
        let waiting = Mutex<CheckedContinuation<T?, any Error>?>(nil)
        let resume = { @Sendable (result: Result<T?, any Error>) in
            waiting.withLock { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.withLock { $0 = continuation }
            Task {
                do {
                    resume(.success(try await body()))
                } catch {
                    resume(.failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                resume(.success(nil))
            }
        }
    }

    @Test("a statement on a connection the server ended fails at once, instead of waiting for an answer never coming")
    func statementOnEndedConnection() async throws {
        try await withInstances(1) { stores, server, database in
            let store = stores[0]
            let logger = store.database.logger
            // A transaction whose session the server ends between two statements (a restart, pg_terminate_backend):
            // PostgresNIO's closed channel drops the next statement, whose answer then never comes.
            let outcome = try await Self.ending(within: .seconds(60)) { () -> String in
                do {
                    _ = try await store.database.transaction("test: the session ends mid-transaction") { connection in
                        let pid = try await connection.rows("SELECT pg_backend_pid()", logger: logger).first?
                            .value(0, as: Int32.self)
                        try await server.withClient(database: "postgres") { client in
                            _ = try await client.query("SELECT pg_terminate_backend(\(pid ?? 0))").collect()
                        }
                        while !connection.isClosed { try await Task.sleep(for: .milliseconds(10)) }
                        // The channel's handlers are removed a moment after it closes.
                        try await Task.sleep(for: .milliseconds(200))
                        return try await connection.rows("SELECT 1", logger: logger).count
                    }
                    return "committed"
                } catch let error as StoreError {
                    return "\(error.code): \(error.reason)"
                }
            }
            #expect(outcome?.hasPrefix("cannotWrite") == true, "\(outcome ?? "no answer within 60 s")")
            #expect(outcome?.contains("the connection to PostgreSQL was closed") == true)
            // The store goes on, on a new connection.
            let after = try await store.journal.record(
                Support.entry(controlID: "AFTER-END"), duplicateWindow: .seconds(60))
            guard case .recorded = after else {
                Issue.record("not recorded: \(after)")
                return
            }
        }
    }

    @Test("a statement the server leaves unanswered fails after the query timeout, and its connection is closed")
    func unansweredStatementTimesOut() async throws {
        try await withInstances(1, configure: { $0.queryTimeout = .seconds(1) }) { stores, server, database in
            let store = stores[0]
            let logger = store.database.logger
            // Another session holds an advisory lock: a statement waiting for it gets no answer while it does.
            try await server.withClient(database: database) { client in
                try await client.withConnection { holder in
                    _ = try await holder.query("SELECT pg_advisory_lock(4242)", logger: logger).collect()
                    let outcome = try await Self.ending(within: .seconds(60)) { () -> String in
                        do {
                            _ = try await store.database.transaction("test: waits for a lock") { connection in
                                try await connection.rows("SELECT pg_advisory_xact_lock(4242)", logger: logger).count
                            }
                            return "answered"
                        } catch let error as StoreError {
                            return "\(error.code): \(error.reason)"
                        }
                    }
                    #expect(
                        outcome == "cannotWrite: test: waits for a lock: no answer from PostgreSQL within 1.0 seconds",
                        "\(outcome ?? "no answer within 60 s")")
                    _ = try await holder.query("SELECT pg_advisory_unlock(4242)", logger: logger).collect()
                }
            }
            // The store goes on, on a new connection.
            let after = try await store.journal.record(
                Support.entry(controlID: "AFTER-WAIT"), duplicateWindow: .seconds(60))
            guard case .recorded = after else {
                Issue.record("not recorded: \(after)")
                return
            }
        }
    }

    @Test("TLS: require and verify-full encrypt; verify-full refuses a certificate its trust roots do not vouch for")
    func tls() async throws {
        let server = try await PostgresTestServer.start(tls: true)
        do {
            /// Whether the store's own connection is encrypted.
            func encrypted(_ mode: PostgresStore.Configuration.TLSMode, host: String, roots: String?) async throws
                -> Bool
            {
                let configuration = PostgresStore.Configuration(
                    host: host, port: server.port, username: PostgresTestServer.superuser, database: "postgres",
                    // A TLS handshake on a loaded machine (the whole suite runs in parallel) can take seconds; the
                    // refused certificate fails at once whatever the bound.
                    poolSize: 2, tlsMode: mode, tlsRootCertificate: roots, connectTimeout: .seconds(20))
                let store = try PostgresStore(configuration: configuration, keyring: try Support.keyring())
                do {
                    let ssl = try await store.database.withConnection("ssl") { connection in
                        try await connection.rows(
                            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: Logger(label: "test")
                        ).first?.value(0, as: Bool.self) ?? false
                    }
                    try await store.close()
                    return ssl
                } catch {
                    try? await store.close()
                    throw error
                }
            }
            #expect(try await encrypted(.require, host: "127.0.0.1", roots: nil))
            #expect(try await encrypted(.verifyFull, host: "localhost", roots: server.certificatePath))
            #expect(try await encrypted(.disable, host: "127.0.0.1", roots: nil) == false)
            // Another server's certificate as the only trust root: refused.
            let other = try await PostgresTestServer.start(tls: true)
            await #expect(throws: StoreError.self) {
                _ = try await encrypted(.verifyFull, host: "localhost", roots: other.certificatePath)
            }
            try await other.stop()
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("the same message sent to two instances at once is journaled once; the others are duplicates")
    func duplicatesAcrossInstances() async throws {
        try await withInstances { stores, _, _ in
            let outcomes = try await withThrowingTaskGroup(of: JournalRecordOutcome.self) { group in
                for index in 0..<24 {
                    let journal = stores[index % 2].journal
                    group.addTask {
                        try await journal.record(Support.entry(controlID: "DUP-1"), duplicateWindow: .seconds(3600))
                    }
                }
                var all: [JournalRecordOutcome] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            let recorded = outcomes.compactMap { outcome -> Int64? in
                if case .recorded(let id) = outcome { return id }
                return nil
            }
            #expect(recorded.count == 1)
            let duplicates = outcomes.compactMap { outcome -> Int64? in
                if case .duplicate(let original) = outcome { return original.id }
                return nil
            }
            #expect(duplicates.count == 23)
            #expect(Set(duplicates) == Set(recorded))
            #expect(try await stores[1].journal.count() == 1)
            #expect(try await stores[0].journal.entry(id: try #require(recorded.first))?.duplicateCount == 23)
        }
    }

    @Test("instances starting together on an empty database make one first API key between them")
    func firstKeyAcrossInstances() async throws {
        try await withInstances(4) { stores, _, _ in
            let stored = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        try await store.keys.saveFirstKey(
                            APIKeyRecord(
                                id: "key_first\(index)", name: "first key", scopes: ["admin"], hash: "h\(index)",
                                webhookSecret: "whsec_\(index)", createdAt: Date()))
                    }
                }
                var results: [Bool] = []
                for try await result in group { results.append(result) }
                return results
            }
            #expect(stored.filter { $0 }.count == 1)
            #expect(try await stores[0].keys.keys().count == 1)
        }
    }

    @Test("a due webhook is handed to one instance; it is due again for all once its lease ends without an attempt")
    func webhookLease() async throws {
        try await withInstances(3) { stores, _, _ in
            let now = Date()
            for index in 0..<10 {
                _ = try await stores[0].webhooks.enqueue(
                    WebhookDelivery(
                        keyID: "key_1", url: "https://hooks.example/\(index)", eventType: "note.generated",
                        payload: Array("{}".utf8), nextAttemptAt: now, createdAt: now))
            }
            let taken = try await withThrowingTaskGroup(of: [WebhookDelivery].self) { group in
                for store in stores {
                    group.addTask { try await store.webhooks.dueDeliveries(now: now, limit: 10) }
                }
                var all: [WebhookDelivery] = []
                for try await deliveries in group { all += deliveries }
                return all
            }
            #expect(taken.count == 10)
            #expect(Set(taken.map(\.id)).count == 10)
            #expect(taken.allSatisfy { abs($0.nextAttemptAt.timeIntervalSince(now)) < 0.01 })
            let first = try #require(taken.first)
            try await stores[1].webhooks.recordAttempt(
                id: first.id, state: .delivered, nextAttemptAt: now, result: "200")
            #expect(try await stores[2].webhooks.dueDeliveries(now: now.addingTimeInterval(60), limit: 10).isEmpty)
            let again = try await stores[2].webhooks.dueDeliveries(now: now.addingTimeInterval(121), limit: 10)
            #expect(again.count == 9)
            #expect(!again.contains { $0.id == first.id })
        }
    }

    @Test("concurrent records are group-committed: fewer transactions than records, each acknowledged after commit")
    func groupCommit() async throws {
        try await withInstances(1) { stores, _, _ in
            let store = stores[0]
            try await store.migrate()
            let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        if case .recorded(let id) = try await store.journal.record(
                            Support.entry(controlID: "GC-\(index)"), duplicateWindow: .seconds(3600))
                        {
                            return id
                        }
                        return nil
                    }
                }
                var all: [Int64] = []
                for try await id in group { if let id { all.append(id) } }
                return all
            }
            #expect(Set(ids).count == 300)
            // Every acknowledged record is there, read back through the other path.
            #expect(try await store.journal.count() == 300)
            let statistics = store.groupCommitStatistics
            #expect(statistics.batches < 300)
            #expect(statistics.largestBatch > 1)
        }
    }

    @Test(
        "a resend in a batch of new messages is a duplicate, also when its control-id anchor is gone; the rest recorded")
    func resendInABatchOfNewMessages() async throws {
        try await withInstances(1, configure: { $0.commitConcurrency = 1 }) { stores, server, database in
            let store = stores[0]
            try await store.migrate()
            let window = Duration.seconds(3600)
            guard case .recorded(let first) = try await store.journal.record(
                Support.entry(controlID: "RS-1"), duplicateWindow: window)
            else {
                Issue.record("the first message was not recorded")
                return
            }
            guard case .recorded(let second) = try await store.journal.record(
                Support.entry(controlID: "RS-2"), duplicateWindow: window)
            else {
                Issue.record("the second message was not recorded")
                return
            }
            // RS-2's anchor lost (as an import in progress or an older build may leave it): the journal itself
            // still decides.
            try await server.withClient(database: database) { client in
                try await client.query("DELETE FROM journal_control_ids WHERE control_id = 'RS-2'")
            }
            for (original, originalID) in [("RS-1", first), ("RS-2", second)] {
                let controlIDs = [original] + (0..<20).map { "\(original)-NEW-\($0)" }
                let outcomes = try await withThrowingTaskGroup(of: (String, JournalRecordOutcome).self) { group in
                    for controlID in controlIDs {
                        group.addTask {
                            let outcome = try await store.journal.record(
                                Support.entry(controlID: controlID), duplicateWindow: window)
                            return (controlID, outcome)
                        }
                    }
                    var all: [String: JournalRecordOutcome] = [:]
                    for try await (controlID, outcome) in group { all[controlID] = outcome }
                    return all
                }
                guard case .duplicate(let entry) = outcomes[original] else {
                    Issue.record("\(original) resent was not a duplicate: \(String(describing: outcomes[original]))")
                    continue
                }
                #expect(entry.id == originalID)
                let recorded = outcomes.values.filter {
                    if case .recorded = $0 { return true }
                    return false
                }
                #expect(recorded.count == 20)
            }
            #expect(try await store.journal.count() == 42)
            // Sent again on its own (a batch of one), each is still a duplicate, and an anchor is back for RS-2.
            for controlID in ["RS-1", "RS-2"] {
                let outcome = try await store.journal.record(Support.entry(controlID: controlID), duplicateWindow: window)
                guard case .duplicate = outcome else {
                    Issue.record("\(controlID) alone was not a duplicate")
                    continue
                }
            }
            try await server.withClient(database: database) { client in
                let rows = try await client.query(
                    "SELECT count(*) FROM journal_control_ids WHERE control_id IN ('RS-1', 'RS-2')")
                for try await count in rows.decode(Int.self) { #expect(count == 2) }
            }
        }
    }

    @Test("a record the server refuses fails alone: the rest of its batch is committed and acknowledged")
    func refusedRecordFailsAlone() async throws {
        try await withInstances(1, configure: { $0.commitConcurrency = 1 }) { stores, server, database in
            let store = stores[0]
            try await store.migrate()
            try await server.withClient(database: database) { client in
                try await client.query(
                    """
                    CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN
                    IF NEW.control_id = 'POISON' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$
                    LANGUAGE plpgsql
                    """)
                try await client.query(
                    "CREATE TRIGGER poison BEFORE INSERT ON journal FOR EACH ROW EXECUTE FUNCTION refuse_poison()")
            }
            let results = await withTaskGroup(of: (String, Bool).self) { group in
                for index in 0..<60 {
                    let controlID = index == 30 ? "POISON" : "OK-\(index)"
                    group.addTask {
                        let outcome = try? await store.journal.record(
                            Support.entry(controlID: controlID), duplicateWindow: .seconds(60))
                        return (controlID, outcome != nil)
                    }
                }
                var all: [String: Bool] = [:]
                for await (controlID, stored) in group { all[controlID] = stored }
                return all
            }
            #expect(results["POISON"] == false)
            #expect(results.filter { $0.value }.count == 59)
            #expect(try await store.journal.count() == 59)
            await #expect {
                _ = try await store.journal.record(
                    Support.entry(controlID: "NUL\u{0}ID"), duplicateWindow: .seconds(60))
            } throws: { error in
                (error as? StoreError)?.code == .invalidArgument
            }
        }
    }

    @Test("instances claim one outbox without taking the same row, one row per patient in flight at a time")
    func claimsAcrossInstances() async throws {
        try await withInstances(3) { stores, _, _ in
            let now = Date()
            for index in 0..<60 {
                _ = try await stores[index % 3].outbox.commit(
                    note("note_\(index)", patient: "pk_\(index % 12)"), destinations: ["ehr"], processing: nil, now: now
                )
            }
            // Each round, every instance claims at once; what is claimed is delivered before the next round.
            var delivered: [String: [String]] = [:]
            var rounds = 0
            while try await stores[0].outbox.count(state: .pending) > 0 {
                rounds += 1
                #expect(rounds <= 20)
                if rounds > 20 { break }
                let claimed = try await withThrowingTaskGroup(of: [OutboxLease].self) { group in
                    for store in stores {
                        group.addTask {
                            try await store.outbox.claim(
                                destination: "ehr", limit: 50, leaseDuration: .seconds(60), now: Date())
                        }
                    }
                    var all: [OutboxLease] = []
                    for try await leases in group { all += leases }
                    return all
                }
                #expect(Set(claimed.map(\.item.id)).count == claimed.count)
                #expect(Set(claimed.map(\.item.patientKey)).count == claimed.count)
                for lease in claimed {
                    delivered[lease.item.patientKey, default: []].append(lease.item.noteID)
                }
                for (index, lease) in claimed.enumerated() {
                    try await stores[index % 3].outbox.complete(lease, now: Date())
                }
            }
            #expect(try await stores[2].outbox.count(state: .delivered) == 60)
            // Per patient, in commit order.
            for patient in 0..<12 {
                let expected = stride(from: patient, to: 60, by: 12).map { "note_\($0)" }
                #expect(delivered["pk_\(patient)"] == expected)
            }
        }
    }

    @Test("a patient's outbox rows are committed one transaction at a time, so their ids are in commit order")
    func patientCommitsAreSerialized() async throws {
        try await withInstances(1) { stores, server, database in
            let store = stores[0]
            try await store.migrate()
            let logger = Logger(label: "test.lock")
            try await server.withClient(database: database) { client in
                try await client.withConnection { connection in
                    // Another instance in the middle of committing a note for pk_a.
                    try await connection.query("BEGIN", logger: logger)
                    try await connection.query(
                        "SELECT pg_advisory_xact_lock(\(PostgresOutbox.patientLockClass), hashtext('pk_a'))",
                        logger: logger)
                    async let committed: ContinuousClock.Instant = {
                        _ = try await store.outbox.commit(
                            self.note("note_a", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: Date())
                        return ContinuousClock.now
                    }()
                    // Another patient is not held up.
                    _ = try await store.outbox.commit(
                        self.note("note_b", patient: "pk_b"), destinations: ["ehr"], processing: nil, now: Date())
                    try await Task.sleep(for: .milliseconds(300))
                    let released = ContinuousClock.now
                    try await connection.query("COMMIT", logger: logger)
                    #expect(try await committed >= released)
                }
            }
            let rows = try await store.outbox.items(state: nil, destination: "ehr", afterID: nil, limit: 10)
            #expect(rows.map(\.noteID) == ["note_b", "note_a"])
        }
    }

    @Test("a lease held by an instance that died expires, and another instance takes the row over")
    func leaseTakeOver() async throws {
        try await withInstances { stores, _, _ in
            let start = Date()
            _ = try await stores[0].outbox.commit(
                note("note_1", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: start)
            _ = try await stores[0].outbox.commit(
                note("note_2", patient: "pk_a"), destinations: ["ehr"], processing: nil, now: start)
            let dying = try await stores[0].outbox.claim(
                destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: start)
            #expect(dying.map(\.item.noteID) == ["note_1"])
            try await stores[0].close()
            #expect(
                try await stores[1].outbox.claim(
                    destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: start.addingTimeInterval(10)
                ).isEmpty)
            let taken = try await stores[1].outbox.claim(
                destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: start.addingTimeInterval(31))
            #expect(taken.map(\.item.noteID) == ["note_1"])
            try await stores[1].outbox.complete(try #require(taken.first), now: start.addingTimeInterval(32))
            #expect(
                try await stores[1].outbox.claim(
                    destination: "ehr", limit: 10, leaseDuration: .seconds(30), now: start.addingTimeInterval(33)
                ).map(\.item.noteID) == ["note_2"])
        }
    }

    @Test("instances share a key's token bucket: a burst spent on one is spent on the other, and it refills")
    func sharedRateLimits() async throws {
        try await withInstances { stores, _, _ in
            let limits = try stores.map { try #require($0.rateLimits) }
            let start = Date()
            #expect(try await limits[0].take("key_a", rate: 1, burst: 3, now: start) == nil)
            #expect(try await limits[1].take("key_a", rate: 1, burst: 3, now: start) == nil)
            #expect(try await limits[0].take("key_a", rate: 1, burst: 3, now: start) == nil)
            #expect(try await limits[1].take("key_a", rate: 1, burst: 3, now: start) == 1)
            #expect(try await limits[0].take("key_a", rate: 0.25, burst: 3, now: start) == 4)
            // Another key has a bucket of its own.
            #expect(try await limits[1].take("key_b", rate: 1, burst: 3, now: start) == nil)
            // A second later one token is back, for one request on either instance.
            let later = start.addingTimeInterval(1.001)
            #expect(try await limits[1].take("key_a", rate: 1, burst: 3, now: later) == nil)
            #expect(try await limits[0].take("key_a", rate: 1, burst: 3, now: later) == 1)
            // Concurrent requests from both instances take exactly the bucket's tokens.
            let burst = start.addingTimeInterval(100)
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await limits[index % 2].take("key_c", rate: 0.001, burst: 10, now: burst) == nil
                    }
                }
                var count = 0
                for try await ok in group where ok { count += 1 }
                return count
            }
            #expect(allowed == 10)
        }
    }

    @Test("singleton work runs on one instance at a time, and moves when the instance holding it is gone")
    func singletonWork() async throws {
        try await withInstances(3) { stores, server, database in
            let (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                defer { enteredContinuation.finish() }
                return try await stores[0].exclusively(.retentionSweep) {
                    enteredContinuation.yield()
                    for await _ in release { break }
                }
            }
            for await _ in entered { break }
            #expect(try await stores[1].exclusively(.retentionSweep) {} == false)
            releaseContinuation.yield()
            #expect(try await holder.value == true)
            #expect(try await stores[1].exclusively(.retentionSweep) {} == true)
            // An instance whose connection is gone while it holds the work (it died) leaves the work to the others.
            let (entered2, entered2Continuation) = AsyncStream.makeStream(of: Void.self)
            let (release2, release2Continuation) = AsyncStream.makeStream(of: Void.self)
            let dying = Task {
                defer { entered2Continuation.finish() }
                return try await stores[2].exclusively(.retentionSweep) {
                    entered2Continuation.yield()
                    for await _ in release2 { break }
                }
            }
            for await _ in entered2 { break }
            #expect(try await stores[0].exclusively(.retentionSweep) {} == false)
            try await server.withClient(database: database) { client in
                _ = try await client.query(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' \
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """
                ).collect()
            }
            // The server ends the terminated backend (and drops its lock) a moment later.
            var moved = false
            for _ in 0..<100 where !moved {
                moved = try await stores[0].exclusively(.retentionSweep) {}
                if !moved { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(moved)
            // The dead connection's holder ends too: its unlock on the connection the server ended fails at once
            // (PostgresNIO would never answer it). Its instance, with a new connection, can take the work again once
            // the survivor is done.
            release2Continuation.yield()
            let ended = try await Self.ending(within: .seconds(60)) { try await dying.value }
            #expect(ended == true)
            #expect(try await stores[2].exclusively(.retentionSweep) {} == true)
        }
    }

    @Test("instances claim the accepted journal entries between them, and take over a dead instance's claims")
    func journalClaimsAcrossInstances() async throws {
        try await withInstances { stores, _, _ in
            var ids: [Int64] = []
            for index in 0..<8 {
                guard
                    case .recorded(let id) = try await stores[index % 2].journal.record(
                        Support.entry(controlID: "JC\(index)"), duplicateWindow: .seconds(3600))
                else { Issue.record("not recorded"); return }
                ids.append(id)
            }
            let start = Date()
            let one = JournalClaimant(owner: "one", lease: .seconds(10))
            let two = JournalClaimant(owner: "two", lease: .seconds(10))
            let first = try await stores[0].journal.claimAccepted(
                messageTypes: [], afterID: nil, limit: 3, by: one, now: start)
            let second = try await stores[1].journal.claimAccepted(
                messageTypes: [], afterID: nil, limit: 10, by: two, now: start)
            #expect(first.map(\.id) == Array(ids[0..<3]))
            #expect(second.map(\.id) == Array(ids[3..<8]))
            #expect(
                try await stores[1].journal.earlierClaims(before: ids[3], messageTypes: [], owner: "two", now: start)
                    == .held(firstID: ids[0]))
            // "one" dies; its claims expire and "two" takes them over.
            try await stores[0].close()
            let later = start.addingTimeInterval(11)
            #expect(
                try await stores[1].journal.earlierClaims(before: ids[3], messageTypes: [], owner: "two", now: later)
                    == .abandoned)
            #expect(
                try await stores[1].journal.claimAccepted(
                    messageTypes: [], afterID: nil, limit: 10, by: two, now: later
                )
                .map(\.id) == ids)
        }
    }

    @Test(
        "an entry another instance's claim statement holds locked is claimed by nobody until the claim commits"
    )
    func lockedClaimInFlight() async throws {
        try await withInstances { stores, server, database in
            var recorded: [Int64] = []
            for index in 0..<6 {
                guard
                    case .recorded(let id) = try await stores[0].journal.record(
                        Support.entry(controlID: "LC\(index)"), duplicateWindow: .seconds(3600))
                else { Issue.record("not recorded"); return }
                recorded.append(id)
            }
            let ids = recorded
            let now = Date()
            let two = JournalClaimant(owner: "two", lease: .seconds(30))
            let logger = Logger(label: "test.claim")
            /// "one"'s claim statement on `claimed`, in flight (its transaction open) while `body` runs; committed
            /// or undone (as when its session ends) after.
            func claimInFlight(_ claimed: ArraySlice<Int64>, commit: Bool, _ body: @Sendable () async throws -> Void)
                async throws
            {
                try await server.withClient(database: database) { client in
                    try await client.withConnection { connection in
                        try await connection.query("BEGIN", logger: logger)
                        let (low, high) = (claimed.first ?? 0, claimed.last ?? 0)
                        let expires = now.addingTimeInterval(30).epochMilliseconds
                        try await connection.query(
                            """
                            WITH claimable AS MATERIALIZED (SELECT id FROM journal WHERE id BETWEEN \(low) AND \(high) \
                            ORDER BY id FOR UPDATE SKIP LOCKED) UPDATE journal SET claim_owner = 'one', \
                            claim_expires_at = \(expires) FROM claimable WHERE journal.id = claimable.id
                            """, logger: logger)
                        try await body()
                        try await connection.query(commit ? "COMMIT" : "ROLLBACK", logger: logger)
                    }
                }
            }
            // Committed: "two" skipped the entries while they were locked, then finds them held by "one".
            try await claimInFlight(ids[0..<2], commit: true) {
                let page = try await stores[1].journal.claimAccepted(
                    messageTypes: [], afterID: nil, limit: 2, by: two, now: now)
                #expect(page.map(\.id) == Array(ids[2..<4]))
                #expect(
                    try await stores[1].journal.earlierClaims(before: ids[2], messageTypes: [], owner: "two", now: now)
                        == .unclaimed(firstID: ids[0]))
            }
            #expect(
                try await stores[1].journal.earlierClaims(before: ids[2], messageTypes: [], owner: "two", now: now)
                    == .held(firstID: ids[0]))
            for id in ids[0..<4] { try await stores[0].journal.updateState(id: id, to: .processed) }
            // Undone (its session ended mid-statement): the entries stay nobody's, and "two"'s next pass takes them.
            try await claimInFlight(ids[4..<5], commit: false) {
                let page = try await stores[1].journal.claimAccepted(
                    messageTypes: [], afterID: nil, limit: 10, by: two, now: now)
                #expect(page.map(\.id) == [ids[5]])
                #expect(
                    try await stores[1].journal.earlierClaims(before: ids[5], messageTypes: [], owner: "two", now: now)
                        == .unclaimed(firstID: ids[4]))
            }
            #expect(
                try await stores[1].journal.earlierClaims(before: ids[5], messageTypes: [], owner: "two", now: now)
                    == .unclaimed(firstID: ids[4]))
            #expect(
                try await stores[1].journal.claimAccepted(messageTypes: [], afterID: nil, limit: 10, by: two, now: now)
                    .map(\.id) == Array(ids[4..<6]))
            #expect(
                try await stores[1].journal.earlierClaims(before: ids[5], messageTypes: [], owner: "two", now: now)
                    == .none)
        }
    }

    @Test("PostgreSQL holds sealed bodies, notes and contexts, and digests: never the PHI in the clear")
    func noPHIInTheClear() async throws {
        try await withInstances(1) { stores, server, database in
            let store = stores[0]
            guard
                case .recorded(let id) = try await store.journal.record(
                    Support.entry(controlID: "PHI-1"), duplicateWindow: .seconds(60))
            else { Issue.record("not recorded"); return }
            _ = try await store.outbox.commit(
                note("note_phi", patient: "pk_a"), destinations: ["ehr"], processing: id, now: Date())
            let contexts = try #require(store.journal as? any EncounterContexts)
            try await contexts.keepContext(
                key: "ctx_1", document: Array(Support.phiMarker.utf8), expiresAt: Date().addingTimeInterval(60),
                now: Date())
            #expect(try await contexts.context(key: "ctx_1", now: Date()) == Array(Support.phiMarker.utf8))
            try await store.notes.save(
                StoredNote(
                    id: "note_" + String(repeating: "b", count: 32), ownerKeyID: "key_1", createdAt: Date(),
                    expiresAt: Date().addingTimeInterval(60), specialty: "physician", template: "standard",
                    document: Array(Support.phiMarker.utf8), fhir: Array(Support.phiMarker.utf8),
                    lookup: NoteLookup(patient: "Patient/\(Support.phiMarker)")))
            // Every row as text: bytea columns print as hex, so the marker is searched both ways.
            let marker = Support.phiMarker
            let hexMarker = Hex.encode(Array(marker.utf8))
            let found = try await server.withClient(database: database) { client -> [String] in
                var tables: [String] = []
                for table in [
                    "journal", "journal_control_ids", "pipeline_notes", "outbox", "encounter_context", "notes",
                    "webhooks",
                ] {
                    for row in try await client.query(PostgresQuery(unsafeSQL: "SELECT t::text FROM \(table) t"))
                        .collect()
                    {
                        let text = try row.decode(String.self).lowercased()
                        if text.contains(marker.lowercased()) || text.contains(hexMarker) { tables.append(table) }
                    }
                }
                return tables
            }
            #expect(found.isEmpty, "PHI in the clear in \(found)")
        }
    }
}

/// `storage.url` and the other connection settings, without a server.
@Suite("PostgreSQL store configuration")
struct PostgresStoreConfigurationTests {
    @Test("a postgres:// URL gives host, port, user, password, database, TLS mode and pool size")
    func url() throws {
        let configuration = try PostgresStore.Configuration(
            url: "postgresql://nb:p%40ss@db.example:6543/notebridge?sslmode=verify-full&pool_size=4")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "nb")
        #expect(configuration.password == "p@ss")
        #expect(configuration.database == "notebridge")
        #expect(configuration.tlsMode == .verifyFull)
        #expect(configuration.poolSize == 4)
        #expect(!configuration.redactedDescription.contains("p@ss"))
        #expect(!"\(configuration)".contains("p@ss") && !String(reflecting: configuration).contains("p@ss"))
        let socket = try PostgresStore.Configuration(url: "postgres://nb@/notebridge?host=/run/postgresql")
        #expect(socket.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(socket.tlsMode == .disable)
        #expect(try PostgresStore.Configuration(url: "postgres://nb@localhost/db").port == 5432)
    }

    @Test(
        "a bad URL is refused with what is wrong, never the password",
        arguments: [
            ("mysql://nb@host/db", "postgres://"), ("postgres://host/db", "no user"),
            ("postgres://nb@host/", "no database"),
            ("postgres://nb:secret@host/db?sslmode=maybe", "sslmode"),
            ("postgres://nb@host/db?pool_size=0", "pool_size"),
            ("postgres://nb@host/db?colour=red", "unknown URL parameter colour"),
            ("postgres://nb:secret@/db", "no host"),
        ])
    func badURL(_ text: String, _ expected: String) throws {
        #expect {
            _ = try PostgresStore.Configuration(url: text)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            return error.code == .invalidArgument && error.reason.contains(expected) && !error.reason.contains("secret")
        }
    }
}
