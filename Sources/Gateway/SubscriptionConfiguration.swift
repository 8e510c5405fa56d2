import Foundation

/// One Subscription notification route (`subscriptions.<name>.*`): `POST /fhir/subscription-hook/<name>` takes the
/// EHR's rest-hook notifications (R4 Subscriptions Backport), authenticated by the route's shared secret or by a
/// gateway API key with the `notes:write` scope (`Authorization: Bearer`, either one), reads what an
/// `id-only` notification names from the EHR's FHIR server (the base URL, auth and TLS of the `fhir` destination
/// named `source`), and writes the note for the encounter to `destinations`.
public struct SubscriptionConfiguration: Sendable, Hashable {
    /// The route name in the hook's path.
    public var name: String
    /// The `type: fhir` destination whose server and credentials the EHR is read with.
    public var source: String
    /// The secret the EHR sends as `Authorization: Bearer <secret>` (the Subscription's `channel.header`); `nil`
    /// when the route takes API keys only. A gateway API key with the `notes:write` scope is accepted either way.
    public var secret: String?
    /// Where the notes go.
    public var destinations: [String]
    /// The specialty value the notes are written for.
    public var specialty: String
    /// The note layout.
    public var template: String

    /// The keys of a subscription route, with what they mean.
    public static let fields: [(String, String)] = [
        (
            "source",
            "the type: fhir destination whose baseUrl, auth and TLS the EHR is read with (id-only notifications)"
        ),
        (
            "secret",
            "the shared secret the EHR sends as Authorization: Bearer (at least 16 characters; name an environment variable); without it only API keys with the notes:write scope are accepted (they are accepted either way)"
        ),
        ("destinations", "where the notes go, e.g. [ehr] (default: every note destination)"),
        ("specialty", "the specialty value the notes are written for (default generic)"),
        ("template", "the note layout: standard (default), apso, dap, birp or brief"),
    ]

    /// Whether `key` is a subscription key (`subscriptions.<name>.<field>`).
    static func isSubscriptionKey(_ key: String) -> Bool {
        key.hasPrefix("subscriptions.") && key.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    /// The subscription routes in flattened configuration values.
    static func subscriptions(
        in values: [String: String], destinations: [DestinationConfiguration], noteDestinations: [String]
    ) throws -> [SubscriptionConfiguration] {
        var names = Set<String>()
        for key in values.keys where isSubscriptionKey(key) {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            guard fields.contains(where: { $0.0 == parts[2] }) else {
                throw ConfigurationError(
                    key: key, reason: "unknown subscription key; expected \(fields.map(\.0).joined(separator: ", "))")
            }
            let name = String(parts[1])
            guard (1...64).contains(name.count),
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw ConfigurationError(key: key, reason: "a subscription name is 1 to 64 letters, digits, - or _")
            }
            names.insert(name)
        }
        return try names.sorted().map { name in
            let key = "subscriptions.\(name)."
            func value(_ field: String) -> String? {
                guard let text = values[key + field]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                    return nil
                }
                return text
            }
            guard let source = value("source") else {
                throw ConfigurationError(key: key + "source", reason: "names the fhir destination the EHR is read with")
            }
            guard destinations.contains(where: { $0.name == source && $0.fhir != nil }) else {
                throw ConfigurationError(key: key + "source", reason: "must name a configured type: fhir destination")
            }
            let secret = value("secret")
            if let secret {
                guard secret.utf8.count >= 16, secret.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                    throw ConfigurationError(
                        key: key + "secret", reason: "must be at least 16 printable ASCII characters without spaces")
                }
            }
            var targets = noteDestinations
            if let list = value("destinations") {
                targets = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                for target in targets where !noteDestinations.contains(target) {
                    throw ConfigurationError(
                        key: key + "destinations", reason: "names a destination that gets no notes")
                }
            }
            guard !targets.isEmpty else {
                throw ConfigurationError(key: key + "destinations", reason: "names no destination")
            }
            return SubscriptionConfiguration(
                name: name, source: source, secret: secret, destinations: targets,
                specialty: value("specialty") ?? "generic", template: value("template") ?? "standard")
        }
    }
}

extension SubscriptionConfiguration: CustomStringConvertible {
    /// Everything but the secret.
    public var description: String {
        "SubscriptionConfiguration(name: \(name), source: \(source), secret: \(secret == nil ? "none" : "<redacted>"), destinations: \(destinations))"
    }
}
