import Curl
import Delivery
import Foundation
import Mapping

extension DestinationConfiguration {
    /// The keys only a `type: fhir` destination takes, with what they mean.
    static let fhirFields: [(String, String)] = [
        ("baseUrl", "fhir: the FHIR R4 base URL (http or https)"),
        (
            "mode",
            "fhir: transaction (default; one Bundle of conditional creates), conditional-create, conditional-update or document-reference"
        ),
        (
            "resources",
            "fhir: what is sent, e.g. [Composition, DocumentReference, Condition, ChargeItem, Provenance] (default all but ChargeItem)"
        ),
        ("auth", "fhir: none (default), bearer, client-secret or smart-backend"),
        ("token", "fhir, auth bearer: the static bearer token (name an environment variable)"),
        ("clientId", "fhir, auth client-secret or smart-backend: the OAuth client id"),
        ("clientSecret", "fhir, auth client-secret: the client secret (name an environment variable)"),
        ("tokenUrl", "fhir: the token endpoint (default: read from <baseUrl>/.well-known/smart-configuration)"),
        ("scopes", "fhir: the scopes asked for, e.g. [system/DocumentReference.write]"),
        ("signingKey", "fhir, auth smart-backend: the PEM private key the client assertion is signed with"),
        ("keyId", "fhir, auth smart-backend: the kid of the key in the client's JWK Set"),
        ("algorithm", "fhir, auth smart-backend: RS384 (default) or ES384"),
        ("proxy", "fhir: a proxy URL (default: none; the *_proxy variables are never read)"),
        ("maxResponseBytes", "fhir: the largest answer read (default 4194304)"),
        ("patientIdentifierSystem", "fhir: the system of patient identifiers (default: from PID-3.4)"),
        ("encounterIdentifierSystem", "fhir: the system of visit numbers (default urn:notebridge:visit)"),
        ("practitionerIdentifierSystem", "fhir: the system of clinician ids (default http://hl7.org/fhir/sid/us-npi)"),
    ]

    /// The keys a FHIR destination takes besides ``fhirFields``.
    static let fhirSharedFields: Set<String> = [
        "type", "timeoutSeconds", "connectTimeoutSeconds", "tlsTrustRoots", "tlsCertificate", "tlsPrivateKey",
        "maxAttempts", "initialBackoffMilliseconds", "maxBackoffSeconds", "maxAgeHours", "leaseSeconds", "connections",
    ]

    /// The server of a `type: fhir` destination, checked now (URLs, files, keys) so that a mistake stops the start.
    static func fhirConfiguration(
        name: String, value: (String) -> String?, integer: (String, ClosedRange<Int>) throws -> Int?
    ) throws -> FHIRServerDestination.Configuration {
        let key = "destinations.\(name)."
        let allowed = fhirSharedFields.union(fhirFields.map(\.0))
        if let stray = fields.map(\.0).first(where: { !allowed.contains($0) && value($0) != nil }) {
            throw ConfigurationError(key: key + stray, reason: "is not a key of FHIR destinations")
        }
        guard let baseURL = value("baseUrl") else {
            throw ConfigurationError(key: key + "baseUrl", reason: "a FHIR destination needs a baseUrl")
        }
        try checkURL(baseURL, key: key + "baseUrl")
        var configuration = FHIRServerDestination.Configuration(baseURL: baseURL)
        if let mode = value("mode") {
            guard let parsed = FHIRServerDestination.Mode(rawValue: mode) else {
                throw ConfigurationError(
                    key: key + "mode",
                    reason:
                        "must be one of \(FHIRServerDestination.Mode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.mode = parsed
        }
        if let list = value("resources") {
            let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let known = NoteFHIRRenderer.selectableResourceTypes
            guard !names.isEmpty else {
                throw ConfigurationError(key: key + "resources", reason: "must list at least one resource type")
            }
            if let unknown = names.first(where: { !known.contains($0) }) {
                throw ConfigurationError(
                    key: key + "resources", reason: "\(unknown) is not one of \(known.joined(separator: ", "))")
            }
            configuration.resources = Set(names)
        }
        configuration.authorization = try fhirAuthorization(key: key, value: value)
        let certificate = value("tlsCertificate")
        let privateKey = value("tlsPrivateKey")
        guard (certificate == nil) == (privateKey == nil) else {
            throw ConfigurationError(
                key: key + (certificate == nil ? "tlsCertificate" : "tlsPrivateKey"),
                reason: "mutual TLS needs both the client certificate and its private key")
        }
        for (field, path) in [
            ("tlsTrustRoots", value("tlsTrustRoots")), ("tlsCertificate", certificate), ("tlsPrivateKey", privateKey),
        ] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ConfigurationError(key: key + field, reason: "the file cannot be read")
            }
        }
        configuration.tls = CurlTLSConfiguration(
            caFile: value("tlsTrustRoots"), clientCertificateFile: certificate, clientKeyFile: privateKey)
        if let proxy = value("proxy") {
            guard let components = URLComponents(string: proxy), components.scheme != nil,
                components.host?.isEmpty == false
            else {
                throw ConfigurationError(key: key + "proxy", reason: "must be a URL such as http://proxy.example:3128")
            }
            configuration.proxy = proxy
        }
        if let seconds = try integer("timeoutSeconds", 1...600) { configuration.timeout = .seconds(seconds) }
        if let seconds = try integer("connectTimeoutSeconds", 1...600) {
            configuration.connectTimeout = .seconds(seconds)
        }
        if let bytes = try integer("maxResponseBytes", 1_024...(256 << 20)) {
            configuration.maximumResponseBytes = bytes
        }
        if let system = value("patientIdentifierSystem") {
            try checkSystem(system, key: key + "patientIdentifierSystem")
            configuration.identifiers.patient = system
        }
        if let system = value("encounterIdentifierSystem") {
            try checkSystem(system, key: key + "encounterIdentifierSystem")
            configuration.identifiers.encounter = system
        }
        if let system = value("practitionerIdentifierSystem") {
            try checkSystem(system, key: key + "practitionerIdentifierSystem")
            configuration.identifiers.practitioner = system
        }
        return configuration
    }

    /// The `auth` of a FHIR destination and the keys it needs; keys of another kind are refused.
    static func fhirAuthorization(key: String, value: (String) -> String?) throws -> FHIRAuthorization {
        let kind = value("auth") ?? "none"
        let needs: [String: [String]] = [
            "none": [], "bearer": ["token"], "client-secret": ["clientId", "clientSecret", "tokenUrl", "scopes"],
            "smart-backend": ["clientId", "signingKey", "keyId", "algorithm", "tokenUrl", "scopes"],
        ]
        guard let own = needs[kind] else {
            throw ConfigurationError(key: key + "auth", reason: "must be none, bearer, client-secret or smart-backend")
        }
        for field in ["token", "clientId", "clientSecret", "tokenUrl", "scopes", "signingKey", "keyId", "algorithm"]
        where !own.contains(field) && value(field) != nil {
            throw ConfigurationError(key: key + field, reason: "is not used with auth \(kind)")
        }
        func required(_ field: String) throws -> String {
            guard let text = value(field) else {
                throw ConfigurationError(key: key + field, reason: "auth \(kind) needs \(field)")
            }
            return text
        }
        let tokenURL = value("tokenUrl")
        if let tokenURL { try checkURL(tokenURL, key: key + "tokenUrl") }
        let scopes = (value("scopes") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if let bad = scopes.first(where: {
            $0.isEmpty || !$0.allSatisfy { $0.isASCII && !$0.isWhitespace && $0 != "\"" && $0 != "\\" }
        }) {
            throw ConfigurationError(
                key: key + "scopes",
                reason: "a scope must be printable ASCII without spaces (\(bad.isEmpty ? "empty" : "not one"))")
        }
        switch kind {
        case "bearer":
            let token = try required("token")
            guard token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw ConfigurationError(key: key + "token", reason: "must be printable ASCII without spaces")
            }
            return .bearer(token: token)
        case "client-secret":
            return .clientSecret(
                clientID: try required("clientId"), secret: try required("clientSecret"), tokenURL: tokenURL,
                scopes: scopes.joined(separator: " "))
        case "smart-backend":
            let clientID = try required("clientId")
            let keyFile = try required("signingKey")
            let keyID = try required("keyId")
            let algorithm = try ClientAssertion.Algorithm(rawValue: (value("algorithm") ?? "RS384").uppercased())
                .orThrow(
                    ConfigurationError(key: key + "algorithm", reason: "must be RS384 or ES384"))
            do {
                _ = try ClientAssertion(keyFile: keyFile, algorithm: algorithm, keyID: keyID)
            } catch {
                throw ConfigurationError(key: key + "signingKey", reason: error.reason)
            }
            return .smartBackend(
                clientID: clientID, keyFile: keyFile, keyID: keyID, algorithm: algorithm, tokenURL: tokenURL,
                scopes: scopes.joined(separator: " "))
        default:
            return .none
        }
    }

    /// Refuses anything but an http or https URL with a host.
    static func checkURL(_ url: String, key: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else {
            throw ConfigurationError(
                key: key, reason: "must be an http or https URL with a host, without query or fragment")
        }
    }

    /// Refuses an identifier system that is not a URI.
    static func checkSystem(_ system: String, key: String) throws {
        guard system.hasPrefix("http://") || system.hasPrefix("https://") || system.hasPrefix("urn:"),
            !system.contains(where: { $0.isWhitespace || $0 == "|" })
        else {
            throw ConfigurationError(key: key, reason: "must be a URI (http, https or urn) without spaces or |")
        }
    }
}

extension Optional {
    /// The value, or `error` thrown.
    fileprivate func orThrow(_ error: ConfigurationError) throws -> Wrapped {
        guard let self else { throw error }
        return self
    }
}
