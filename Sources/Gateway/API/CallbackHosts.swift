import Foundation

/// The hosts webhooks may be sent to: exact names (`hooks.example.org`, `10.1.2.3`) and subdomain patterns
/// (`*.example.org`, which does not match `example.org` itself), compared without case. Empty allows any host,
/// the default; a gateway that should not reach its own network's other services lists its receivers.
public struct CallbackHosts: Sendable, Equatable {
    /// The patterns, lowercased.
    public private(set) var patterns: [String]

    /// Any host.
    public init() {
        patterns = []
    }

    /// Reads a comma-separated list; returns `nil` when an entry is not a host name, an address or `*.` and a name.
    public init?(list: String) {
        var patterns: [String] = []
        for entry in list.split(separator: ",") {
            let pattern = Self.unbracketed(entry.trimmingCharacters(in: .whitespaces).lowercased())
            let name = pattern.hasPrefix("*.") ? String(pattern.dropFirst(2)) : pattern
            guard !name.isEmpty, name.count <= 253,
                name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-.:".unicodeScalars.contains($0) }),
                !name.contains("*")
            else { return nil }
            patterns.append(pattern)
        }
        guard !patterns.isEmpty else { return nil }
        self.patterns = patterns
    }

    /// An IPv6 address without the brackets a URL writes around it.
    static func unbracketed(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Whether the host of `url` is allowed.
    public func allows(_ url: String) -> Bool {
        guard !patterns.isEmpty else { return true }
        guard let found = URLComponents(string: url)?.host?.lowercased(), !found.isEmpty else { return false }
        let host = Self.unbracketed(found)
        return patterns.contains { pattern in
            pattern.hasPrefix("*.") ? host.hasSuffix(String(pattern.dropFirst(1))) : host == pattern
        }
    }
}
