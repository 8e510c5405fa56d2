import Foundation
import Store
import Testing

private typealias Support = StoreTestSupport

/// The SQLite journal's own search finds exactly what ``JournalSearch/matches(_:)`` accepts, newest first.
@Suite struct JournalSearchStoreTests {
    @Test func theSQLSearchFindsWhatTheFilterAccepts() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(
                databaseFile: directory.appendingPathComponent("journal.sqlite"), keyring: try Support.keyring())
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let rows: [(String, String, String, JournalState)] = [
                ("C-1", "DICTATE|NORTH", "MDM^T02^MDM_T02", .processed), ("C-2", "DICTATE|NORTH", "MDM^T02", .failed),
                ("C-3", "LAB|SOUTH", "ORU^R01^ORU_R01", .processed), ("C_4", "LAB%|SOUTH", "ADT^A04", .accepted),
                ("C-5", "register|north", "ADT^A08^ADT_A01", .accepted),
            ]
            for (index, row) in rows.enumerated() {
                var entry = Support.entry(
                    controlID: row.0, sender: row.1, receivedAt: start.addingTimeInterval(Double(index) * 3_600))
                entry.messageType = row.2
                entry.state = row.3
                _ = try await journal.record(entry, duplicateWindow: .seconds(1))
            }
            let all = try await journal.entries(afterID: nil, limit: 100)
            let searches: [JournalSearch] = [
                JournalSearch(), JournalSearch(controlID: "C-2"), JournalSearch(controlID: "C"),
                JournalSearch(sender: "north"), JournalSearch(sender: "%"), JournalSearch(sender: "_"),
                JournalSearch(messageType: "MDM"), JournalSearch(messageType: "mdm^t02"),
                JournalSearch(messageType: "ADT^A0"),
                JournalSearch(messageType: "ADT^A08^ADT_A01"), JournalSearch(state: .processed),
                JournalSearch(flag: .reusedControlID), JournalSearch(receivedFrom: start.addingTimeInterval(3_600)),
                JournalSearch(receivedBefore: start.addingTimeInterval(7_200)),
                JournalSearch(sender: "DICTATE", messageType: "MDM^T02", state: .failed),
            ]
            for search in searches {
                let expected = all.filter(search.matches).reversed().map(\.id)
                let found = try await journal.search(search, limit: 100).map(\.id)
                #expect(found == Array(expected), "\(search)")
                // The run uses the journal's own search.
                let run = try await search.run(on: journal, limit: 2)
                #expect(run.entries.map(\.id) == Array(expected.prefix(2)))
                #expect(!run.truncated)
            }
            #expect(try await journal.search(JournalSearch(sender: "_"), limit: 100).isEmpty)
            #expect(try await journal.search(JournalSearch(sender: "%"), limit: 100).map(\.controlID) == ["C_4"])
            try await journal.close()
        }
    }
}
