/// How a FHIR destination authenticates its requests.
public enum FHIRAuthorization: Sendable, Hashable {
    /// No `Authorization` header.
    case none
    /// A fixed bearer token (`Authorization: Bearer <token>`); a 401 is not retried.
    case bearer(token: String)
    /// OAuth 2.0 client credentials (RFC 6749, section 4.4) with a client secret (HTTP Basic at the token
    /// endpoint); the access token is cached until shortly before it expires.
    case clientSecret(clientID: String, secret: String, tokenURL: String?, scopes: String)
    /// SMART Backend Services: client credentials with a `private_key_jwt` client assertion signed by the PEM key
    /// at `keyFile`; the token endpoint is `tokenURL`, or read from `[base]/.well-known/smart-configuration`.
    case smartBackend(
        clientID: String, keyFile: String, keyID: String, algorithm: ClientAssertion.Algorithm, tokenURL: String?,
        scopes: String)

    /// `none`, `bearer`, `client-secret` or `smart-backend`: the configuration value naming the kind.
    public var kind: String {
        switch self {
        case .none: "none"
        case .bearer: "bearer"
        case .clientSecret: "client-secret"
        case .smartBackend: "smart-backend"
        }
    }

    /// Whether tokens come from a token endpoint (and a 401 earns one refresh).
    public var usesTokenEndpoint: Bool {
        switch self {
        case .none, .bearer: false
        case .clientSecret, .smartBackend: true
        }
    }
}

extension FHIRAuthorization: CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind, client id, key id and token URL; never a token, a secret or a key.
    public var description: String {
        switch self {
        case .none: "none"
        case .bearer: "bearer(<redacted>)"
        case .clientSecret(let clientID, _, let tokenURL, let scopes):
            "client-secret(clientID: \(clientID), secret: <redacted>, tokenURL: \(tokenURL ?? "discovered"), scopes: \(scopes))"
        case .smartBackend(let clientID, let keyFile, let keyID, let algorithm, let tokenURL, let scopes):
            "smart-backend(clientID: \(clientID), keyFile: \(keyFile), keyID: \(keyID), \(algorithm.rawValue), tokenURL: \(tokenURL ?? "discovered"), scopes: \(scopes))"
        }
    }

    /// The same as ``description``.
    public var debugDescription: String { description }
}
