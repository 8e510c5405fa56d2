import Curl
import Delivery
import Foundation
import Hummingbird
import Logging
import MLLP
import Store
import Transcription

/// The effective configuration as the console shows it: groups of `key: value` rows, with every secret (webhook
/// and subscription secrets, FHIR credentials, the remote speech engine's key, a URL's user information and query)
/// replaced by `<redacted>`.
struct SettingsView: Sendable {
    struct Group: Sendable {
        var id: String
        var title: String
        var rows: [(key: String, value: String)]
    }

    static let redacted = "<redacted>"

    var groups: [Group]

    init(_ configuration: GatewayConfiguration) {
        func seconds(_ duration: Duration?) -> String {
            guard let duration else { return "off" }
            return "\(duration.components.seconds) s"
        }
        var groups: [Group] = []
        groups.append(
            Group(
                id: "listeners", title: "Listeners",
                rows: [
                    ("http.host", configuration.httpHost), ("http.port", String(configuration.httpPort)),
                    ("http.tls", configuration.httpTLS == nil ? "off" : "on"),
                    ("http.idleTimeout", seconds(configuration.httpIdleTimeout)),
                    ("http.requestTimeout", seconds(configuration.httpRequestTimeout)),
                    ("http.maxConnections", String(configuration.httpMaxConnections)),
                    ("mllp.host", configuration.mllp.host), ("mllp.port", String(configuration.mllp.port)),
                    ("mllp.tls", configuration.mllp.tls == nil ? "off" : "on"),
                    ("mllp.maximumFrameSize", "\(configuration.mllp.maximumFrameSize) bytes"),
                ]))
        groups.append(
            Group(
                id: "storage", title: "Storage and retention",
                rows: [
                    ("storage.backend", configuration.storeBackend.rawValue),
                    ("dataDirectory", configuration.dataDirectory),
                    ("keyFile", configuration.keyFileURL.path), ("synchronous", "\(configuration.synchronous)"),
                    ("duplicateWindow", seconds(configuration.duplicateWindow)),
                    ("retention", seconds(configuration.retention)),
                    ("api.retention", seconds(configuration.api.retention)),
                ]))
        groups.append(
            Group(
                id: "intake", title: "Intake",
                rows: [
                    ("applicationName", configuration.applicationName),
                    ("facilityName", configuration.facilityName),
                    (
                        "acceptedMessageTypes",
                        configuration.acceptedMessageTypes.isEmpty
                            ? "every type"
                            : configuration.acceptedMessageTypes.map(\.description).joined(separator: ", ")
                    ),
                    (
                        "pipeline.messageTypes",
                        configuration.pipelineMessageTypes.map(\.description).joined(separator: ", ")
                    ),
                    ("pipeline.concurrency", String(configuration.pipelineConcurrency)),
                    ("acknowledgmentDestination", configuration.acknowledgmentDestination ?? "none"),
                    (
                        "api.rateLimit",
                        "\(configuration.api.rateLimit) per second, burst \(configuration.api.rateBurst)"
                    ),
                    ("api.callbackUrl", configuration.api.callbackURL.map(Self.redactedURL) ?? "none"),
                    ("logLevel", configuration.logLevel),
                ]))
        let audio = configuration.api.audio
        var audioRows: [(String, String)] = [
            ("audio.maxBytes", "\(audio.limits.maximumBytes) bytes"),
            ("audio.maxSeconds", seconds(audio.limits.maximumDuration)),
            ("audio.engine", audio.remote == nil ? "embedded" : "remote"),
        ]
        if let remote = audio.remote?.configuration {
            audioRows += [
                ("audio.remote.url", Self.redactedURL(remote.baseURL)), ("audio.remote.model", remote.model),
                ("audio.remote.language", remote.language ?? "auto"),
                ("audio.remote.key", remote.key == nil ? "none" : Self.redacted),
                ("audio.remote.timeout", seconds(remote.timeout)),
                ("audio.remote.caFile", remote.tls.caFile ?? "system trust store"),
                ("audio.remote.clientCertificate", remote.tls.clientCertificateFile ?? "none"),
                ("audio.remote.fallback", audio.fallbackToEmbedded ? "embedded engine" : "off"),
            ]
        }
        groups.append(Group(id: "audio", title: "Audio transcription", rows: audioRows))
        var destinations: [(String, String)] = []
        for destination in configuration.destinations {
            let prefix = "destinations.\(destination.name)"
            if let webhook = destination.webhook {
                destinations.append(("\(prefix).type", "webhook"))
                destinations.append(("\(prefix).url", Self.redactedURL(webhook.url)))
                destinations.append(("\(prefix).secret", Self.redacted))
            } else if let fhir = destination.fhir {
                destinations.append(("\(prefix).type", "fhir"))
                destinations.append(("\(prefix).baseUrl", Self.redactedURL(fhir.baseURL)))
                destinations.append(("\(prefix).authorization", Self.redacted))
                destinations.append(("\(prefix).proxy", fhir.proxy.map(Self.redactedURL) ?? "none"))
            } else {
                destinations.append(("\(prefix).type", "mllp"))
                destinations.append(
                    ("\(prefix).address", "\(destination.mllp.client.host):\(destination.mllp.client.port)"))
                destinations.append(("\(prefix).tls", destination.mllp.client.tls == nil ? "off" : "on"))
                destinations.append(("\(prefix).ackTimeout", seconds(destination.mllp.acknowledgmentTimeout)))
            }
            destinations.append(("\(prefix).connections", String(destination.worker.connections)))
        }
        if destinations.isEmpty { destinations.append(("destinations", "none")) }
        groups.append(Group(id: "destinations", title: "Destinations", rows: destinations))
        var routes: [(String, String)] = configuration.routes.map { route in
            (
                "routes.\(route.name)",
                "\(route.messageTypes.map(\.description).joined(separator: ", ")) → "
                    + route.destinations.joined(separator: ", ")
            )
        }
        for subscription in configuration.subscriptions {
            routes.append(("subscriptions.\(subscription.name).source", subscription.source))
            routes.append(("subscriptions.\(subscription.name).secret", Self.redacted))
        }
        if routes.isEmpty { routes.append(("routes", "none")) }
        groups.append(Group(id: "routes", title: "Routes and subscriptions", rows: routes))
        self.groups = groups
    }

    /// A URL with its user information, query and fragment replaced by `<redacted>` (they can carry credentials).
    static func redactedURL(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.scheme != nil else { return redacted }
        if components.user != nil || components.password != nil {
            components.user = redacted
            components.password = nil
        }
        if components.query != nil { components.query = redacted }
        if components.fragment != nil { components.fragment = nil }
        return components.string?.removingPercentEncoding ?? redacted
    }
}

extension ConsoleRoutes {
    /// `GET /console/settings`.
    func settingsPage(_ caller: Caller) -> Response {
        let view = SettingsView(configuration)
        let values: [String: Any] = [
            "page": "settings",
            "groups": view.groups.map { group -> [String: Any] in
                [
                    "id": group.id, "title": group.title,
                    "rows": group.rows.map { ["key": $0.key, "value": $0.value] },
                ]
            },
        ]
        return html("settings", values, session: caller.session)
    }
}
