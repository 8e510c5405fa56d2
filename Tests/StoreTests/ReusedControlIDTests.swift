import Foundation
import Testing

@testable import Store

@Suite("SQLiteJournal: reused control IDs")
struct ReusedControlIDTests {
    private typealias Support = StoreTestSupport

    static func entry(_ controlID: String, note: String, at date: Date, compare: Bool = true) -> NewJournalEntry {
        var entry = Support.entry(controlID: controlID, receivedAt: date, note: note)
        // The comparable content stands for "the message without MSH-7": here, the note alone.
        if compare { entry.comparableContent = Array("content \(note)".utf8) }
        return entry
    }

    @Test("same content is a duplicate; different content is its own flagged entry; resends of either match it")
    func reusedControlID() async throws {
        try await Support.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("j.sqlite")
            let journal = try SQLiteJournal(databaseFile: file, keyring: try Support.keyring())
            let start = Date(timeIntervalSince1970: 1_736_000_000)
            guard case .recorded(let first) = try await journal.record(Self.entry("R1", note: "A", at: start), duplicateWindow: .seconds(600)) else {
                Issue.record("expected .recorded")
                return
            }
            let same = try await journal.record(Self.entry("R1", note: "A", at: start + 1), duplicateWindow: .seconds(600))
            guard case .duplicate(let original) = same else {
                Issue.record("expected .duplicate, got \(same)")
                return
            }
            #expect(original.id == first)
            let differing = try await journal.record(Self.entry("R1", note: "B", at: start + 2), duplicateWindow: .seconds(600))
            guard case .reusedControlID(let second, let earlier) = differing else {
                Issue.record("expected .reusedControlID, got \(differing)")
                return
            }
            #expect(earlier == first)
            #expect(second > first)
            // A resend of the second message is its duplicate, a resend of the first still the first's.
            guard case .duplicate(let again) = try await journal.record(Self.entry("R1", note: "B", at: start + 3), duplicateWindow: .seconds(600)) else {
                Issue.record("expected .duplicate of the second")
                return
            }
            #expect(again.id == second)
            guard case .duplicate(let firstAgain) = try await journal.record(Self.entry("R1", note: "A", at: start + 4), duplicateWindow: .seconds(600)) else {
                Issue.record("expected .duplicate of the first")
                return
            }
            #expect(firstAgain.id == first)
            // A third content reuses the control ID of the latest entry.
            guard case .reusedControlID(let third, let latest) = try await journal.record(Self.entry("R1", note: "C", at: start + 5), duplicateWindow: .seconds(600)) else {
                Issue.record("expected .reusedControlID")
                return
            }
            #expect(latest == second)
            #expect(try await journal.count() == 3)
            let flagged = try await journal.entries(flag: .reusedControlID, afterID: nil, limit: 10)
            #expect(flagged.map(\.id) == [second, third])
            #expect(flagged.map(\.flags) == [[.reusedControlID], [.reusedControlID]])
            #expect(flagged.map(\.reusesControlIDOf) == [first, second])
            #expect(try await journal.entries(flag: .reusedControlID, afterID: second, limit: 10).map(\.id) == [third])
            #expect(try await journal.entry(id: first)?.flags == [])
            #expect(try await journal.entry(id: first)?.duplicateCount == 2)
            try await journal.close()
            // The digest, not the content, is stored.
            #expect(!Support.contains(Support.databaseBytes(file), Array("content B".utf8)))
        }
    }

    @Test("outside the window, a reused control ID is a new message, not flagged")
    func outsideWindow() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(databaseFile: directory.appendingPathComponent("j.sqlite"), keyring: try Support.keyring())
            let start = Date(timeIntervalSince1970: 1_736_000_000)
            _ = try await journal.record(Self.entry("W1", note: "A", at: start), duplicateWindow: .seconds(60))
            let later = try await journal.record(Self.entry("W1", note: "B", at: start + 120), duplicateWindow: .seconds(60))
            guard case .recorded = later else {
                Issue.record("expected .recorded, got \(later)")
                return
            }
            #expect(try await journal.entries(flag: .reusedControlID, afterID: nil, limit: 10).isEmpty)
            try await journal.close()
        }
    }

    @Test("an entry or an earlier row without comparable content matches any resend, as before")
    func withoutContent() async throws {
        try await Support.withTemporaryDirectory { directory in
            let journal = try SQLiteJournal(databaseFile: directory.appendingPathComponent("j.sqlite"), keyring: try Support.keyring())
            let start = Date(timeIntervalSince1970: 1_736_000_000)
            _ = try await journal.record(Self.entry("N1", note: "A", at: start, compare: false), duplicateWindow: .seconds(600))
            guard case .duplicate = try await journal.record(Self.entry("N1", note: "B", at: start + 1), duplicateWindow: .seconds(600)) else {
                Issue.record("an earlier row without a digest must match")
                return
            }
            _ = try await journal.record(Self.entry("N2", note: "A", at: start), duplicateWindow: .seconds(600))
            guard case .duplicate = try await journal.record(Self.entry("N2", note: "B", at: start + 1, compare: false), duplicateWindow: .seconds(600)) else {
                Issue.record("an entry without comparable content must match")
                return
            }
            #expect(try await journal.count() == 2)
            try await journal.close()
        }
    }
}
