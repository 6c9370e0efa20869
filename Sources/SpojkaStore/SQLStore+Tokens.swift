import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func insertToken(_ token: APIToken) async throws {
        try await db.execute("""
            INSERT INTO api_tokens (id, user_id, name, hash, created_at, expires_at, revoked_at, last_used_at, scope)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(token.id.rawValue), .text(token.userID.rawValue), .text(token.name), .text(token.hash),
                  .date(token.createdAt), .date(token.expiresAt), .date(token.revokedAt), .date(token.lastUsedAt),
                  .text(try StoredCodable.text(token.scope))])
    }

    func token(hash: String) async throws -> APIToken? {
        try await db.first("SELECT * FROM api_tokens WHERE hash = ?", [.text(hash)]).map(Self.token)
    }

    func tokens(of user: ID<User>) async throws -> [APIToken] {
        try await db.query("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id DESC",
                           [.text(user.rawValue)]).map(Self.token)
    }

    func revokeToken(_ id: ID<APIToken>, of user: ID<User>, at: Date) async throws -> Bool {
        let rows = try await db.query("""
            UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL RETURNING id
            """, [.date(at), .text(id.rawValue), .text(user.rawValue)])
        return !rows.isEmpty
    }

    func touchToken(_ id: ID<APIToken>, at: Date) async throws {
        try await db.execute("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [.date(at), .text(id.rawValue)])
    }

    func insertInvitation(_ invitation: Invitation) async throws {
        try await db.execute("""
            INSERT INTO workspace_invitations (id, workspace_id, email, role, invited_by, hash, created_at, expires_at, accepted_at, revoked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(invitation.id.rawValue), .text(invitation.workspaceID.rawValue), .text(invitation.email), .text(invitation.role.rawValue),
                  .text(invitation.invitedBy?.rawValue), .text(invitation.hash), .date(invitation.createdAt), .date(invitation.expiresAt),
                  .date(invitation.acceptedAt), .date(invitation.revokedAt)])
    }

    func invitation(hash: String) async throws -> Invitation? {
        try await db.first("SELECT * FROM workspace_invitations WHERE hash = ?", [.text(hash)]).map(Self.invitation)
    }

    func acceptInvitation(_ id: ID<Invitation>, at: Date) async throws -> Bool {
        let rows = try await db.query("""
            UPDATE workspace_invitations SET accepted_at = ?
            WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? RETURNING id
            """, [.date(at), .text(id.rawValue), .date(at)])
        return !rows.isEmpty
    }

    func pendingInvitations(of workspace: ID<Workspace>, at: Date) async throws -> [Invitation] {
        try await db.query("""
            SELECT * FROM workspace_invitations
            WHERE workspace_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id
            """, [.text(workspace.rawValue), .date(at)]).map(Self.invitation)
    }

    func revokeInvitations(of workspace: ID<Workspace>, id: ID<Invitation>?, email: String?, at: Date) async throws -> Int {
        try await db.query("""
            UPDATE workspace_invitations SET revoked_at = ?
            WHERE workspace_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND (id = ? OR email = ?) RETURNING id
            """, [.date(at), .text(workspace.rawValue), .text(id?.rawValue), .text(email)]).count
    }

    static func invitation(_ row: SQLRow) throws -> Invitation {
        Invitation(id: ID(rawValue: try row.string("id")), workspaceID: ID(rawValue: try row.string("workspace_id")),
                   email: try row.string("email"), role: Role(rawValue: try row.string("role")) ?? .viewer,
                   invitedBy: row.optionalString("invited_by").map(ID.init(rawValue:)), hash: try row.string("hash"),
                   createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"),
                   acceptedAt: row.optionalDate("accepted_at"), revokedAt: row.optionalDate("revoked_at"))
    }

    static func token(_ row: SQLRow) throws -> APIToken {
        APIToken(id: ID(rawValue: try row.string("id")), userID: ID(rawValue: try row.string("user_id")),
                 name: try row.string("name"), hash: try row.string("hash"), createdAt: try row.date("created_at"),
                 expiresAt: row.optionalDate("expires_at"), revokedAt: row.optionalDate("revoked_at"),
                 lastUsedAt: row.optionalDate("last_used_at"), scope: try StoredCodable.value(TokenScope.self, row.optionalString("scope")))
    }
}
