import Foundation
import Store

/// Helpers shared by the Store tests: temporary directories and synthetic (fictional) HL7 messages.
enum StoreTestSupport {
    /// A fresh store of `implementation` in a temporary folder, closed after `body` (also when it throws).
    static func withStore(_ implementation: StoreImplementation, _ body: (any Store) async throws -> Void)
        async throws
    {
        try await withTemporaryDirectory { folder in
            let store = try await implementation.open(folder, try keyring())
            do {
                try await body(store)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    /// A distinctive fragment of every synthetic body: it must never be found in a database file.
    static let phiMarker = "ZEBRAFISH^QUENTIN"
    /// The sender used by the fixtures (stored in plaintext; used to prove the file search works).
    static let sender = "LABSYS|GOODHEALTH-MARKER"

    /// Runs `body` with a fresh empty directory, removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("notebridge-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    /// A synthetic ADT^A01 message with a fictional patient.
    static func message(controlID: String, note: String = "") -> [UInt8] {
        let segments = [
            "MSH|^~\\&|LABSYS|GOODHEALTH|NOTEBRIDGE|NB|20250101120000||ADT^A01|\(controlID)|P|2.5",
            "EVN|A01|20250101120000",
            "PID|1||MRN-77310042^^^GH^MR||\(phiMarker)^X||19700101|M|||1 FICTIONAL WAY^^NOWHERE",
            "PV1|1|O|CLINIC^1^1\(note)",
        ]
        return Array((segments.joined(separator: "\r") + "\r").utf8)
    }

    /// The acknowledgment stored with a message.
    static func acknowledgment(controlID: String) -> [UInt8] {
        Array(
            "MSH|^~\\&|NOTEBRIDGE|NB|LABSYS|GOODHEALTH|20250101120001||ACK^A01|ACK\(controlID)|P|2.5\rMSA|AA|\(controlID)\r"
                .utf8)
    }

    /// A journal entry for `message(controlID:)`.
    static func entry(
        controlID: String?,
        sender: String = sender,
        receivedAt: Date = Date(),
        note: String = ""
    ) -> NewJournalEntry {
        let id = controlID ?? "NONE"
        return NewJournalEntry(
            source: "mllp://127.0.0.1:50312",
            sender: sender,
            controlID: controlID,
            messageType: "ADT^A01",
            version: "2.5",
            receivedAt: receivedAt,
            state: .accepted,
            body: message(controlID: id, note: note),
            acknowledgment: acknowledgment(controlID: id),
            acknowledgmentCode: "AA"
        )
    }

    /// A keyring with a fixed in-memory key.
    static func keyring(fill: UInt8 = 7) throws -> DataKeyring {
        try DataKeyring(activeKey: [UInt8](repeating: fill, count: DataKeyring.keyByteCount))
    }

    /// The POSIX permission bits of a file.
    static func permissions(of url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else {
            return false
        }
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return true
            }
            index += 1
        }
        return false
    }

    /// The bytes of the database file and its `-wal` file (missing files count as empty).
    static func databaseBytes(_ databaseFile: URL) -> [UInt8] {
        var bytes: [UInt8] = []
        for path in [databaseFile.path, databaseFile.path + "-wal"] {
            if let data = FileManager.default.contents(atPath: path) {
                bytes.append(contentsOf: data)
            }
        }
        return bytes
    }
}
