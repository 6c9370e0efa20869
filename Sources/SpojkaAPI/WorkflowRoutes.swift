import Foundation
import Hummingbird
import NIOCore
import SpojkaCore
import SpojkaRuns

/// A workflow definition body: `{name, nodes, edges, …}` (DESIGN §7).
struct WorkflowDefinitionInput: APIInput {
    static let fields: Set<String> = ["name", "description", "nodes", "edges", "timeoutSeconds", "environment"]
    let name: String
    let nodes: [JSONValue]
    let edges: [JSONValue]
    let description: String?
    let environment: String?
}

struct WorkflowPatchInput: APIInput {
    static let fields: Set<String> = ["enabled"]
    let enabled: Bool
}

/// `/api/v1/workspaces/{ws}/workflows`: saving versions (runs arrive with the engine).
struct WorkflowRoutes {
    let services: APIServices
    static let base = "/api/v1/workspaces/{ws}/workflows"

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, Self.base, "List workflows by name with trigger kind, newest run, broken nodes and who saved them (cursor; limit 1 to 200, default 50)",
              query: ["cursor", "limit"], handler: list)
        r.add(.post, Self.base, "Create a workflow (validated; version 1)", body: WorkflowDefinitionInput.self, success: 201, handler: create)
        r.add(.get, Self.base + "/{id}", "Read a workflow with its current definition and broken connections", handler: read)
        r.add(.put, Self.base + "/{id}", "Save a new version of the definition", body: WorkflowDefinitionInput.self, handler: update)
        r.add(.patch, Self.base + "/{id}", "Enable or disable", body: WorkflowPatchInput.self, handler: patch)
        r.add(.delete, Self.base + "/{id}", "Delete a workflow and its versions", success: 204, handler: delete)
        r.add(.get, Self.base + "/{id}/versions", "Every saved version", handler: versions)
        r.add(.post, Self.base + "/{id}/versions/{version}/restore", "Save an old version as the newest one", handler: restore)
        r.add(.get, Self.base + "/{id}/export", "The current definition (connection IDs, never secrets)", handler: export)
        registerDesigner(&r)
    }

    func json(_ state: WorkflowState) -> JSONValue {
        Self.json(state).merging(["webhookUrl": state.hookID.map { .string(services.publicURL + "/hooks/" + $0) } ?? .null])
    }

    static func json(_ state: WorkflowState) -> JSONValue {
        ["id": .string(state.workflow.id.rawValue), "name": .string(state.workflow.name), "enabled": .bool(state.workflow.enabled),
         "version": .int(state.workflow.currentVersion), "definition": state.definition,
         "environment": .string((EnvironmentGuard.environment(of: state.definition) ?? .production).rawValue),
         "broken": .array(state.broken.map { ["node": .string($0.node), "connection": .string($0.connection), "reason": .string($0.reason)] }),
         "warnings": .array(state.warnings.map { ["path": .string($0.path), "message": .string($0.message)] }),
         "createdAt": .string(APIJSON.format(state.workflow.createdAt)), "updatedAt": .string(APIJSON.format(state.workflow.updatedAt))]
    }

    /// The raw definition body (validated as an object with the known top-level fields).
    func definition(_ request: Request) async throws -> JSONValue {
        try await services.body.decodeKeepingJSON(WorkflowDefinitionInput.self, from: request).1
    }

    @Sendable func create(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let state = try await services.workflows.save(try await definition(request), workflow: nil, in: workspace.id, by: principal.user.id)
        return try Reply.json(json(state), status: .created)
    }

    @Sendable func read(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        return try Reply.json(json(try await services.workflows.state(try context.id("id", Workflow.self, what: "Workflow"), in: workspace.id)))
    }

    @Sendable func update(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let id = try context.id("id", Workflow.self, what: "Workflow")
        let state = try await services.workflows.save(try await definition(request), workflow: id, in: workspace.id, by: principal.user.id)
        return try Reply.json(json(state))
    }

    @Sendable func patch(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let id = try context.id("id", Workflow.self, what: "Workflow")
        let input = try await services.body.decode(WorkflowPatchInput.self, from: request)
        try await services.workflows.setEnabled(input.enabled, id, in: workspace.id, by: principal.user.id)
        return try Reply.json(json(try await services.workflows.state(id, in: workspace.id)))
    }

    @Sendable func delete(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        try await services.workflows.delete(try context.id("id", Workflow.self, what: "Workflow"), in: workspace.id, by: principal.user.id)
        return Reply.noContent()
    }

    @Sendable func versions(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let id = try await services.workflows.state(try context.id("id", Workflow.self, what: "Workflow"), in: workspace.id).workflow.id
        let versions = try await services.store.read { try await $0.workflowVersions(of: id) }
        let json: [JSONValue] = versions.map { ["version": .int($0.version), "savedAt": .string(APIJSON.format($0.savedAt)), "savedBy": .string($0.savedBy.rawValue)] }
        return try Reply.json(["items": .array(json), "nextCursor": .null] as JSONValue)
    }

    @Sendable func restore(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let id = try context.id("id", Workflow.self, what: "Workflow")
        guard let number = context.parameters.get("version").flatMap(Int.init),
              let old = try await services.store.read({ try await $0.workflowVersion(of: id, number) }),
              try await services.store.read({ try await $0.workflow(id, in: workspace.id) }) != nil else {
            throw SpojkaError.notFound("Workflow version")
        }
        let state = try await services.workflows.save(old.definition, workflow: id, in: workspace.id, by: principal.user.id)
        return try Reply.json(json(state))
    }

    @Sendable func export(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let state = try await services.workflows.state(try context.id("id", Workflow.self, what: "Workflow"), in: workspace.id)
        return try Reply.json(state.definition)
    }
}
