import Foundation
import Hummingbird
import SpojkaCore
import SpojkaRuns

/// What the console's designer reads besides the current definition: one old version's definition (to put it back
/// on the canvas before saving) and the next times of a schedule trigger.
extension WorkflowRoutes {
    func registerDesigner(_ r: inout RouteRegistrar) {
        r.add(.get, Self.base + "/{id}/versions/{version}", "Read one saved version with its definition", handler: version)
        r.add(.get, "/api/v1/workspaces/{ws}/schedule-preview", "The next times a cron expression fires in a time zone (count 1 to 20, default 5)",
              query: ["cron", "timezone", "count"], handler: schedulePreview)
    }

    @Sendable func version(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        let (_, workspace, _) = try await services.access(context)
        let id = try context.id("id", Workflow.self, what: "Workflow")
        guard let number = context.parameters.get("version").flatMap(Int.init),
              let found = try await services.store.read({ tx in
                  try await tx.workflow(id, in: workspace.id) == nil ? nil : try await tx.workflowVersion(of: id, number)
              }) else {
            throw SpojkaError.notFound("Workflow version")
        }
        return try Reply.json(["version": .int(found.version), "savedAt": .string(APIJSON.format(found.savedAt)),
                               "savedBy": .string(found.savedBy.rawValue), "definition": found.definition] as JSONValue)
    }

    @Sendable func schedulePreview(_ request: Request, _ context: SpojkaRequestContext) async throws -> Response {
        _ = try await services.access(context)
        var problems: [(path: String, message: String)] = []
        var cron: Cron?
        do { cron = try Cron(request.query("cron") ?? "") } catch { problems.append(("cron", "\(error)")) }
        let zoneName = request.query("timezone") ?? "UTC"
        let zone = TimeZone(identifier: zoneName)
        if zone == nil { problems.append(("timezone", "\(zoneName) is not an IANA time zone")) }
        var count = 5
        if let text = request.query("count") {
            if let n = Int(text), (1...20).contains(n) { count = n } else { problems.append(("count", "must be 1 to 20")) }
        }
        guard problems.isEmpty, let cron, let zone else { throw SpojkaError.validation(problems) }
        let now = services.clock.now()
        let times = cron.slots(after: now, through: now.addingTimeInterval(366 * 86400), zone: zone, limit: count)
        return try Reply.json(["cron": .string(request.query("cron") ?? ""), "timezone": .string(zoneName),
                               "times": .array(times.map { .string(APIJSON.format($0)) })] as JSONValue)
    }
}
