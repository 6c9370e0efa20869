import Foundation
import SpojkaCore

extension RunEngine {
    /// Starts the runs of due schedule slots. A slot fires once across processes: the process whose conditional
    /// update advances the schedule's last slot fires it. Missed slots are skipped unless the schedule catches up.
    func fireSchedules(_ now: Date) async throws {
        let schedules = try await store.read { try await $0.schedules() }
        for schedule in schedules where schedule.enabled && schedule.lastSlot < now {
            guard let cron = try? Cron(schedule.cron), let zone = TimeZone(identifier: schedule.timeZone) else { continue }
            let due = cron.slots(after: schedule.lastSlot, through: now, zone: zone, limit: schedule.catchUp ? 100 : 100_000)
            guard let latest = due.last else { continue }
            let (id, from) = (schedule.workflowID, schedule.lastSlot)
            guard try await store.transaction({ try await $0.claimSlot(id, from: from, to: latest) }) else { continue }
            for slot in schedule.catchUp ? due : [latest] {
                let input: JSONValue = ["scheduledAt": .string(ISO8601DateFormatter().string(from: slot)), "timezone": .string(schedule.timeZone),
                                        "missed": .bool(slot != latest)]
                do {
                    _ = try await start(StartRequest(workspace: schedule.workspaceID, workflow: id, input: input, trigger: "schedule", user: nil))
                } catch {
                    logger.error("scheduled run did not start", metadata: ["workflow": .string(id.rawValue), "error": .string("\(error)")])
                }
            }
        }
    }

    /// The schedule row for a definition's trigger (`nil` when the trigger is not a schedule).
    public static func schedule(of definition: JSONValue, workflow: Workflow, from now: Date) -> Schedule? {
        guard let trigger = (definition["nodes"]?.arrayValue ?? []).first(where: { $0["type"]?.stringValue == "trigger" })?["config"],
              trigger["kind"]?.stringValue == "schedule", let cron = trigger["cron"]?.stringValue else { return nil }
        return Schedule(workflowID: workflow.id, workspaceID: workflow.workspaceID, cron: cron, timeZone: trigger["timezone"]?.stringValue ?? "UTC",
                        catchUp: trigger["catchUp"]?.boolValue ?? false, enabled: workflow.enabled, lastSlot: now)
    }
}
