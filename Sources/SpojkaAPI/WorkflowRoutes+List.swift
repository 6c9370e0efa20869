import Foundation
import Hummingbird
import SpojkaCore
import SpojkaRuns

extension WorkflowRoutes {
    /// `GET …/workflows`: a keyset page by `(name, id)` with each workflow's trigger kind, newest run, broken nodes and last author.
    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (limit, after) = try request.page(decode: Cursor.decodeText)
        let (_, workspace, _) = try await services.access(context)
        // One more than the page tells whether another page follows.
        let found = try await services.workflows.list(in: workspace.id, after: after, limit: limit + 1)
        let items = Array(found.prefix(limit))
        let people = try await services.people(Set(items.map(\.summary.savedBy)), in: workspace.id)
        let json: [JSONValue] = items.map { item in
            let w = item.summary.workflow
            return ["id": .string(w.id.rawValue), "name": .string(w.name), "enabled": .bool(w.enabled), "version": .int(w.currentVersion),
                    "triggerKind": item.triggerKind.map { .string($0) } ?? .null,
                    "broken": .array(item.broken.map { ["node": .string($0.node), "connection": .string($0.connection), "reason": .string($0.reason)] }),
                    "lastRun": item.summary.lastRun.map(Self.lastRun) ?? .null,
                    "updatedBy": people[item.summary.savedBy] ?? ["id": .string(item.summary.savedBy.rawValue), "name": .null, "email": .null],
                    "createdAt": .string(APIJSON.format(w.createdAt)), "updatedAt": .string(APIJSON.format(w.updatedAt))]
        }
        let next: JSONValue = found.count > limit ? items.last.map { .string(Cursor.encodeText($0.summary.workflow.name, $0.summary.workflow.id.rawValue)) } ?? .null : .null
        return try Reply.json(["items": .array(json), "nextCursor": next] as JSONValue)
    }

    static func lastRun(_ run: Run) -> JSONValue {
        ["id": .string(run.id.rawValue), "status": .string(run.status.rawValue), "trigger": .string(run.trigger),
         "createdAt": .string(APIJSON.format(run.createdAt)), "finishedAt": run.finishedAt.map { .string(APIJSON.format($0)) } ?? .null]
    }
}

extension APIServices {
    /// `{id, name, email}` of each user (members of the workspace, or former members by their user record).
    func people(_ ids: Set<ID<User>>, in workspace: ID<Workspace>) async throws -> [ID<User>: JSONValue] {
        guard !ids.isEmpty else { return [:] }
        return try await store.read { tx in
            var found: [ID<User>: User] = [:]
            for (_, user) in try await tx.members(of: workspace) where ids.contains(user.id) { found[user.id] = user }
            for id in ids where found[id] == nil { found[id] = try await tx.user(id) }
            return found.mapValues { ["id": .string($0.id.rawValue), "name": .string($0.name), "email": .string($0.email)] }
        }
    }

    /// The names of workflows by ID (deleted ones are absent).
    func workflowNames(_ ids: Set<ID<Workflow>>, in workspace: ID<Workspace>) async throws -> [ID<Workflow>: String] {
        try await store.read { tx in
            var names: [ID<Workflow>: String] = [:]
            for id in ids { if let w = try await tx.workflow(id, in: workspace) { names[id] = w.name } }
            return names
        }
    }
}
