/// One HTTP header field: a name and a value.
///
/// In a ``CurlRequest`` the name is sent as given; in a ``CurlResponse`` names are lowercased (HTTP field names are
/// case-insensitive) and values have surrounding whitespace removed.
public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    /// The field name, for example `Content-Type`.
    public var name: String
    /// The field value, for example `application/json`.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `name: value`.
    public var description: String {
        "\(name): \(value)"
    }
}
