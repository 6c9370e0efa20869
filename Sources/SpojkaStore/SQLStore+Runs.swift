import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func insertRun(_ r: Run) async throws {
        try await db.execute("""
            INSERT INTO runs (id, workspace_id, workflow_id, version, status, trigger_kind, input, output, error, started_by,
              parent_run_id, parent_step, created_at, updated_at, finished_at, deadline, lease_owner, lease_until)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(r.id.rawValue), .text(r.workspaceID.rawValue), .text(r.workflowID.rawValue), .int(Int64(r.version)),
                  .text(r.status.rawValue), .text(r.trigger), .text(StoredJSON.text(r.input)), Self.json(r.output), Self.json(r.error),
                  .text(r.startedBy?.rawValue), .text(r.parent?.run.rawValue), .text(r.parent?.step), .date(r.createdAt),
                  .date(r.updatedAt), .date(r.finishedAt), .date(r.deadline), .text(r.lease?.owner), .date(r.lease?.until)])
    }

    func run(_ id: ID<Run>, in workspace: ID<Workspace>) async throws -> Run? {
        try await db.first("SELECT * FROM runs WHERE id = ? AND workspace_id = ?", [.text(id.rawValue), .text(workspace.rawValue)]).map(Self.run)
    }

    func run(_ id: ID<Run>) async throws -> Run? {
        try await db.first("SELECT * FROM runs WHERE id = ?", [.text(id.rawValue)]).map(Self.run)
    }

    func runs(in workspace: ID<Workspace>, _ q: RunQuery) async throws -> [Run] {
        var sql = "SELECT * FROM runs WHERE workspace_id = ?"
        var binds: [SQLValue] = [.text(workspace.rawValue)]
        if let workflow = q.workflow { sql += " AND workflow_id = ?"; binds.append(.text(workflow.rawValue)) }
        if let status = q.status { sql += " AND status = ?"; binds.append(.text(status.rawValue)) }
        if let trigger = q.trigger { sql += " AND trigger_kind = ?"; binds.append(.text(trigger)) }
        if let (at, id) = q.after {
            sql += " AND (created_at < ? OR (created_at = ? AND id < ?))"
            binds += [.date(at), .date(at), .text(id)]
        }
        sql += " ORDER BY created_at DESC, id DESC LIMIT ?"
        binds.append(.int(Int64(q.limit)))
        return try await db.query(sql, binds).map(Self.run)
    }

    func updateRun(_ r: Run) async throws {
        try await db.execute("""
            UPDATE runs SET status = ?, output = ?, error = ?, updated_at = ?, finished_at = ?, deadline = ?, lease_owner = ?, lease_until = ?
            WHERE id = ?
            """, [.text(r.status.rawValue), Self.json(r.output), Self.json(r.error), .date(r.updatedAt), .date(r.finishedAt),
                  .date(r.deadline), .text(r.lease?.owner), .date(r.lease?.until), .text(r.id.rawValue)])
    }

    func finishRun(_ r: Run) async throws -> Bool {
        !(try await db.query("""
            UPDATE runs SET status = ?, output = ?, error = ?, updated_at = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL
            WHERE id = ? AND status = 'running' RETURNING id
            """, [.text(r.status.rawValue), Self.json(r.output), Self.json(r.error), .date(r.updatedAt), .date(r.finishedAt), .text(r.id.rawValue)])).isEmpty
    }

    func transitionRun(_ id: ID<Run>, from: Set<Run.Status>, to: Run.Status, error: JSONValue?, at: Date) async throws -> Bool {
        let states = from.map(\.rawValue).sorted()
        let marks = states.map { _ in "?" }.joined(separator: ", ")
        let final: SQLValue = to.isFinal ? .date(at) : .null
        let rows = try await db.query("""
            UPDATE runs SET status = ?, error = COALESCE(?, error), updated_at = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL
            WHERE id = ? AND status IN (\(marks)) RETURNING id
            """, [.text(to.rawValue), Self.json(error), .date(at), final, .text(id.rawValue)] + states.map { .text($0) })
        return !rows.isEmpty
    }

    func upsertStep(_ s: RunStep) async throws {
        try await db.execute("""
            INSERT INTO run_steps (run_id, step_key, seq, node_id, node_type, status, attempt, started_at, finished_at, input, output, error,
              connection_id, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (run_id, step_key) DO UPDATE SET seq = excluded.seq, status = excluded.status, attempt = excluded.attempt,
              finished_at = excluded.finished_at, input = excluded.input, output = excluded.output, error = excluded.error,
              connection_id = excluded.connection_id, deadline = excluded.deadline
            """, [.text(s.runID.rawValue), .text(s.key), .int(Int64(s.sequence)), .text(s.nodeID), .text(s.type), .text(s.status.rawValue),
                  .int(Int64(s.attempt)), .date(s.startedAt), .date(s.finishedAt), Self.json(s.input), Self.json(s.output), Self.json(s.error),
                  .text(s.connectionID), .date(s.deadline)])
    }

    func steps(of run: ID<Run>) async throws -> [RunStep] {
        try await db.query("SELECT * FROM run_steps WHERE run_id = ? ORDER BY seq, step_key", [.text(run.rawValue)]).map(Self.step)
    }

    func claimRuns(owner: String, now: Date, until: Date, limit: Int) async throws -> [Run] {
        let candidates = try await db.query("""
            SELECT id FROM runs WHERE status = 'running' AND (lease_until IS NULL OR lease_until < ?) ORDER BY created_at LIMIT ?
            """, [.date(now), .int(Int64(limit))])
        var claimed: [Run] = []
        for row in candidates {
            let id = try row.string("id")
            let updated = try await db.query("""
                UPDATE runs SET lease_owner = ?, lease_until = ? WHERE id = ? AND status = 'running' AND (lease_until IS NULL OR lease_until < ?)
                RETURNING *
                """, [.text(owner), .date(until), .text(id), .date(now)])
            if let row = updated.first { claimed.append(try Self.run(row)) }
        }
        return claimed
    }

    func renewLeases(owner: String, until: Date) async throws {
        // On PostgreSQL, rows a transaction holds right now (a group-commit batch finishing runs) are passed over and renewed
        // next time: a renewal waiting for them while the batch waits for a row the renewal already locked is a deadlock.
        let rows = db.dialect == .postgres
            ? "id IN (SELECT id FROM runs WHERE lease_owner = ? AND status = 'running' FOR UPDATE SKIP LOCKED)"
            : "lease_owner = ? AND status = 'running'"
        try await db.execute("UPDATE runs SET lease_until = ? WHERE \(rows)", [.date(until), .text(owner)])
    }

    func expiredApprovals(now: Date, limit: Int) async throws -> [RunStep] {
        try await db.query("SELECT * FROM run_steps WHERE status = 'waiting' AND deadline IS NOT NULL AND deadline < ? ORDER BY deadline LIMIT ?",
                           [.date(now), .int(Int64(limit))]).map(Self.step)
    }

    func childRun(of parent: ID<Run>, step: String) async throws -> Run? {
        try await db.first("SELECT * FROM runs WHERE parent_run_id = ? AND parent_step = ?", [.text(parent.rawValue), .text(step)]).map(Self.run)
    }

    func webhookID(of workflow: ID<Workflow>, in workspace: ID<Workspace>, orCreate newID: String) async throws -> String {
        if let row = try await db.first("SELECT hook_id FROM webhooks WHERE workflow_id = ?", [.text(workflow.rawValue)]) {
            return try row.string("hook_id")
        }
        try await db.execute("INSERT INTO webhooks (hook_id, workflow_id, workspace_id) VALUES (?, ?, ?)",
                             [.text(newID), .text(workflow.rawValue), .text(workspace.rawValue)])
        return newID
    }

    func webhookID(of workflow: ID<Workflow>) async throws -> String? {
        try await db.first("SELECT hook_id FROM webhooks WHERE workflow_id = ?", [.text(workflow.rawValue)])?.optionalString("hook_id")
    }

    func webhook(_ hookID: String) async throws -> (workspace: ID<Workspace>, workflow: ID<Workflow>)? {
        guard let row = try await db.first("SELECT * FROM webhooks WHERE hook_id = ?", [.text(hookID)]) else { return nil }
        return (ID(rawValue: try row.string("workspace_id")), ID(rawValue: try row.string("workflow_id")))
    }

    func setSchedule(_ schedule: Schedule?, workflow: ID<Workflow>) async throws {
        guard let s = schedule else {
            try await db.execute("DELETE FROM schedules WHERE workflow_id = ?", [.text(workflow.rawValue)])
            return
        }
        try await db.execute("""
            INSERT INTO schedules (workflow_id, workspace_id, cron, timezone, catch_up, enabled, last_slot) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (workflow_id) DO UPDATE SET cron = excluded.cron, timezone = excluded.timezone, catch_up = excluded.catch_up,
              enabled = excluded.enabled, last_slot = CASE WHEN schedules.cron = excluded.cron AND schedules.timezone = excluded.timezone
                THEN schedules.last_slot ELSE excluded.last_slot END
            """, [.text(workflow.rawValue), .text(s.workspaceID.rawValue), .text(s.cron), .text(s.timeZone), .int(s.catchUp ? 1 : 0),
                  .int(s.enabled ? 1 : 0), .date(s.lastSlot)])
    }

    func schedules() async throws -> [Schedule] {
        try await db.query("SELECT * FROM schedules ORDER BY workflow_id", []).map { row in
            Schedule(workflowID: ID(rawValue: try row.string("workflow_id")), workspaceID: ID(rawValue: try row.string("workspace_id")),
                     cron: try row.string("cron"), timeZone: try row.string("timezone"), catchUp: try row.int("catch_up") != 0,
                     enabled: try row.int("enabled") != 0, lastSlot: try row.date("last_slot"))
        }
    }

    func claimSlot(_ workflow: ID<Workflow>, from: Date, to: Date) async throws -> Bool {
        !(try await db.query("UPDATE schedules SET last_slot = ? WHERE workflow_id = ? AND last_slot = ? RETURNING workflow_id",
                             [.date(to), .text(workflow.rawValue), .date(from)])).isEmpty
    }

    static func json(_ value: JSONValue?) -> SQLValue { value.map { .text(StoredJSON.text($0)) } ?? .null }

    /// A stored JSON column of a run or step: unreadable text becomes a placeholder, never a failed read.
    static func optionalJSON(_ row: SQLRow, _ column: String) throws -> JSONValue? {
        row.optionalString(column).map(StoredJSON.readable)
    }

    static func run(_ row: SQLRow) throws -> Run {
        var run = Run(id: ID(rawValue: try row.string("id")), workspaceID: ID(rawValue: try row.string("workspace_id")),
                      workflowID: ID(rawValue: try row.string("workflow_id")), version: Int(try row.int("version")),
                      status: Run.Status(rawValue: try row.string("status")) ?? .failed, trigger: try row.string("trigger_kind"),
                      input: StoredJSON.readable(try row.string("input")), startedBy: row.optionalString("started_by").map(ID.init),
                      createdAt: try row.date("created_at"))
        run.output = try optionalJSON(row, "output")
        run.error = try optionalJSON(row, "error")
        if let parent = row.optionalString("parent_run_id"), let step = row.optionalString("parent_step") { run.parent = (ID(rawValue: parent), step) }
        run.updatedAt = try row.date("updated_at")
        run.finishedAt = row.optionalDate("finished_at")
        run.deadline = row.optionalDate("deadline")
        if let owner = row.optionalString("lease_owner"), let until = row.optionalDate("lease_until") { run.lease = (owner, until) }
        return run
    }

    static func step(_ row: SQLRow) throws -> RunStep {
        RunStep(runID: ID(rawValue: try row.string("run_id")), key: try row.string("step_key"), sequence: Int(try row.int("seq")),
                nodeID: try row.string("node_id"), type: try row.string("node_type"),
                status: RunStep.Status(rawValue: try row.string("status")) ?? .failed, attempt: Int(try row.int("attempt")),
                startedAt: try row.date("started_at"), finishedAt: row.optionalDate("finished_at"), input: try optionalJSON(row, "input"),
                output: try optionalJSON(row, "output"), error: try optionalJSON(row, "error"),
                connectionID: row.optionalString("connection_id"), deadline: row.optionalDate("deadline"))
    }
}
