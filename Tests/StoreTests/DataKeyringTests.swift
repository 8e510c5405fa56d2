import Foundation
import Testing

@testable import Store

@Suite("DataKeyring")
struct DataKeyringTests {
    private typealias Support = StoreTestSupport

    /// SHA-256 of 32 zero bytes is 66687aadf862bd77…; the key id is its first 16 hex digits.
    private static let zeroKeyID = "66687aadf862bd77"
    private static let zeroKeyBase64 = Data(count: 32).base64EncodedString()

    @Test("a missing key file is created with mode 0600 and one active key, and reloads to the same key")
    func createsKeyFile() async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("nested/dir/data.keys")
            let keyring = try DataKeyring.load(keyFile: keyFile, environment: [:])
            #expect(FileManager.default.fileExists(atPath: keyFile.path))
            #expect(try Support.permissions(of: keyFile) == 0o600)
            let text = try String(contentsOf: keyFile, encoding: .utf8)
            let keyLines = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
            #expect(keyLines.count == 1)
            let fields = try #require(keyLines.first).split(separator: " ")
            #expect(fields.count == 2)
            #expect(fields.first.map(String.init) == keyring.activeKeyID)
            let keyBytes = try #require(Data(base64Encoded: String(fields[1])))
            #expect(keyBytes.count == 32)
            #expect(DataKeyring.keyID(forKey: Array(keyBytes)) == keyring.activeKeyID)
            #expect(keyring.activeKeyID.count == 16)

            let again = try DataKeyring.load(keyFile: keyFile, environment: [:])
            #expect(again.activeKeyID == keyring.activeKeyID)
            #expect(again.keyIDs == [keyring.activeKeyID])
        }
    }

    @Test("two keyrings created in different places have different keys")
    func freshKeysDiffer() async throws {
        try await Support.withTemporaryDirectory { directory in
            let first = try DataKeyring.load(keyFile: directory.appendingPathComponent("a.keys"), environment: [:])
            let second = try DataKeyring.load(keyFile: directory.appendingPathComponent("b.keys"), environment: [:])
            #expect(first.activeKeyID != second.activeKeyID)
        }
    }

    @Test("a key file readable or writable by group or others is refused", arguments: [0o644, 0o640, 0o604, 0o660])
    func insecureKeyFileRefused(mode: Int) async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("data.keys")
            _ = try DataKeyring.load(keyFile: keyFile, environment: [:])
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: keyFile.path)
            let error = #expect(throws: StoreError.self) {
                _ = try DataKeyring.load(keyFile: keyFile, environment: [:])
            }
            #expect(error?.code == .keyFileInsecure)
            #expect(error?.reason.contains("chmod 600") == true)
            // The environment key does not bypass the check on the file's keys.
            let withEnvironment = #expect(throws: StoreError.self) {
                _ = try DataKeyring.load(
                    keyFile: keyFile,
                    environment: [DataKeyring.environmentVariable: Self.zeroKeyBase64]
                )
            }
            #expect(withEnvironment?.code == .keyFileInsecure)
        }
    }

    @Test("the environment key is active and the file's keys stay available")
    func environmentKey() async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("data.keys")
            let fileKeyring = try DataKeyring.load(keyFile: keyFile, environment: [:])
            let sealedWithFileKey = try Sealer(keyring: fileKeyring, associatedData: Sealer.journalAssociatedData)
                .seal(Array("old data".utf8))

            let keyring = try DataKeyring.load(
                keyFile: keyFile,
                environment: [DataKeyring.environmentVariable: Self.zeroKeyBase64 + "\n"]
            )
            #expect(keyring.activeKeyID == Self.zeroKeyID)
            #expect(keyring.containsKey(id: fileKeyring.activeKeyID))
            #expect(keyring.keyIDs == [fileKeyring.activeKeyID, Self.zeroKeyID])
            let sealer = Sealer(keyring: keyring, associatedData: Sealer.journalAssociatedData)
            #expect(try sealer.open(sealedWithFileKey) == Array("old data".utf8))
            #expect(try sealer.seal([1, 2, 3]).keyID == Self.zeroKeyID)
            // The file is not rewritten by an environment key.
            #expect(try DataKeyring.load(keyFile: keyFile, environment: [:]).activeKeyID == fileKeyring.activeKeyID)
        }
    }

    @Test("the environment key works without a key file, and none is created")
    func environmentKeyWithoutFile() async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("absent.keys")
            let keyring = try DataKeyring.load(
                keyFile: keyFile,
                environment: [DataKeyring.environmentVariable: Self.zeroKeyBase64]
            )
            #expect(keyring.activeKeyID == Self.zeroKeyID)
            #expect(keyring.keyIDs == [Self.zeroKeyID])
            #expect(!FileManager.default.fileExists(atPath: keyFile.path))
        }
    }

    @Test("a malformed environment key is refused without echoing it", arguments: ["not base64!", "AAAA"])
    func invalidEnvironmentKey(value: String) async throws {
        try await Support.withTemporaryDirectory { directory in
            let error = #expect(throws: StoreError.self) {
                _ = try DataKeyring.load(
                    keyFile: directory.appendingPathComponent("data.keys"),
                    environment: [DataKeyring.environmentVariable: value]
                )
            }
            #expect(error?.code == .invalidKey)
            #expect(error?.reason.contains(value) == false)
        }
    }

    @Test("key file lines: comments and blank lines ignored, last key active, malformed lines refused")
    func keyFileFormat() async throws {
        try await Support.withTemporaryDirectory { directory in
            let keyFile = directory.appendingPathComponent("data.keys")
            let one = Data(repeating: 1, count: 32).base64EncodedString()
            let two = Data(repeating: 2, count: 32).base64EncodedString()
            let text = "# comment\n\nfirst \(one)\n  # indented comment\nsecond\t\(two)"
            _ = FileManager.default.createFile(
                atPath: keyFile.path,
                contents: Data(text.utf8),
                attributes: [.posixPermissions: 0o600]
            )
            let keyring = try DataKeyring.load(keyFile: keyFile, environment: [:])
            #expect(keyring.activeKeyID == "second")
            #expect(keyring.keyIDs == ["first", "second"])

            // Rotation appends on a new line even though the file lacked a final newline.
            let rotated = try keyring.rotate()
            let reloaded = try DataKeyring.load(keyFile: keyFile, environment: [:])
            #expect(reloaded.keyIDs == ["first", "second", rotated])
            #expect(reloaded.activeKeyID == rotated)
            #expect(try Support.permissions(of: keyFile) == 0o600)

            let cases: [(String, StoreError.Code)] = [
                ("only-one-field\n", .keyFileInvalid),
                ("id \(one) extra\n", .keyFileInvalid),
                ("id not-base64!\n", .invalidKey),
                ("id \(Data(count: 16).base64EncodedString())\n", .invalidKey),
                ("# nothing but comments\n", .keyFileInvalid),
                ("same \(one)\nsame \(two)\n", .keyFileInvalid),
            ]
            for (index, (contents, code)) in cases.enumerated() {
                let badFile = directory.appendingPathComponent("bad\(index).keys")
                _ = FileManager.default.createFile(
                    atPath: badFile.path,
                    contents: Data(contents.utf8),
                    attributes: [.posixPermissions: 0o600]
                )
                let error = #expect(throws: StoreError.self, "case \(index)") {
                    _ = try DataKeyring.load(keyFile: badFile, environment: [:])
                }
                #expect(error?.code == code, "case \(index)")
                #expect(error?.reason.contains(one) == false, "case \(index)")
            }
        }
    }

    @Test("an in-memory keyring rotates in memory and requires a 32-byte key")
    func inMemoryKeyring() throws {
        let keyring = try DataKeyring(activeKey: [UInt8](repeating: 0, count: 32))
        #expect(keyring.activeKeyID == Self.zeroKeyID)
        #expect(keyring.keyFile == nil)
        let rotated = try keyring.rotate()
        #expect(keyring.activeKeyID == rotated)
        #expect(keyring.keyIDs == [Self.zeroKeyID, rotated])
        let error = #expect(throws: StoreError.self) {
            _ = try DataKeyring(activeKey: [1, 2, 3])
        }
        #expect(error?.code == .invalidKey)
    }
}
