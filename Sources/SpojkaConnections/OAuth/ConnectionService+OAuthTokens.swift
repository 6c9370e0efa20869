import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets

extension ConnectionService {
    /// Gets a new access token unless one newer than version `stale` exists (`nil`: refresh when within the margin).
    ///
    /// Single-flight: one refresh per connection per process (others await it) and across processes (a lease row;
    /// after taking it the grant is re-read, and a token another server just stored is used as is). A rotated refresh
    /// token is stored with its access token in one transaction. `invalid_grant` → `reauthorize` with the provider's
    /// reason; transient failures retry with backoff and mark the connection `error` only after every attempt failed.
    public func refresh(_ id: ID<Connection>, in workspace: ID<Workspace>, stale: Int?, actor: String) async throws {
        let (promise, leader) = await oauth.flights.join(id)
        guard leader else { try await promise.value.get(); return }
        let result: Result<Void, SpojkaError>
        do {
            try await refreshLeading(id, in: workspace, stale: stale, actor: actor)
            result = .success(())
        } catch let error as SpojkaError {
            result = .failure(error)
        } catch {
            result = .failure(SpojkaError(.oauthUnavailable, kind: .operational, "The token could not be refreshed", cause: error))
        }
        await oauth.flights.finish(id, result)
        try result.get()
    }

    /// Whether the grant still needs the refresh a caller asked for: a token version at most `stale`, or (without
    /// `stale`) an access token expiring within the grant's margin under `cap`.
    func needsRefresh(_ grant: OAuthGrant, stale: Int?, cap: TimeInterval) -> Bool {
        if let stale { return grant.tokenVersion <= stale }
        guard let expires = grant.expiresAt else { return false }
        return expires <= clock.now().addingTimeInterval(refreshMargin(grant, cap: cap))
    }

    /// How long before its expiry a grant's token is refreshed: `refreshFraction` of its lifetime, at most `cap`
    /// (just `cap` when the lifetime is unknown).
    func refreshMargin(_ grant: OAuthGrant, cap: TimeInterval) -> TimeInterval {
        guard let issued = grant.issuedAt, let expires = grant.expiresAt, expires > issued else { return cap }
        return min(cap, expires.timeIntervalSince(issued) * oauth.options.refreshFraction)
    }

    func refreshLeading(_ id: ID<Connection>, in workspace: ID<Workspace>, stale: Int?, actor: String) async throws {
        let deadline = clock.now().addingTimeInterval(30)
        let started = Date()
        while true {
            guard let grant = try await store.read({ try await $0.oauthGrant(of: id) }) else {
                throw SpojkaError(.oauthNotSupported, "Connection \(id) is not an OAuth connection")
            }
            guard needsRefresh(grant, stale: stale, cap: oauth.options.refreshMargin) else { return }
            let now = clock.now()
            if try await store.transaction({ try await $0.acquireRefreshLease(id, owner: oauth.owner, now: now, until: now.addingTimeInterval(60)) }) {
                do {
                    // Re-read under the lease: another server may have refreshed between our read and the lease.
                    if let fresh = try await store.read({ try await $0.oauthGrant(of: id) }), needsRefresh(fresh, stale: stale, cap: oauth.options.refreshMargin) {
                        try await performRefresh(fresh, in: workspace, actor: actor)
                    }
                    try await store.transaction { [oauth] in try await $0.releaseRefreshLease(id, owner: oauth.owner) }
                    return
                } catch {
                    try? await store.transaction { [oauth] in try await $0.releaseRefreshLease(id, owner: oauth.owner) }
                    throw error
                }
            }
            // Another server holds the lease: wait for its token (bounded).
            guard clock.now() < deadline, Date().timeIntervalSince(started) < 30 else {
                throw SpojkaError(.oauthUnavailable, kind: .operational, "Another server is refreshing the token of \(id); try again")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// One refresh at the token endpoint (with retries for transient failures), stored atomically.
    func performRefresh(_ grant: OAuthGrant, in workspace: ID<Workspace>, actor: String) async throws {
        let connection = try await get(grant.connectionID, in: workspace)
        let manifest = try manifest(connection.connector)
        guard let app = try await store.read({ try await $0.oauthApp(grant.appID, in: workspace) }) else {
            throw SpojkaError(.oauthAppInvalid, "The OAuth app of connection \(connection.id) was deleted")
        }
        let endpoints = try endpoints(app, manifest, for: connection)
        let secret = try await clientSecret(app)
        let clientInForm = ShopifyOAuth.applies(to: manifest)
        var form: [(String, String)]
        if grant.grantType == "client_credentials" {
            form = [("grant_type", "client_credentials")]
            if !app.scopes.isEmpty { form.append(("scope", app.scopes.joined(separator: " "))) }
        } else {
            let credentials = try await open(connection, actor: actor, purpose: "refresh", tool: nil)
            guard let refresh = credentials["refreshToken"] else {
                try await markGrant(connection, status: .reauthorize, reason: "the provider gave no refresh token; reconnect", actor: actor, failures: nil)
                throw SpojkaError(.oauthGrantInvalid, "Connection \(connection.id) has no refresh token; reconnect it")
            }
            form = [("grant_type", "refresh_token"), ("refresh_token", refresh.reveal())]
        }
        var attempt = 1
        while true {
            let outcome: Result<TokenSet, TokenFailure>
            do { outcome = .success(try await oauth.client.token(endpoints.token, clientID: app.clientID, clientSecret: secret, form: form,
                                                                       clientInForm: clientInForm))
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let tokens):
                try await storeTokens(tokens, connection: connection, manifest: manifest, account: nil, authorizer: nil, actor: actor, accountChanged: nil)
                return
            case .failure(.invalidGrant(let reason)):
                try await markGrant(connection, status: .reauthorize, reason: "the provider refused the refresh: \(reason)", actor: actor, failures: nil)
                throw SpojkaError(.oauthGrantInvalid, "The provider refused to refresh connection \(connection.id): \(reason); reconnect it")
            case .failure(.refused(let reason)):
                try await markGrant(connection, status: .error, reason: "the token endpoint refused: \(reason)", actor: actor, failures: nil)
                throw SpojkaError(.oauthUnavailable, kind: .operational, "The token endpoint refused: \(reason)")
            case .failure(.transient(let reason)):
                guard attempt < oauth.options.attempts else {
                    try await markGrant(connection, status: .error, reason: "the token endpoint failed \(attempt) times: \(reason)", actor: actor, failures: attempt)
                    throw SpojkaError(.oauthUnavailable, kind: .operational, "The token endpoint is unavailable: \(reason)")
                }
                try await Task.sleep(for: .milliseconds(200 * (1 << (attempt - 1))))
                attempt += 1
            }
        }
    }

    /// Sets the connection's status after a failed refresh.
    func markGrant(_ connection: Connection, status: Connection.Status, reason: String, actor: String, failures: Int?) async throws {
        let id = connection.id, ws = connection.workspaceID
        defer { cache.invalidate(id) }
        try await store.transaction { tx in
            guard var current = try await tx.connection(id, in: ws), current.deletedAt == nil else { return }
            try await record(Verification(status: status, reason: reason, account: nil), on: &current, actor: actor, verified: false, in: tx)
            try await tx.updateConnection(current)
            if let failures, var grant = try await tx.oauthGrant(of: id) {
                grant.refreshFailures = failures
                try await tx.upsertOAuthGrant(grant)
            }
        }
    }

    /// Refreshes every token expiring within the margin (the refresher service calls this each tick).
    public func refreshExpiringTokens() async {
        let before = clock.now().addingTimeInterval(oauth.options.refreshMargin)
        guard let due = try? await store.read({ try await $0.oauthGrantsExpiring(before: before, limit: 100) }) else { return }
        for grant in due where needsRefresh(grant, stale: nil, cap: oauth.options.refreshMargin) {
            try? await refresh(grant.connectionID, in: grant.workspaceID, stale: nil, actor: "system")
        }
    }
}
