import CoreMetrics
import Curl
import FHIR
import Foundation
import Logging

/// The access tokens of one FHIR destination: fetched from the token endpoint (OAuth 2.0 client credentials, with a
/// client secret or a SMART Backend Services client assertion), cached until shortly before they expire, shared by
/// every concurrent delivery (one request to the token endpoint however many deliveries wait for it), and dropped
/// when the server refuses one (``invalidate(_:)``), so that the next delivery fetches a new one.
public actor FHIRTokenSource {
    /// Why no token could be had; ``isPermanent`` when asking again will not help (the endpoint refused the client).
    public struct TokenError: Error, Sendable, CustomStringConvertible {
        /// What went wrong (no secret, token or key).
        public var reason: String
        /// Whether the token endpoint refused the client (4xx) rather than failing to answer.
        public var isPermanent: Bool

        /// The reason, for operators.
        public var description: String { "FHIRTokenSource.TokenError: \(reason)" }
    }

    /// An access token and when it stops being used.
    public struct Token: Sendable, Hashable {
        /// The bearer token.
        public var value: String
        /// When it is refreshed: its expiry less a margin.
        public var refreshAt: Date
    }

    /// The token endpoint's answers read (larger ones fail).
    static let maximumAnswerBytes = 64 * 1024
    static let reader = JSONReader(limits: JSONReader.Limits(maximumBytes: maximumAnswerBytes, maximumDepth: 8))
    /// The lifetime assumed when the endpoint sends no `expires_in`.
    static let defaultLifetime: TimeInterval = 300

    let authorization: FHIRAuthorization
    let baseURL: String
    let client: CurlClient
    let template: CurlRequest
    private var assertion: ClientAssertion?
    let logger: Logger
    let clock: @Sendable () -> Date

    private var cached: Token?
    private var pending: Task<Token, any Error>?
    private var discoveredTokenURL: String?
    /// Requests made to the token endpoint since the source was made.
    public private(set) var fetches = 0
    /// The same, as ``DeliveryMetrics/tokenRequestsLabel``.
    let requests: Counter?

    /// A source for `authorization` (a kind that ``FHIRAuthorization/usesTokenEndpoint``); `template` gives the TLS,
    /// proxy, timeouts of its requests. A SMART signing key is read at the first fetch (the gateway checks it when
    /// it loads its configuration).
    public init(
        authorization: FHIRAuthorization, baseURL: String, client: CurlClient, template: CurlRequest, logger: Logger,
        requests: Counter? = nil, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.requests = requests
        self.authorization = authorization
        self.baseURL = baseURL
        self.client = client
        self.template = template
        self.logger = logger
        self.clock = clock
    }

    /// The signer of a SMART authorization, its key read once.
    private func signer(keyFile: String, keyID: String, algorithm: ClientAssertion.Algorithm) throws -> ClientAssertion
    {
        if let assertion { return assertion }
        do {
            let made = try ClientAssertion(keyFile: keyFile, algorithm: algorithm, keyID: keyID)
            assertion = made
            return made
        } catch {
            throw TokenError(reason: "the signing key cannot be used: \(error.reason)", isPermanent: true)
        }
    }

    /// A valid token: the cached one, or a new one (one fetch for every caller waiting at that moment).
    public func token() async throws -> Token {
        if let cached, cached.refreshAt > clock() { return cached }
        if let pending { return try await pending.value }
        let task = Task { try await self.fetch() }
        pending = task
        defer { pending = nil }
        let token = try await task.value
        cached = token
        return token
    }

    /// Drops `token` when it is the cached one (the server answered 401 to it).
    public func invalidate(_ token: Token) {
        if cached?.value == token.value { cached = nil }
    }

    /// Asks the token endpoint for a token.
    private func fetch() async throws -> Token {
        let clientID: String
        let scopes: String
        var headers = [
            HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded"),
            HTTPHeader(name: "Accept", value: "application/json"),
        ]
        var form = ["grant_type": "client_credentials"]
        let tokenURL = try await endpoint()
        switch authorization {
        case .clientSecret(let id, let secret, _, let scope):
            clientID = id
            scopes = scope
            let credentials = Self.formEscaped(id) + ":" + Self.formEscaped(secret)
            headers.append(
                HTTPHeader(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString()))
        case .smartBackend(let id, let keyFile, let keyID, let algorithm, _, let scope):
            clientID = id
            scopes = scope
            let assertion = try signer(keyFile: keyFile, keyID: keyID, algorithm: algorithm)
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            do {
                form["client_assertion"] = try assertion.make(clientID: id, audience: tokenURL, now: clock())
            } catch {
                throw TokenError(reason: "the client assertion cannot be signed", isPermanent: true)
            }
        case .none, .bearer:
            throw TokenError(reason: "\(authorization.kind) authorization uses no token endpoint", isPermanent: true)
        }
        if !scopes.isEmpty { form["scope"] = scopes }
        let body = form.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.formEscaped($0.value))" }.joined(
            separator: "&")
        let response = try await perform(
            "POST", tokenURL, headers: headers, body: Array(body.utf8), what: "the token endpoint")
        fetches += 1
        requests?.increment()
        guard response.isSuccess else {
            let code = (try? Self.reader.read(response.body))?["error"]?.string.flatMap(Self.safeCode) ?? ""
            let reason = "HTTP \(response.status) from the token endpoint" + (code.isEmpty ? "" : " (\(code))")
            let permanent = (400..<500).contains(response.status) && response.status != 408 && response.status != 429
            throw TokenError(reason: reason, isPermanent: permanent)
        }
        guard let answer = try? Self.reader.read(response.body), let value = answer["access_token"]?.string,
            !value.isEmpty, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw TokenError(reason: "the token endpoint's answer has no usable access_token", isPermanent: false)
        }
        var lifetime = Self.defaultLifetime
        if case .number(let text) = answer["expires_in"], let seconds = Double(text), seconds > 0 {
            lifetime = min(seconds, 86_400)
        }
        // Refreshed a minute early (a fifth early for short-lived tokens), so that no request carries a token that
        // expires on the way.
        let margin = min(60, lifetime / 5)
        logger.info(
            "access token obtained",
            metadata: ["nb.fhir.client_id": "\(clientID)", "nb.fhir.token_lifetime_s": "\(Int(lifetime))"])
        return Token(value: value, refreshAt: clock().addingTimeInterval(lifetime - margin))
    }

    /// The token endpoint: configured, or read once from `[base]/.well-known/smart-configuration`.
    private func endpoint() async throws -> String {
        switch authorization {
        case .clientSecret(_, _, let url?, _), .smartBackend(_, _, _, _, let url?, _): return url
        default: break
        }
        if let discoveredTokenURL { return discoveredTokenURL }
        let response = try await perform(
            "GET", Self.joined(baseURL, ".well-known/smart-configuration"),
            headers: [HTTPHeader(name: "Accept", value: "application/json")], body: [],
            what: ".well-known/smart-configuration")
        guard response.isSuccess, let document = try? Self.reader.read(response.body),
            let url = document["token_endpoint"]?.string, url.hasPrefix("https://") || url.hasPrefix("http://")
        else {
            throw TokenError(
                reason: "HTTP \(response.status) for .well-known/smart-configuration, without a token_endpoint",
                isPermanent: false)
        }
        discoveredTokenURL = url
        return url
    }

    /// Sends one request with the destination's TLS, proxy and timeouts; a transfer failure is a passing
    /// ``TokenError`` naming `what`.
    private func perform(_ method: String, _ url: String, headers: [HTTPHeader], body: [UInt8], what: String)
        async throws
        -> CurlResponse
    {
        var request = template
        request.method = method
        request.url = url
        request.headers = headers
        request.body = body
        request.maximumResponseBytes = Self.maximumAnswerBytes
        do {
            return try await client.perform(request)
        } catch let error as CurlError {
            throw TokenError(reason: "no answer from \(what): \(error.code)", isPermanent: false)
        }
    }

    /// `base` and `path` with one `/` between them.
    static func joined(_ base: String, _ path: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + path
    }

    /// An OAuth error code (`invalid_client`), or `nil` when it is anything else.
    static func safeCode(_ text: String) -> String? {
        text.count <= 40 && text.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) ? text : nil
    }

    /// `application/x-www-form-urlencoded` escaping of a value.
    static func formEscaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
