import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func insertToken(_ token: APIToken) async throws {
        try await db.execute("""
            INSERT INTO api_tokens (id, user_id, name, hash, created_at, expires_at, revoked_at, last_used_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(token.id.rawValue), .text(token.userID.rawValue), .text(token.name), .text(token.hash),
                  .date(token.createdAt), .date(token.expiresAt), .date(token.revokedAt), .date(token.lastUsedAt)])
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
            INSERT INTO invitations (id, user_id, workspace_id, hash, expires_at, accepted_at) VALUES (?, ?, ?, ?, ?, ?)
            """, [.text(invitation.id.rawValue), .text(invitation.userID.rawValue), .text(invitation.workspaceID.rawValue),
                  .text(invitation.hash), .date(invitation.expiresAt), .date(invitation.acceptedAt)])
    }

    func invitation(hash: String) async throws -> Invitation? {
        try await db.first("SELECT * FROM invitations WHERE hash = ?", [.text(hash)]).map { row in
            Invitation(id: ID(rawValue: try row.string("id")), userID: ID(rawValue: try row.string("user_id")),
                       workspaceID: ID(rawValue: try row.string("workspace_id")), hash: try row.string("hash"),
                       expiresAt: try row.date("expires_at"), acceptedAt: row.optionalDate("accepted_at"))
        }
    }

    func acceptInvitation(_ id: ID<Invitation>, at: Date) async throws -> Bool {
        let rows = try await db.query("UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL RETURNING id",
                                      [.date(at), .text(id.rawValue)])
        return !rows.isEmpty
    }

    static func token(_ row: SQLRow) throws -> APIToken {
        APIToken(id: ID(rawValue: try row.string("id")), userID: ID(rawValue: try row.string("user_id")),
                 name: try row.string("name"), hash: try row.string("hash"), createdAt: try row.date("created_at"),
                 expiresAt: row.optionalDate("expires_at"), revokedAt: row.optionalDate("revoked_at"),
                 lastUsedAt: row.optionalDate("last_used_at"))
    }
}
