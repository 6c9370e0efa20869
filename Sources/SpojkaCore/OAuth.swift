import Foundation

/// A workspace's OAuth client registration for one connector (client secret stored sealed, never shown).
public struct OAuthApp: Identified, Sendable, Hashable {
    /// `oapp`.
    public static let idPrefix = "oapp"
    /// Identifier.
    public var id: ID<OAuthApp>
    /// The workspace.
    public var workspaceID: ID<Workspace>
    /// The connector key it is for.
    public var connector: String
    /// Display name.
    public var name: String
    /// The client ID at the provider.
    public var clientID: String
    /// Scopes requested at authorization.
    public var scopes: [String]
    /// Overrides of the connector's endpoints (required for the generic HTTP connector).
    public var authorizationURL: String?
    /// Token endpoint override.
    public var tokenURL: String?
    /// Userinfo endpoint override.
    public var userinfoURL: String?
    /// Extra query parameters of the authorization request.
    public var extraAuthorizeParams: [String: String]
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date

    /// Creates an app value.
    public init(id: ID<OAuthApp>, workspaceID: ID<Workspace>, connector: String, name: String, clientID: String, scopes: [String],
                authorizationURL: String?, tokenURL: String?, userinfoURL: String?, extraAuthorizeParams: [String: String],
                createdAt: Date, updatedAt: Date) {
        self.id = id; self.workspaceID = workspaceID; self.connector = connector; self.name = name; self.clientID = clientID
        self.scopes = scopes; self.authorizationURL = authorizationURL; self.tokenURL = tokenURL; self.userinfoURL = userinfoURL
        self.extraAuthorizeParams = extraAuthorizeParams; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// A pending authorization: single-use, short-lived, bound to workspace, connection and user.
public struct OAuthState: Sendable, Hashable {
    /// SHA-256 of the `state` parameter (the parameter itself is never stored).
    public var hash: String
    /// The workspace.
    public var workspaceID: ID<Workspace>
    /// The connection being authorised.
    public var connectionID: ID<Connection>
    /// The user who started it.
    public var userID: ID<User>
    /// The OAuth app used.
    public var appID: ID<OAuthApp>
    /// The PKCE verifier, sealed.
    public var sealedVerifier: [UInt8]
    /// Whether a different upstream account may replace the stored one.
    public var allowAccountChange: Bool
    /// When it stops being accepted.
    public var expiresAt: Date

    /// Creates a state value.
    public init(hash: String, workspaceID: ID<Workspace>, connectionID: ID<Connection>, userID: ID<User>, appID: ID<OAuthApp>,
                sealedVerifier: [UInt8], allowAccountChange: Bool, expiresAt: Date) {
        self.hash = hash; self.workspaceID = workspaceID; self.connectionID = connectionID; self.userID = userID; self.appID = appID
        self.sealedVerifier = sealedVerifier; self.allowAccountChange = allowAccountChange; self.expiresAt = expiresAt
    }
}

/// The token metadata of an OAuth connection (the tokens themselves are sealed credential fields).
public struct OAuthGrant: Sendable, Hashable {
    /// The connection.
    public var connectionID: ID<Connection>
    /// The workspace.
    public var workspaceID: ID<Workspace>
    /// The app that issued it.
    public var appID: ID<OAuthApp>
    /// `authorization_code` or `client_credentials`.
    public var grantType: String
    /// When the access token expires (`nil`: no expiry given).
    public var expiresAt: Date?
    /// When the current access token was issued (`nil`: stored before issue times were kept); with `expiresAt` it
    /// gives the token's lifetime, which sets how early it is refreshed.
    public var issuedAt: Date?
    /// Increases with every new access token (detects a refresh done elsewhere).
    public var tokenVersion: Int
    /// The member who authorised it.
    public var authorizerID: ID<User>?
    /// Consecutive failed refresh attempts (transient failures).
    public var refreshFailures: Int

    /// Creates a grant value.
    public init(connectionID: ID<Connection>, workspaceID: ID<Workspace>, appID: ID<OAuthApp>, grantType: String, expiresAt: Date?,
                tokenVersion: Int, authorizerID: ID<User>?, refreshFailures: Int = 0, issuedAt: Date? = nil) {
        self.connectionID = connectionID; self.workspaceID = workspaceID; self.appID = appID; self.grantType = grantType
        self.expiresAt = expiresAt; self.tokenVersion = tokenVersion; self.authorizerID = authorizerID; self.refreshFailures = refreshFailures
        self.issuedAt = issuedAt
    }
}

/// Persistence of OAuth apps, pending authorizations, grants and refresh leases.
public protocol OAuthStore: Sendable {
    /// Stores a new app with its sealed client secret.
    func insertOAuthApp(_ app: OAuthApp, sealedSecret: [UInt8]) async throws
    /// An app of the workspace.
    func oauthApp(_ id: ID<OAuthApp>, in workspace: ID<Workspace>) async throws -> OAuthApp?
    /// The workspace's apps by name.
    func oauthApps(in workspace: ID<Workspace>) async throws -> [OAuthApp]
    /// Writes an app's fields (and, when given, a new sealed secret).
    func updateOAuthApp(_ app: OAuthApp, sealedSecret: [UInt8]?) async throws
    /// Deletes an app.
    func deleteOAuthApp(_ id: ID<OAuthApp>) async throws
    /// An app's sealed client secret.
    func oauthAppSecret(_ id: ID<OAuthApp>) async throws -> [UInt8]?
    /// Stores a pending authorization.
    func insertOAuthState(_ state: OAuthState) async throws
    /// Takes a pending authorization once: `nil` when unknown or already used.
    func consumeOAuthState(hash: String) async throws -> OAuthState?
    /// The grant of a connection.
    func oauthGrant(of connection: ID<Connection>) async throws -> OAuthGrant?
    /// Inserts or replaces a grant.
    func upsertOAuthGrant(_ grant: OAuthGrant) async throws
    /// Grants a member authorised in a workspace.
    func oauthGrants(authorizedBy user: ID<User>, in workspace: ID<Workspace>) async throws -> [OAuthGrant]
    /// Grants of an app.
    func oauthGrants(of app: ID<OAuthApp>) async throws -> [OAuthGrant]
    /// Grants whose access token expires before `before` (refresh candidates).
    func oauthGrantsExpiring(before: Date, limit: Int) async throws -> [OAuthGrant]
    /// Takes the refresh lease of a connection when free or expired; `true` when taken.
    func acquireRefreshLease(_ connection: ID<Connection>, owner: String, now: Date, until: Date) async throws -> Bool
    /// Gives the lease back.
    func releaseRefreshLease(_ connection: ID<Connection>, owner: String) async throws
}
