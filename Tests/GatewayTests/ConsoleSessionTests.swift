import Foundation
import Store
import Testing

@testable import Gateway

/// The console's sessions, CSRF tokens, cookies and forms.
@Suite struct ConsoleSessionTests {
    static let key = APIKeyRecord(
        id: "key_0123456789ab", name: "operator", scopes: ["admin", "phi:read"], hash: "h", webhookSecret: "s",
        createdAt: Date(timeIntervalSince1970: 0))

    @Test func aSessionIsFoundByItsIdUntilItExpires() async {
        let sessions = ConsoleSessions(lifetime: .seconds(60))
        let start = Date(timeIntervalSince1970: 1_000_000)
        let session = await sessions.open(for: Self.key, now: start)
        #expect(session.keyID == Self.key.id)
        #expect(session.canReadPHI)
        #expect(session.expiresAt == start.addingTimeInterval(60))
        #expect(await sessions.session(id: session.id, now: start.addingTimeInterval(59)) == session)
        #expect(await sessions.session(id: session.id + "x", now: start) == nil)
        #expect(await sessions.session(id: session.id, now: start.addingTimeInterval(60)) == nil)
        // Expired sessions are forgotten.
        #expect(await sessions.count == 0)
    }

    @Test func signingOutAndRevokingEndSessions() async {
        let sessions = ConsoleSessions()
        let first = await sessions.open(for: Self.key)
        let second = await sessions.open(for: Self.key)
        #expect(first.id != second.id)
        #expect(first.csrfToken != second.csrfToken)
        await sessions.close(id: first.id)
        #expect(await sessions.session(id: first.id) == nil)
        #expect(await sessions.session(id: second.id) != nil)
        await sessions.close(keyID: Self.key.id)
        #expect(await sessions.session(id: second.id) == nil)
    }

    @Test func theOldestSessionGoesWhenTheLimitIsReached() async {
        let sessions = ConsoleSessions(capacity: 2)
        let start = Date()
        let oldest = await sessions.open(for: Self.key, now: start)
        _ = await sessions.open(for: Self.key, now: start.addingTimeInterval(1))
        _ = await sessions.open(for: Self.key, now: start.addingTimeInterval(2))
        #expect(await sessions.count == 2)
        #expect(await sessions.session(id: oldest.id, now: start.addingTimeInterval(3)) == nil)
    }

    @Test func theCSRFTokenMustMatchExactly() async {
        let session = await ConsoleSessions().open(for: Self.key)
        #expect(session.acceptsCSRFToken(session.csrfToken))
        #expect(!session.acceptsCSRFToken(nil))
        #expect(!session.acceptsCSRFToken(""))
        #expect(!session.acceptsCSRFToken(String(session.csrfToken.dropLast())))
        #expect(!session.acceptsCSRFToken(session.csrfToken + "A"))
        #expect(!session.acceptsCSRFToken(session.id))
        // 32 random bytes as base64url: 43 characters of the cookie alphabet.
        #expect(session.csrfToken.count == 43)
        #expect(ConsoleCookie.value("t", in: "t=\(session.csrfToken)") == session.csrfToken)
    }

    @Test func withoutPHIReadTheSessionSeesMetadataOnly() async {
        var key = Self.key
        key.scopes = ["admin"]
        #expect(await !ConsoleSessions().open(for: key).canReadPHI)
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
