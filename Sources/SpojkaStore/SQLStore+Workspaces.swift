import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func insertWorkspace(_ workspace: Workspace) async throws {
        try await db.execute("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)",
                             [.text(workspace.id.rawValue), .text(workspace.name), .date(workspace.createdAt)])
    }

    func workspace(_ id: ID<Workspace>) async throws -> Workspace? {
        try await db.first("SELECT id, name, created_at FROM workspaces WHERE id = ?", [.text(id.rawValue)]).map(Self.workspace)
    }

    func updateWorkspace(_ workspace: Workspace) async throws {
        try await db.execute("UPDATE workspaces SET name = ? WHERE id = ?", [.text(workspace.name), .text(workspace.id.rawValue)])
    }

    func deleteWorkspace(_ id: ID<Workspace>) async throws {
        try await db.execute("DELETE FROM workspaces WHERE id = ?", [.text(id.rawValue)])
    }

    func lockWorkspace(_ id: ID<Workspace>) async throws {
        // SQLite transactions are already serialised (BEGIN IMMEDIATE); PostgreSQL locks the row.
        guard db.dialect == .postgres else { return }
        try await db.execute("SELECT id FROM workspaces WHERE id = ? FOR UPDATE", [.text(id.rawValue)])
    }

    func workspaces(of user: ID<User>) async throws -> [(Workspace, Role)] {
        let rows = try await db.query("""
            SELECT w.id, w.name, w.created_at, m.role FROM workspaces w
            JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = ? ORDER BY w.name, w.id
            """, [.text(user.rawValue)])
        return try rows.map { (try Self.workspace($0), try Self.role($0)) }
    }

    func upsertMembership(_ membership: Membership) async throws {
        try await db.execute("""
            INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role
            """, [.text(membership.workspaceID.rawValue), .text(membership.userID.rawValue),
                  .text(membership.role.rawValue), .date(membership.createdAt)])
    }

    func membership(_ workspace: ID<Workspace>, _ user: ID<User>) async throws -> Membership? {
        try await db.first("SELECT workspace_id, user_id, role, created_at FROM memberships WHERE workspace_id = ? AND user_id = ?",
                           [.text(workspace.rawValue), .text(user.rawValue)]).map(Self.membership)
    }

    func members(of workspace: ID<Workspace>) async throws -> [(Membership, User)] {
        let rows = try await db.query("""
            SELECT m.workspace_id, m.user_id, m.role, m.created_at AS joined_at, u.id, u.email, u.name, u.created_at
            FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? ORDER BY u.email
            """, [.text(workspace.rawValue)])
        return try rows.map { row in
            var joined = row
            joined["created_at"] = row["joined_at"]
            return (try Self.membership(joined), try Self.user(row))
        }
    }

    func deleteMembership(_ workspace: ID<Workspace>, _ user: ID<User>) async throws -> Bool {
        let rows = try await db.query("DELETE FROM memberships WHERE workspace_id = ? AND user_id = ? RETURNING user_id",
                                      [.text(workspace.rawValue), .text(user.rawValue)])
        return !rows.isEmpty
    }

    func countOwners(of workspace: ID<Workspace>) async throws -> Int {
        Int(try await db.first("SELECT COUNT(*) AS n FROM memberships WHERE workspace_id = ? AND role = 'owner'",
                               [.text(workspace.rawValue)])?.int("n") ?? 0)
    }

    static func workspace(_ row: SQLRow) throws -> Workspace {
        Workspace(id: ID(rawValue: try row.string("id")), name: try row.string("name"), createdAt: try row.date("created_at"))
    }

    static func role(_ row: SQLRow) throws -> Role {
        guard let role = Role(rawValue: try row.string("role")) else { throw StoreError(.corruptRow, "unknown role") }
        return role
    }

    static func membership(_ row: SQLRow) throws -> Membership {
        Membership(workspaceID: ID(rawValue: try row.string("workspace_id")), userID: ID(rawValue: try row.string("user_id")),
                   role: try role(row), createdAt: try row.date("created_at"))
    }
}
