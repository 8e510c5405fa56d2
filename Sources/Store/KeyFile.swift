import Foundation

/// The data key file format: UTF-8 text, one key per line as `<keyID> <base64key>`, `#` comment lines and blank
/// lines ignored; the last key line is the active key.
enum KeyFile {
    /// One key line.
    struct Line: Sendable, Hashable {
        /// The key id, any run of non-blank characters.
        var keyID: String
        /// The 256-bit key.
        var keyBytes: [UInt8]
    }

    /// The largest key file accepted.
    static let maximumSize = 1 << 20

    /// The comment written at the top of a new key file.
    static let header = """
        # NoteBridge data keys: one key per line, "<keyID> <base64 256-bit key>".
        # The last line is the active key; earlier keys still open older data. Keep this file mode 0600.

        """

    /// Parses the file contents; `path` only names the file in errors.
    static func parse(_ contents: [UInt8], path: String) throws -> [Line] {
        guard let text = String(validating: contents, as: UTF8.self) else {
            throw StoreError(.keyFileInvalid, reason: "\(path) is not UTF-8 text")
        }
        var lines: [Line] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                continue
            }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else {
                throw StoreError(.keyFileInvalid, reason: "\(path) line \(lineNumber) is not \"<keyID> <base64key>\"")
            }
            let keyID = String(fields[0])
            let keyBytes = try decodeKey(String(fields[1]), origin: "\(path) line \(lineNumber)")
            if let earlier = lines.first(where: { $0.keyID == keyID }), earlier.keyBytes != keyBytes {
                throw StoreError(
                    .keyFileInvalid,
                    reason: "\(path) line \(lineNumber) reuses key id \(keyID) for a different key"
                )
            }
            lines.append(Line(keyID: keyID, keyBytes: keyBytes))
        }
        return lines
    }

    /// One line of the file, newline included.
    static func format(_ line: Line) -> [UInt8] {
        Array("\(line.keyID) \(Data(line.keyBytes).base64EncodedString())\n".utf8)
    }

    /// Decodes a base64 256-bit key; `origin` names where it came from in errors (never the key itself).
    static func decodeKey(_ encoded: String, origin: String) throws -> [UInt8] {
        let trimmed = encoded.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else {
            throw StoreError(.invalidKey, reason: "\(origin) is not base64")
        }
        guard data.count == DataKeyring.keyByteCount else {
            throw StoreError(
                .invalidKey,
                reason: "\(origin) decodes to \(data.count) bytes; a data key is \(DataKeyring.keyByteCount) bytes"
            )
        }
        return Array(data)
    }
}
