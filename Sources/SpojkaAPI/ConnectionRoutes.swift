import Foundation
import Hummingbird
import SpojkaConnections
import SpojkaCore

/// `/api/v1/workspaces/{ws}/connections`: the connection lifecycle.
struct ConnectionRoutes {
    let services: APIServices
    var connections: ConnectionService { services.connections }
    static let base = "/api/v1/workspaces/{ws}/connections"

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, Self.base, "List connections (filters connector, status, environment, q; cursor)",
              query: ["connector", "status", "environment", "q", "cursor", "limit"], handler: list)
        r.add(.post, Self.base, "Create a connection (verified first unless ?verify=false)", body: CreateConnectionInput.self,
              success: 201, query: ["verify"], handler: create)
        r.add(.get, Self.base + "/{id}", "Read a connection (no secrets)", handler: read)
        r.add(.patch, Self.base + "/{id}", "Rename, change the handle, tool policy, settings, service URL or environment", body: PatchConnectionInput.self, handler: patch)
        r.add(.delete, Self.base + "/{id}", "Delete a connection (409 while used, unless ?force=true)", success: 204, query: ["force"], handler: delete)
        r.add(.put, Self.base + "/{id}/credentials", "Rotate credentials in place (verified before the swap)", body: RotateInput.self, handler: rotate)
        r.add(.post, Self.base + "/{id}/verify", "Run verification now", handler: verify)
        r.add(.post, Self.base + "/{id}/authorize", "Reconnect an OAuth connection in place: a new authorization URL (same ID)",
              body: AuthorizeInput.self, handler: authorize)
        r.add(.get, Self.base + "/{id}/usage", "Workflows that reference the connection", handler: usage)
        r.add(.get, Self.base + "/{id}/events", "Status and change timeline", handler: events)
        r.add(.get, Self.base + "/{id}/access-log", "Every decryption of the credentials (admin, owner)", handler: accessLog)
    }

    func dto(_ c: Connection) async throws -> ConnectionDTO {
        let email = try await services.store.read { try await $0.user(c.ownerID)?.email }
        return ConnectionDTO(c, ownerEmail: email)
    }

    /// The connection, requiring the caller may manage it (owner/admin: all; member: own; viewer: none).
    func managed(_ context: SpojkaRequestContext) async throws -> (Principal, Workspace, Connection) {
        let (principal, workspace, role) = try await services.access(context)
        let connection = try await connections.get(try context.id("id", Connection.self, what: "Connection"), in: workspace.id)
        let allowed = role >= .admin || (role == .member && connection.ownerID == principal.user.id)
        guard allowed else { throw SpojkaError(.forbidden, "Only admins, owners and the connection's owner can change it") }
        return (principal, workspace, connection)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        var query = ConnectionQuery(connector: request.query("connector"), nameContains: request.query("q"))
        var problems: [(path: String, message: String)] = []
        if let status = request.query("status") {
            if let parsed = Connection.Status(rawValue: status) { query.status = parsed } else { problems.append(("status", "must be active, reauthorize or error")) }
        }
        if let environment = request.query("environment") {
            if let parsed = Connection.Environment(rawValue: environment) { query.environment = parsed } else { problems.append(("environment", "must be production, staging or development")) }
        }
        if let limit = request.query("limit") {
            if let n = Int(limit), (1...200).contains(n) { query.limit = n } else { problems.append(("limit", "must be 1 to 200")) }
        }
        if let cursor = request.query("cursor") {
            if let decoded = Cursor.decodeText(cursor) { query.after = decoded } else { problems.append(("cursor", "is not a cursor from a previous page")) }
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        await connections.flushBookkeeping()
        let (found, members) = try await services.store.read { [query] tx in
            (try await tx.connections(in: workspace.id, query), try await tx.members(of: workspace.id))
        }
        let emails = Dictionary(members.map { ($0.1.id, $0.1.email) }, uniquingKeysWith: { first, _ in first })
        var items: [ConnectionDTO] = []
        for c in found {
            // An owner who left the workspace is not a member: fall back to the user record.
            if let email = emails[c.ownerID] { items.append(ConnectionDTO(c, ownerEmail: email)) } else { items.append(try await dto(c)) }
        }
        let next = found.count == query.limit ? found.last.map { Cursor.encodeText($0.name, $0.id.rawValue) } : nil
        return try Reply.json(Page(items: items, nextCursor: next))
    }

    @Sendable func create(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let input = try await services.body.decode(CreateConnectionInput.self, from: request)
        if let app = input.oauthApp {
            let started = try await connections.connectOAuth(NewOAuthConnection(
                connector: input.connector, name: input.name, app: ID(rawValue: app), settings: input.settings ?? .object([:]),
                environment: input.environment ?? .production, grantType: input.grant ?? "authorization_code", serviceURL: input.serviceUrl),
                in: workspace.id, by: principal.user.id)
            return try Reply.json(try await json(started), status: .created)
        }
        let new = NewConnection(connector: input.connector, name: input.name, credentials: (input.credentials ?? [:]).mapValues(Secret.init),
                                settings: input.settings ?? .object([:]), serviceURL: input.serviceUrl, environment: input.environment ?? .production)
        let verify = request.query("verify") != "false"
        let created = try await connections.create(new, in: workspace.id, by: principal.user.id, verify: verify)
        return try Reply.json(try await dto(created), status: .created)
    }

    /// `{connection, authorizationUrl}` of an OAuth connection being authorised.
    func json(_ start: OAuthStart) async throws -> JSONValue {
        let dto = try await dto(start.connection)
        let json = try JSONValue(parsing: try APIJSON.encoder.encode(dto), maxDepth: 4096)
        return ["connection": json, "authorizationUrl": start.authorizationURL.map { .string($0) } ?? .null]
    }

    @Sendable func authorize(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, connection) = try await managed(context)
        let input = try await services.body.decode(AuthorizeInput.self, from: request)
        let start = try await connections.reauthorize(connection.id, in: workspace.id, by: principal.user.id,
                                                      allowAccountChange: input.allowAccountChange ?? false)
        return try Reply.json(try await json(start))
    }

    @Sendable func read(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let connection = try await connections.get(try context.id("id", Connection.self, what: "Connection"), in: workspace.id)
        return try Reply.json(try await dto(connection))
    }

    @Sendable func patch(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, connection) = try await managed(context)
        let input = try await services.body.decode(PatchConnectionInput.self, from: request)
        let actor = principal.user.id.rawValue
        var updated = connection
        if let handle = input.handle { updated = try await connections.setHandle(connection.id, in: workspace.id, to: handle, by: actor) }
        if let policy = input.toolPolicy {
            updated = try await connections.setToolPolicy(connection.id, in: workspace.id,
                                                          to: ToolPolicy(allowedTools: policy.allowedTools, readOnly: policy.readOnly ?? false), by: actor)
        }
        if input.name != nil || input.settings != nil || input.serviceUrl != nil || input.environment != nil {
            updated = try await connections.update(connection.id, in: workspace.id, ConnectionPatch(
                name: input.name, settings: input.settings, serviceURL: input.serviceUrl, environment: input.environment), by: actor)
        }
        return try Reply.json(try await dto(updated))
    }

    @Sendable func delete(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, connection) = try await managed(context)
        try await connections.delete(connection.id, in: workspace.id, force: request.query("force") == "true", by: principal.user.id.rawValue)
        return Reply.noContent()
    }

    @Sendable func rotate(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, connection) = try await managed(context)
        let input = try await services.body.decode(RotateInput.self, from: request)
        let rotated = try await connections.rotate(connection.id, in: workspace.id, credentials: input.credentials.mapValues(Secret.init),
                                                   partial: input.partial ?? false, by: principal.user.id.rawValue)
        return try Reply.json(try await dto(rotated))
    }

    @Sendable func verify(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, connection) = try await managed(context)
        let verified = try await connections.verifyNow(connection.id, in: workspace.id, by: principal.user.id.rawValue)
        return try Reply.json(try await dto(verified))
    }

    @Sendable func usage(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let id = try await connections.get(try context.id("id", Connection.self, what: "Connection"), in: workspace.id).id
        let usage = try await services.store.read { try await $0.usage(of: id) }
        return try Reply.json(["workflows": JSONValue.array(usage.map(UsageJSON.value)), "total": .int(usage.count)] as JSONValue)
    }

    @Sendable func events(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let id = try context.id("id", Connection.self, what: "Connection")
        guard try await services.store.read({ try await $0.connection(id, in: workspace.id) }) != nil else {
            throw SpojkaError(.connectionNotFound, "Connection \(id) not found")
        }
        let events = try await services.store.read { try await $0.connectionEvents(of: id) }
        return try Reply.json(Page(items: events.map(ConnectionEventDTO.init), nextCursor: nil))
    }

    @Sendable func accessLog(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context, minimum: .admin)
        let id = try await connections.get(try context.id("id", Connection.self, what: "Connection"), in: workspace.id).id
        let entries = try await services.store.read { try await $0.credentialAccess(of: id, limit: 500) }
        return try Reply.json(Page(items: entries.map(CredentialAccessDTO.init), nextCursor: nil))
    }
}
