import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets

/// An OAuth app as the caller describes it (create: every required field; update: only what changes).
public struct OAuthAppInput: Sendable {
    /// Connector key (create only).
    public var connector: String?
    /// Display name.
    public var name: String?
    /// Client ID.
    public var clientID: String?
    /// Client secret (write-only; on update, rotates it in place).
    public var clientSecret: Secret?
    /// Scopes.
    public var scopes: [String]?
    /// Endpoint overrides.
    public var authorizationURL: String?, tokenURL: String?, userinfoURL: String?
    /// Extra authorization parameters.
    public var extraAuthorizeParams: [String: String]?

    /// Creates an input.
    public init(connector: String? = nil, name: String? = nil, clientID: String? = nil, clientSecret: Secret? = nil, scopes: [String]? = nil,
                authorizationURL: String? = nil, tokenURL: String? = nil, userinfoURL: String? = nil, extraAuthorizeParams: [String: String]? = nil) {
        self.connector = connector; self.name = name; self.clientID = clientID; self.clientSecret = clientSecret; self.scopes = scopes
        self.authorizationURL = authorizationURL; self.tokenURL = tokenURL; self.userinfoURL = userinfoURL; self.extraAuthorizeParams = extraAuthorizeParams
    }
}

/// The endpoints an app uses: its overrides, else the connector's.
struct OAuthEndpoints: Sendable {
    let authorization: String?
    let token: String
    let userinfo: String?
}

extension ConnectionService {
    /// The redirect URI to register at the provider.
    public var oauthRedirectURI: String { oauth.redirectURI }

    /// Registers an OAuth app; the client secret is sealed and never returned.
    public func createOAuthApp(_ input: OAuthAppInput, in workspace: ID<Workspace>, by user: ID<User>) async throws -> OAuthApp {
        var problems: [(path: String, message: String)] = []
        let key = input.connector ?? ""
        let manifest = catalog.connector(key)
        if manifest == nil { problems.append(("connector", "no connector has the key \(key)")) }
        else if manifest?.auth.oauth2 == nil { problems.append(("connector", "\(key) does not support OAuth 2.0")) }
        if (input.name ?? "").trimmingCharacters(in: .whitespaces).isEmpty { problems.append(("name", "is required")) }
        if (input.clientID ?? "").isEmpty { problems.append(("clientId", "is required")) }
        if input.clientSecret == nil { problems.append(("clientSecret", "is required")) }
        let now = clock.now()
        let app = OAuthApp(id: ids.make(), workspaceID: workspace, connector: key, name: input.name ?? "", clientID: input.clientID ?? "",
                           scopes: input.scopes ?? manifest?.auth.oauth2?.scopes ?? [], authorizationURL: input.authorizationURL,
                           tokenURL: input.tokenURL, userinfoURL: input.userinfoURL, extraAuthorizeParams: input.extraAuthorizeParams ?? [:],
                           createdAt: now, updatedAt: now)
        problems += urlProblems(app)
        if let manifest, manifest.auth.oauth2 != nil, (try? endpoints(app, manifest)) == nil {
            problems.append(("tokenUrl", "is required: \(key) has no default token endpoint"))
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        let sealed = try await keyRing.seal(input.clientSecret!, context: SealContext(workspace: workspace, record: app.id.rawValue, field: "clientSecret"))
        let ids = self.ids
        try await store.transaction { tx in
            try await tx.insertOAuthApp(app, sealedSecret: sealed)
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: now, actor: user.rawValue, action: "oauth_app.created",
                                                target: app.id.rawValue, details: ["connector": .string(key)]))
        }
        return app
    }

    /// Changes an app's fields; a new client secret replaces the old one in place (connections keep working).
    public func updateOAuthApp(_ id: ID<OAuthApp>, _ input: OAuthAppInput, in workspace: ID<Workspace>, by user: ID<User>) async throws -> OAuthApp {
        guard var app = try await store.read({ try await $0.oauthApp(id, in: workspace) }) else { throw SpojkaError.notFound("OAuth app") }
        if let name = input.name { app.name = name }
        if let clientID = input.clientID { app.clientID = clientID }
        if let scopes = input.scopes { app.scopes = scopes }
        if let url = input.authorizationURL { app.authorizationURL = url.isEmpty ? nil : url }
        if let url = input.tokenURL { app.tokenURL = url.isEmpty ? nil : url }
        if let url = input.userinfoURL { app.userinfoURL = url.isEmpty ? nil : url }
        if let params = input.extraAuthorizeParams { app.extraAuthorizeParams = params }
        app.updatedAt = clock.now()
        var problems = urlProblems(app)
        if app.name.isEmpty { problems.append(("name", "must not be empty")) }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
        let sealed: [UInt8]? = if let secret = input.clientSecret {
            try await keyRing.seal(secret, context: SealContext(workspace: workspace, record: id.rawValue, field: "clientSecret"))
        } else { nil }
        let (final, ids) = (app, self.ids)
        try await store.transaction { tx in
            try await tx.updateOAuthApp(final, sealedSecret: sealed)
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: final.updatedAt, actor: user.rawValue,
                                                action: sealed == nil ? "oauth_app.updated" : "oauth_app.secret_rotated", target: id.rawValue))
        }
        return app
    }

    /// Deletes an app unless connections use it.
    public func deleteOAuthApp(_ id: ID<OAuthApp>, in workspace: ID<Workspace>, by user: ID<User>) async throws {
        let (ids, now) = (self.ids, clock.now())
        try await store.transaction { tx in
            guard try await tx.oauthApp(id, in: workspace) != nil else { throw SpojkaError.notFound("OAuth app") }
            let users = try await tx.oauthGrants(of: id)
            if !users.isEmpty {
                throw SpojkaError(.oauthAppInUse, "OAuth app \(id) is used by \(users.count) connection(s)",
                                  details: ["connections": .array(users.map { .string($0.connectionID.rawValue) })])
            }
            try await tx.deleteOAuthApp(id)
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: now, actor: user.rawValue, action: "oauth_app.deleted", target: id.rawValue))
        }
    }

    func urlProblems(_ app: OAuthApp) -> [(path: String, message: String)] {
        let perStore = ShopifyOAuth.applies(to: catalog.connector(app.connector))
        return [("authorizationUrl", app.authorizationURL), ("tokenUrl", app.tokenURL), ("userinfoUrl", app.userinfoURL)].compactMap { field, value in
            guard let value else { return nil }
            if perStore { return (field, "cannot be set: \(app.connector)'s endpoints are on each store's own domain") }
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
                return (field, "must be an absolute http or https URL")
            }
            return nil
        }
    }

    /// The app's endpoints, falling back to the connector's; for Shopify, those of the connection's store.
    func endpoints(_ app: OAuthApp, _ manifest: ConnectorManifest, for connection: Connection? = nil) throws -> OAuthEndpoints {
        let spec = manifest.auth.oauth2
        if ShopifyOAuth.applies(to: manifest), let connection { return try ShopifyOAuth.endpoints(spec, connection) }
        guard let token = app.tokenURL ?? spec?.tokenUrl else {
            throw SpojkaError(.oauthAppInvalid, "OAuth app \(app.id) has no token URL")
        }
        return OAuthEndpoints(authorization: app.authorizationURL ?? spec?.authorizationUrl, token: token, userinfo: app.userinfoURL ?? spec?.userinfoUrl)
    }

    /// The app's client secret, opened.
    func clientSecret(_ app: OAuthApp) async throws -> Secret {
        guard let sealed = try await store.read({ try await $0.oauthAppSecret(app.id) }) else { throw SpojkaError.notFound("OAuth app") }
        return try await keyRing.open(sealed, context: SealContext(workspace: app.workspaceID, record: app.id.rawValue, field: "clientSecret"))
    }
}

extension ConnectionService {
    /// Flags every OAuth connection a leaving member authorised (event `authorizer_left`, status reason); returns them.
    public func flagAuthorizerLeft(_ user: ID<User>, in workspace: ID<Workspace>, actor: String, _ tx: any StoreTransaction) async throws -> [ID<Connection>] {
        let now = clock.now()
        var flagged: [ID<Connection>] = []
        for grant in try await tx.oauthGrants(authorizedBy: user, in: workspace) {
            guard var connection = try await tx.connection(grant.connectionID, in: workspace), connection.deletedAt == nil else { continue }
            connection.statusReason = "authorised by \(user.rawValue), who left the workspace: reconnect it with an account that stays"
            connection.updatedAt = now
            try await tx.updateConnection(connection)
            try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: connection.id, at: now, type: "authorizer_left",
                                                               actor: actor, from: user.rawValue, reason: connection.statusReason))
            flagged.append(connection.id)
        }
        return flagged
    }
}
