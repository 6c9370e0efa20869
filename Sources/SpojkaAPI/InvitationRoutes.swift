import Foundation
import Hummingbird
import SpojkaCore
import SpojkaSecrets

struct AcceptInput: APIInput {
    static let fields: Set<String> = ["token", "name", "password"]
    let token: String
    let name: String?
    let password: String?

    func problems() -> [(path: String, message: String)] {
        (token.isEmpty || token.count > 200 ? [("token", "must be an invitation token")] : []) + (name.map { Rules.text($0, "name") } ?? [])
    }
}

/// A workspace invitation as admins see it; `token` and `url` appear only in the answer that created it.
struct InvitationDTO: Encodable {
    let id: String
    let email: String
    let role: String
    let createdAt: Date
    let expiresAt: Date
    var token: String?
    var url: String?

    init(_ invitation: Invitation, token: String? = nil, publicURL: String? = nil) {
        id = invitation.id.rawValue; email = invitation.email; role = invitation.role.rawValue
        createdAt = invitation.createdAt; expiresAt = invitation.expiresAt
        self.token = token
        url = token.flatMap { t in publicURL.map { "\($0)/invitations/accept?token=\(t)" } }
    }
}

/// Invitations: the only way into a workspace. An invitation names an email and a role and grants its own
/// workspace when accepted; it never creates, reveals or claims an account that already exists.
struct InvitationRoutes {
    let services: APIServices
    static let lifetime: TimeInterval = 7 * 86_400

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/api/v1/workspaces/{ws}/invitations", "Pending invitations of the workspace (admin, owner)", handler: list)
        r.add(.delete, "/api/v1/workspaces/{ws}/invitations/{invitationId}", "Withdraw a pending invitation (admin, owner)",
              success: 204, handler: revoke)
        r.add(.post, "/api/v1/invitations/accept",
              "Accept an invitation: a new email sets name and password; an existing account proves itself with its password or token. ?session=cookie: a browser session instead of a token",
              body: AcceptInput.self, query: ["session"], authenticated: false, handler: accept)
    }

    /// Issues an invitation to `email` for `workspace`, withdrawing any earlier pending one for the same email there.
    static func invite(_ tx: any StoreTransaction, _ services: APIServices, email: String, role: Role, workspace: ID<Workspace>,
                       by user: ID<User>) async throws -> InvitationDTO {
        let text = services.ids.token(prefix: "inv_")
        let now = services.clock.now()
        _ = try await tx.revokeInvitations(of: workspace, id: nil, email: email, at: now)
        let invitation = Invitation(id: services.ids.make(), workspaceID: workspace, email: email, role: role, invitedBy: user,
                                    hash: TokenHash.of(text), createdAt: now, expiresAt: now.addingTimeInterval(lifetime))
        try await tx.insertInvitation(invitation)
        return InvitationDTO(invitation, token: text, publicURL: services.publicURL)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context, minimum: .admin)
        let now = services.clock.now()
        let pending = try await services.store.read { try await $0.pendingInvitations(of: workspace.id, at: now) }
        return try Reply.json(Page(items: pending.map { InvitationDTO($0) }, nextCursor: nil))
    }

    @Sendable func revoke(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .admin)
        let id = try context.id("invitationId", Invitation.self, what: "Invitation")
        let services = self.services
        try await services.store.transaction { tx in
            guard try await tx.revokeInvitations(of: workspace.id, id: id, email: nil, at: services.clock.now()) > 0 else {
                throw SpojkaError.notFound("Invitation")
            }
            try await services.audit(tx, workspace.id, actor: principal.user.id.rawValue, "invitation.revoked", target: id.rawValue)
        }
        return Reply.noContent()
    }

    @Sendable func accept(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let cookie = BrowserSession.wanted(request)
        if cookie { try BrowserSession.requireSameOrigin(request, services) }
        let input = try await services.body.decode(AcceptInput.self, from: request)
        let now = services.clock.now()
        let gone = SpojkaError(.notFound, "The invitation is unknown, used, withdrawn or expired")
        let found = try await services.store.read { tx -> (Invitation, User?, String?)? in
            guard let invitation = try await tx.invitation(hash: TokenHash.of(input.token)), invitation.isPending(at: now) else { return nil }
            let user = try await tx.user(email: invitation.email)
            guard let user else { return (invitation, nil, nil) }
            return (invitation, user, try await tx.passwordHash(of: user.id))
        }
        guard let (invitation, existing, stored) = found else { throw gone }
        let user: User
        var passwordHash: String?
        if let existing {
            try await proveAccount(existing, stored: stored, input: input, request: request, now: now)
            user = existing
        } else {
            user = try newAccount(invitation, input: input, now: now)
            passwordHash = try services.passwords.hash(Secret(input.password ?? ""))  // slow on purpose: outside the transaction
        }
        let services = self.services
        let text = try await services.store.transaction { [passwordHash] tx -> String in
            guard try await tx.acceptInvitation(invitation.id, at: now) else { throw gone }
            if existing == nil {
                guard try await tx.user(email: invitation.email) == nil else { throw SpojkaError(.conflict, "Accept again: the account was just created") }
                try await tx.insertUser(user, passwordHash: passwordHash)
            }
            if try await tx.membership(invitation.workspaceID, user.id) == nil {
                try await tx.upsertMembership(Membership(workspaceID: invitation.workspaceID, userID: user.id, role: invitation.role, createdAt: now))
            }
            let (_, text) = cookie ? try await services.issueSession(tx, user: user.id)
                : try await services.issueToken(tx, user: user.id, name: "invitation", expiresAt: now.addingTimeInterval(30 * 86_400))
            try await services.audit(tx, invitation.workspaceID, actor: user.id.rawValue, "invitation.accepted", target: invitation.id.rawValue,
                                     details: ["role": .string(invitation.role.rawValue), "newAccount": .bool(existing == nil)])
            return text
        }
        let fields: [String: JSONValue] = ["user": try JSONValue(encoding: UserDTO(user)), "workspace": .string(invitation.workspaceID.rawValue),
                                           "role": .string(invitation.role.rawValue)]
        if cookie { return try BrowserSession.answer(fields, text: text, services: services, status: .ok) }
        return try Reply.json(JSONValue.object(fields.merging(["token": .string(text)]) { a, _ in a }))
    }

    /// An email that has an account joins only as that account: its token, or its password (rate-limited like sign-in).
    func proveAccount(_ user: User, stored: String?, input: AcceptInput, request: Request, now: Date) async throws {
        if let header = request.headers[.authorization] {
            let principal = try await services.authenticate(bearer: header)
            guard principal.scope == nil else { throw SpojkaError(.forbidden, "A scoped (MCP) token cannot accept invitations") }
            guard principal.user.id == user.id else { throw SpojkaError(.forbidden, "This invitation is for another account; sign in as it to accept") }
            return
        }
        try await services.loginLimiter.check(user.email, now: now)
        guard let password = input.password, let stored, services.passwords.verify(Secret(password), against: stored) else {
            await services.loginLimiter.recordFailure(user.email, now: now)
            throw SpojkaError(.unauthorized, "This email already has an account: accept with its password (or while signed in)",
                              details: ["fields": [["path": "password", "message": "is not this account's password"]]])
        }
        await services.loginLimiter.reset(user.email)
    }

    /// A new email's account: a name and a password are required.
    func newAccount(_ invitation: Invitation, input: AcceptInput, now: Date) throws -> User {
        let problems = (input.name == nil ? [("name", "is required for a new account")] : []) + Rules.password(input.password)
            + (input.password == nil ? [("password", "is required for a new account")] : [])
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        return User(id: services.ids.make(), email: invitation.email, name: input.name ?? invitation.email, createdAt: now)
    }
}
