import Foundation
import Hummingbird
import SpojkaCore

struct CreateTokenInput: APIInput {
    /// The scope as the caller sends it.
    struct Scope: Decodable {
        let workspace: String
        let connections: [String]?
        let tools: [String: [String]]?
        let readOnly: Bool?
        let includeUtilities: Bool?
    }
    static let fields: Set<String> = ["name", "expiresAt", "scope"]
    let name: String
    let expiresAt: Date?
    let scope: Scope?
}

/// The caller's own API tokens.
struct TokenRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.post, "/api/v1/tokens", "Create an API token (its secret is shown once); a scope limits it to MCP", body: CreateTokenInput.self,
              success: 201, handler: create)
        r.add(.get, "/api/v1/tokens", "List your API tokens (without secrets)", handler: list)
        r.add(.get, "/api/v1/tokens/current", "The token of this request (scoped tokens may read it)", handler: current)
        r.add(.delete, "/api/v1/tokens/{tokenId}", "Revoke an API token at once", success: 204, handler: revoke)
    }

    @Sendable func create(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input = try await services.body.decode(CreateTokenInput.self, from: request)
        let services = self.services
        var problems = Rules.text(input.name, "name")
        if let expiresAt = input.expiresAt, expiresAt <= services.clock.now() { problems.append(("expiresAt", "must be in the future")) }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        var requested: TokenScope?
        if let asked = input.scope { requested = try await validated(asked, for: principal) }
        let scope = requested
        let (token, text) = try await services.store.transaction { tx in
            let (token, text) = try await services.issueToken(tx, user: principal.user.id, name: input.name, expiresAt: input.expiresAt, scope: scope)
            var details: [String: JSONValue] = ["name": .string(input.name)]
            if let scope {
                details["scopeConnections"] = scope.connections.map { .array($0.map { .string($0.rawValue) }) } ?? "all"
                details["readOnly"] = .bool(scope.readOnly)
            }
            try await services.audit(tx, scope?.workspace, actor: principal.user.id.rawValue, "token.created", target: token.id.rawValue,
                                     details: details)
            return (token, text)
        }
        return try Reply.json(TokenDTO(token, text: text), status: .created)
    }

    /// A scope the caller may grant: a workspace where they may call tools, its live connections, their tools.
    func validated(_ input: CreateTokenInput.Scope, for principal: Principal) async throws -> TokenScope {
        guard principal.scope == nil else { throw SpojkaError(.forbidden, "A scoped token cannot create tokens") }
        guard let ws = ID<Workspace>(validating: input.workspace) else { throw SpojkaError.validation([("scope.workspace", "must be a workspace ID")]) }
        let membership = try await services.store.read { try await $0.membership(ws, principal.user.id) }
        guard let role = membership?.role else { throw SpojkaError.notFound("Workspace") }
        guard role >= .member else { throw SpojkaError(.forbidden, "Scoped tokens call tools: this needs the member role or higher") }
        var problems: [(path: String, message: String)] = []
        var connections: [ID<Connection>]?
        if let list = input.connections {
            connections = []
            for (i, text) in list.enumerated() {
                guard let id = ID<Connection>(validating: text),
                      let c = try await services.store.read({ try await $0.connection(id, in: ws) }), c.deletedAt == nil else {
                    problems.append(("scope.connections.\(i)", "no connection \(text) in the workspace")); continue
                }
                connections?.append(c.id)
            }
        }
        for (key, tools) in input.tools ?? [:] {
            guard let id = ID<Connection>(validating: key), connections.map({ $0.contains(id) }) ?? true,
                  let c = try await services.store.read({ try await $0.connection(id, in: ws) }), c.deletedAt == nil else {
                problems.append(("scope.tools.\(key)", "is not a connection in the scope")); continue
            }
            // A remote MCP connection's tools are the ones it discovered.
            let manifest = try? services.connections.toolSet(of: c)
            for tool in tools where manifest?.tool(tool) == nil {
                problems.append(("scope.tools.\(key)", "connection \(c.name) (\(c.connector)) has no tool \(tool)"))
            }
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        return TokenScope(workspace: ws, connections: connections, tools: input.tools, readOnly: input.readOnly ?? false,
                          includeUtilities: input.includeUtilities ?? false)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tokens = try await services.store.read { try await $0.tokens(of: principal.user.id) }
        return try Reply.json(Page(items: tokens.map { TokenDTO($0) }, nextCursor: nil))
    }

    @Sendable func current(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tokens = try await services.store.read { try await $0.tokens(of: principal.user.id) }
        guard let token = tokens.first(where: { $0.id == principal.tokenID }) else { throw SpojkaError.notFound("Token") }
        return try Reply.json(TokenDTO(token))
    }

    @Sendable func revoke(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.id("tokenId", APIToken.self, what: "Token")
        let services = self.services
        try await services.store.transaction { tx in
            guard try await tx.revokeToken(id, of: principal.user.id, at: services.clock.now()) else {
                throw SpojkaError.notFound("Token")
            }
            try await services.audit(tx, nil, actor: principal.user.id.rawValue, "token.revoked", target: id.rawValue)
        }
        return Reply.noContent()
    }
}
