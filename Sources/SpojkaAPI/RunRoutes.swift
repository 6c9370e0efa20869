import Foundation
import Hummingbird
import SpojkaCore
import SpojkaRuns

struct StartRunInput: APIInput {
    static let fields: Set<String> = ["input", "wait", "timeoutSeconds"]
    let input: JSONValue?
    let wait: Bool?
    let timeoutSeconds: Double?

    func problems() -> [(path: String, message: String)] {
        if let t = timeoutSeconds, !(t > 0 && t <= 300) { return [("timeoutSeconds", "must be from 1 to 300")] }
        return []
    }
}

struct DecisionInput: APIInput {
    static let fields: Set<String> = ["decision", "comment"]
    let decision: String
    let comment: String?

    func problems() -> [(path: String, message: String)] {
        ["approve", "reject"].contains(decision) ? [] : [("decision", "must be approve or reject")]
    }
}

/// Runs: start, list, read with steps, cancel, approve or reject a waiting human step.
struct RunRoutes {
    let services: APIServices
    static let base = "/api/v1/workspaces/{ws}"

    func register(_ r: inout RouteRegistrar) {
        r.add(.post, Self.base + "/workflows/{id}/runs", "Start a run ({input}; with wait: true, answers when the run ends or responds)",
              body: StartRunInput.self, success: 202, handler: start)
        r.add(.get, Self.base + "/runs", "List runs, newest first, with workflow names (filters workflow, status, trigger; cursor)",
              query: ["workflow", "status", "trigger", "cursor", "limit"], handler: list)
        r.add(.get, Self.base + "/runs/{runId}", "Read a run with its steps", handler: read)
        r.add(.post, Self.base + "/runs/{runId}/cancel", "Cancel a running or waiting run", handler: cancel)
        r.add(.post, Self.base + "/runs/{runId}/approvals/{nodeId}", "Approve or reject a waiting human step", body: DecisionInput.self, handler: decide)
    }

    /// The trigger kinds a run may have.
    static let triggers = ["manual", "webhook", "schedule", "subworkflow"]

    static func json(_ run: Run, steps: [RunStep]? = nil) -> JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(run.id.rawValue), "workflowId": .string(run.workflowID.rawValue), "version": .int(run.version),
            "status": .string(run.status.rawValue), "trigger": .string(run.trigger), "input": run.input, "output": run.output ?? .null,
            "error": run.error ?? .null, "startedBy": run.startedBy.map { .string($0.rawValue) } ?? .null,
            "parentRunId": run.parent.map { .string($0.run.rawValue) } ?? .null,
            "createdAt": .string(APIJSON.format(run.createdAt)), "finishedAt": run.finishedAt.map { .string(APIJSON.format($0)) } ?? .null,
        ]
        if let steps { out["steps"] = .array(steps.map(Self.json)) }
        return .object(out)
    }

    static func json(_ step: RunStep) -> JSONValue {
        ["nodeId": .string(step.nodeID), "key": .string(step.key), "type": .string(step.type), "status": .string(step.status.rawValue),
         "attempt": .int(step.attempt), "startedAt": .string(APIJSON.format(step.startedAt)),
         "finishedAt": step.finishedAt.map { .string(APIJSON.format($0)) } ?? .null, "input": step.input ?? .null, "output": step.output ?? .null,
         "error": step.error ?? .null, "connectionId": step.connectionID.map { .string($0) } ?? .null,
         "deadline": step.deadline.map { .string(APIJSON.format($0)) } ?? .null]
    }

    @Sendable func start(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let id = try context.id("id", Workflow.self, what: "Workflow")
        let body = try await services.body.decode(StartRunInput.self, from: request)
        let wait = body.wait == true ? Duration.milliseconds(Int64((body.timeoutSeconds ?? 30) * 1000)) : nil
        let outcome = try await services.engine.start(
            RunEngine.StartRequest(workspace: workspace.id, workflow: id, input: body.input ?? .object([:]), trigger: "manual", user: principal.user.id),
            wait: wait)
        let run = outcome.run
        guard wait != nil else { return try Reply.json(["runId": .string(run.id.rawValue), "status": "running"] as JSONValue, status: .accepted) }
        var json = Self.json(run)
        if let response = outcome.response, run.status == .completed {
            json = json.merging(["response": ["status": .int(response.status), "body": response.body]])
        }
        return try Reply.json(json, status: run.status.isFinal ? .ok : .accepted)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        var query = RunQuery()
        var problems: [(path: String, message: String)] = []
        if let text = request.query("workflow") {
            if let id = ID<Workflow>(validating: text) { query.workflow = id } else { problems.append(("workflow", "must be a workflow ID")) }
        }
        if let text = request.query("status") {
            if let s = Run.Status(rawValue: text) { query.status = s } else {
                problems.append(("status", "must be one of \(Run.Status.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        if let text = request.query("trigger") {
            if Self.triggers.contains(text) { query.trigger = text } else { problems.append(("trigger", "must be one of \(Self.triggers.joined(separator: ", "))")) }
        }
        if let text = request.query("limit") {
            if let n = Int(text), (1...200).contains(n) { query.limit = n } else { problems.append(("limit", "must be 1 to 200")) }
        }
        if let text = request.query("cursor") {
            if let c = Cursor.decode(text) { query.after = (c.at, c.id) } else { problems.append(("cursor", "is not a cursor from a previous page")) }
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        let page = query
        let runs = try await services.store.read { try await $0.runs(in: workspace.id, page) }
        let next: JSONValue = runs.count == page.limit ? runs.last.map { .string(Cursor.encode(at: $0.createdAt, id: $0.id.rawValue)) } ?? .null : .null
        let names = try await services.workflowNames(Set(runs.map(\.workflowID)), in: workspace.id)
        let items: [JSONValue] = runs.map { Self.json($0).merging(["workflowName": names[$0.workflowID].map { .string($0) } ?? .null]) }
        return try Reply.json(["items": .array(items), "nextCursor": next] as JSONValue)
    }

    @Sendable func read(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let id = try context.id("runId", Run.self, what: "Run")
        guard let run = try await services.store.read({ try await $0.run(id, in: workspace.id) }) else { throw SpojkaError.notFound("Run") }
        let name = try await services.workflowNames([run.workflowID], in: workspace.id)[run.workflowID]
        return try Reply.json(Self.json(run, steps: try await services.engine.steps(of: run)).merging(["workflowName": name.map { .string($0) } ?? .null]))
    }

    @Sendable func cancel(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, _) = try await services.access(context, minimum: .member)
        let run = try await services.engine.cancel(try context.id("runId", Run.self, what: "Run"), in: workspace.id, by: principal.user.id)
        return try Reply.json(Self.json(run))
    }

    @Sendable func decide(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (principal, workspace, role) = try await services.access(context)
        let id = try context.id("runId", Run.self, what: "Run")
        let node = context.parameters.get("nodeId") ?? ""
        let body = try await services.body.decode(DecisionInput.self, from: request)
        let run = try await services.engine.decide(id, node: node, approve: body.decision == "approve", comment: body.comment,
                                                   by: principal.user.id, role: role, in: workspace.id)
        return try Reply.json(Self.json(run))
    }
}

extension JSONValue {
    /// The object with `other`'s members added (non-objects are returned unchanged).
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        guard case .object(var members) = self else { return self }
        for (key, value) in other { members[key] = value }
        return .object(members)
    }
}
