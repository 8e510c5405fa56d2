import Foundation
import GRDB
import Testing

@testable import Store

@Suite("SQLiteJournal")
struct SQLiteJournalTests {
    private typealias Support = StoreTestSupport

    @Test("a full database or a read-only one is cannotWrite, other SQLite errors stay database errors")
    func cannotWrite() throws {
        // A real SQLITE_FULL: the database may not grow past its current pages.
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (x BLOB)")
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 2
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        do {
            try queue.write { db in try db.execute(sql: "INSERT INTO t VALUES (zeroblob(100000))") }
            Issue.record("wrote past max_page_count")
        } catch {
            #expect((SQLitePool.storeError(error, operation: "insert") as? StoreError)?.code == .cannotWrite, "\(error)")
        }
        for code in [ResultCode.SQLITE_READONLY, .SQLITE_IOERR] {
            let mapped = SQLitePool.storeError(DatabaseError(resultCode: code, message: "m"), operation: "op")
            #expect((mapped as? StoreError)?.code == .cannotWrite)
        }
        let other = SQLitePool.storeError(DatabaseError(resultCode: .SQLITE_CONSTRAINT, message: "m"), operation: "op")
        #expect((other as? StoreError)?.code == .database)
    }

    @Test("a database a newer build migrated is refused on open, with both versions and nothing read from it")
    func newerSchemaIsRefused() async throws {
        try await Support.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("data/notebridge.sqlite")
            let keyring = try Support.keyring()
            try await SQLiteStore(databaseFile: file, keyring: keyring).close()
            let queue = try DatabaseQueue(path: file.path)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('\(Support.phiMarker).v99')")
            }
            try queue.close()
            let known = SQLiteJournal.databaseMigrator.migrations.count
            #expect {
                _ = try SQLiteStore(databaseFile: file, keyring: keyring)
            } throws: { error in
                guard let error = error as? StoreError, error.code == .newerSchema else { return false }
                return error.reason.contains("\(known + 1) migrations applied") && error.reason.contains("has \(known)")
                    && !error.reason.contains(Support.phiMarker)
            }
            // The reader of `store migrate` refuses it too; a database this build knows opens.
            #expect(throws: StoreError.self) { _ = try SQLiteStoreReader(databaseFile: file) }
            try await SQLiteStore(
                databaseFile: directory.appendingPathComponent("other/notebridge.sqlite"), keyring: keyring
            ).close()
        }
    }

    @Test("a recorded entry reads back equal, body included")
    func roundTrip() async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyring = try Support.keyring()
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("data/notebridge.sqlite"),
                keyring: keyring
            )
            let receivedAt = Date(timeIntervalSince1970: 1_736_000_000.123)
            let new = Support.entry(controlID: "MSG0001", receivedAt: receivedAt)
            let outcome = try await journal.record(new, duplicateWindow: .seconds(3600))
            guard case .recorded(let id) = outcome else {
                Issue.record("expected .recorded, got \(outcome)")
                return
            }
            let stored = try #require(try await journal.entry(id: id))
            #expect(stored.id == id)
            #expect(stored.body == new.body)
            #expect(stored.acknowledgment == new.acknowledgment)
            #expect(stored.acknowledgmentCode == "AA")
            #expect(stored.source == new.source)
            #expect(stored.sender == new.sender)
            #expect(stored.controlID == "MSG0001")
            #expect(stored.messageType == "ADT^A01")
            #expect(stored.version == "2.5")
            #expect(stored.state == .accepted)
            #expect(stored.keyID == keyring.activeKeyID)
            #expect(stored.duplicateCount == 0)
            #expect(abs(stored.receivedAt.timeIntervalSince(receivedAt)) < 0.000_5)
            #expect(try await journal.entry(id: id + 1) == nil)
            #expect(try await journal.count() == 1)
            try await journal.close()
        }
    }

    @Test("an entry without acknowledgment or optional fields round-trips")
    func minimalEntry() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let new = NewJournalEntry(source: "mllp://10.0.0.1:1", body: [0x0b, 0x41, 0x1c])
            guard case .recorded(let id) = try await journal.record(new, duplicateWindow: .seconds(60)) else {
                Issue.record("expected .recorded")
                return
            }
            let stored = try #require(try await journal.entry(id: id))
            #expect(stored.body == [0x0b, 0x41, 0x1c])
            #expect(stored.acknowledgment.isEmpty)
            #expect(stored.acknowledgmentCode.isEmpty)
            #expect(stored.sender.isEmpty)
            #expect(stored.controlID == nil)
            #expect(stored.messageType == nil)
            #expect(stored.version == nil)
            #expect(stored.state == .received)
            try await journal.close()
        }
    }

    @Test("bodies are sealed at rest: the database and WAL files never hold the plaintext")
    func bodiesSealedAtRest() async throws {
        try await Support.withTemporaryDirectory { directory in
            let databaseFile = directory.appendingPathComponent("notebridge.sqlite")
            let journal = try SQLiteJournal(databaseFile: databaseFile, keyring: try Support.keyring())
            for index in 0..<20 {
                _ = try await journal.record(Support.entry(controlID: "REST\(index)"), duplicateWindow: .seconds(60))
            }
            let marker = Array(Support.phiMarker.utf8)
            let sender = Array(Support.sender.utf8)
            let whileOpen = Support.databaseBytes(databaseFile)
            // The search works: the plaintext sender column is found.
            let senderFoundWhileOpen = Support.contains(whileOpen, sender)
            let markerFoundWhileOpen = Support.contains(whileOpen, marker)
            let recordNumberFoundWhileOpen = Support.contains(whileOpen, Array("MRN-77310042".utf8))
            #expect(senderFoundWhileOpen)
            #expect(!markerFoundWhileOpen, "plaintext body found in the database or WAL file")
            #expect(!recordNumberFoundWhileOpen, "plaintext body found in the database or WAL file")
            try await journal.close()
            let afterClose = Support.databaseBytes(databaseFile)
            let senderFoundAfterClose = Support.contains(afterClose, sender)
            let markerFoundAfterClose = Support.contains(afterClose, marker)
            #expect(senderFoundAfterClose)
            #expect(!markerFoundAfterClose, "plaintext body found in the database file")
            #expect(try Support.permissions(of: databaseFile) & 0o077 == 0)
        }
    }

    @Test("a repeated control id within the window is a duplicate of the original")
    func duplicateWithinWindow() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let start = Date(timeIntervalSince1970: 1_736_000_000)
            let original = Support.entry(controlID: "DUP1", receivedAt: start)
            guard case .recorded(let id) = try await journal.record(original, duplicateWindow: .seconds(60)) else {
                Issue.record("expected .recorded")
                return
            }
            var repeated = Support.entry(controlID: "DUP1", receivedAt: start.addingTimeInterval(30), note: "changed")
            repeated.acknowledgment = Array("other ack".utf8)
            let first = try await journal.record(repeated, duplicateWindow: .seconds(60))
            guard case .duplicate(let firstOriginal) = first else {
                Issue.record("expected .duplicate, got \(first)")
                return
            }
            #expect(firstOriginal.id == id)
            #expect(firstOriginal.body == original.body)
            #expect(firstOriginal.acknowledgment == original.acknowledgment)
            #expect(firstOriginal.duplicateCount == 1)

            repeated.receivedAt = start.addingTimeInterval(59)
            guard
                case .duplicate(let secondOriginal) = try await journal.record(repeated, duplicateWindow: .seconds(60))
            else {
                Issue.record("expected .duplicate")
                return
            }
            #expect(secondOriginal.id == id)
            #expect(secondOriginal.duplicateCount == 2)
            #expect(try await journal.count() == 1)
            #expect(try await journal.entry(id: id)?.duplicateCount == 2)
            try await journal.close()
        }
    }

    @Test("outside the window, from another sender, or without control id, an entry is recorded anew")
    func notDuplicates() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let start = Date(timeIntervalSince1970: 1_736_000_000)
            let window = Duration.seconds(60)
            var ids: [Int64] = []
            let entries = [
                Support.entry(controlID: "C1", receivedAt: start),
                Support.entry(controlID: "C1", receivedAt: start.addingTimeInterval(120)),
                Support.entry(controlID: "C1", sender: "OTHER|FACILITY", receivedAt: start.addingTimeInterval(121)),
                Support.entry(controlID: "C2", receivedAt: start.addingTimeInterval(122)),
                Support.entry(controlID: nil, receivedAt: start.addingTimeInterval(123)),
                Support.entry(controlID: nil, receivedAt: start.addingTimeInterval(123)),
            ]
            for entry in entries {
                let outcome = try await journal.record(entry, duplicateWindow: window)
                guard case .recorded(let id) = outcome else {
                    Issue.record("expected .recorded, got \(outcome)")
                    continue
                }
                ids.append(id)
            }
            #expect(ids == ids.sorted())
            #expect(Set(ids).count == entries.count)
            #expect(try await journal.count() == entries.count)

            // Within the window of the second C1 (not the first): a duplicate of the newest original.
            let late = Support.entry(controlID: "C1", receivedAt: start.addingTimeInterval(150))
            guard case .duplicate(let original) = try await journal.record(late, duplicateWindow: window) else {
                Issue.record("expected .duplicate")
                return
            }
            #expect(original.id == ids[1])
            try await journal.close()
        }
    }

    @Test("concurrent copies of one message committed in one batch yield exactly one row")
    func duplicatesWithinOneBatch() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let copies = 48
            let entry = Support.entry(controlID: "SAME")
            let release = await journal.holdWriter()
            let outcomes = try await withThrowingTaskGroup(of: JournalRecordOutcome.self) { group in
                for _ in 0..<copies {
                    group.addTask { try await journal.record(entry, duplicateWindow: .seconds(60)) }
                }
                while journal.pendingRecordCount < copies {
                    try await Task.sleep(for: .milliseconds(1))
                }
                release()
                var outcomes: [JournalRecordOutcome] = []
                for try await outcome in group {
                    outcomes.append(outcome)
                }
                return outcomes
            }
            #expect(journal.groupCommitStatistics.largestBatch == copies)
            var recordedIDs: [Int64] = []
            var originalIDs: Set<Int64> = []
            for outcome in outcomes {
                switch outcome {
                case .recorded(let id):
                    recordedIDs.append(id)
                case .duplicate(let original):
                    originalIDs.insert(original.id)
                    #expect(original.body == entry.body)
                case .reusedControlID:
                    Issue.record("identical entries never reuse a control ID")
                }
            }
            #expect(recordedIDs.count == 1)
            #expect(originalIDs == Set(recordedIDs))
            #expect(try await journal.count() == 1)
            let id = try #require(recordedIDs.first)
            #expect(try await journal.entry(id: id)?.duplicateCount == copies - 1)
            try await journal.close()
        }
    }

    @Test("1,000 concurrent records are all committed, counted and group-committed")
    func thousandConcurrentRecords() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let total = 1_000
            let ids = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for index in 0..<total {
                    group.addTask {
                        let outcome = try await journal.record(
                            Support.entry(controlID: "BULK\(index)"),
                            duplicateWindow: .seconds(60)
                        )
                        if case .recorded(let id) = outcome {
                            return id
                        }
                        return nil
                    }
                }
                var ids: [Int64] = []
                for try await id in group {
                    if let id {
                        ids.append(id)
                    }
                }
                return ids
            }
            #expect(ids.count == total)
            #expect(Set(ids).count == total)
            #expect(try await journal.count() == total)
            #expect(try await journal.count(state: .accepted) == total)
            let listed = try await journal.entries(afterID: nil, limit: total + 10)
            #expect(listed.count == total)
            #expect(listed.map(\.id) == ids.sorted())
            #expect(Set(listed.compactMap(\.controlID)).count == total)
            let statistics = journal.groupCommitStatistics
            #expect(statistics.batches < total)
            #expect(statistics.largestBatch <= journal.configuration.maximumBatchSize)
            try await journal.close()
        }
    }

    @Test("the batch size bound is honoured")
    func batchBound() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring(),
                configuration: .init(maximumBatchSize: 8)
            )
            let total = 40
            let release = await journal.holdWriter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<total {
                    group.addTask {
                        _ = try await journal.record(Support.entry(controlID: "B\(index)"), duplicateWindow: .zero)
                    }
                }
                while journal.pendingRecordCount < total {
                    try await Task.sleep(for: .milliseconds(1))
                }
                release()
                try await group.waitForAll()
            }
            #expect(journal.groupCommitStatistics.largestBatch == 8)
            #expect(journal.groupCommitStatistics.batches == total / 8)
            #expect(try await journal.count() == total)
            try await journal.close()
        }
    }

    @Test("entries pages in ascending id order")
    func paging() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            for index in 0..<25 {
                _ = try await journal.record(Support.entry(controlID: "P\(index)"), duplicateWindow: .seconds(1))
            }
            var seen: [String] = []
            var cursor: Int64? = nil
            while true {
                let page = try await journal.entries(afterID: cursor, limit: 10)
                if page.isEmpty {
                    break
                }
                #expect(page.count <= 10)
                seen.append(contentsOf: page.compactMap(\.controlID))
                cursor = page.last?.id
            }
            #expect(seen == (0..<25).map { "P\($0)" })
            #expect(try await journal.entries(afterID: nil, limit: 0).isEmpty)
            try await journal.close()
        }
    }

    @Test("state updates are stored and counted; an unknown id is an error")
    func stateUpdates() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            var ids: [Int64] = []
            for index in 0..<4 {
                if case .recorded(let id) = try await journal.record(
                    Support.entry(controlID: "S\(index)"),
                    duplicateWindow: .seconds(1)
                ) {
                    ids.append(id)
                }
            }
            #expect(ids.count == 4)
            try await journal.updateState(id: ids[0], to: .processed)
            try await journal.updateState(id: ids[1], to: .processed)
            try await journal.updateState(id: ids[2], to: .failed)
            #expect(try await journal.count(state: .processed) == 2)
            #expect(try await journal.count(state: .failed) == 1)
            #expect(try await journal.count(state: .accepted) == 1)
            #expect(try await journal.count(state: .rejected) == 0)
            #expect(try await journal.entry(id: ids[2])?.state == .failed)
            let error = await #expect(throws: StoreError.self) {
                try await journal.updateState(id: 9_999, to: .processed)
            }
            #expect(error?.code == .entryNotFound)
            try await journal.close()
        }
    }

    @Test("purge deletes exactly the rows received before the cutoff")
    func purge() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let now = Date(timeIntervalSince1970: 1_736_000_000)
            let day: TimeInterval = 86_400
            for (index, age) in [10.0, 9.0, 5.0, 1.0, 0.0].enumerated() {
                _ = try await journal.record(
                    Support.entry(controlID: "R\(index)", receivedAt: now.addingTimeInterval(-age * day)),
                    duplicateWindow: .seconds(1)
                )
            }
            #expect(try await journal.purge(receivedBefore: now.addingTimeInterval(-6 * day)) == 2)
            #expect(try await journal.count() == 3)
            let remaining = try await journal.entries(afterID: nil, limit: 10).compactMap(\.controlID)
            #expect(remaining == ["R2", "R3", "R4"])
            #expect(try await journal.purge(receivedBefore: now.addingTimeInterval(-6 * day)) == 0)
            #expect(try await journal.purge(receivedBefore: now.addingTimeInterval(1)) == 3)
            #expect(try await journal.count() == 0)
            try await journal.close()
        }
    }

    @Test("purge removes more rows than one deletion chunk")
    func largePurge() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let old = Date(timeIntervalSince1970: 1_000_000_000)
            let total = 5_200
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<total {
                    group.addTask {
                        var entry = Support.entry(controlID: nil, receivedAt: old)
                        entry.body = Array("x\(index)".utf8)
                        _ = try await journal.record(entry, duplicateWindow: .zero)
                    }
                }
                try await group.waitForAll()
            }
            _ = try await journal.record(Support.entry(controlID: "KEEP"), duplicateWindow: .zero)
            #expect(try await journal.purge(receivedBefore: old.addingTimeInterval(1)) == total)
            #expect(try await journal.count() == 1)
            try await journal.close()
        }
    }

    @Test("data survives close and reopen; a closed journal refuses work")
    func reopen() async throws {
        try await Support.withTemporaryDirectory { directory in
            let databaseFile = directory.appendingPathComponent("data/notebridge.sqlite")
            let keyring = try Support.keyring()
            let journal = try SQLiteJournal(databaseFile: databaseFile, keyring: keyring)
            var ids: [Int64] = []
            for index in 0..<5 {
                if case .recorded(let id) = try await journal.record(
                    Support.entry(controlID: "RE\(index)"),
                    duplicateWindow: .seconds(60)
                ) {
                    ids.append(id)
                }
            }
            try await journal.close()
            try await journal.close()
            let closedError = await #expect(throws: StoreError.self) {
                _ = try await journal.record(Support.entry(controlID: "LATE"), duplicateWindow: .seconds(60))
            }
            #expect(closedError?.code == .closed)
            let readError = await #expect(throws: StoreError.self) {
                _ = try await journal.count()
            }
            #expect(readError?.code == .closed)

            let reopened = try SQLiteJournal(
                databaseFile: databaseFile,
                keyring: keyring,
                configuration: .init(synchronous: .full)
            )
            #expect(try await reopened.count() == 5)
            let first = try #require(try await reopened.entry(id: ids[0]))
            #expect(first.body == Support.message(controlID: "RE0"))
            // Duplicate detection spans restarts.
            let outcome = try await reopened.record(Support.entry(controlID: "RE4"), duplicateWindow: .seconds(3600))
            guard case .duplicate(let original) = outcome else {
                Issue.record("expected .duplicate, got \(outcome)")
                return
            }
            #expect(original.id == ids[4])
            guard
                case .recorded(let next) = try await reopened.record(
                    Support.entry(controlID: "RE5"),
                    duplicateWindow: .seconds(60)
                )
            else {
                Issue.record("expected .recorded")
                return
            }
            #expect(next > ids[4])
            try await reopened.close()
        }
    }

    @Test("rows sealed with a key the keyring lacks fail with unknownKey")
    func unknownKey() async throws {
        try await Support.withTemporaryDirectory { directory in
            let databaseFile = directory.appendingPathComponent("j.sqlite")
            let journal = try SQLiteJournal(databaseFile: databaseFile, keyring: try Support.keyring(fill: 1))
            guard
                case .recorded(let id) = try await journal.record(
                    Support.entry(controlID: "K1"),
                    duplicateWindow: .seconds(60)
                )
            else {
                Issue.record("expected .recorded")
                return
            }
            try await journal.close()

            let otherKeyring = try Support.keyring(fill: 2)
            let reopened = try SQLiteJournal(databaseFile: databaseFile, keyring: otherKeyring)
            let error = await #expect(throws: StoreError.self) {
                _ = try await reopened.entry(id: id)
            }
            #expect(error?.code == .unknownKey)
            #expect(error.map { !$0.description.contains(Support.phiMarker) } ?? false)
            #expect(try await reopened.count() == 1)
            try await reopened.close()
        }
    }

    @Test("rotation: old rows still open, new rows use the new key, also after reloading the key file")
    func rotation() async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("keys/data.keys")
            let databaseFile = directory.appendingPathComponent("j.sqlite")
            let keyring = try DataKeyring.load(keyFile: keyFile, environment: [:])
            let oldKeyID = keyring.activeKeyID
            let journal = try SQLiteJournal(databaseFile: databaseFile, keyring: keyring)
            guard
                case .recorded(let oldRow) = try await journal.record(
                    Support.entry(controlID: "OLD"),
                    duplicateWindow: .seconds(60)
                )
            else {
                Issue.record("expected .recorded")
                return
            }
            let newKeyID = try keyring.rotate()
            #expect(newKeyID != oldKeyID)
            #expect(keyring.activeKeyID == newKeyID)
            guard
                case .recorded(let newRow) = try await journal.record(
                    Support.entry(controlID: "NEW"),
                    duplicateWindow: .seconds(60)
                )
            else {
                Issue.record("expected .recorded")
                return
            }
            let old = try #require(try await journal.entry(id: oldRow))
            let new = try #require(try await journal.entry(id: newRow))
            #expect(old.keyID == oldKeyID)
            #expect(old.body == Support.message(controlID: "OLD"))
            #expect(new.keyID == newKeyID)
            #expect(new.body == Support.message(controlID: "NEW"))
            try await journal.close()

            let reloaded = try DataKeyring.load(keyFile: keyFile, environment: [:])
            #expect(reloaded.activeKeyID == newKeyID)
            #expect(reloaded.keyIDs == [oldKeyID, newKeyID])
            let reopened = try SQLiteJournal(databaseFile: databaseFile, keyring: reloaded)
            #expect(try await reopened.entry(id: oldRow)?.body == Support.message(controlID: "OLD"))
            #expect(try await reopened.entry(id: newRow)?.keyID == newKeyID)
            try await reopened.close()
        }
    }

    @Test(
        "the synchronous setting reaches the committing connection",
        arguments: [
            (SQLiteJournal.Configuration.Synchronous.normal, 1), (.full, 2),
        ]
    )
    func synchronousSetting(mode: SQLiteJournal.Configuration.Synchronous, pragmaValue: Int) async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring(),
                configuration: .init(synchronous: mode)
            )
            #expect(try await journal.writerSynchronousSetting() == pragmaValue)
            _ = try await journal.record(Support.entry(controlID: "SYNC"), duplicateWindow: .seconds(1))
            #expect(try await journal.count() == 1)
            try await journal.close()
        }
    }

    @Test("invalid arguments are refused")
    func invalidArguments() async throws {
        try await Support.withTemporaryDirectory { directory in
            let badConfiguration = #expect(throws: StoreError.self) {
                _ = try SQLiteJournal(
                    databaseFile: directory.appendingPathComponent("j.sqlite"),
                    keyring: try Support.keyring(),
                    configuration: .init(maximumBatchSize: 0)
                )
            }
            #expect(badConfiguration?.code == .invalidArgument)
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("j.sqlite"),
                keyring: try Support.keyring()
            )
            let negativeWindow = await #expect(throws: StoreError.self) {
                _ = try await journal.record(Support.entry(controlID: "N"), duplicateWindow: .seconds(-1))
            }
            #expect(negativeWindow?.code == .invalidArgument)
            let negativeLimit = await #expect(throws: StoreError.self) {
                _ = try await journal.entries(afterID: nil, limit: -1)
            }
            #expect(negativeLimit?.code == .invalidArgument)
            try await journal.close()
        }
    }
}
