import Crypto
import Foundation
import Synchronization

/// The data keys that seal PHI at rest (AES-256-GCM): every key by its id, and one active key that seals new data.
///
/// Keys come from the key file (`<keyID> <base64key>` per line, the last line active, mode 0600) and optionally
/// from the `NOTEBRIDGE_DATA_KEY` environment variable, which then becomes the active key while the file's keys
/// still open older data. See ``load(keyFile:environment:)``.
public final class DataKeyring: Sendable {
    /// The environment variable that may hold the active key, base64.
    public static let environmentVariable = "NOTEBRIDGE_DATA_KEY"
    /// The size of a data key in bytes (256 bits).
    public static let keyByteCount = 32

    private struct State {
        var keys: [String: SymmetricKey]
        var order: [String]
        var activeKeyID: String
        var activeKey: SymmetricKey
    }

    private let state: Mutex<State>

    /// The file that ``rotate()`` appends to; `nil` for an in-memory keyring.
    public let keyFile: URL?

    private init(lines: [KeyFile.Line], active: KeyFile.Line, keyFile: URL?) {
        var keys: [String: SymmetricKey] = [:]
        var order: [String] = []
        for line in lines + [active] where keys[line.keyID] == nil {
            keys[line.keyID] = SymmetricKey(data: line.keyBytes)
            order.append(line.keyID)
        }
        let activeKey = SymmetricKey(data: active.keyBytes)
        self.state = Mutex(State(keys: keys, order: order, activeKeyID: active.keyID, activeKey: activeKey))
        self.keyFile = keyFile
    }

    /// Creates an in-memory keyring whose only (and active) key is `activeKey`, 32 bytes.
    ///
    /// ``rotate()`` on such a keyring keeps the new key in memory only.
    public convenience init(activeKey: [UInt8]) throws {
        guard activeKey.count == Self.keyByteCount else {
            throw StoreError(.invalidKey, reason: "a data key is \(Self.keyByteCount) bytes, got \(activeKey.count)")
        }
        let line = KeyFile.Line(keyID: Self.keyID(forKey: activeKey), keyBytes: activeKey)
        self.init(lines: [], active: line, keyFile: nil)
    }

    /// Loads the keyring.
    ///
    /// - When `environment` holds ``environmentVariable`` (a base64 256-bit key), that key is active; its id is the
    ///   first 16 hex digits of its SHA-256. Keys in `keyFile`, when it exists, remain available to open old data.
    /// - Otherwise `keyFile` is read (its last key is active) or, when missing, created with a fresh random key with
    ///   mode 0600 (parent directories are created with mode 0700).
    ///
    /// A key file accessible to group or others is refused with ``StoreError/Code/keyFileInsecure``.
    public static func load(
        keyFile: URL,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> DataKeyring {
        let path = keyFile.path
        let fileLines = try readKeyFile(path: path)
        if let encoded = environment[environmentVariable],
            !encoded.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        {
            let keyBytes = try KeyFile.decodeKey(encoded, origin: environmentVariable)
            let keyID = Self.keyID(forKey: keyBytes)
            let lines = fileLines ?? []
            if let clash = lines.first(where: { $0.keyID == keyID }), clash.keyBytes != keyBytes {
                throw StoreError(.keyFileInvalid, reason: "\(path) holds a different key with id \(keyID)")
            }
            return DataKeyring(lines: lines, active: KeyFile.Line(keyID: keyID, keyBytes: keyBytes), keyFile: keyFile)
        }
        if let fileLines {
            guard let active = fileLines.last else {
                throw StoreError(.keyFileInvalid, reason: "\(path) holds no key")
            }
            return DataKeyring(lines: fileLines, active: active, keyFile: keyFile)
        }
        try createParentDirectory(of: keyFile)
        let line = generateLine()
        let created = try SecureFile.createExclusive(
            path: path,
            contents: Array(KeyFile.header.utf8) + KeyFile.format(line),
            code: .keyFileIO
        )
        if created {
            return DataKeyring(lines: [], active: line, keyFile: keyFile)
        }
        // Another process created the file between our read and our create: use its key.
        guard let raced = try readKeyFile(path: path), let active = raced.last else {
            throw StoreError(.keyFileInvalid, reason: "\(path) holds no key")
        }
        return DataKeyring(lines: raced, active: active, keyFile: keyFile)
    }

    /// The id of the active key, which seals new data.
    public var activeKeyID: String {
        state.withLock { $0.activeKeyID }
    }

    /// Every key id held, in the order the keys were added (the active key is not necessarily last).
    public var keyIDs: [String] {
        state.withLock { $0.order }
    }

    /// Whether a key with this id is held.
    public func containsKey(id: String) -> Bool {
        state.withLock { $0.keys[id] != nil }
    }

    /// Generates a new random key, appends it to the key file (when file-backed) and makes it active.
    ///
    /// Data sealed with earlier keys still opens. When the active key came from ``environmentVariable``, the new key
    /// is active for this process only until the next start, where the environment key wins again.
    /// - Returns: the new key id.
    @discardableResult
    public func rotate() throws -> String {
        let line = Self.generateLine()
        try state.withLock { state in
            if let keyFile {
                try Self.createParentDirectory(of: keyFile)
                try SecureFile.appendLine(
                    path: keyFile.path,
                    line: KeyFile.format(line),
                    code: .keyFileIO,
                    insecureCode: .keyFileInsecure
                )
            }
            let key = SymmetricKey(data: line.keyBytes)
            state.keys[line.keyID] = key
            state.order.removeAll { $0 == line.keyID }
            state.order.append(line.keyID)
            state.activeKeyID = line.keyID
            state.activeKey = key
        }
        return line.keyID
    }

    /// The key id of a key: the first 16 lowercase hex digits of the SHA-256 of its bytes.
    public static func keyID(forKey keyBytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: keyBytes).prefix(8))
    }

    /// The active key and its id.
    func activeKey() -> (id: String, key: SymmetricKey) {
        state.withLock { ($0.activeKeyID, $0.activeKey) }
    }

    /// The key with this id, or `nil`.
    func key(id: String) -> SymmetricKey? {
        state.withLock { $0.keys[id] }
    }

    private static func generateLine() -> KeyFile.Line {
        let key = SymmetricKey(size: .bits256)
        let keyBytes = key.withUnsafeBytes { Array($0) }
        return KeyFile.Line(keyID: keyID(forKey: keyBytes), keyBytes: keyBytes)
    }

    private static func readKeyFile(path: String) throws -> [KeyFile.Line]? {
        guard
            let contents = try SecureFile.readOwnerOnly(
                path: path,
                maximumSize: KeyFile.maximumSize,
                code: .keyFileIO,
                insecureCode: .keyFileInsecure
            )
        else {
            return nil
        }
        return try KeyFile.parse(contents, path: path)
    }

    private static func createParentDirectory(of file: URL) throws {
        let directory = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(
                at: directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        } catch {
            throw StoreError(.keyFileIO, reason: "cannot create directory \(directory.path)")
        }
    }
}
