import Crypto
import Delivery
import Foundation
import Store

/// What an API key may do.
public enum APIScope: String, CaseIterable, Sendable {
    /// Write notes: `POST /v1/note`, `POST /v1/stream/note`.
    case notesWrite = "notes:write"
    /// Read stored notes: `GET /v1/note/{id}`.
    case notesRead = "notes:read"
    /// Erase stored notes: `DELETE /v1/note/{id}`.
    case notesDelete = "notes:delete"
    /// Operate the gateway: the `/admin` endpoints (the outbox: list, show, retry, purge) and the operator console
    /// at `/console`.
    case admin
    /// See protected health information in the console: message bodies, transcripts and notes (each view audited).
    /// Without it the console shows metadata only.
    case phiRead = "phi:read"

    /// The scopes of an application that writes and reads notes (what `notebridge keys create` grants unless told).
    public static let noteScopes: [APIScope] = [.notesWrite, .notesRead, .notesDelete]

    /// Reads a comma- or space-separated list; the error names the unknown scope.
    public static func parse(_ text: String) throws(APIError) -> [APIScope] {
        let names = text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        var scopes: [APIScope] = []
        for name in names {
            guard let scope = APIScope(rawValue: name) else {
                throw APIError.validation("scopes", "unknown scope \(name)", validValues: allCases.map(\.rawValue))
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        guard !scopes.isEmpty else { throw APIError.validation("scopes", "name at least one scope") }
        return scopes
    }
}

/// A key as issued: the secret is shown once and never stored.
public struct IssuedAPIKey: Sendable {
    /// What is stored.
    public var record: APIKeyRecord
    /// `nb_live_` and 32 base64url characters: the bearer token.
    public var secret: String
}

/// Issues and recognises bearer API keys. Only SHA-256 hashes reach the store; keys carry 192 random bits, so a
/// plain hash is enough (no key stretching is needed for secrets that cannot be guessed).
public enum APIKeys {
    /// The prefix of every key (it lets secret scanners recognise a leaked key).
    public static let prefix = "nb_live_"
    /// The prefix of webhook signing secrets.
    public static let secretPrefix = "whsec_"

    /// Makes a new key (not yet stored).
    public static func issue(name: String, scopes: [APIScope], now: Date = Date()) throws(APIError) -> IssuedAPIKey {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count),
            !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw APIError.validation("name", "must be 1 to 100 characters without control characters")
        }
        guard !scopes.isEmpty else { throw APIError.validation("scopes", "name at least one scope") }
        let secret = prefix + ClientAssertion.base64URL(Data(randomBytes(24)))
        let record = APIKeyRecord(
            id: "key_" + Hex.random(6), name: trimmed,
            scopes: scopes.map(\.rawValue), hash: hash(secret),
            webhookSecret: secretPrefix + ClientAssertion.base64URL(Data(randomBytes(32))),
            createdAt: now)
        return IssuedAPIKey(record: record, secret: secret)
    }

    /// Issues a key and stores it.
    public static func create(in store: any APIKeyStore, name: String, scopes: [APIScope]) async throws -> IssuedAPIKey
    {
        let issued = try issue(name: name, scopes: scopes)
        try await store.saveKey(issued.record)
        return issued
    }

    /// Creates and stores the first key, unless a key exists already (made by this process earlier or by another
    /// instance on the same database at the same time): `nil` then.
    public static func createFirst(in store: any APIKeyStore, name: String, scopes: [APIScope]) async throws
        -> IssuedAPIKey?
    {
        let issued = try issue(name: name, scopes: scopes)
        return try await store.saveFirstKey(issued.record) ? issued : nil
    }

    /// The stored form of a key: SHA-256, lowercase hex.
    public static func hash(_ key: String) -> String {
        Hex.encode(SHA256.hash(data: Array(key.utf8)))
    }

    /// The stored key whose secret is `token`, when it exists and is not revoked; `nil` otherwise. The one lookup
    /// behind every place that takes API keys (`/v1`, `/admin`, the Subscription hook); store errors are thrown.
    static func validKey(_ token: String, in keys: any APIKeyStore) async throws -> APIKeyRecord? {
        guard let key = try await keys.key(hash: hash(token)), key.revokedAt == nil else { return nil }
        return key
    }

    /// The key of an `Authorization: Bearer nb_live_...` header, if the header has that form.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix(prefix), token.count <= 128 else { return nil }
        return token
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
