/// HL7 v2 version identifiers (MSH-12, HL7 table 0104) and what differs between them.
public enum HL7Version {
    /// The versions this gateway reads: v2.1 to v2.8 with their point releases.
    public static let supported: Set<String> = [
        "2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2",
    ]

    /// Whether a version identifier is one the gateway reads.
    public static func isSupported(_ version: String) -> Bool {
        supported.contains(version)
    }

    /// Major and minor numbers, with the patch number (or 0): `2.5.1` → (2, 5, 1).
    static func numbers(_ version: String) -> (Int, Int, Int)? {
        let parts = version.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return nil }
        let patch = parts.count > 2 ? (parts[2] ?? 0) : 0
        return (major, minor, patch)
    }

    /// Whether the version has the v2.5 ERR segment (ERR-2 location, ERR-3 code, ERR-4 severity, ERR-7/8 texts).
    public static func usesErrorSegment(_ version: String) -> Bool {
        guard let (major, minor, _) = numbers(version) else { return true }
        return major > 2 || (major == 2 && minor >= 5)
    }

    /// Whether MSH-9 has a third component, the message structure (v2.3.1 and later).
    static func hasMessageStructure(_ version: String) -> Bool {
        guard let (major, minor, patch) = numbers(version) else { return true }
        return major > 2 || (major == 2 && (minor > 3 || (minor == 3 && patch >= 1)))
    }

    /// Whether MSH-9 has a second component, the trigger event (v2.2 and later).
    static func hasTriggerEvent(_ version: String) -> Bool {
        guard let (major, minor, _) = numbers(version) else { return true }
        return major > 2 || (major == 2 && minor >= 2)
    }
}
