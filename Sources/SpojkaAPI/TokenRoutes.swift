import Foundation
import Hummingbird
import SpojkaCore

struct CreateTokenInput: APIInput {
    static let fields: Set<String> = ["name", "expiresAt"]
    let name: String
    let expiresAt: Date?
}

/// The caller's own API tokens.
struct TokenRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.post, "/api/v1/tokens", "Create an API token (its secret is shown once)", body: CreateTokenInput.self,
              success: 201, handler: create)
        r.add(.get, "/api/v1/tokens", "List your API tokens (without secrets)", handler: list)
        r.add(.delete, "/api/v1/tokens/{tokenId}", "Revoke an API token at once", success: 204, handler: revoke)
    }

    @Sendable func create(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input = try await services.body.decode(CreateTokenInput.self, from: request)
        let services = self.services
        var problems = Rules.text(input.name, "name")
        if let expiresAt = input.expiresAt, expiresAt <= services.clock.now() { problems.append(("expiresAt", "must be in the future")) }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        let (token, text) = try await services.store.transaction { tx in
            let (token, text) = try await services.issueToken(tx, user: principal.user.id, name: input.name, expiresAt: input.expiresAt)
            try await services.audit(tx, nil, actor: principal.user.id.rawValue, "token.created", target: token.id.rawValue,
                                     details: ["name": .string(input.name)])
            return (token, text)
        }
        return try Reply.json(TokenDTO(token, text: text), status: .created)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let tokens = try await services.store.read { try await $0.tokens(of: principal.user.id) }
        return try Reply.json(Page(items: tokens.map { TokenDTO($0) }, nextCursor: nil))
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
