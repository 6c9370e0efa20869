import Foundation
import Hummingbird
import SpojkaCore

struct WorkspaceInput: APIInput {
    static let fields: Set<String> = ["name"]
    let name: String

    func problems() -> [(path: String, message: String)] { Rules.text(name, "name") }
}

/// Workspaces of the caller.
struct WorkspaceRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/api/v1/workspaces", "List your workspaces with your role", handler: list)
        r.add(.post, "/api/v1/workspaces", "Create a workspace; you become its owner", body: WorkspaceInput.self,
              success: 201, handler: create)
        r.add(.get, "/api/v1/workspaces/{ws}", "Read a workspace", handler: read)
        r.add(.patch, "/api/v1/workspaces/{ws}", "Rename a workspace (admin, owner)", body: WorkspaceInput.self, handler: rename)
        r.add(.delete, "/api/v1/workspaces/{ws}", "Delete a workspace and everything in it (owner)", success: 204, handler: delete)
    }

    /// Creates a workspace owned by `owner`, with its data key, inside `tx`.
    static func create(_ tx: any StoreTransaction, _ services: APIServices, name: String, owner: ID<User>) async throws -> Workspace {
        let now = services.clock.now()
        let workspace = Workspace(id: services.ids.make(), name: name, createdAt: now)
        try await tx.insertWorkspace(workspace)
        try await tx.upsertMembership(Membership(workspaceID: workspace.id, userID: owner, role: .owner, createdAt: now))
        try await services.keyRing.createDataKey(for: workspace.id, in: tx)
        return workspace
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let rows = try await services.store.read { try await $0.workspaces(of: principal.user.id) }
        return try Reply.json(Page(items: rows.map { WorkspaceDTO($0.0, role: $0.1) }, nextCursor: nil))
    }

    @Sendable func create(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input = try await services.body.decode(WorkspaceInput.self, from: request)
        let services = self.services
        let workspace = try await services.store.transaction { tx in
            let workspace = try await Self.create(tx, services, name: input.name, owner: principal.user.id)
            try await services.audit(tx, workspace.id, actor: principal.user.id.rawValue, "workspace.created", target: workspace.id.rawValue)
            return workspace
        }
        return try Reply.json(WorkspaceDTO(workspace, role: .owner), status: .created)
    }

    @Sendable func read(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, role) = try await services.access(context)
        return try Reply.json(WorkspaceDTO(workspace, role: role))
    }

    @Sendable func rename(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, role) = try await services.access(context, minimum: .admin)
        let input = try await services.body.decode(WorkspaceInput.self, from: request)
        var renamed = workspace
        renamed.name = input.name
        let services = self.services
        try await services.store.transaction { [renamed] tx in
            try await tx.updateWorkspace(renamed)
            try await services.audit(tx, workspace.id, actor: principal.user.id.rawValue, "workspace.renamed",
                                     target: workspace.id.rawValue, details: ["from": .string(workspace.name), "to": .string(input.name)])
        }
        return try Reply.json(WorkspaceDTO(renamed, role: role))
    }

    @Sendable func delete(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .owner)
        let services = self.services
        try await services.store.transaction { tx in
            try await services.audit(tx, workspace.id, actor: principal.user.id.rawValue, "workspace.deleted", target: workspace.id.rawValue)
            try await tx.deleteWorkspace(workspace.id)
        }
        return Reply.noContent()
    }
}
