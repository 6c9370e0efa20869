import Crypto
import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets

/// A connection whose authorization has started: send the user to `authorizationURL`.
public struct OAuthStart: Sendable {
    /// The connection (pending until the callback, or active for the client-credentials grant).
    public var connection: Connection
    /// Where the user signs in at the provider (`nil` for the client-credentials grant).
    public var authorizationURL: String?
}

/// What a new OAuth connection needs.
public struct NewOAuthConnection: Sendable {
    /// Connector key.
    public var connector: String
    /// Display name.
    public var name: String
    /// The workspace's OAuth app to use.
    public var app: ID<OAuthApp>
    /// Settings.
    public var settings: JSONValue
    /// Environment.
    public var environment: Connection.Environment
    /// `authorization_code` (default) or `client_credentials`.
    public var grantType: String
    /// Service URL override (as for every other connection; e.g. a remote MCP server's endpoint).
    public var serviceURL: String?

    /// Creates the description.
    public init(connector: String, name: String, app: ID<OAuthApp>, settings: JSONValue = .object([:]),
                environment: Connection.Environment = .production, grantType: String = "authorization_code", serviceURL: String? = nil) {
        self.connector = connector; self.name = name; self.app = app; self.settings = settings; self.environment = environment; self.grantType = grantType
        self.serviceURL = serviceURL
    }
}

extension ConnectionService {
    /// Creates an OAuth connection: pending with an authorization URL, or (client credentials) active at once.
    public func connectOAuth(_ new: NewOAuthConnection, in workspace: ID<Workspace>, by user: ID<User>) async throws -> OAuthStart {
        let manifest = try manifest(new.connector)
        guard let spec = manifest.auth.oauth2 else { throw SpojkaError(.oauthNotSupported, "\(manifest.name) does not support OAuth 2.0") }
        guard let app = try await store.read({ try await $0.oauthApp(new.app, in: workspace) }), app.connector == manifest.key else {
            throw SpojkaError.validation([("oauthApp", "no OAuth app \(new.app) for \(manifest.key) in this workspace")])
        }
        guard ["authorization_code", "client_credentials"].contains(new.grantType),
              (spec.grants ?? ["authorization_code"]).contains(new.grantType) else {
            throw SpojkaError.validation([("grant", "\(manifest.key) supports \((spec.grants ?? ["authorization_code"]).joined(separator: ", "))")])
        }
        var settings = new.settings
        // A connector whose settings choose the auth method (the generic HTTP one) uses its OAuth 2.0 method.
        if manifest.settings?["properties"]?["authMethod"]?["enum"]?.arrayValue?.contains("oauth2") == true, settings["authMethod"] == nil,
           case .object(var members) = settings {
            members["authMethod"] = "oauth2"
            settings = .object(members)
        }
        try validate(manifest, credentials: nil, settings: settings)
        let serviceURL = new.serviceURL.flatMap { $0.isEmpty ? nil : $0 }
        _ = try resolvedURL(manifest, settings: settings, override: serviceURL)
        let now = clock.now()
        let draft = Connection(id: ids.make(), workspaceID: workspace, connector: manifest.key, connectorVersion: manifest.version, name: new.name,
                                    serviceURL: serviceURL, settings: settings, environment: new.environment, status: .reauthorize,
                                    statusReason: "waiting for authorization", checkedAt: nil, ownerID: user, account: nil, credentialFields: [],
                                    createdAt: now, updatedAt: now)
        let grant = OAuthGrant(connectionID: draft.id, workspaceID: workspace, appID: app.id, grantType: new.grantType, expiresAt: nil,
                               tokenVersion: 0, authorizerID: nil)
        let ids = self.ids
        let connection = try await store.transaction { tx in
            var connection = draft
            connection.handle = try await newHandle(tx, name: new.name, connector: manifest.key, in: workspace)
            try await tx.insertConnection(connection, credentials: [:])
            try await tx.upsertOAuthGrant(grant)
            try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: connection.id, at: now, type: "created", actor: user.rawValue,
                                                               to: connection.status.rawValue, reason: connection.statusReason))
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: now, actor: user.rawValue, action: "connection.created",
                                                target: connection.id.rawValue, details: ["connector": .string(manifest.key), "oauthApp": .string(app.id.rawValue)]))
            return connection
        }
        changes.publish(workspace)
        if new.grantType == "client_credentials" {
            try await refresh(connection.id, in: workspace, stale: 0, actor: user.rawValue)
            return OAuthStart(connection: try await get(connection.id, in: workspace), authorizationURL: nil)
        }
        return OAuthStart(connection: connection, authorizationURL: try await beginAuthorization(connection, app: app, manifest: manifest, user: user,
                                                                                                 allowAccountChange: false))
    }

    /// Starts (re)authorization of an existing OAuth connection; its ID stays, so workflows keep working.
    public func reauthorize(_ id: ID<Connection>, in workspace: ID<Workspace>, by user: ID<User>, allowAccountChange: Bool) async throws -> OAuthStart {
        let connection = try await get(id, in: workspace)
        let manifest = try manifest(connection.connector)
        guard let grant = try await store.read({ try await $0.oauthGrant(of: id) }),
              let app = try await store.read({ try await $0.oauthApp(grant.appID, in: workspace) }) else {
            throw SpojkaError(.oauthNotSupported, "Connection \(id) is not an OAuth connection")
        }
        if grant.grantType == "client_credentials" {
            try await refresh(id, in: workspace, stale: grant.tokenVersion, actor: user.rawValue)
            return OAuthStart(connection: try await get(id, in: workspace), authorizationURL: nil)
        }
        return OAuthStart(connection: connection, authorizationURL: try await beginAuthorization(connection, app: app, manifest: manifest, user: user,
                                                                                                 allowAccountChange: allowAccountChange))
    }

    /// Records a single-use state (PKCE verifier sealed) and builds the provider's authorization URL.
    func beginAuthorization(_ connection: Connection, app: OAuthApp, manifest: ConnectorManifest, user: ID<User>, allowAccountChange: Bool) async throws -> String {
        let endpoints = try endpoints(app, manifest, for: connection)
        guard let authorize = endpoints.authorization else {
            throw SpojkaError(.oauthAppInvalid, "OAuth app \(app.id) has no authorization URL (set authorizationUrl)")
        }
        let state = ids.token(prefix: "st_")
        let verifier = ids.token(prefix: "pkce")
        let hash = TokenHash.of(state)
        let sealed = try await keyRing.seal(Secret(verifier), context: SealContext(workspace: connection.workspaceID, record: "oauth_state:" + hash, field: "verifier"))
        let record = OAuthState(hash: hash, workspaceID: connection.workspaceID, connectionID: connection.id, userID: user, appID: app.id,
                                sealedVerifier: sealed, allowAccountChange: allowAccountChange, expiresAt: clock.now().addingTimeInterval(600))
        try await store.transaction { try await $0.insertOAuthState(record) }
        if ShopifyOAuth.applies(to: manifest) {
            // Shopify knows no PKCE: the signed callback and the single-use state protect the code.
            let query = ShopifyOAuth.authorizeQuery(clientID: app.clientID, scopes: app.scopes, redirectURI: oauth.redirectURI, state: state)
            return OAuthClient.url(authorize, query + app.extraAuthorizeParams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        var query = [("response_type", "code"), ("client_id", app.clientID), ("redirect_uri", oauth.redirectURI), ("state", state),
                     ("code_challenge", Self.challenge(verifier)), ("code_challenge_method", "S256")]
        if !app.scopes.isEmpty { query.append(("scope", app.scopes.joined(separator: " "))) }
        query += app.extraAuthorizeParams.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return OAuthClient.url(authorize, query)
    }

    /// The PKCE S256 challenge of a verifier.
    static func challenge(_ verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The identity key of an upstream account (`sub`, `id`, `login` or `email`).
    static func identity(_ account: JSONValue?) -> String? {
        guard let account else { return nil }
        if case .string(let s) = account { return s }
        for key in ["sub", "id", "login", "email"] {
            if let value = account[key] {
                if case .string(let s) = value { return s }
                if let n = value.doubleValue { return String(Int(n)) }
            }
        }
        return nil
    }
}
