import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func insertWorkflow(_ w: Workflow) async throws {
        try await db.execute("""
            INSERT INTO workflows (id, workspace_id, name, enabled, current_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [.text(w.id.rawValue), .text(w.workspaceID.rawValue), .text(w.name), .int(w.enabled ? 1 : 0),
                  .int(Int64(w.currentVersion)), .date(w.createdAt), .date(w.updatedAt)])
    }

    func workflow(_ id: ID<Workflow>, in workspace: ID<Workspace>) async throws -> Workflow? {
        try await db.first("SELECT * FROM workflows WHERE id = ? AND workspace_id = ?", [.text(id.rawValue), .text(workspace.rawValue)])
            .map(Self.workflow)
    }

    func workflows(in workspace: ID<Workspace>) async throws -> [Workflow] {
        try await db.query("SELECT * FROM workflows WHERE workspace_id = ? ORDER BY name, id", [.text(workspace.rawValue)]).map(Self.workflow)
    }

    func updateWorkflow(_ w: Workflow) async throws {
        try await db.execute("UPDATE workflows SET name = ?, enabled = ?, current_version = ?, updated_at = ? WHERE id = ?",
                             [.text(w.name), .int(w.enabled ? 1 : 0), .int(Int64(w.currentVersion)), .date(w.updatedAt), .text(w.id.rawValue)])
    }

    func deleteWorkflow(_ id: ID<Workflow>) async throws {
        try await db.execute("DELETE FROM connection_usage WHERE workflow_id = ?", [.text(id.rawValue)])
        try await db.execute("DELETE FROM workflows WHERE id = ?", [.text(id.rawValue)])
    }

    func insertWorkflowVersion(_ v: WorkflowVersion) async throws {
        try await db.execute("INSERT INTO workflow_versions (workflow_id, version, definition, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)",
                             [.text(v.workflowID.rawValue), .int(Int64(v.version)), .text(StoredJSON.text(v.definition)),
                              .date(v.savedAt), .text(v.savedBy.rawValue)])
    }

    func workflowVersions(of id: ID<Workflow>) async throws -> [WorkflowVersion] {
        try await db.query("SELECT * FROM workflow_versions WHERE workflow_id = ? ORDER BY version", [.text(id.rawValue)]).map(Self.version)
    }

    func workflowVersion(of id: ID<Workflow>, _ version: Int) async throws -> WorkflowVersion? {
        try await db.first("SELECT * FROM workflow_versions WHERE workflow_id = ? AND version = ?", [.text(id.rawValue), .int(Int64(version))])
            .map(Self.version)
    }

    func setUsageEnabled(workflow id: String, enabled: Bool, name: String) async throws {
        try await db.execute("UPDATE connection_usage SET enabled = ?, workflow_name = ? WHERE workflow_id = ?",
                             [.int(enabled ? 1 : 0), .text(name), .text(id)])
    }

    static func workflow(_ row: SQLRow) throws -> Workflow {
        Workflow(id: ID(rawValue: try row.string("id")), workspaceID: ID(rawValue: try row.string("workspace_id")), name: try row.string("name"),
                 enabled: try row.int("enabled") != 0, currentVersion: Int(try row.int("current_version")),
                 createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func version(_ row: SQLRow) throws -> WorkflowVersion {
        WorkflowVersion(workflowID: ID(rawValue: try row.string("workflow_id")), version: Int(try row.int("version")),
                        definition: try StoredJSON.parse(try row.string("definition")), savedAt: try row.date("saved_at"),
                        savedBy: ID(rawValue: try row.string("saved_by")))
    }
}
