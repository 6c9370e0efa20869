import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func appendAudit(_ event: AuditEvent) async throws {
        try await db.execute("""
            INSERT INTO audit_events (id, workspace_id, at, actor, action, target, outcome, details)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(event.id.rawValue), .text(event.workspaceID?.rawValue), .date(event.at), .text(event.actor),
                  .text(event.action), .text(event.target), .text(event.outcome), .text(StoredJSON.text(.object(event.details)))])
    }

    func auditEvents(of workspace: ID<Workspace>, _ query: AuditQuery) async throws -> [AuditEvent] {
        var sql = """
            SELECT * FROM audit_events WHERE (workspace_id = ? OR (workspace_id IS NULL AND actor IN
              (SELECT user_id FROM memberships WHERE workspace_id = ?)))
            """
        var binds: [SQLValue] = [.text(workspace.rawValue), .text(workspace.rawValue)]
        if let action = query.action { sql += " AND action = ?"; binds.append(.text(action)) }
        if let actor = query.actor { sql += " AND actor = ?"; binds.append(.text(actor)) }
        if let since = query.since { sql += " AND at >= ?"; binds.append(.date(since)) }
        if let after = query.after {
            sql += " AND (at < ? OR (at = ? AND id < ?))"
            binds += [.date(after.at), .date(after.at), .text(after.id)]
        }
        sql += " ORDER BY at DESC, id DESC LIMIT ?"
        binds.append(.int(Int64(query.limit)))
        return try await db.query(sql, binds).map { row in
            AuditEvent(id: ID(rawValue: try row.string("id")), workspaceID: row.optionalString("workspace_id").map(ID.init(rawValue:)),
                       at: try row.date("at"), actor: try row.string("actor"), action: try row.string("action"),
                       target: row.optionalString("target"), outcome: try row.string("outcome"),
                       details: try StoredJSON.parse(try row.string("details")).objectValue ?? [:])
        }
    }
}
