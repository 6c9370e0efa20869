import Foundation
import Hummingbird
import SpojkaCore
import SpojkaSecrets

struct ChangePasswordInput: APIInput {
    static let fields: Set<String> = ["currentPassword", "newPassword"]
    let currentPassword: String
    let newPassword: String

    func problems() -> [(path: String, message: String)] { Rules.password(newPassword, "newPassword") }
}

/// The caller's browser session, sign-out, password change, and whether the instance still needs setting up.
struct SessionRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/api/v1/setup", "Whether the instance still needs its first user ({required})", authenticated: false, handler: setupState)
        r.add(.get, "/api/v1/session", "Who is signed in; for a browser session also its CSRF token (send it as X-CSRF-Token)",
              handler: current)
        r.add(.delete, "/api/v1/session", "Sign out: revoke the browser session and clear its cookie", success: 204, handler: signOut)
        r.add(.put, "/api/v1/me/password", "Change your password; ends every browser session of yours", body: ChangePasswordInput.self,
              success: 204, handler: changePassword)
    }

    @Sendable func setupState(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let required = try await services.store.read { tx -> Bool in
            let completed = try await tx.setting("setup_completed_at")
            let users = try await tx.countUsers()
            return completed == nil && users == 0
        }
        return try Reply.json(["required": JSONValue.bool(required)] as JSONValue)
    }

    @Sendable func current(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let user = try JSONDecoder().decode(JSONValue.self, from: try APIJSON.encoder.encode(UserDTO(principal.user)))
        var body: [String: JSONValue] = ["user": user, "authenticatedBy": principal.csrfToken == nil ? "token" : "session"]
        if let csrf = principal.csrfToken {
            body["csrfToken"] = .string(csrf)
            body["idleTimeoutSeconds"] = .int(Int(BrowserSession.idleTimeout))
            if let expires = principal.sessionExpiresAt { body["expiresAt"] = .string(APIJSON.format(expires)) }
        }
        var response = try Reply.json(JSONValue.object(body))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func signOut(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.csrfToken != nil else {
            throw SpojkaError(.badRequest, "Sign-out ends browser sessions; revoke an API token with DELETE /api/v1/tokens/{tokenId}")
        }
        let services = self.services
        try await services.store.transaction { tx in
            _ = try await tx.revokeToken(principal.tokenID, of: principal.user.id, at: services.clock.now())
            try await services.audit(tx, nil, actor: principal.user.id.rawValue, "auth.logout", target: principal.tokenID.rawValue)
        }
        var response = Reply.noContent()
        response.setCookie(BrowserSession.clearingCookie(secure: services.publicURL.lowercased().hasPrefix("https://")))
        return response
    }

    @Sendable func changePassword(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input = try await services.body.decode(ChangePasswordInput.self, from: request)
        let services = self.services
        let now = services.clock.now()
        try await services.loginLimiter.check(principal.user.email, now: now)
        let stored = try await services.store.read { try await $0.passwordHash(of: principal.user.id) }
        guard let stored, services.passwords.verify(Secret(input.currentPassword), against: stored) else {
            await services.loginLimiter.recordFailure(principal.user.email, now: now)
            throw SpojkaError.validation([("currentPassword", "is not your current password")])
        }
        let hash = try services.passwords.hash(Secret(input.newPassword))
        try await services.store.transaction { tx in
            try await tx.updateUser(principal.user, passwordHash: hash)
            try await BrowserSession.endAll(tx, of: principal.user.id, at: now)
            try await services.audit(tx, nil, actor: principal.user.id.rawValue, "user.password_changed", target: principal.user.id.rawValue)
        }
        var response = Reply.noContent()
        if principal.csrfToken != nil {
            response.setCookie(BrowserSession.clearingCookie(secure: services.publicURL.lowercased().hasPrefix("https://")))
        }
        return response
    }
}
