import Foundation
import Store
import TestSupport
import Testing

@testable import Gateway

/// The console's sessions, CSRF tokens, cookies and forms.
@Suite struct ConsoleSessionTests {
    static let key = APIKeyRecord(
        id: "key_0123456789ab", name: "operator", scopes: ["admin", "phi:read"], hash: "h", webhookSecret: "s",
        createdAt: Date(timeIntervalSince1970: 0))

    /// Sessions over a fresh SQLite store holding ``key``, closed after `body`.
    static func withSessions(
        lifetime: Duration = .seconds(8 * 3600), _ body: (ConsoleSessions, SQLiteStore) async throws -> Void
    ) async throws {
        let directory = try URLPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyring = try DataKeyring.load(keyFile: directory.appendingPathComponent("journal.key"), environment: [:])
        let store = try SQLiteStore(
            databaseFile: directory.appendingPathComponent("notebridge.sqlite"), keyring: keyring)
        try await store.keys.saveKey(key)
        do {
            try await body(ConsoleSessions(store: store.consoleSessions, lifetime: lifetime), store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test func aSessionIsFoundByItsTokenUntilItExpires() async throws {
        try await Self.withSessions(lifetime: .seconds(60)) { sessions, store in
            let start = Date(timeIntervalSince1970: 1_000_000)
            let session = try await sessions.open(for: Self.key, now: start)
            #expect(session.keyID == Self.key.id)
            #expect(session.canReadPHI)
            #expect(session.expiresAt == start.addingTimeInterval(60))
            let found = try await sessions.session(
                token: session.id, keys: store.keys, now: start.addingTimeInterval(59))
            #expect(found == session)
            #expect(try await sessions.session(token: session.id + "x", keys: store.keys, now: start) == nil)
            #expect(
                try await sessions.session(token: session.id, keys: store.keys, now: start.addingTimeInterval(60))
                    == nil)
            // The store holds the token's digest, never the token.
            let digest = ConsoleSessions.digest(session.id)
            #expect(try await store.consoleSessions.session(tokenDigest: digest, now: start)?.keyID == Self.key.id)
            #expect(try await store.consoleSessions.session(tokenDigest: session.id, now: start) == nil)
            // Expired sessions are swept when the next one opens.
            _ = try await sessions.open(for: Self.key, now: start.addingTimeInterval(120))
            #expect(try await store.consoleSessions.session(tokenDigest: digest, now: start) == nil)
        }
    }

    @Test func aSessionOpenedByOneInstanceIsAcceptedByAnother() async throws {
        try await Self.withSessions { sessions, store in
            let session = try await sessions.open(for: Self.key)
            // Another instance: its own ConsoleSessions over the same store, knowing only the cookie.
            let other = ConsoleSessions(store: store.consoleSessions)
            let found = try #require(try await other.session(token: session.id, keys: store.keys))
            #expect(found.csrfToken == session.csrfToken)
            #expect(found.acceptsCSRFToken(session.csrfToken))
        }
    }

    @Test func aKeyKeepsItsNewestSessionsOnlyOtherKeysKeepTheirs() async throws {
        try await Self.withSessions { sessions, store in
            let other = APIKeyRecord(
                id: "key_ba9876543210", name: "second", scopes: ["admin"], hash: "h2", webhookSecret: "s2",
                createdAt: Date(timeIntervalSince1970: 0))
            try await store.keys.saveKey(other)
            let start = Date()
            let others = try await sessions.open(for: other, now: start)
            var opened: [ConsoleSession] = []
            for index in 0..<(ConsoleSessions.maximumPerKey + 2) {
                opened.append(try await sessions.open(for: Self.key, now: start.addingTimeInterval(Double(index))))
            }
            let now = start.addingTimeInterval(60)
            var open: [Bool] = []
            for session in opened {
                open.append(try await sessions.session(token: session.id, keys: store.keys, now: now) != nil)
            }
            // Signing in the 21st and 22nd time ended the two oldest; the newest 20 and the other key's stay.
            #expect(open == [false, false] + Array(repeating: true, count: ConsoleSessions.maximumPerKey))
            #expect(try await sessions.session(token: others.id, keys: store.keys, now: now) != nil)
        }
    }

    @Test func signingOutAndRevokingEndSessions() async throws {
        try await Self.withSessions { sessions, store in
            let first = try await sessions.open(for: Self.key)
            let second = try await sessions.open(for: Self.key)
            #expect(first.id != second.id)
            #expect(first.csrfToken != second.csrfToken)
            try await sessions.close(token: first.id)
            #expect(try await sessions.session(token: first.id, keys: store.keys) == nil)
            #expect(try await sessions.session(token: second.id, keys: store.keys) != nil)
            try await sessions.close(keyID: Self.key.id)
            #expect(try await sessions.session(token: second.id, keys: store.keys) == nil)
            // A key revoked elsewhere (the CLI, another instance) ends its sessions at their next request.
            let third = try await sessions.open(for: Self.key)
            #expect(try await store.keys.revokeKey(id: Self.key.id, at: Date()))
            #expect(try await sessions.session(token: third.id, keys: store.keys) == nil)
            #expect(
                try await store.consoleSessions.session(tokenDigest: ConsoleSessions.digest(third.id), now: Date())
                    == nil)
        }
    }

    @Test func theCSRFTokenIsDerivedFromTheSessionTokenAndMustMatchExactly() async throws {
        try await Self.withSessions { sessions, _ in
            let session = try await sessions.open(for: Self.key)
            #expect(session.csrfToken == ConsoleSession.csrfToken(for: session.id))
            #expect(session.acceptsCSRFToken(session.csrfToken))
            #expect(!session.acceptsCSRFToken(nil))
            #expect(!session.acceptsCSRFToken(""))
            #expect(!session.acceptsCSRFToken(String(session.csrfToken.dropLast())))
            #expect(!session.acceptsCSRFToken(session.csrfToken + "A"))
            #expect(!session.acceptsCSRFToken(session.id))
            // 32 bytes (an HMAC-SHA256) as base64url: 43 characters of the cookie alphabet.
            #expect(session.csrfToken.count == 43)
            #expect(ConsoleCookie.value("t", in: "t=\(session.csrfToken)") == session.csrfToken)
        }
    }

    @Test func withoutPHIReadTheSessionSeesMetadataOnly() async throws {
        try await Self.withSessions { sessions, _ in
            var key = Self.key
            key.scopes = ["admin"]
            let session = try await sessions.open(for: key)
            #expect(!session.canReadPHI)
        }
    }

    @Test func cookiesAreHttpOnlyStrictAndSecureWithTLS() {
        let plain = ConsoleCookie.set(ConsoleCookie.session, "abc", maxAge: 600, secure: false)
        #expect(plain == "nb_console=abc; Path=/console; Max-Age=600; HttpOnly; SameSite=Strict")
        let secure = ConsoleCookie.set(ConsoleCookie.session, "abc", maxAge: 600, secure: true)
        #expect(secure.hasSuffix("; Secure"))
        #expect(ConsoleCookie.clear(ConsoleCookie.session, secure: false).contains("Max-Age=0"))
    }

    @Test(
        arguments: [
            ("a=1; nb_console=abc_DEF-12", "abc_DEF-12"), ("nb_console=x", "x"), ("other=1", nil),
            ("nb_console=<script>", nil), ("nb_console=", nil), ("xnb_console=abc", nil),
        ] as [(String, String?)])
    func theSessionCookieIsReadOnlyWhenWellFormed(header: String, expected: String?) {
        #expect(ConsoleCookie.value(ConsoleCookie.session, in: header) == expected)
    }

    @Test func formsAreDecodedAsBrowsersEncodeThem() throws {
        let form = try ConsoleForm(parsing: Array("a=1+2&b=%C3%A9t%C3%A9&c=%ZZ&scopes=x&scopes=y&empty&d=a%3Db".utf8))
        #expect(form["a"] == "1 2")
        #expect(form["b"] == "été")
        #expect(form["c"] == "%ZZ")
        #expect(form.values("scopes") == ["x", "y"])
        #expect(form["empty"] == "")
        #expect(form["d"] == "a=b")
        #expect(form["missing"] == nil)
    }

    @Test func aFormThatIsNotUTF8IsRefusedNamingTheField() {
        #expect(throws: ConsoleError.self) { try ConsoleForm(parsing: Array("name=%FF%FE".utf8)) }
        do {
            _ = try ConsoleForm(parsing: Array("name=%FF".utf8))
        } catch {
            #expect(error.status == 400)
            #expect(error.message.contains("name"))
        }
    }

    @Test(arguments: [
        ("/console/messages?control_id=X", "/console/messages?control_id=X"), ("/console", "/console"),
        ("//evil.example/console", "/console"), ("https://evil.example/", "/console"), ("/consolex", "/console"),
        ("/console/\\evil", "/console"), ("/console/a b", "/console"),
    ])
    func signInReturnsOnlyToConsolePages(next: String, expected: String) {
        #expect(ConsoleRoutes.safeNext(next) == expected)
    }
}
