import Foundation
import Hummingbird
import SpojkaCore
import SpojkaSecrets

/// Authenticates `Authorization: Bearer` on every `/api/v1` route except the public ones.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = SpojkaRequestContext
    let services: APIServices
    static let publicPaths: Set<String> = [
        "/api/v1/setup", "/api/v1/auth/login", "/api/v1/invitations/accept", "/api/v1/openapi.json",
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/v1/") || path == "/api/v1", !Self.publicPaths.contains(path) else {
            return try await next(request, context)
        }
        var context = context
        let principal: Principal
        if request.headers[.authorization] == nil, let session = request.cookies[BrowserSession.cookieName]?.value, !session.isEmpty {
            principal = try await authenticateSession(session, request: request)
        } else {
            principal = try await services.authenticate(bearer: request.headers[.authorization])
        }
        // Least privilege both ways: a scoped (agent) token reaches MCP and reads itself, nothing else of the API.
        if principal.scope != nil, !(request.method == .get && Self.scopedPaths.contains(path)) {
            throw SpojkaError(.forbidden, "This token is scoped to MCP (/mcp); it cannot use the API")
        }
        context.principal = principal
        return try await next(request, context)
    }

    /// What a scoped token may read of the API.
    static let scopedPaths: Set<String> = ["/api/v1/tokens/current"]
}

extension APIServices {
    /// The principal of an `Authorization: Bearer spk_…` header, or `unauthorized`.
    public func authenticate(bearer header: String?) async throws -> Principal {
        let services = self
        guard let header else { throw SpojkaError(.unauthorized, "Send Authorization: Bearer <token>") }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].hasPrefix("spk_"), parts[1].count < 200 else {
            throw SpojkaError(.unauthorized, "The Authorization header must be Bearer spk_…")
        }
        let hash = TokenHash.of(String(parts[1]))
        let now = services.clock.now()
        let found = try await services.store.read { tx -> (APIToken, User)? in
            guard let token = try await tx.token(hash: hash), let user = try await tx.user(token.userID) else { return nil }
            return (token, user)
        }
        guard let (token, user) = found, token.isUsable(at: now) else {
            throw SpojkaError(.unauthorized, "The token is unknown, revoked or expired")
        }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try? await services.store.transaction { try await $0.touchToken(token.id, at: now) }
        }
        return Principal(user: user, tokenID: token.id, scope: token.scope)
    }
}

/// Limits failed sign-ins per email: `maxFailures` within `window`, then 429 until the window passes.
actor LoginLimiter {
    private let maxFailures: Int
    private let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(maxFailures: Int = 5, window: TimeInterval = 15 * 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Throws `rate_limited` when `key` has too many recent failures.
    func check(_ key: String, now: Date) throws {
        let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[key] = recent
        if recent.count >= maxFailures, let oldest = recent.first {
            let wait = Int(window - now.timeIntervalSince(oldest)) + 1
            throw SpojkaError(.rateLimited, "Too many failed sign-ins; try again in \(wait) seconds",
                              details: ["retryAfterSeconds": .int(wait)])
        }
    }

    func recordFailure(_ key: String, now: Date) { failures[key, default: []].append(now) }
    func reset(_ key: String) { failures[key] = nil }
}
