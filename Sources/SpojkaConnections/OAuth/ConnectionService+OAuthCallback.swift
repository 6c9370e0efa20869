import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets

/// How an authorization callback ended, for the page the browser sees.
public struct OAuthCallbackResult: Sendable {
    /// HTTP status of the page.
    public var status: Int
    /// Short title.
    public var title: String
    /// What happened and what to do.
    public var message: String
    /// The connection concerned, when known.
    public var connection: ID<Connection>?
    /// Where to send the browser afterwards, if configured.
    public var returnURL: String?
}

extension ConnectionService {
    /// Completes an authorization from the provider's redirect: checks the state, exchanges the code, reads the
    /// upstream identity, refuses an account change unless allowed, then stores the tokens and activates the connection.
    /// Nothing is written to the connection's credentials unless every check passed. `query` is the whole callback
    /// query (decoded pairs): Shopify signs it, and the signature and its `shop` are checked before the code is used.
    public func completeAuthorization(state: String?, code: String?, error: String?, errorDescription: String?,
                                      query: [(String, String)] = []) async -> OAuthCallbackResult {
        guard let state, !state.isEmpty, state.count < 200 else { return page(400, "Authorization failed", "The request has no state parameter.") }
        let record: OAuthState
        do {
            guard let found = try await store.transaction({ try await $0.consumeOAuthState(hash: TokenHash.of(state)) }) else {
                return page(400, "Authorization link not valid", "This authorization was already used or is unknown. Start again from Spojka.")
            }
            record = found
        } catch { return page(503, "Authorization failed", "Spojka could not read the authorization state; try again.") }
        let id = record.connectionID
        if clock.now() > record.expiresAt {
            return await fail(record, 400, "Authorization expired", "The authorization took longer than 10 minutes. Start again from Spojka.")
        }
        if let error {
            let reason = [error, errorDescription].compactMap { $0 }.joined(separator: ": ")
            return await fail(record, 400, "Authorization was not granted", "The provider answered \(reason). The connection was not changed.")
        }
        guard let code, !code.isEmpty else { return await fail(record, 400, "Authorization failed", "The provider sent no code.") }
        do {
            let connection = try await get(id, in: record.workspaceID)
            let manifest = try manifest(connection.connector)
            guard let app = try await store.read({ try await $0.oauthApp(record.appID, in: record.workspaceID) }) else {
                return await fail(record, 400, "Authorization failed", "The OAuth app was deleted meanwhile.")
            }
            let endpoints = try endpoints(app, manifest, for: connection)
            let verifier = try await keyRing.open(record.sealedVerifier, context: SealContext(workspace: record.workspaceID,
                                                                                                  record: "oauth_state:" + record.hash, field: "verifier"))
            let secret = try await clientSecret(app)
            let shopify = ShopifyOAuth.applies(to: manifest)
            if shopify, let problem = ShopifyOAuth.problem(query, secret: secret, settings: connection.settings) {
                return await fail(record, 400, "Authorization not verified", problem)
            }
            let tokens: TokenSet
            do throws(TokenFailure) {
                // Shopify: the client in the form, and an expiring offline token with a refresh token if the store issues them.
                let form = shopify ? [("code", code), ("expiring", "1")]
                    : [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", oauth.redirectURI),
                       ("code_verifier", verifier.reveal()), ("client_id", app.clientID)]
                tokens = try await oauth.client.token(endpoints.token, clientID: app.clientID, clientSecret: secret, form: form, clientInForm: shopify)
            } catch {
                return await fail(record, 502, "The provider refused the code", "The token endpoint answered: \(error.reason). Nothing was stored.")
            }
            let secrets = [tokens.accessToken, secret, verifier] + (tokens.refreshToken.map { [$0] } ?? [])
            let account = Self.identityOnly(await upstreamAccount(manifest, connection, endpoints, tokens.accessToken),
                                            scrub: Scrubber(secrets, injected: ["Bearer " + tokens.accessToken.reveal()]))
            let previous = Self.identity(connection.account), next = Self.identity(account)
            if let previous, previous != next, !record.allowAccountChange {
                return await fail(record, 409, "A different account signed in",
                                  "This connection belongs to \(previous) but the provider signed in \(next ?? "an unknown account"). Nothing was changed; "
                                  + "reconnect with the same account, or allow an account change.")
            }
            try await storeTokens(tokens, connection: connection, manifest: manifest, account: account, authorizer: record.userID,
                                  actor: record.userID.rawValue, accountChanged: previous != nil && previous != next ? (previous, next) : nil)
            return page(200, "Connected", "\(connection.name) is connected as \(next ?? "the authorised account"). You can close this window.", id)
        } catch {
            return await fail(record, 502, "Authorization failed", "The connection could not be completed: \((error as? SpojkaError)?.message ?? "unexpected error").")
        }
    }

    /// Reads the upstream identity: the userinfo endpoint, else the connector's verification (raw: the caller keeps
    /// only its identity fields).
    func upstreamAccount(_ manifest: ConnectorManifest, _ connection: Connection, _ endpoints: OAuthEndpoints, _ token: Secret) async -> JSONValue? {
        if let url = endpoints.userinfo, let info = await oauth.client.userinfo(url, accessToken: token) { return info }
        guard manifest.verify != nil else { return nil }
        let field = manifest.auth.oauth2?.accessTokenField ?? "accessToken"
        return await verification(manifest, credentials: [field: token], settings: connection.settings, serviceURL: connection.serviceURL).account
    }

    /// Seals new tokens and activates the connection in one transaction (grant version + 1).
    func storeTokens(_ tokens: TokenSet, connection: Connection, manifest: ConnectorManifest, account: JSONValue?, authorizer: ID<User>?,
                     actor: String, accountChanged: (String?, String?)?) async throws {
        let field = manifest.auth.oauth2?.accessTokenField ?? "accessToken"
        var fresh = [field: try await keyRing.seal(tokens.accessToken, context: SealContext(workspace: connection.workspaceID, record: connection.id.rawValue, field: field))]
        if let refresh = tokens.refreshToken {
            fresh["refreshToken"] = try await keyRing.seal(refresh, context: SealContext(workspace: connection.workspaceID, record: connection.id.rawValue, field: "refreshToken"))
        }
        let now = clock.now()
        let expires = tokens.expiresIn.map { now.addingTimeInterval($0) }
        let (ids, id, ws, newSealed) = (self.ids, connection.id, connection.workspaceID, fresh)
        defer { cache.invalidate(id) }
        try await store.transaction { tx in
            try await tx.lockConnection(id)
            guard var current = try await tx.connection(id, in: ws), current.deletedAt == nil, var grant = try await tx.oauthGrant(of: id) else {
                throw SpojkaError(.connectionNotFound, "Connection \(id) not found")
            }
            var sealed = try await tx.sealedCredentials(of: id)
            for (k, v) in newSealed { sealed[k] = v }
            try await tx.replaceCredentials(of: id, with: sealed)
            grant.tokenVersion += 1
            grant.expiresAt = expires
            grant.issuedAt = now
            grant.refreshFailures = 0
            if let authorizer { grant.authorizerID = authorizer }
            try await tx.upsertOAuthGrant(grant)
            if let account { current.account = account }
            current.credentialFields = sealed.keys.sorted()
            try await record(Verification(status: .active, reason: nil, account: nil), on: &current, actor: actor, verified: true, in: tx)
            try await tx.updateConnection(current)
            if authorizer != nil {
                try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: id, at: now, type: "authorized", actor: actor,
                                                                   to: Self.identity(account)))
            }
            if let (from, to) = accountChanged {
                try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: id, at: now, type: "account_changed", actor: actor, from: from, to: to))
            }
        }
    }

    /// Records a failed callback on the connection (status reason + event) and builds the page.
    func fail(_ record: OAuthState, _ status: Int, _ title: String, _ message: String) async -> OAuthCallbackResult {
        let (ids, now) = (self.ids, clock.now())
        try? await store.transaction { tx in
            guard var connection = try await tx.connection(record.connectionID, in: record.workspaceID), connection.deletedAt == nil else { return }
            try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: connection.id, at: now, type: "authorization_failed",
                                                               actor: record.userID.rawValue, reason: title))
            if connection.credentialFields.isEmpty {
                connection.statusReason = "authorization failed: \(title.lowercased())"
                try await tx.updateConnection(connection)
            }
        }
        return page(status, title, message, record.connectionID)
    }

    func page(_ status: Int, _ title: String, _ message: String, _ connection: ID<Connection>? = nil) -> OAuthCallbackResult {
        OAuthCallbackResult(status: status, title: title, message: message, connection: connection, returnURL: oauth.options.returnURL)
    }
}
