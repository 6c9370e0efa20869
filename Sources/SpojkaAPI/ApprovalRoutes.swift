import Foundation
import Hummingbird
import SpojkaCore
import SpojkaRuns

/// `GET /api/v1/workspaces/{ws}/approvals`: the waiting human steps the caller may decide, with their run's context.
struct ApprovalRoutes {
    let services: APIServices

    func register(_ r: inout RouteRegistrar) {
        r.add(.get, "/api/v1/workspaces/{ws}/approvals",
              "Approvals waiting for the caller's decision, oldest first, with message and run context (cursor; limit 1 to 200, default 50)",
              query: ["cursor", "limit"], handler: list)
    }

    @Sendable func list(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (limit, after) = try request.page(decode: Self.decode)
        let (principal, workspace, role) = try await services.access(context)
        let (items, next) = try await services.engine.approvals(for: principal.user.id, role: role, in: workspace.id, after: after, limit: limit)
        let names = try await services.workflowNames(Set(items.map(\.run.workflowID)), in: workspace.id)
        let json: [JSONValue] = items.map { a in
            ["runId": .string(a.run.id.rawValue), "nodeId": .string(a.step.nodeID), "key": .string(a.step.key),
             "message": a.step.input?["message"] ?? .null, "approvers": a.step.input?["approvers"] ?? .null,
             "requestedAt": .string(APIJSON.format(a.step.startedAt)), "deadline": a.step.deadline.map { .string(APIJSON.format($0)) } ?? .null,
             "workflow": ["id": .string(a.run.workflowID.rawValue), "name": names[a.run.workflowID].map { .string($0) } ?? .null],
             "run": ["id": .string(a.run.id.rawValue), "version": .int(a.run.version), "trigger": .string(a.run.trigger), "input": a.run.input,
                     "startedBy": a.run.startedBy.map { .string($0.rawValue) } ?? .null, "createdAt": .string(APIJSON.format(a.run.createdAt))]]
        }
        let cursor: JSONValue = next.map { .string(Self.encode($0)) } ?? .null
        return try Reply.json(["items": .array(json), "nextCursor": cursor] as JSONValue)
    }

    static func encode(_ c: ApprovalCursor) -> String {
        Cursor.base64url("\(Int64((c.startedAt.timeIntervalSince1970 * 1000).rounded(.down)))\u{0}\(c.run)\u{0}\(c.key)")
    }

    static func decode(_ text: String) -> ApprovalCursor? {
        guard let plain = Cursor.unbase64url(text) else { return nil }
        let parts = plain.split(separator: "\u{0}", omittingEmptySubsequences: false)
        guard parts.count == 3, let millis = Int64(parts[0]) else { return nil }
        return (Date(timeIntervalSince1970: Double(millis) / 1000), String(parts[1]), String(parts[2]))
    }
}
