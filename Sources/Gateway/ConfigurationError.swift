/// A configuration that cannot be used: which key, and why.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The dotted key or the file at fault.
    public var key: String
    /// What is wrong with it.
    public var reason: String

    /// Creates an error.
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    /// `configuration key 'http.port': must be an integer from 0 to 65535`, or `configuration file
    /// '/etc/notebridge.yaml': not valid YAML ...` when the file itself is at fault (a key never holds a `/`).
    public var description: String {
        key.contains("/") ? "configuration file '\(key)': \(reason)" : "configuration key '\(key)': \(reason)"
    }
}
