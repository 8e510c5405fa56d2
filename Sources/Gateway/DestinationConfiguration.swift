import Delivery
import Foundation
import MLLP
import Mapping

/// One configured destination (`destinations.<name>.*`): an MLLP peer (`type: mllp`, the default), a webhook
/// receiver (`type: webhook`) or a FHIR server (`type: fhir`).
public struct DestinationConfiguration: Sendable, Hashable {
    /// The name outbox rows carry (letters, digits, `-` and `_`).
    public var name: String
    /// The peer and how messages are written for it (unused when ``webhook`` is set).
    public var mllp: MLLPPeerDestination.Configuration
    /// The webhook receiver, for a `type: webhook` destination.
    public var webhook: WebhookDestination.Configuration?
    /// The FHIR server, for a `type: fhir` destination.
    public var fhir: FHIRServerDestination.Configuration?
    /// Retries, leases and polling.
    public var worker: OutboxWorker.Configuration

    /// Creates a destination.
    public init(
        name: String, mllp: MLLPPeerDestination.Configuration, webhook: WebhookDestination.Configuration? = nil,
        fhir: FHIRServerDestination.Configuration? = nil, worker: OutboxWorker.Configuration = OutboxWorker.Configuration()
    ) {
        self.name = name
        self.mllp = mllp
        self.webhook = webhook
        self.fhir = fhir
        self.worker = worker
    }

    /// The keys under `destinations.<name>.`, with what they mean.
    public static let fields: [(String, String)] = [
        ("type", "mllp (the default: an MLLP peer), webhook (signed note.generated events posted to url) or fhir (a FHIR R4 server at baseUrl)"),
        ("url", "webhook: the receiver's http or https URL"),
        ("secret", "webhook: the HMAC-SHA256 signing secret (at least 16 characters; name an environment variable)"),
        ("timeoutSeconds", "webhook, fhir: how long one request may take (default 10 for webhook, 30 for fhir)"),
        ("host", "the MLLP peer's host name or address"),
        ("port", "the MLLP peer's port"),
        ("tls", "true for TLS to the peer (the system's trust store unless tlsTrustRoots is given)"),
        ("tlsTrustRoots", "PEM CA certificates the peer's certificate must chain to (turns TLS on)"),
        ("tlsCertificate", "PEM client certificate chain presented for mutual TLS"),
        ("tlsPrivateKey", "PEM private key of the client certificate"),
        ("tlsServerHostname", "the name checked against the peer's certificate (default: host, when it is a name)"),
        ("ackTimeoutSeconds", "how long to wait for the acknowledgment (default 30)"),
        ("connectTimeoutSeconds", "how long to wait for the connection (default 10)"),
        ("maxAttempts", "attempts before the dead letter (default 10)"),
        ("initialBackoffMilliseconds", "first retry delay; doubles per attempt, with jitter (default 1000)"),
        ("maxBackoffSeconds", "longest retry delay (default 300)"),
        ("maxAgeHours", "a row still failing this long after it was queued goes to the dead letter (default: no limit)"),
        ("leaseSeconds", "how long a worker's claim on a row lasts (default 60)"),
        ("connections", "connections the rows of one claim are sent over at once, each carrying its share in turn (default 4)"),
        ("receivingApplication", "MSH-5 of the messages sent"),
        ("receivingFacility", "MSH-6 of the messages sent"),
        ("sendingFacility", "MSH-4 of the messages sent"),
        ("resultStatus", "OBR-25 and OBX-11: F (default) or P"),
        ("mapping", "an hl7-out mapping file (mappings/hl7-out/*.yaml): FT or TX, line length, headings, MSH-5/6, version; the keys here win over it"),
        ("messages", "what is sent per note, in order: [ORU^R01] (default), MDM^T02, DFT^P03 (only with procedure codes)"),
        ("diagnoses", "where ORU^R01 carries the ICD-10-CM codes: observations (default), segments (DG1) or none"),
    ] + fhirFields

    /// Checks `pipeline.acknowledgmentDestination` against the destinations: it must name an MLLP destination,
    /// which sends `ACK` (its default) and nothing else; no other destination may send `ACK`.
    static func applyingAcknowledgmentDestinations(
        _ names: [(key: String, name: String)], to destinations: [DestinationConfiguration],
        explicitMessages: (String) -> Bool
    ) throws -> [DestinationConfiguration] {
        var result = destinations
        for (key, name) in names {
            guard let index = result.firstIndex(where: { $0.name == name }) else {
                throw ConfigurationError(key: key, reason: "names no destination (destinations.<name>)")
            }
            if !explicitMessages(name) {
                result[index].mllp.messages = [.applicationAcknowledgment]
            } else if result[index].mllp.messages != [.applicationAcknowledgment] {
                throw ConfigurationError(
                    key: "destinations.\(name).messages",
                    reason: "the acknowledgment destination sends application acknowledgments only: [ACK]")
            }
        }
        let acknowledging = Set(names.map(\.name))
        for destination in result where !acknowledging.contains(destination.name)
            && destination.mllp.messages.contains(.applicationAcknowledgment)
        {
            throw ConfigurationError(
                key: "destinations.\(destination.name).messages",
                reason: "ACK is sent only by a destination that pipeline.acknowledgmentDestination (or a route's) names")
        }
        return result
    }

    /// Whether `key` is a destination key (`destinations.<name>.<field>`).
    static func isDestinationKey(_ key: String) -> Bool {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "destinations" && fields.contains { $0.0 == parts[2] }
    }

    /// The destinations named in flattened configuration values, sorted by name.
    static func destinations(in values: [String: String], sendingApplication: String) throws -> [DestinationConfiguration] {
        var names = Set<String>()
        for key in values.keys where key.hasPrefix("destinations.") {
            let parts = key.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, fields.contains(where: { $0.0 == parts[2] }) else {
                throw ConfigurationError(
                    key: key,
                    reason: "unknown destination key; destinations.<name>. takes \(fields.map(\.0).joined(separator: ", "))")
            }
            let name = String(parts[1])
            guard !name.isEmpty, name.count <= 64,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw ConfigurationError(key: key, reason: "a destination name is 1 to 64 letters, digits, - or _")
            }
            names.insert(name)
        }
        return try names.sorted().map { name in
            func value(_ field: String) -> String? {
                guard let text = values["destinations.\(name).\(field)"]?.trimmingCharacters(in: .whitespaces),
                    !text.isEmpty
                else { return nil }
                return text
            }
            func integer(_ field: String, _ range: ClosedRange<Int>) throws -> Int? {
                guard let text = value(field) else { return nil }
                guard let number = Int(text), range.contains(number) else {
                    throw ConfigurationError(
                        key: "destinations.\(name).\(field)",
                        reason: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
                }
                return number
            }
            let type = value("type") ?? "mllp"
            guard type == "mllp" || type == "webhook" || type == "fhir" else {
                throw ConfigurationError(key: "destinations.\(name).type", reason: "must be mllp, webhook or fhir")
            }
            let worker = try workerConfiguration(integer)
            if type == "fhir" {
                return DestinationConfiguration(
                    name: name, mllp: MLLPPeerDestination.Configuration(client: MLLPClient.Configuration(host: "", port: 0)),
                    fhir: try fhirConfiguration(name: name, value: value, integer: integer), worker: worker)
            }
            if let stray = fhirFields.map(\.0).first(where: { value($0) != nil }) {
                throw ConfigurationError(
                    key: "destinations.\(name).\(stray)", reason: "is a key of FHIR destinations (type: fhir)")
            }
            if type == "webhook" {
                return DestinationConfiguration(
                    name: name, mllp: MLLPPeerDestination.Configuration(client: MLLPClient.Configuration(host: "", port: 0)),
                    webhook: try webhookConfiguration(name: name, value: value, integer: integer), worker: worker)
            }
            guard let host = value("host") else {
                throw ConfigurationError(key: "destinations.\(name).host", reason: "an MLLP destination needs a host")
            }
            guard let port = try integer("port", 1...65535) else {
                throw ConfigurationError(key: "destinations.\(name).port", reason: "an MLLP destination needs a port")
            }
            var client = MLLPClient.Configuration(host: host, port: port)
            client.tls = try tls(name: name, value: value)
            if let seconds = try integer("connectTimeoutSeconds", 1...3_600) { client.connectTimeout = .seconds(seconds) }
            var peer = MLLPPeerDestination.Configuration(client: client)
            if let seconds = try integer("ackTimeoutSeconds", 1...3_600) { peer.acknowledgmentTimeout = .seconds(seconds) }
            var mapping = HL7OutboundMapping()
            if let path = value("mapping") {
                do {
                    mapping = try HL7OutboundMapping.load(path: path)
                } catch {
                    throw ConfigurationError(key: "destinations.\(name).mapping", reason: "\(error)")
                }
                peer.renderer = mapping.renderer
                if let messages = mapping.messages { peer.messages = messages }
            }
            peer.renderer.sendingApplication = mapping.sendingApplication ?? sendingApplication
            peer.renderer.sendingFacility = value("sendingFacility") ?? peer.renderer.sendingFacility
            peer.renderer.receivingApplication = value("receivingApplication") ?? peer.renderer.receivingApplication
            peer.renderer.receivingFacility = value("receivingFacility") ?? peer.renderer.receivingFacility
            if let status = value("resultStatus") {
                guard status == "F" || status == "P" else {
                    throw ConfigurationError(key: "destinations.\(name).resultStatus", reason: "must be F or P")
                }
                peer.renderer.resultStatus = status
            }
            if let placement = value("diagnoses") {
                guard let parsed = HL7NoteRenderer.Configuration.DiagnosisPlacement(rawValue: placement) else {
                    throw ConfigurationError(
                        key: "destinations.\(name).diagnoses", reason: "must be observations, segments or none")
                }
                peer.renderer.diagnoses = parsed
            }
            if let list = value("messages") {
                peer.messages = try list.split(separator: ",").map { text in
                    let entry = text.trimmingCharacters(in: .whitespaces).uppercased()
                    guard let kind = HL7NoteRenderer.MessageKind(rawValue: entry) else {
                        throw ConfigurationError(
                            key: "destinations.\(name).messages",
                            reason: "each entry must be ORU^R01, MDM^T02, DFT^P03 or ACK (application acknowledgments)")
                    }
                    return kind
                }
                guard !peer.messages.isEmpty, Set(peer.messages).count == peer.messages.count else {
                    throw ConfigurationError(
                        key: "destinations.\(name).messages", reason: "must list ORU^R01, MDM^T02 or DFT^P03, each once")
                }
            }
            return DestinationConfiguration(name: name, mllp: peer, worker: worker)
        }
    }

    /// Retries, leases and polling of a destination's worker.
    static func workerConfiguration(
        _ integer: (String, ClosedRange<Int>) throws -> Int?
    ) throws -> OutboxWorker.Configuration {
        var worker = OutboxWorker.Configuration()
        if let attempts = try integer("maxAttempts", 1...1_000) { worker.retry.maximumAttempts = attempts }
        if let milliseconds = try integer("initialBackoffMilliseconds", 1...3_600_000) {
            worker.retry.initialBackoff = .milliseconds(milliseconds)
        }
        if let seconds = try integer("maxBackoffSeconds", 1...86_400) { worker.retry.maximumBackoff = .seconds(seconds) }
        if let seconds = try integer("leaseSeconds", 1...3_600) { worker.leaseDuration = .seconds(seconds) }
        if let connections = try integer("connections", 1...64) { worker.connections = connections }
        if let hours = try integer("maxAgeHours", 1...87_600) { worker.retry.maximumAge = .seconds(hours * 3_600) }
        if worker.retry.maximumBackoff < worker.retry.initialBackoff {
            worker.retry.maximumBackoff = worker.retry.initialBackoff
        }
        return worker
    }

    /// The receiver of a `type: webhook` destination; MLLP keys are refused on it.
    private static func webhookConfiguration(
        name: String, value: (String) -> String?, integer: (String, ClosedRange<Int>) throws -> Int?
    ) throws -> WebhookDestination.Configuration {
        let key = "destinations.\(name)."
        let mllpOnly = fields.map(\.0).filter {
            !["type", "url", "secret", "timeoutSeconds", "maxAttempts", "initialBackoffMilliseconds", "maxBackoffSeconds",
              "maxAgeHours", "leaseSeconds", "connections"].contains($0)
        }
        if let stray = mllpOnly.first(where: { value($0) != nil }) {
            throw ConfigurationError(key: key + stray, reason: "is not a webhook key; a webhook destination takes url and secret")
        }
        guard let url = value("url") else {
            throw ConfigurationError(key: key + "url", reason: "a webhook destination needs a url")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError(key: key + "url", reason: "must be an http or https URL with a host")
        }
        guard let secret = value("secret") else {
            throw ConfigurationError(key: key + "secret", reason: "a webhook destination needs a signing secret")
        }
        guard secret.utf8.count >= 16 else {
            throw ConfigurationError(key: key + "secret", reason: "must be at least 16 characters")
        }
        var configuration = WebhookDestination.Configuration(url: url, secret: secret)
        if let seconds = try integer("timeoutSeconds", 1...300) { configuration.timeout = .seconds(seconds) }
        return configuration
    }

    /// The client TLS settings of a destination, checked now (the files are read) so that a mistake stops the start
    /// instead of failing every delivery.
    private static func tls(name: String, value: (String) -> String?) throws -> MLLPClientTLSConfiguration? {
        let key = "destinations.\(name)."
        var enabled = false
        if let flag = value("tls") {
            switch flag.lowercased() {
            case "true", "yes", "on", "1": enabled = true
            case "false", "no", "off", "0": enabled = false
            default: throw ConfigurationError(key: key + "tls", reason: "must be true or false")
            }
        }
        let trustRoots = value("tlsTrustRoots")
        let certificate = value("tlsCertificate")
        let privateKey = value("tlsPrivateKey")
        let serverHostname = value("tlsServerHostname")
        guard enabled || trustRoots != nil || certificate != nil || privateKey != nil || serverHostname != nil else {
            return nil
        }
        if value("tls") != nil, !enabled {
            throw ConfigurationError(key: key + "tls", reason: "is false while other TLS keys are given")
        }
        guard (certificate == nil) == (privateKey == nil) else {
            throw ConfigurationError(
                key: key + (certificate == nil ? "tlsCertificate" : "tlsPrivateKey"),
                reason: "mutual TLS needs both the client certificate and its private key")
        }
        let configuration = MLLPClientTLSConfiguration(
            trustRootsPath: trustRoots, certificateChainPath: certificate, privateKeyPath: privateKey,
            serverHostname: serverHostname)
        do {
            _ = try configuration.makeClientContext()
        } catch {
            throw ConfigurationError(key: key + "tls", reason: "the TLS files cannot be used: \(error)")
        }
        return configuration
    }
}
