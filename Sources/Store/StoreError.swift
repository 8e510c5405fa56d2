/// An error raised by the `Store` module.
///
/// The ``code`` is opaque and stable: compare codes, never ``reason`` strings. The reason names what failed
/// (a path, a key id, an SQLite result code) and never contains message content or key material.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, compared by identity.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case closed
            case database
            case entryNotFound
            case invalidArgument
            case corruptEntry
            case invalidKey
            case keyFileInsecure
            case keyFileInvalid
            case keyFileIO
            case unknownKey
            case sealFailed
            case openFailed
            case unsupportedSealVersion
            case duplicate
            case leaseLost
            case cannotWrite
            case newerSchema
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The store was closed; no further operation is accepted.
        public static let closed = Code(.closed)
        /// The database reported an error (the reason carries the SQLite result code only).
        public static let database = Code(.database)
        /// No journal entry has the requested id.
        public static let entryNotFound = Code(.entryNotFound)
        /// An argument is outside its accepted range.
        public static let invalidArgument = Code(.invalidArgument)
        /// A stored row could not be decoded (unknown state, malformed column).
        public static let corruptEntry = Code(.corruptEntry)
        /// A data key is malformed (not base64, or not 256 bits).
        public static let invalidKey = Code(.invalidKey)
        /// The key file is readable or writable by group or others.
        public static let keyFileInsecure = Code(.keyFileInsecure)
        /// The key file is not in the `<keyID> <base64key>` line format, or holds no key.
        public static let keyFileInvalid = Code(.keyFileInvalid)
        /// The key file or its directory could not be created, read or written.
        public static let keyFileIO = Code(.keyFileIO)
        /// A sealed value names a key id that the keyring does not hold.
        public static let unknownKey = Code(.unknownKey)
        /// Sealing failed.
        public static let sealFailed = Code(.sealFailed)
        /// A sealed value failed authentication or is truncated.
        public static let openFailed = Code(.openFailed)
        /// A sealed value has a format version this build does not read.
        public static let unsupportedSealVersion = Code(.unsupportedSealVersion)
        /// The record exists already under a unique value (a note from the same source for the same key).
        public static let duplicate = Code(.duplicate)

        /// An outbox lease is no longer held: it expired and the row was claimed again, or it was settled.
        public static let leaseLost = Code(.leaseLost)

        /// The storage cannot take writes now, whatever is written: the disk is full, the database file is
        /// read-only, the disk reported an I/O error, or the database server cannot be reached, is shutting down or
        /// is out of resources. Nothing was stored; the same request may succeed later.
        public static let cannotWrite = Code(.cannotWrite)

        /// The database's schema was migrated by a newer NoteBridge: it holds migrations this build does not know,
        /// so this build must not read or write it (run the newer version, or restore a backup).
        public static let newerSchema = Code(.newerSchema)

        /// A stable, human-readable name of the code.
        public var description: String {
            switch base {
            case .closed: "closed"
            case .database: "database"
            case .entryNotFound: "entryNotFound"
            case .invalidArgument: "invalidArgument"
            case .corruptEntry: "corruptEntry"
            case .invalidKey: "invalidKey"
            case .keyFileInsecure: "keyFileInsecure"
            case .keyFileInvalid: "keyFileInvalid"
            case .keyFileIO: "keyFileIO"
            case .unknownKey: "unknownKey"
            case .sealFailed: "sealFailed"
            case .openFailed: "openFailed"
            case .unsupportedSealVersion: "unsupportedSealVersion"
            case .duplicate: "duplicate"
            case .leaseLost: "leaseLost"
            case .cannotWrite: "cannotWrite"
            case .newerSchema: "newerSchema"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Why it failed, for operators. Never contains message content or key material.
    public var reason: String
    /// The file that raised the error.
    public var file: String
    /// The line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(_ code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `StoreError.<code>: <reason> (<file>:<line>)`.
    public var description: String {
        "StoreError.\(code): \(reason) (\(file):\(line))"
    }
}
