import Crypto
import Curl
import Delivery
import FHIR
import Foundation
import Logging
import NIOHTTP1
import Synchronization
import TestSupport
import Testing
import _CryptoExtras

@Suite("SMART Backend Services: client assertions and the token cache", .timeLimit(.minutes(1)))
struct FHIRAuthorizationTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    /// Decodes base64url without padding.
    static func base64URLDecoded(_ text: Substring) throws -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return try #require(Data(base64Encoded: base64))
    }

    static func parts(_ jwt: String) throws -> (
        header: JSONValue, claims: JSONValue, signingInput: Data, signature: Data
    ) {
        let pieces = jwt.split(separator: ".", omittingEmptySubsequences: false)
        try #require(pieces.count == 3)
        let reader = JSONReader()
        return (
            try reader.read(Array(try base64URLDecoded(pieces[0]))),
            try reader.read(Array(try base64URLDecoded(pieces[1]))),
            Data("\(pieces[0]).\(pieces[1])".utf8), try base64URLDecoded(pieces[2])
        )
    }

    static func checkClaims(_ claims: JSONValue) {
        #expect(claims["iss"]?.string == "nb-client")
        #expect(claims["sub"]?.string == "nb-client")
        #expect(claims["aud"]?.string == "https://ehr.example.org/token")
        #expect(claims["jti"]?.string == "jti-1")
        #expect(claims["iat"] == .integer(1_796_000_000))
        #expect(claims["exp"] == .integer(1_796_000_300))
    }

    @Test("RS384: header, claims, and a PKCS#1 v1.5 SHA-384 signature the public key verifies")
    func rs384() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let signer = try ClientAssertion(pem: key.pemRepresentation, algorithm: .rs384, keyID: "rs-1")
        let jwt = try signer.make(
            clientID: "nb-client", audience: "https://ehr.example.org/token", now: Self.now, id: "jti-1")
        let (header, claims, input, signature) = try Self.parts(jwt)
        #expect(header["alg"]?.string == "RS384" && header["kid"]?.string == "rs-1" && header["typ"]?.string == "JWT")
        Self.checkClaims(claims)
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        #expect(
            key.publicKey.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5))
        // Not PSS, not SHA-256, not another key: each fails.
        #expect(!key.publicKey.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .PSS))
        #expect(
            !key.publicKey.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5))
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        #expect(
            !other.publicKey.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5))
    }

    @Test("ES384: a 96-byte r||s signature the P-384 public key verifies; a tampered claim fails")
    func es384() throws {
        let key = P384.Signing.PrivateKey()
        let signer = try ClientAssertion(pem: key.pemRepresentation, algorithm: .es384, keyID: "es-1")
        let jwt = try signer.make(
            clientID: "nb-client", audience: "https://ehr.example.org/token", now: Self.now, id: "jti-1")
        let (header, claims, input, signature) = try Self.parts(jwt)
        #expect(header["alg"]?.string == "ES384" && header["kid"]?.string == "es-1")
        Self.checkClaims(claims)
        #expect(signature.count == 96)
        let ecdsa = try P384.Signing.ECDSASignature(rawRepresentation: signature)
        #expect(key.publicKey.isValidSignature(ecdsa, for: SHA384.hash(data: input)))
        var tampered = input
        tampered[tampered.count - 1] ^= 1
        #expect(!key.publicKey.isValidSignature(ecdsa, for: SHA384.hash(data: tampered)))
    }

    @Test("keys that do not fit the algorithm are refused, naming the problem and not the key")
    func wrongKeys() throws {
        let ec = P384.Signing.PrivateKey().pemRepresentation
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        #expect(throws: ClientAssertion.KeyError.self) { try ClientAssertion(pem: ec, algorithm: .rs384, keyID: "k") }
        #expect(throws: ClientAssertion.KeyError.self) { try ClientAssertion(pem: rsa, algorithm: .es384, keyID: "k") }
        #expect(throws: ClientAssertion.KeyError.self) {
            try ClientAssertion(pem: "not a key", algorithm: .es384, keyID: "k")
        }
        do {
            _ = try ClientAssertion(keyFile: "/nonexistent/key.pem", algorithm: .rs384, keyID: "k")
            Issue.record("a missing key file was accepted")
        } catch {
            #expect(error.reason == "the key file cannot be read")
        }
    }

    /// A token endpoint on a local HTTP server: `access_token` numbered by request, `expires_in` as given.
    static func tokenEndpoint(expiresIn: Int) -> @Sendable (ReceivedRequest) -> Reply {
        let issued = Mutex(0)
        return { request in
            if request.uri.hasSuffix("/.well-known/smart-configuration") {
                let host = request.headers.first(name: "host") ?? "127.0.0.1"
                return Reply(
                    headers: [("Content-Type", "application/json")],
                    body: Array("{\"token_endpoint\":\"http://\(host)/auth/token\"}".utf8))
            }
            let number = issued.withLock { value in
                value += 1
                return value
            }
            return Reply(
                headers: [("Content-Type", "application/json")],
                body: Array(
                    "{\"access_token\":\"token-\(number)\",\"token_type\":\"bearer\",\"expires_in\":\(expiresIn)}".utf8)
            )
        }
    }

    @Test("one token request for many concurrent callers; cached until shortly before expiry; dropped on a 401")
    func caching() async throws {
        let clock = Mutex(Self.now)
        try await withServer(respond: Self.tokenEndpoint(expiresIn: 600)) { server in
            let source = FHIRTokenSource(
                authorization: .clientSecret(
                    clientID: "nb client", secret: "s:cret", tokenURL: server.url("/auth/token"),
                    scopes: "system/*.write"),
                baseURL: server.url("/fhir"), client: CurlClient(maximumConcurrentTransfers: 2),
                template: CurlRequest(url: server.url("/fhir"), timeout: .seconds(5)), logger: Logger(label: "test"),
                clock: { clock.withLock { $0 } })
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await source.token().value } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(tokens) == ["token-1"])
            #expect(server.requests.count == 1)
            let request = try #require(server.requests.first)
            #expect(request.method == "POST")
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body == "grant_type=client_credentials&scope=system%2F%2A.write")
            #expect(
                request.headers.first(name: "authorization") == "Basic "
                    + Data("nb%20client:s%3Acret".utf8).base64EncodedString())

            // Nine minutes on (within the refresh margin of a ten-minute token): still the cached one.
            clock.withLock { $0 = Self.now.addingTimeInterval(530) }
            #expect(try await source.token().value == "token-1")
            // Past expiry less the margin: a new one.
            clock.withLock { $0 = Self.now.addingTimeInterval(541) }
            let second = try await source.token()
            #expect(second.value == "token-2")
            // The server refused it: the next caller fetches another.
            await source.invalidate(second)
            #expect(try await source.token().value == "token-3")
            // Invalidating a token that is no longer cached changes nothing.
            await source.invalidate(second)
            #expect(try await source.token().value == "token-3")
            #expect(await source.fetches == 3)
        }
    }

    @Test("SMART: the token endpoint is read from .well-known/smart-configuration once, and the assertion is posted")
    func discovery() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nb-smart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = P384.Signing.PrivateKey()
        let keyFile = directory.appendingPathComponent("es384.pem")
        try key.pemRepresentation.write(to: keyFile, atomically: true, encoding: .utf8)
        try await withServer(respond: Self.tokenEndpoint(expiresIn: 1)) { server in
            let source = FHIRTokenSource(
                authorization: .smartBackend(
                    clientID: "nb", keyFile: keyFile.path, keyID: "es-1", algorithm: .es384, tokenURL: nil,
                    scopes: "system/DocumentReference.write"),
                baseURL: server.url("/fhir/"), client: CurlClient(maximumConcurrentTransfers: 1),
                template: CurlRequest(url: server.url("/fhir"), timeout: .seconds(5)), logger: Logger(label: "test"))
            #expect(try await source.token().value == "token-1")
            // A one-second token is refreshed after 0.8 s.
            try await Task.sleep(for: .milliseconds(900))
            #expect(try await source.token().value == "token-2")
            let uris = server.requests.map(\.uri)
            #expect(uris == ["/fhir/.well-known/smart-configuration", "/auth/token", "/auth/token"])
            let form = String(decoding: server.requests[1].body, as: UTF8.self).split(separator: "&")
            #expect(
                form.contains("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"))
            let assertion = try #require(
                form.first { $0.hasPrefix("client_assertion=") }?.dropFirst("client_assertion=".count))
            let (_, claims, input, signature) = try Self.parts(String(assertion))
            #expect(claims["aud"]?.string == server.url("/auth/token"))
            #expect(
                key.publicKey.isValidSignature(
                    try P384.Signing.ECDSASignature(rawRepresentation: signature), for: SHA384.hash(data: input)))
            #expect(server.requests[1].headers.first(name: "authorization") == nil)
        }
    }

    @Test("a token endpoint that refuses the client is permanent; one that is down is not")
    func refusals() async throws {
        try await withServer(respond: { _ in
            Reply(
                status: 401, headers: [("Content-Type", "application/json")],
                body: Array("{\"error\":\"invalid_client\",\"error_description\":\"MRN0042\"}".utf8))
        }) { server in
            let source = FHIRTokenSource(
                authorization: .clientSecret(clientID: "nb", secret: "x", tokenURL: server.url("/t"), scopes: ""),
                baseURL: server.url("/fhir"), client: CurlClient(maximumConcurrentTransfers: 1),
                template: CurlRequest(url: server.url("/fhir"), timeout: .seconds(5)), logger: Logger(label: "test"))
            do {
                _ = try await source.token()
                Issue.record("a refused client got a token")
            } catch let error as FHIRTokenSource.TokenError {
                #expect(error.isPermanent)
                #expect(error.reason == "HTTP 401 from the token endpoint (invalid_client)")
            }
        }
        let source = FHIRTokenSource(
            authorization: .clientSecret(clientID: "nb", secret: "x", tokenURL: "http://127.0.0.1:1/t", scopes: ""),
            baseURL: "http://127.0.0.1:1/fhir", client: CurlClient(maximumConcurrentTransfers: 1),
            template: CurlRequest(url: "http://127.0.0.1:1/fhir", timeout: .seconds(5)), logger: Logger(label: "test"))
        do {
            _ = try await source.token()
            Issue.record("a closed port gave a token")
        } catch let error as FHIRTokenSource.TokenError {
            #expect(!error.isPermanent)
        }
    }
}
