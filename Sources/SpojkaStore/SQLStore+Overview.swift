import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func workflowSummaries(in workspace: ID<Workspace>, after: (name: String, id: String)?, limit: Int) async throws -> [WorkflowSummary] {
        var sql = """
            SELECT w.*, v.definition, v.saved_by,
              (SELECT r.id FROM runs r WHERE r.workflow_id = w.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1) AS last_run_id
            FROM workflows w JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version
            WHERE w.workspace_id = ?
            """
        var binds: [SQLValue] = [.text(workspace.rawValue)]
        if let after { sql += " AND (w.name > ? OR (w.name = ? AND w.id > ?))"; binds += [.text(after.name), .text(after.name), .text(after.id)] }
        sql += " ORDER BY w.name, w.id LIMIT ?"
        binds.append(.int(Int64(limit)))
        let rows = try await db.query(sql, binds)
        let runs = try await runsByID(Set(rows.compactMap { $0.optionalString("last_run_id") }))
        return try rows.map { row in
            WorkflowSummary(workflow: try Self.workflow(row), definition: try StoredJSON.parse(try row.string("definition")),
                            savedBy: ID(rawValue: try row.string("saved_by")), lastRun: row.optionalString("last_run_id").flatMap { runs[$0] })
        }
    }

    func waitingApprovals(in workspace: ID<Workspace>, after: ApprovalCursor?, limit: Int) async throws -> [PendingApproval] {
        var sql = """
            SELECT s.* FROM run_steps s JOIN runs r ON r.id = s.run_id
            WHERE s.status = 'waiting' AND r.status = 'waiting' AND r.workspace_id = ?
            """
        var binds: [SQLValue] = [.text(workspace.rawValue)]
        if let after {
            sql += " AND (s.started_at > ? OR (s.started_at = ? AND (s.run_id > ? OR (s.run_id = ? AND s.step_key > ?))))"
            binds += [.date(after.startedAt), .date(after.startedAt), .text(after.run), .text(after.run), .text(after.key)]
        }
        sql += " ORDER BY s.started_at, s.run_id, s.step_key LIMIT ?"
        binds.append(.int(Int64(limit)))
        let steps = try await db.query(sql, binds).map(Self.step)
        // The query joined the runs of this workspace only, so the steps' runs are read by ID, in one query.
        let runs = try await runsByID(Set(steps.map(\.runID.rawValue)))
        return steps.compactMap { step in runs[step.runID.rawValue].map { PendingApproval(run: $0, step: step) } }
    }

    /// The runs of `ids` by ID, in one query (the callers pass at most a page of IDs).
    private func runsByID(_ ids: Set<String>) async throws -> [String: Run] {
        guard !ids.isEmpty else { return [:] }
        let marks = ids.map { _ in "?" }.joined(separator: ", ")
        let runs = try await db.query("SELECT * FROM runs WHERE id IN (\(marks))", ids.map { .text($0) }).map(Self.run)
        return Dictionary(runs.map { ($0.id.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
