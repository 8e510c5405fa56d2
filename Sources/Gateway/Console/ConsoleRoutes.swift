import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Store

/// The operator console under `/console` on the HTTP listener: server-rendered pages (Mustache templates embedded in
/// the binary) for the dashboard, messages, outbox, note playground, API keys and settings.
///
/// Security: sign-in takes an API key with the `admin` scope and opens a session held in an `HttpOnly`,
/// `SameSite=Strict` cookie (`Secure` with TLS) that expires; every state-changing request carries the session's
/// CSRF token (and a same-origin `Origin` when the browser sends one); every page has a strict Content-Security-
/// Policy (no inline script or style, nothing from another host). Message bodies, transcripts and notes are shown
/// only to keys with `phi:read`, and each such view is an audit record; other keys see metadata only.
struct ConsoleRoutes: Sendable {
    let store: any Store
    let configuration: GatewayConfiguration
    let sessions: ConsoleSessions
    let templates: ConsoleTemplates
    /// The bound listener ports, for the dashboard (`nil` in tests without listeners).
    let endpoints: EndpointCollector?
    /// Sign-in attempts per caller address: ten at once, then one every two seconds.
    let signInAttempts: RateLimiter
    /// The counters `/metrics` exports, sampled: the dashboard's per-minute numbers.
    let counters: CounterSampler
    let logger: Logger

    /// The largest form body, bytes (a pasted transcript).
    static let maximumFormBytes = 1 << 20

    /// The policy of every console answer: only this origin's script, style, images and event streams.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    init(
        store: any Store, configuration: GatewayConfiguration, endpoints: EndpointCollector? = nil,
        counters: CounterSampler = CounterSampler(metrics: GatewayMetrics()),
        signInAttempts: RateLimiter = RateLimiter(rate: 0.5, burst: 10), logger: Logger
    ) throws {
        self.store = store
        self.counters = counters
        self.signInAttempts = signInAttempts
        self.configuration = configuration
        self.sessions = ConsoleSessions(store: store.consoleSessions)
        self.templates = try ConsoleTemplates()
        self.endpoints = endpoints
        self.logger = logger
    }

    /// The routes and their methods (405 answers use it).
    static let table: [(pattern: [Substring], methods: [HTTPRequest.Method])] = [
        (["console"], [.get]), (["console", "login"], [.get, .post]), (["console", "logout"], [.post]),
        (["console", "events"], [.get]), (["console", "messages"], [.get]), (["console", "messages", "*"], [.get]),
        (["console", "outbox"], [.get]), (["console", "outbox", "confirm"], [.get]),
        (["console", "outbox", "retry"], [.post]), (["console", "outbox", "retry-dead"], [.post]),
        (["console", "outbox", "purge"], [.post]), (["console", "playground"], [.get, .post]),
        (["console", "keys"], [.get, .post]), (["console", "keys", "*", "revoke"], [.get, .post]),
        (["console", "settings"], [.get]), (["console", "audit"], [.get]), (["console", "mappings"], [.get]),
        (["console", "assets", "*"], [.get]),
    ]

    func register(on router: Router<APIRequestContext>) {
        router.get("console") { request, context in await handle(request, context) { try await dashboard($0) } }
        router.get("console/login") { request, _ in signInPage(request, error: nil) }
        router.post("console/login") { request, context in await handlePublic { try await signIn(request, context) } }
        router.post("console/logout") { request, context in
            await handle(request, context, changesState: true) { try await signOut(request, $0) }
        }
        router.get("console/events") { request, context in await handle(request, context) { events($0) } }
        router.get("console/messages") { request, context in
            await handle(request, context) { try await messages(request, $0) }
        }
        router.get("console/messages/:id") { request, context in
            await handle(request, context) { try await message(context, $0) }
        }
        router.get("console/outbox") { request, context in
            await handle(request, context) { try await outboxPage(request, $0) }
        }
        router.get("console/outbox/confirm") { request, context in
            await handle(request, context) { try confirmOutbox(request, $0) }
        }
        router.post("console/outbox/retry") { request, context in
            await handle(request, context, changesState: true) { try await retry($0) }
        }
        router.post("console/outbox/retry-dead") { request, context in
            await handle(request, context, changesState: true) { try await retryDead($0) }
        }
        router.post("console/outbox/purge") { request, context in
            await handle(request, context, changesState: true) { try await purge($0) }
        }
        router.get("console/playground") { request, context in
            await handle(request, context) { playgroundPage($0.session, form: nil) }
        }
        router.post("console/playground") { request, context in
            await handle(request, context, changesState: true) { playgroundPage($0.session, form: $0.form) }
        }
        router.get("console/keys") { request, context in await handle(request, context) { try await keysPage($0) } }
        router.post("console/keys") { request, context in
            await handle(request, context, changesState: true) { try await createKey($0) }
        }
        router.get("console/keys/:id/revoke") { request, context in
            await handle(request, context) { try confirmRevoke(context, $0) }
        }
        router.post("console/keys/:id/revoke") { request, context in
            await handle(request, context, changesState: true) { try await revokeKey(context, $0) }
        }
        router.get("console/settings") { request, context in await handle(request, context) { settingsPage($0) } }
        router.get("console/audit") { request, context in
            await handle(request, context) { try await auditPage(request, $0) }
        }
        router.get("console/mappings") { request, context in
            await handle(request, context) { try mappingsPage(request, $0) }
        }
        router.get("console/assets/:name") { _, context in asset(context.parameters.get("name")) }
    }

    // MARK: - The request pipeline

    /// A signed-in request: the session and, for a state-changing one, its form (CSRF token checked).
    struct Caller: Sendable {
        var session: ConsoleSession
        var form: ConsoleForm
        var remoteAddress: String?
    }

    /// Runs a page for a signed-in caller: no session sends the browser to the sign-in page; a state-changing
    /// request without the session's CSRF token (or from another origin) is refused with 403; errors become HTML.
    func handle(
        _ request: Request, _ context: APIRequestContext, changesState: Bool = false,
        _ body: (Caller) async throws -> Response
    ) async -> Response {
        var request = request
        let found: ConsoleSession?
        do {
            // A key revoked since sign-in ends its sessions (on whichever instance asks first).
            found = try await storing { try await currentSession(request) }
        } catch {
            return errorPage(ConsoleError.unavailable, session: nil)
        }
        guard let session = found else {
            if changesState {
                return errorPage(
                    ConsoleError(
                        status: 401, title: "Signed out", message: "the session has ended; sign in again"),
                    session: nil)
            }
            // The whole address, query included: a bookmarked search opens after sign-in.
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Self.redirect("/console/login?next=\(Self.percentEncoded(next))")
        }
        do {
            var form = try ConsoleForm(parsing: [])
            if changesState {
                form = try await readForm(&request, context)
                guard sameOrigin(request), session.acceptsCSRFToken(form["csrf"]) else {
                    logger.notice(
                        "console request refused: missing or wrong CSRF token",
                        metadata: ["nb.api.key_id": "\(session.keyID)", "nb.http.path": "\(request.uri.path)"])
                    throw ConsoleError.forbidden(
                        "the request did not carry this session's CSRF token; reload the page and try again")
                }
            }
            return try await body(
                Caller(session: session, form: form, remoteAddress: context.remoteAddress?.ipAddress))
        } catch let error as ConsoleError {
            return errorPage(error, session: session)
        } catch let error as APIError {
            return errorPage(
                ConsoleError(status: Int(error.status.code), title: error.status.reasonPhrase, message: error.message),
                session: session)
        } catch {
            logger.error("console request failed", metadata: ["nb.error": "\(type(of: error))"])
            return errorPage(
                ConsoleError(status: 500, title: "Internal error", message: "the request failed; see the gateway log"),
                session: session)
        }
    }

    /// Runs a page that needs no session (sign-in).
    func handlePublic(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as ConsoleError {
            return errorPage(error, session: nil)
        } catch {
            logger.error("console request failed", metadata: ["nb.error": "\(type(of: error))"])
            return errorPage(
                ConsoleError(status: 500, title: "Internal error", message: "the request failed; see the gateway log"),
                session: nil)
        }
    }

    /// The session of the request's cookie, when it is open and its key is not revoked.
    func currentSession(_ request: Request) async throws -> ConsoleSession? {
        guard let token = ConsoleCookie.value(ConsoleCookie.session, in: request.headers[.cookie]) else { return nil }
        return try await sessions.session(token: token, keys: store.keys)
    }

    /// Reads a form body: `application/x-www-form-urlencoded`, at most ``maximumFormBytes``.
    func readForm(_ request: inout Request, _ context: APIRequestContext) async throws -> ConsoleForm {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw ConsoleError(
                status: 415, title: "Unsupported media type",
                message: "console forms are sent as application/x-www-form-urlencoded")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maximumFormBytes)
        } catch {
            throw ConsoleError(
                status: 413, title: "Too large", message: "the form is larger than \(Self.maximumFormBytes) bytes")
        }
        return try ConsoleForm(parsing: Array(buffer.readableBytesView))
    }

    /// A browser's `Origin`, when sent, must be this listener (a form posted from another site is refused).
    func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let authority = request.head.authority else { return false }
        let scheme = configuration.httpTLS == nil ? "http" : "https"
        return origin.lowercased() == "\(scheme)://\(authority)".lowercased()
    }

    /// Runs a store operation; a store failure is a 503 page that names nothing internal.
    func storing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ConsoleError {
            throw error
        } catch let error as APIError {
            throw error
        } catch {
            logger.error("console store operation failed", metadata: ["nb.error": "\(type(of: error))"])
            throw ConsoleError.unavailable
        }
    }

    // MARK: - Sign-in

    func signInPage(_ request: Request, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let token = ConsoleSession.randomToken()
        let next = Self.safeNext(request.uri.queryParameters.get("next"))
        var values: [String: Any] = ["page": "login", "signinToken": token, "next": next]
        if let error { values["error"] = error }
        var response = html("login", values, session: nil, status: status)
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: ConsoleCookie.set(ConsoleCookie.signIn, token, maxAge: 900, secure: secureCookies)))
        return response
    }

    func signIn(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        if let wait = signInAttempts.take(context.remoteAddress?.ipAddress ?? "unknown") {
            logger.notice("console sign-in attempts limited", metadata: ["nb.http.retry_after": "\(wait)"])
            var response = errorPage(
                ConsoleError(
                    status: 429, title: "Too many sign-in attempts",
                    message: "wait \(wait) seconds, then sign in again"), session: nil)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        var request = request
        let form = try await readForm(&request, context)
        // The sign-in form's double-submit token: a form posted from another site has no cookie to match.
        let cookie = ConsoleCookie.value(ConsoleCookie.signIn, in: request.headers[.cookie])
        guard sameOrigin(request), let cookie,
            ConsoleSession.constantTimeEquals(Array(cookie.utf8), Array((form["signin"] ?? "").utf8))
        else {
            throw ConsoleError.forbidden("the sign-in form expired or came from another site; reload it and try again")
        }
        let token = (form["api_key"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.hasPrefix(APIKeys.prefix), token.count <= 128 else {
            return signInPage(request, error: "That is not a NoteBridge API key (nb_live_...).", status: .unauthorized)
        }
        guard let key = try await storing({ try await APIKeys.validKey(token, in: store.keys) }) else {
            logger.notice("console sign-in refused: unknown or revoked key")
            return signInPage(request, error: "The API key is not valid or has been revoked.", status: .unauthorized)
        }
        guard key.scopes.contains(APIScope.admin.rawValue) else {
            logger.notice("console sign-in refused: no admin scope", metadata: ["nb.api.key_id": "\(key.id)"])
            return signInPage(
                request, error: "This key does not have the admin scope the console needs.", status: .forbidden)
        }
        let session = try await storing { try await sessions.open(for: key) }
        logger.notice(
            "console sign-in",
            metadata: ["nb.api.key_id": "\(key.id)", "nb.console.phi": "\(session.canReadPHI)"])
        var response = Self.redirect(Self.safeNext(form["next"]))
        let lifetime = Int(session.expiresAt.timeIntervalSince(session.createdAt))
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: ConsoleCookie.set(ConsoleCookie.session, session.id, maxAge: lifetime, secure: secureCookies)))
        response.headers.append(
            HTTPField(name: .setCookie, value: ConsoleCookie.clear(ConsoleCookie.signIn, secure: secureCookies)))
        return response
    }

    func signOut(_ request: Request, _ caller: Caller) async throws -> Response {
        try await storing { try await sessions.close(token: caller.session.id) }
        logger.notice("console sign-out", metadata: ["nb.api.key_id": "\(caller.session.keyID)"])
        var response = Self.redirect("/console/login")
        response.headers.append(
            HTTPField(name: .setCookie, value: ConsoleCookie.clear(ConsoleCookie.session, secure: secureCookies)))
        return response
    }

    var secureCookies: Bool { configuration.httpTLS != nil }

    /// A `next` address after sign-in: a console page of this origin only (never another host or scheme).
    static func safeNext(_ text: String?) -> String {
        guard let text, text == "/console" || text.hasPrefix("/console/") || text.hasPrefix("/console?"),
            !text.contains("\\"),
            !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }), text.count <= 512
        else { return "/console" }
        return text
    }

    // MARK: - Answers

    /// The headers of every console answer.
    static func securityHeaders(contentType: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        headers[.cacheControl] = "no-store"
        return headers
    }

    /// A rendered page with the layout's values (navigation, session, CSRF token).
    func html(
        _ template: String, _ values: [String: Any], session: ConsoleSession?, status: HTTPResponse.Status = .ok
    ) -> Response {
        var all = values
        if let session {
            all["signedIn"] = true
            all["csrf"] = session.csrfToken
            all["keyName"] = session.keyName
            all["keyID"] = session.keyID
            all["phi"] = session.canReadPHI
            let page = values["page"] as? String ?? ""
            all["nav"] = Self.navigation.map { item -> [String: Any] in
                ["href": item.href, "label": item.label, "current": item.page == page]
            }
        }
        let body = templates.render(template, all) ?? "<!doctype html><title>NoteBridge console</title><p>page missing"
        return Response(
            status: status, headers: Self.securityHeaders(contentType: "text/html; charset=utf-8"),
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static let navigation: [(page: String, href: String, label: String)] = [
        ("dashboard", "/console", "Dashboard"), ("messages", "/console/messages", "Messages"),
        ("outbox", "/console/outbox", "Outbox"), ("playground", "/console/playground", "Playground"),
        ("mappings", "/console/mappings", "Mappings"), ("keys", "/console/keys", "API keys"),
        ("audit", "/console/audit", "Audit"), ("settings", "/console/settings", "Settings"),
    ]

    func errorPage(_ error: ConsoleError, session: ConsoleSession?) -> Response {
        html(
            "error", ["page": "error", "errorTitle": error.title, "errorMessage": error.message], session: session,
            status: HTTPResponse.Status(code: error.status))
    }

    /// The HTML error page of an answer the router gave a console address (404, 405): no session details.
    func routerErrorPage(status: HTTPResponse.Status, message: String) -> Response {
        errorPage(ConsoleError(status: Int(status.code), title: status.reasonPhrase, message: message), session: nil)
    }

    /// 303 See Other to a console address.
    static func redirect(_ location: String) -> Response {
        var headers = securityHeaders(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    func asset(_ name: String?) -> Response {
        let found: (bytes: [UInt8], type: String)? =
            switch name {
            case "console.css": (PackageResources.console_css, "text/css; charset=utf-8")
            case "console.js": (PackageResources.console_js, "text/javascript; charset=utf-8")
            default: nil
            }
        guard let found else {
            return routerErrorPage(status: .notFound, message: "no console asset of that name")
        }
        var headers = Self.securityHeaders(contentType: found.type)
        headers[.cacheControl] = "private, max-age=300"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: found.bytes)))
    }

    /// Percent-encodes a query value (RFC 3986 unreserved characters and `/` kept).
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `2026-12-06 03:55:12Z`.
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        return date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space))
    }

    /// Appends an audit record of a view of PHI (what was shown: `target`, and a note's id when the view showed
    /// one); a failure to record it is logged and the view refused, so that no PHI is shown unaudited.
    func auditPHIView(_ caller: Caller, noteID: String?, target: String, what: String) async throws {
        let record = AuditRecord(
            recordedAt: Date(), keyID: caller.session.keyID, action: .read, noteID: noteID, status: 200,
            remoteAddress: caller.remoteAddress, target: target, channel: "console")
        try await storing { try await store.audit.append(record) }
        logger.notice(
            "console PHI view",
            metadata: [
                "nb.api.key_id": "\(caller.session.keyID)", "nb.console.view": "\(what)",
                "nb.note.id": "\(noteID ?? "")",
            ])
    }
}

extension ConsoleRoutes {
    /// An HTML page for an error the router answered under `/console` (an unknown address, a wrong method), with
    /// the console's headers; the status and the `Allow` header are kept.
    static func plainErrorPage(_ answer: Response) -> Response {
        let status = answer.status
        let message =
            switch status {
            case .notFound: "There is no console page at this address."
            case .methodNotAllowed: "This console address does not take that method."
            default: status.reasonPhrase
            }
        let body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(status.code) \(status.reasonPhrase) · NoteBridge console</title>
            <link rel="stylesheet" href="/console/assets/console.css"></head>
            <body><main id="main"><h1>\(status.code) \(status.reasonPhrase)</h1><p class="error">\(message)</p>
            <p><a href="/console">Back to the dashboard</a></p></main></body></html>
            """
        var headers = securityHeaders(contentType: "text/html; charset=utf-8")
        if let allow = answer.headers[.allow] { headers[.allow] = allow }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
