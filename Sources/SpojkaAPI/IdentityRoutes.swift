import Foundation
import Hummingbird
import SpojkaCore
import SpojkaSecrets

struct SetupInput: APIInput {
    static let fields: Set<String> = ["email", "name", "workspace", "password"]
    let email: String
    let name: String
    let workspace: String
    let password: String?

    func problems() -> [(path: String, message: String)] {
        Rules.email(email) + Rules.text(name, "name") + Rules.text(workspace, "workspace") + Rules.password(password)
    }
}

struct LoginInput: APIInput {
    static let fields: Set<String> = ["email", "password"]
    let email: String
    let password: String

    func problems() -> [(path: String, message: String)] {
        Rules.email(email) + (password.isEmpty ? [("password", "must not be empty")] : [])
    }
}

struct SetupAnswer: Encodable {
    let user: UserDTO
    let workspace: WorkspaceDTO
    let token: String
}

/// First start and sign-in: the routes that need no token (accepting an invitation is in ``InvitationRoutes``).
struct IdentityRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.post, "/api/v1/setup", "Create the first user, workspace and owner token (once); ?session=cookie: a browser session instead",
              body: SetupInput.self, success: 201, query: ["session"], authenticated: false, handler: setup)
        r.add(.post, "/api/v1/auth/login", "Sign in with email and password; ?session=cookie: a browser session instead of a token",
              body: LoginInput.self, query: ["session"], authenticated: false, handler: login)
    }

    @Sendable func setup(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let cookie = BrowserSession.wanted(request)
        if cookie { try BrowserSession.requireSameOrigin(request, services) }
        let input = try await services.body.decode(SetupInput.self, from: request)
        var hash: String?
        if let password = input.password { hash = try services.passwords.hash(Secret(password)) }
        let services = self.services
        let result = try await services.store.transaction { [hash] tx in
            try await Self.setUp(tx, services, input: input, passwordHash: hash, session: cookie)
        }
        if cookie {
            return try BrowserSession.answer(["user": try JSONValue(encoding: UserDTO(result.0)),
                                              "workspace": try JSONValue(encoding: WorkspaceDTO(result.1, role: .owner))],
                                             text: result.2, services: services, status: .created)
        }
        return try Reply.json(SetupAnswer(user: UserDTO(result.0), workspace: WorkspaceDTO(result.1, role: .owner), token: result.2),
                              status: .created)
    }

    static func setUp(_ tx: any StoreTransaction, _ services: APIServices, input: SetupInput,
                      passwordHash: String?, session: Bool = false) async throws -> (User, Workspace, String) {
        let now = services.clock.now()
        let completed = try await tx.setting("setup_completed_at")
        let users = try await tx.countUsers()
        if completed != nil || users > 0 {
            throw SpojkaError(.alreadySetUp, "This instance is already set up; sign in instead")
        }
        try await tx.setSetting("setup_completed_at", String(now.timeIntervalSince1970))
        let user = User(id: services.ids.make(), email: input.email.lowercased(), name: input.name, createdAt: now)
        try await tx.insertUser(user, passwordHash: passwordHash)
        let workspace = try await WorkspaceRoutes.create(tx, services, name: input.workspace, owner: user.id)
        let (_, text) = session ? try await services.issueSession(tx, user: user.id)
            : try await services.issueToken(tx, user: user.id, name: "setup", expiresAt: nil)
        try await services.audit(tx, workspace.id, actor: user.id.rawValue, "setup.completed", target: workspace.id.rawValue)
        return (user, workspace, text)
    }

    @Sendable func login(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let cookie = BrowserSession.wanted(request)
        if cookie { try BrowserSession.requireSameOrigin(request, services) }
        let input = try await services.body.decode(LoginInput.self, from: request)
        let email = input.email.lowercased()
        let services = self.services
        let now = services.clock.now()
        try await services.loginLimiter.check(email, now: now)
        let found = try await services.store.read { tx -> (User, String?)? in
            guard let user = try await tx.user(email: email) else { return nil }
            return (user, try await tx.passwordHash(of: user.id))
        }
        guard let (user, stored) = found, let stored, services.passwords.verify(Secret(input.password), against: stored) else {
            await services.loginLimiter.recordFailure(email, now: now)
            if let user = found?.0 {
                try await services.store.transaction { tx in
                    try await services.audit(tx, nil, actor: user.id.rawValue, "auth.login", outcome: "failure")
                }
            }
            throw SpojkaError(.unauthorized, "The email or password is wrong")
        }
        await services.loginLimiter.reset(email)
        let text = try await services.store.transaction { tx in
            let (token, text) = cookie ? try await services.issueSession(tx, user: user.id)
                : try await services.issueToken(tx, user: user.id, name: "login", expiresAt: now.addingTimeInterval(30 * 86400))
            try await services.audit(tx, nil, actor: user.id.rawValue, "auth.login", target: token.id.rawValue)
            return text
        }
        if cookie { return try BrowserSession.answer(["user": try JSONValue(encoding: UserDTO(user))], text: text, services: services, status: .ok) }
        return try Reply.json(SignedIn(user: UserDTO(user), token: text))
    }
}

extension JSONValue {
    /// `value` as the API encodes it.
    init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: try APIJSON.encoder.encode(value))
    }
}
