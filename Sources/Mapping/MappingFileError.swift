/// A mapping file that cannot be used, as `notebridge mappings check` reports it: the file, the line and the key
/// at fault, and why (never a value from the file).
public struct MappingFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path, as given.
    public var file: String
    /// The 1-based line of the key at fault, when known.
    public var line: Int?
    /// The dotted key: `text.maxLineLength`.
    public var key: String
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(file: String, line: Int?, key: String, reason: String) {
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
    }

    /// `file:line: key: reason`.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return key.isEmpty ? "\(place): \(reason)" : "\(place): \(key): \(reason)"
    }
}
