/// A stored note that cannot be read. The reason never quotes the record.
public struct NoteRecordError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    /// The file that raised the error.
    public var file: String
    /// The line that raised the error.
    public var line: Int

    /// Creates an error.
    public init(reason: String, file: String = #fileID, line: Int = #line) {
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `NoteRecordError: <reason>`.
    public var description: String { "NoteRecordError: \(reason) (\(file):\(line))" }
}
