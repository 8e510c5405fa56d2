import Foundation

/// The hosts webhooks may be sent to (`api.callbackAllowedHosts`).
///
/// With a list, exactly the hosts it names: exact names (`hooks.example.org`, `10.1.2.3`) and subdomain patterns
/// (`*.example.org`, which does not match `example.org` itself), compared without case; anything listed is allowed,
/// a link-local address included.
///
/// Without a list (the default), any host except those that reach a cloud provider's instance metadata service,
/// whose answers hold the machine's credentials: link-local addresses (IPv4 `169.254.0.0/16`, IPv6 `fe80::/10`,
/// also written as an IPv4-mapped IPv6 address or in the short, decimal, octal or hexadecimal IPv4 forms libcurl
/// accepts), the other metadata addresses `fd00:ec2::254` (AWS, IPv6) and `100.100.100.200` (Alibaba Cloud), and
/// the metadata names `metadata.google.internal` and `metadata`. The check reads the URL only; the gateway never
/// resolves the name itself (libcurl does, when it delivers). A gateway that should not reach its own network's
/// other services lists its receivers.
public struct CallbackHosts: Sendable, Equatable {
    /// Why a callback URL is refused.
    public enum Refusal: Sendable, Hashable {
        /// An allow-list is set and does not name the URL's host.
        case notListed
        /// No allow-list is set and the host is a link-local or cloud metadata address or name.
        case metadataOrLinkLocal
        /// The URL has no host.
        case noHost

        /// One sentence for an error message: names the setting, never the URL.
        public var reason: String {
            switch self {
            case .notListed:
                return "its host is not one of the hosts this gateway calls back (api.callbackAllowedHosts)"
            case .metadataOrLinkLocal:
                return "its host is a link-local or cloud metadata address, which this gateway calls back only when "
                    + "api.callbackAllowedHosts lists it"
            case .noHost:
                return "must be an http or https URL with a host"
            }
        }
    }

    /// The patterns, lowercased; empty for the default (any host but link-local and metadata ones).
    public private(set) var patterns: [String]

    /// The default: any host except link-local and cloud metadata addresses and names.
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
                name.unicodeScalars.allSatisfy({
                    CharacterSet.alphanumerics.contains($0) || "-.:".unicodeScalars.contains($0)
                }),
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
        refusal(of: url) == nil
    }

    /// Why the host of `url` is refused, or `nil` when it is allowed.
    public func refusal(of url: String) -> Refusal? {
        guard let found = URLComponents(string: url)?.host?.lowercased(), !found.isEmpty else { return .noHost }
        let host = Self.unbracketed(found)
        guard !patterns.isEmpty else {
            return Self.reachesMetadataService(host) ? .metadataOrLinkLocal : nil
        }
        let listed = patterns.contains { pattern in
            pattern.hasPrefix("*.") ? host.hasSuffix(String(pattern.dropFirst(1))) : host == pattern
        }
        return listed ? nil : .notListed
    }

    // MARK: - Link-local and metadata hosts

    /// The names of metadata services (Google Cloud's, and the short name its instances and others resolve).
    static let metadataNames: Set<String> = ["metadata.google.internal", "metadata"]

    /// Whether `host` (lowercased, without brackets) is a link-local or cloud metadata address or name.
    static func reachesMetadataService(_ host: String) -> Bool {
        // A name with its root dot resolves as the name: `metadata.` is `metadata`.
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        if metadataNames.contains(name) { return true }
        if let address = ipv4Address(name) { return isRefusedIPv4(address) }
        if let address = ipv6Address(name) {
            // fe80::/10
            if address[0] == 0xFE && address[1] & 0xC0 == 0x80 { return true }
            // fd00:ec2::254, the IPv6 address of AWS's instance metadata service
            if address == [0xFD, 0x00, 0x0E, 0xC2] + Array(repeating: 0, count: 10) + [0x02, 0x54] { return true }
            // ::ffff:a.b.c.d (IPv4-mapped), ::a.b.c.d (IPv4-compatible) and 64:ff9b::a.b.c.d (NAT64) reach the IPv4
            // address
            let mapped =
                address[0..<10].allSatisfy({ $0 == 0 })
                && (address[10..<12] == [0xFF, 0xFF] || address[10..<12] == [0, 0])
            let nat64 = address[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0]
            if mapped || nat64 {
                let ipv4 = address[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                return isRefusedIPv4(ipv4)
            }
        }
        return false
    }

    /// 169.254.0.0/16 (link-local: AWS, Azure, Google Cloud, Oracle Cloud metadata at 169.254.169.254) and
    /// 100.100.100.200 (Alibaba Cloud's metadata service).
    static func isRefusedIPv4(_ address: UInt32) -> Bool {
        address >> 16 == 0xA9FE || address == 0x6464_64C8
    }

    /// An IPv4 address in any form libcurl and `inet_aton` accept: one to four parts separated by dots, each decimal,
    /// octal (leading `0`) or hexadecimal (`0x`), the last part filling the remaining bytes (`169.254.43518`,
    /// `2852039166`, `0xa9.0xfe.0xa9.0xfe`, `0251.0376.0251.0376`).
    static func ipv4Address(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            let lower = part.lowercased()
            let value: UInt64?
            if lower.hasPrefix("0x") {
                value = lower.count == 2 ? 0 : UInt64(lower.dropFirst(2), radix: 16)
            } else if lower.count > 1 && lower.hasPrefix("0") {
                value = UInt64(lower.dropFirst(), radix: 8)
            } else {
                value = lower.allSatisfy(\.isASCII) ? UInt64(lower, radix: 10) : nil
            }
            guard let value, !part.isEmpty else { return nil }
            values.append(value)
        }
        guard let last = values.last else { return nil }
        var address: UInt64 = 0
        for value in values.dropLast() {
            guard value <= 0xFF else { return nil }
            address = address << 8 | value
        }
        let remaining = UInt64(5 - values.count) * 8
        guard last < (1 << remaining) else { return nil }
        return UInt32(address << remaining | last)
    }

    /// The 16 bytes of an IPv6 address (`fe80::1`, `::ffff:169.254.169.254`; a zone after `%` is ignored).
    static func ipv6Address(_ text: String) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        let address =
            text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        var groups: [UInt16] = []
        var gapAt: Int?
        let halves = address.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        for (index, half) in halves.enumerated() {
            if index == 1 { gapAt = groups.count }
            guard !half.isEmpty else { continue }
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, piece) in pieces.enumerated() {
                if position == pieces.count - 1 && index == halves.count - 1 && piece.contains(".") {
                    // A trailing dotted IPv4 address fills the last two groups.
                    let parts = piece.split(separator: ".", omittingEmptySubsequences: false)
                    guard parts.count == 4 else { return nil }
                    let bytes = parts.compactMap { UInt8($0, radix: 10) }
                    guard bytes.count == 4 else { return nil }
                    groups.append(UInt16(bytes[0]) << 8 | UInt16(bytes[1]))
                    groups.append(UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
                } else {
                    guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                    groups.append(group)
                }
            }
        }
        if let gapAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: Array(repeating: 0, count: 8 - groups.count), at: gapAt)
        }
        guard groups.count == 8 else { return nil }
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}
