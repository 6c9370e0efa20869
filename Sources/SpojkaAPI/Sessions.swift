import Foundation
import HTTPTypes
import Hummingbird
import SpojkaCore
import SpojkaSecrets

/// Browser sessions of the console: a server-side record (an `APIToken` row named ``tokenName`` whose text starts
/// `sps_`, so only its SHA-256 is stored), carried in an `HttpOnly; SameSite=Strict` cookie.
///
/// Sessions end after ``absoluteLifetime`` (the record's expiry) or ``idleTimeout`` without a request, on sign-out,
/// on a password change and when the user is removed from a workspace. Bearer tokens never authenticate from the
/// cookie and session texts never authenticate as bearer tokens (`spk_` only).
enum BrowserSession {
    static let cookieName = "spojka_session"
    static let tokenName = "console session"
    static let prefix = "sps_"
    static let absoluteLifetime: TimeInterval = 7 * 86400
    static let idleTimeout: TimeInterval = 12 * 3600
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!

    /// The CSRF proof of a session: derived from its secret text, so it needs no storage and dies with it.
    static func csrfToken(for text: String) -> String { TokenHash.of("spojka-csrf:" + text) }

    /// Equality whose time does not depend on where the strings differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    static func cookie(_ text: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: text, maxAge: Int(absoluteLifetime), path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func clearingCookie(secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Whether a browser request comes from the console's own origin (the public URL's, or the Host it was sent to).
    ///
    /// Requests without `Origin` (scripts, old browsers on GET) pass; SameSite=Strict already keeps the cookie
    /// off cross-site requests, this is the second lock.
    static func isSameOrigin(_ request: Request, publicURL: String) -> Bool {
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" { return false }
        guard let origin = request.headers[.origin] else { return true }
        if origin == "null" { return false }
        if origin == Self.origin(of: publicURL) { return true }
        guard let authority = request.head.authority ?? request.headers[HTTPField.Name("Host")!] else { return false }
        return ["http://" + authority, "https://" + authority].contains(origin)
    }

    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// Refuses a cookie-mode sign-in that another site started (login CSRF).
    static func requireSameOrigin(_ request: Request, _ services: APIServices) throws {
        guard isSameOrigin(request, publicURL: services.publicURL) else {
            throw SpojkaError(.forbidden, "Cross-site requests cannot use browser sessions", details: ["reason": "origin"])
        }
    }

    /// Whether a sign-in route was asked for a cookie session (`?session=cookie`) instead of an API token.
    static func wanted(_ request: Request) -> Bool { request.query("session") == "cookie" }

    /// A JSON answer that sets the session cookie; the body carries the CSRF proof, never the session itself.
    static func answer(_ fields: [String: JSONValue], text: String, services: APIServices, status: HTTPResponse.Status) throws -> Response {
        var body = fields
        body["csrfToken"] = .string(csrfToken(for: text))
        var response = try Reply.json(JSONValue.object(body), status: status)
        response.setCookie(cookie(text, secure: services.publicURL.lowercased().hasPrefix("https://")))
        return response
    }

    /// Ends every browser session of `user` inside `tx`.
    static func endAll(_ tx: any StoreTransaction, of user: ID<User>, at now: Date) async throws {
        for token in try await tx.tokens(of: user) where token.name == tokenName && token.revokedAt == nil {
            _ = try await tx.revokeToken(token.id, of: user, at: now)
        }
    }
}

extension APIServices {
    /// Creates a session record for `user` inside `tx`; returns it and the cookie's text.
    func issueSession(_ tx: any StoreTransaction, user: ID<User>) async throws -> (APIToken, String) {
        let text = ids.token(prefix: BrowserSession.prefix)
        let token = APIToken(id: ids.make(), userID: user, name: BrowserSession.tokenName, hash: TokenHash.of(text),
                             createdAt: clock.now(), expiresAt: clock.now().addingTimeInterval(BrowserSession.absoluteLifetime))
        try await tx.insertToken(token)
        return (token, text)
    }
}

extension AuthMiddleware {
    /// Authenticates the session cookie; writes also need the session's CSRF proof and a same-origin request.
    func authenticateSession(_ text: String, request: Request) async throws -> Principal {
        guard text.hasPrefix(BrowserSession.prefix), text.count < 200 else {
            throw SpojkaError(.unauthorized, "The session cookie is not valid; sign in again")
        }
        let now = services.clock.now()
        let found = try await services.store.read { tx -> (APIToken, User)? in
            guard let token = try await tx.token(hash: TokenHash.of(text)), let user = try await tx.user(token.userID) else { return nil }
            return (token, user)
        }
        guard let (token, user) = found, token.name == BrowserSession.tokenName, token.isUsable(at: now),
              now.timeIntervalSince(token.lastUsedAt ?? token.createdAt) < BrowserSession.idleTimeout else {
            throw SpojkaError(.unauthorized, "The session has ended; sign in again")
        }
        let csrf = BrowserSession.csrfToken(for: text)
        if ![.get, .head, .options].contains(request.method) {
            guard BrowserSession.isSameOrigin(request, publicURL: services.publicURL) else {
                throw SpojkaError(.forbidden, "Cross-site requests cannot use browser sessions", details: ["reason": "origin"])
            }
            guard let sent = request.headers[BrowserSession.csrfHeader], BrowserSession.constantTimeEqual(sent, csrf) else {
                throw SpojkaError(.forbidden, "Writes with a session cookie need the X-CSRF-Token header from GET /api/v1/session",
                                  details: ["reason": "csrf"])
            }
        }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try? await services.store.transaction { try await $0.touchToken(token.id, at: now) }
        }
        var principal = Principal(user: user, tokenID: token.id)
        principal.csrfToken = csrf
        principal.sessionExpiresAt = token.expiresAt
        return principal
    }
}
