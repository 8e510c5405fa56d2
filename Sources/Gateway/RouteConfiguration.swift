import Delivery
import Foundation
import HL7v2
import Mapping

/// One HL7 v2 route (`routes.<name>.*`): which journaled messages it takes (listener, MSH-3/MSH-4 sender, MSH-9 type
/// and trigger), the hl7-in mapping that reads them, and where their notes and application acknowledgments go.
///
/// A message takes the most specific route that matches it (the more of listener, sending application, sending
/// facility and message types a route names, the more specific; ties go to the route whose name sorts first). With
/// no route configured, one implicit route takes every message type of `pipeline.messageTypes` with
/// `pipeline.mapping` and every note destination.
public struct RouteConfiguration: Sendable, Hashable {
    /// The configured name.
    public var name: String
    /// The listener the message arrived on (`mllp`, the only HL7 v2 listener); `nil` matches any.
    public var listener: String?
    /// MSH-3 namespace ID to match; `nil` matches any.
    public var sendingApplication: String?
    /// MSH-4 namespace ID to match; `nil` matches any.
    public var sendingFacility: String?
    /// MSH-9 types and triggers to match (`MDM^T02`); empty matches `pipeline.messageTypes`.
    public var messageTypes: [MessageTypePattern]
    /// How its messages become encounters.
    public var mapping: HL7EncounterReader.Configuration
    /// The destinations its notes go to.
    public var destinations: [String]
    /// Where its enhanced-mode application acknowledgments go.
    public var acknowledgmentDestination: String?

    /// The keys of a route, with what they mean (for `notebridge serve --help-config`).
    public static let fields: [(String, String)] = [
        ("listener", "the listener messages arrive on: mllp (default: any)"),
        ("sendingApplication", "MSH-3 to match (default: any)"),
        ("sendingFacility", "MSH-4 to match (default: any)"),
        ("messageTypes", "MSH-9 to match, e.g. [MDM^T02, ORU^R01] (default: pipeline.messageTypes)"),
        ("mapping", "the hl7-in mapping file (default: pipeline.mapping, else the built-in one)"),
        ("destinations", "where its notes go, e.g. [ehr] (default: every destination but the acknowledgment destinations)"),
        ("acknowledgmentDestination", "where its application acknowledgments go (default: pipeline.acknowledgmentDestination)"),
    ]

    /// Whether the route takes a message with this header that arrived on `listener`.
    public func matches(_ header: HL7ReceivedHeader, listener: String, defaultTypes: [MessageTypePattern]) -> Bool {
        if let wanted = self.listener, wanted != listener { return false }
        if let application = sendingApplication, application != Self.namespace(header.sendingApplication, header) {
            return false
        }
        if let facility = sendingFacility, facility != Self.namespace(header.sendingFacility, header) { return false }
        let types = messageTypes.isEmpty ? defaultTypes : messageTypes
        return types.contains { $0.matches(code: header.messageCode, event: header.triggerEvent) }
    }

    /// How many of its criteria the route names.
    public var specificity: Int {
        [listener != nil, sendingApplication != nil, sendingFacility != nil, !messageTypes.isEmpty].filter { $0 }.count
    }

    /// The first component (the namespace ID) of an HD field given as ER7.
    static func namespace(_ er7: String, _ header: HL7ReceivedHeader) -> String {
        let component = Character(UnicodeScalar(header.delimiters.component))
        return String(er7.prefix { $0 != component })
    }

    /// The route of a message among `routes`: the most specific match, ties by name.
    public static func route(
        for header: HL7ReceivedHeader, listener: String, in routes: [RouteConfiguration], defaultTypes: [MessageTypePattern]
    ) -> RouteConfiguration? {
        routes.filter { $0.matches(header, listener: listener, defaultTypes: defaultTypes) }
            .min { ($0.specificity, $1.name) > ($1.specificity, $0.name) }
    }

    /// The name of the route of a message with `header` among `routes` (``route(for:listener:in:defaultTypes:)``),
    /// `nil` when no route is configured or none matches: the `route` label of its counters.
    public static func routeName(
        for header: HL7ReceivedHeader?, listener: String, in routes: [RouteConfiguration],
        defaultTypes: [MessageTypePattern]
    ) -> String? {
        guard !routes.isEmpty, let header else { return nil }
        return route(for: header, listener: listener, in: routes, defaultTypes: defaultTypes)?.name
    }

    /// Whether `key` is a route key (`routes.<name>.<field>`).
    static func isRouteKey(_ key: String) -> Bool {
        key.hasPrefix("routes.") && key.split(separator: ".", omittingEmptySubsequences: false).count == 3
    }

    /// The routes in flattened configuration values.
    static func routes(
        in values: [String: String], destinations: [DestinationConfiguration], acknowledgmentDestination: String?,
        defaultMapping: HL7EncounterReader.Configuration
    ) throws -> [RouteConfiguration] {
        var names = Set<String>()
        for key in values.keys where isRouteKey(key) {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            let name = String(parts[1])
            guard Self.fields.contains(where: { $0.0 == parts[2] }) else {
                throw ConfigurationError(
                    key: key, reason: "unknown route key; expected \(Self.fields.map(\.0).joined(separator: ", "))")
            }
            guard (1...64).contains(name.count),
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw ConfigurationError(key: key, reason: "a route name is 1 to 64 letters, digits, - or _")
            }
            guard name != GatewayMetrics.noRoute else {
                throw ConfigurationError(
                    key: key,
                    reason: "a route may not be named \(GatewayMetrics.noRoute) (the metrics' label of messages no route takes)")
            }
            names.insert(name)
        }
        let known = Set(destinations.map(\.name))
        return try names.sorted().map { name in
            func value(_ field: String) -> String? {
                guard let text = values["routes.\(name).\(field)"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty
                else { return nil }
                return text
            }
            func list(_ field: String) -> [String] {
                (value(field) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty }
            }
            if let listener = value("listener"), listener != "mllp" {
                throw ConfigurationError(key: "routes.\(name).listener", reason: "must be mllp (the HL7 v2 listener)")
            }
            let types = try list("messageTypes").map { text in
                guard let pattern = MessageTypePattern(text), pattern.event != nil else {
                    throw ConfigurationError(key: "routes.\(name).messageTypes", reason: "each entry must read CODE^EVENT")
                }
                return pattern
            }
            var mapping = defaultMapping
            if let path = value("mapping") {
                do {
                    mapping = try HL7InboundMapping.load(path: path)
                } catch {
                    throw ConfigurationError(key: "routes.\(name).mapping", reason: "\(error)")
                }
            }
            let acknowledgment = value("acknowledgmentDestination") ?? acknowledgmentDestination
            if let acknowledgment {
                guard let destination = destinations.first(where: { $0.name == acknowledgment }),
                    destination.mllp.messages == [.applicationAcknowledgment]
                else {
                    throw ConfigurationError(
                        key: "routes.\(name).acknowledgmentDestination",
                        reason: "must name a destination that sends application acknowledgments (messages: [ACK])")
                }
            }
            var targets = list("destinations")
            if values["routes.\(name).destinations"] == nil {
                targets = destinations.filter { !$0.mllp.messages.contains(.applicationAcknowledgment) }.map(\.name)
            }
            for target in targets {
                guard known.contains(target) else {
                    throw ConfigurationError(key: "routes.\(name).destinations", reason: "names a destination that is not configured")
                }
                guard destinations.first(where: { $0.name == target })?.mllp.messages.contains(.applicationAcknowledgment) != true else {
                    throw ConfigurationError(
                        key: "routes.\(name).destinations", reason: "an acknowledgment destination gets no notes")
                }
            }
            return RouteConfiguration(
                name: name, listener: value("listener"), sendingApplication: value("sendingApplication"),
                sendingFacility: value("sendingFacility"), messageTypes: types, mapping: mapping, destinations: targets,
                acknowledgmentDestination: acknowledgment)
        }
    }
}
