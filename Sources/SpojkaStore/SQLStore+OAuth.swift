import Foundation
import SpojkaCore

extension SQLStoreTransaction {
    func insertOAuthApp(_ a: OAuthApp, sealedSecret: [UInt8]) async throws {
        try await db.execute("""
            INSERT INTO oauth_apps (id, workspace_id, connector, name, client_id, client_secret, scopes, authorization_url, token_url,
              userinfo_url, extra_params, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(a.id.rawValue), .text(a.workspaceID.rawValue), .text(a.connector), .text(a.name), .text(a.clientID),
                  .text(Data(sealedSecret).base64EncodedString()), .text(StoredJSON.text(.array(a.scopes.map { .string($0) }))),
                  .text(a.authorizationURL), .text(a.tokenURL), .text(a.userinfoURL),
                  .text(StoredJSON.text(.object(a.extraAuthorizeParams.mapValues { .string($0) }))), .date(a.createdAt), .date(a.updatedAt)])
    }

    func oauthApp(_ id: ID<OAuthApp>, in workspace: ID<Workspace>) async throws -> OAuthApp? {
        try await db.first("SELECT * FROM oauth_apps WHERE id = ? AND workspace_id = ?", [.text(id.rawValue), .text(workspace.rawValue)]).map(Self.app)
    }

    func oauthApps(in workspace: ID<Workspace>) async throws -> [OAuthApp] {
        try await db.query("SELECT * FROM oauth_apps WHERE workspace_id = ? ORDER BY name, id", [.text(workspace.rawValue)]).map(Self.app)
    }

    func updateOAuthApp(_ a: OAuthApp, sealedSecret: [UInt8]?) async throws {
        try await db.execute("""
            UPDATE oauth_apps SET name = ?, client_id = ?, scopes = ?, authorization_url = ?, token_url = ?, userinfo_url = ?,
              extra_params = ?, updated_at = ? WHERE id = ?
            """, [.text(a.name), .text(a.clientID), .text(StoredJSON.text(.array(a.scopes.map { .string($0) }))), .text(a.authorizationURL),
                  .text(a.tokenURL), .text(a.userinfoURL), .text(StoredJSON.text(.object(a.extraAuthorizeParams.mapValues { .string($0) }))),
                  .date(a.updatedAt), .text(a.id.rawValue)])
        if let sealedSecret {
            try await db.execute("UPDATE oauth_apps SET client_secret = ? WHERE id = ?", [.text(Data(sealedSecret).base64EncodedString()), .text(a.id.rawValue)])
        }
    }

    func deleteOAuthApp(_ id: ID<OAuthApp>) async throws {
        try await db.execute("DELETE FROM oauth_apps WHERE id = ?", [.text(id.rawValue)])
    }

    func oauthAppSecret(_ id: ID<OAuthApp>) async throws -> [UInt8]? {
        try await db.first("SELECT client_secret FROM oauth_apps WHERE id = ?", [.text(id.rawValue)])?.optionalString("client_secret")
            .flatMap { Data(base64Encoded: $0) }.map(Array.init)
    }

    func insertOAuthState(_ s: OAuthState) async throws {
        try await db.execute("""
            INSERT INTO oauth_states (hash, workspace_id, connection_id, user_id, app_id, verifier, allow_account_change, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(s.hash), .text(s.workspaceID.rawValue), .text(s.connectionID.rawValue), .text(s.userID.rawValue), .text(s.appID.rawValue),
                  .text(Data(s.sealedVerifier).base64EncodedString()), .int(s.allowAccountChange ? 1 : 0), .date(s.expiresAt)])
    }

    func consumeOAuthState(hash: String) async throws -> OAuthState? {
        guard let row = try await db.query("UPDATE oauth_states SET used_at = 1 WHERE hash = ? AND used_at IS NULL RETURNING *", [.text(hash)]).first else {
            return nil
        }
        return OAuthState(hash: try row.string("hash"), workspaceID: ID(rawValue: try row.string("workspace_id")),
                          connectionID: ID(rawValue: try row.string("connection_id")), userID: ID(rawValue: try row.string("user_id")),
                          appID: ID(rawValue: try row.string("app_id")), sealedVerifier: Array(Data(base64Encoded: try row.string("verifier")) ?? Data()),
                          allowAccountChange: try row.int("allow_account_change") != 0, expiresAt: try row.date("expires_at"))
    }

    func oauthGrant(of connection: ID<Connection>) async throws -> OAuthGrant? {
        try await db.first("SELECT * FROM oauth_grants WHERE connection_id = ?", [.text(connection.rawValue)]).map(Self.grant)
    }

    func upsertOAuthGrant(_ g: OAuthGrant) async throws {
        try await db.execute("""
            INSERT INTO oauth_grants (connection_id, workspace_id, app_id, grant_type, expires_at, token_version, authorizer_id, refresh_failures,
              issued_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (connection_id) DO UPDATE SET app_id = excluded.app_id, grant_type = excluded.grant_type, expires_at = excluded.expires_at,
              token_version = excluded.token_version, authorizer_id = excluded.authorizer_id, refresh_failures = excluded.refresh_failures,
              issued_at = excluded.issued_at
            """, [.text(g.connectionID.rawValue), .text(g.workspaceID.rawValue), .text(g.appID.rawValue), .text(g.grantType), .date(g.expiresAt),
                  .int(Int64(g.tokenVersion)), .text(g.authorizerID?.rawValue), .int(Int64(g.refreshFailures)), .date(g.issuedAt)])
        try await announceChange(of: g.connectionID)
    }

    func oauthGrants(authorizedBy user: ID<User>, in workspace: ID<Workspace>) async throws -> [OAuthGrant] {
        try await db.query("""
            SELECT g.* FROM oauth_grants g JOIN connections c ON c.id = g.connection_id
            WHERE g.authorizer_id = ? AND g.workspace_id = ? AND c.deleted_at IS NULL ORDER BY g.connection_id
            """, [.text(user.rawValue), .text(workspace.rawValue)]).map(Self.grant)
    }

    func oauthGrants(of app: ID<OAuthApp>) async throws -> [OAuthGrant] {
        try await db.query("""
            SELECT g.* FROM oauth_grants g JOIN connections c ON c.id = g.connection_id WHERE g.app_id = ? AND c.deleted_at IS NULL
            ORDER BY g.connection_id
            """, [.text(app.rawValue)]).map(Self.grant)
    }

    func oauthGrantsExpiring(before: Date, limit: Int) async throws -> [OAuthGrant] {
        try await db.query("""
            SELECT g.* FROM oauth_grants g JOIN connections c ON c.id = g.connection_id
            WHERE g.expires_at IS NOT NULL AND g.expires_at < ? AND c.deleted_at IS NULL AND c.status <> 'reauthorize'
            ORDER BY g.expires_at LIMIT ?
            """, [.date(before), .int(Int64(limit))]).map(Self.grant)
    }

    func acquireRefreshLease(_ connection: ID<Connection>, owner: String, now: Date, until: Date) async throws -> Bool {
        !(try await db.query("""
            INSERT INTO oauth_refresh_leases (connection_id, owner, until_at) VALUES (?, ?, ?)
            ON CONFLICT (connection_id) DO UPDATE SET owner = excluded.owner, until_at = excluded.until_at
            WHERE oauth_refresh_leases.until_at < ? OR oauth_refresh_leases.owner = excluded.owner
            RETURNING connection_id
            """, [.text(connection.rawValue), .text(owner), .date(until), .date(now)])).isEmpty
    }

    func releaseRefreshLease(_ connection: ID<Connection>, owner: String) async throws {
        try await db.execute("DELETE FROM oauth_refresh_leases WHERE connection_id = ? AND owner = ?", [.text(connection.rawValue), .text(owner)])
    }

    static func app(_ row: SQLRow) throws -> OAuthApp {
        OAuthApp(id: ID(rawValue: try row.string("id")), workspaceID: ID(rawValue: try row.string("workspace_id")),
                 connector: try row.string("connector"), name: try row.string("name"), clientID: try row.string("client_id"),
                 scopes: (try StoredJSON.parse(try row.string("scopes"))).arrayValue?.compactMap(\.stringValue) ?? [],
                 authorizationURL: row.optionalString("authorization_url"), tokenURL: row.optionalString("token_url"),
                 userinfoURL: row.optionalString("userinfo_url"),
                 extraAuthorizeParams: (try StoredJSON.parse(try row.string("extra_params"))).objectValue?.compactMapValues(\.stringValue) ?? [:],
                 createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    static func grant(_ row: SQLRow) throws -> OAuthGrant {
        OAuthGrant(connectionID: ID(rawValue: try row.string("connection_id")), workspaceID: ID(rawValue: try row.string("workspace_id")),
                   appID: ID(rawValue: try row.string("app_id")), grantType: try row.string("grant_type"), expiresAt: row.optionalDate("expires_at"),
                   tokenVersion: Int(try row.int("token_version")), authorizerID: row.optionalString("authorizer_id").map(ID.init),
                   refreshFailures: Int(try row.int("refresh_failures")), issuedAt: row.optionalDate("issued_at"))
    }
}
