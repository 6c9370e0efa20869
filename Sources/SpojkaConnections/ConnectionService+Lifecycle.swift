import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets

extension ConnectionService {
    /// Creates a connection: validates, verifies first (unless `verify` is false), then stores it sealed.
    public func create(_ new: NewConnection, in workspace: ID<Workspace>, by user: ID<User>, verify: Bool = true) async throws -> Connection {
        let manifest = try manifest(new.connector)
        try validate(manifest, credentials: new.credentials, settings: new.settings)
        _ = try resolvedURL(manifest, settings: new.settings, override: new.serviceURL)
        let result = verify ? await verification(manifest, credentials: new.credentials, settings: new.settings, serviceURL: new.serviceURL)
                            : Verification(status: .error, reason: "not verified", account: nil)
        if verify, result.status != .active {
            throw SpojkaError(.verificationFailed, "Verification failed: \(result.reason ?? "unknown reason")",
                              details: ["status": .string(result.status.rawValue)])
        }
        let now = clock.now()
        let id: ID<Connection> = ids.make()
        let connection = Connection(id: id, workspaceID: workspace, connector: manifest.key, connectorVersion: manifest.version,
                                    name: new.name, serviceURL: new.serviceURL, settings: new.settings, environment: new.environment,
                                    status: result.status, statusReason: result.reason, checkedAt: verify ? now : nil, ownerID: user,
                                    account: result.account, credentialFields: new.credentials.keys.sorted(), createdAt: now, updatedAt: now,
                                    tools: result.tools)
        let sealed = try await seal(new.credentials, connection: id, workspace: workspace)
        let (ids, actor) = (self.ids, user.rawValue)
        let created = try await store.transaction { [connection] tx in
            var connection = connection
            connection.handle = try await newHandle(tx, name: new.name, connector: manifest.key, in: workspace)
            try await tx.insertConnection(connection, credentials: sealed)
            try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: id, at: now, type: "created", actor: actor,
                                                               to: connection.status.rawValue, reason: connection.statusReason))
            if verify { try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: id, at: now, type: "verified", actor: actor, to: "active")) }
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: now, actor: actor, action: "connection.created",
                                                target: id.rawValue, details: ["connector": .string(manifest.key), "name": .string(new.name)]))
            return connection
        }
        cache.invalidate(id)
        changes.publish(workspace)
        return created
    }

    /// Seals every credential field, bound to this connection and field.
    func seal(_ credentials: [String: Secret], connection: ID<Connection>, workspace: ID<Workspace>) async throws -> [String: [UInt8]] {
        var sealed: [String: [UInt8]] = [:]
        for (field, secret) in credentials {
            sealed[field] = try await keyRing.seal(secret, context: SealContext(workspace: workspace, record: connection.rawValue, field: field))
        }
        return sealed
    }

    /// Opens every credential field and records the access.
    func open(_ connection: Connection, actor: String, purpose: String, tool: String?) async throws -> [String: Secret] {
        let (credentials, access) = try await decrypt(connection, actor: actor, purpose: purpose, tool: tool)
        try await store.transaction { try await $0.appendCredentialAccess(access) }
        return credentials
    }

    /// Opens every credential field; the caller must append the returned access record.
    func decrypt(_ connection: Connection, actor: String, purpose: String, tool: String?) async throws -> ([String: Secret], CredentialAccess) {
        let id = connection.id
        let sealed = try await store.read { try await $0.sealedCredentials(of: id) }
        let access = accessRecord(id, actor: actor, purpose: purpose, tool: tool)
        return (try await opened(sealed, of: connection), access)
    }

    /// The access-log record of one decryption of `id`'s credentials, stamped now.
    func accessRecord(_ id: ID<Connection>, actor: String, purpose: String, tool: String?) -> CredentialAccess {
        CredentialAccess(id: ids.make(), connectionID: id, at: clock.now(), actor: actor, purpose: purpose, tool: tool)
    }

    /// The sealed fields of `connection`, opened with the workspace's data key.
    func opened(_ sealed: [String: [UInt8]], of connection: Connection) async throws -> [String: Secret] {
        var out: [String: Secret] = [:]
        for (field, value) in sealed {
            out[field] = try await keyRing.open(value, context: SealContext(workspace: connection.workspaceID, record: connection.id.rawValue, field: field))
        }
        return out
    }

    /// A live connection with its OAuth grant and opened credentials.
    package struct Resolved: Sendable {
        /// The connection record.
        package let connection: Connection
        /// Its OAuth grant, if any.
        package let grant: OAuthGrant?
        /// Its opened credentials.
        package let credentials: [String: Secret]
        /// Whether it came from the cache (and so may predate a change another process has not yet announced).
        package let cached: Bool
    }

    /// The live connection, from the cache unless `fresh`; a store read (one read, then decryption) fills the cache.
    package func resolve(_ id: ID<Connection>, in workspace: ID<Workspace>, fresh: Bool = false) async throws -> Resolved {
        if !fresh, let hit = cache.entry(id), hit.connection.workspaceID == workspace {
            return Resolved(connection: hit.connection, grant: hit.grant, credentials: hit.credentials, cached: true)
        }
        let ticket = cache.ticket()
        let (found, grant, sealed) = try await store.read { tx in
            (try await tx.connection(id, in: workspace), try await tx.oauthGrant(of: id), try await tx.sealedCredentials(of: id))
        }
        guard let connection = found, connection.deletedAt == nil else {
            throw SpojkaError(.connectionNotFound, "Connection \(id) not found", details: ["connection": .string(id.rawValue)])
        }
        let credentials = try await opened(sealed, of: connection)
        cache.store(ConnectionCache.Entry(connection: connection, grant: grant, credentials: credentials, storedAt: .now), ticket: ticket)
        return Resolved(connection: connection, grant: grant, credentials: credentials, cached: false)
    }

    /// The live connection, or `connection_not_found` (also for another workspace's ID and tombstones).
    /// Commits the bookkeeping of finished calls first, so the record shows their `lastUsedAt` and access entries.
    public func get(_ id: ID<Connection>, in workspace: ID<Workspace>) async throws -> Connection {
        await ledger.flush()
        guard let connection = try await store.read({ try await $0.connection(id, in: workspace) }), connection.deletedAt == nil else {
            throw SpojkaError(.connectionNotFound, "Connection \(id) not found", details: ["connection": .string(id.rawValue)])
        }
        return connection
    }

    func resolvedURL(_ manifest: ConnectorManifest, settings: JSONValue, override: String?) throws -> String {
        if let override, !override.isEmpty {
            guard let url = URL(string: override), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
                throw SpojkaError.validation([("serviceUrl", "must be an absolute http or https URL")])
            }
        }
        do { return try ServiceURL.resolve(manifest, settings: settings, override: override) } catch {
            throw SpojkaError.validation([("settings", "the connector's service URL cannot be built from these settings")])
        }
    }

    /// Applies a verification or call outcome: status, reason, time, and the matching events.
    func record(_ outcome: Verification, on connection: inout Connection, actor: String, verified: Bool,
                in tx: any StoreTransaction) async throws {
        let now = clock.now()
        let old = connection.status
        connection.status = outcome.status
        // A call that succeeds on an active connection keeps a standing note (e.g. "authorised by a member who left").
        if verified || old != outcome.status || outcome.status != .active { connection.statusReason = outcome.reason }
        connection.checkedAt = now
        if let account = outcome.account { connection.account = account }
        let discovered = outcome.tools.map { DiscoveredTools.changes(from: connection.tools, to: $0) }
        if let tools = outcome.tools { connection.tools = tools }
        func event(_ type: String, from: String? = nil, to: String? = nil, reason: String? = nil) async throws {
            try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: connection.id, at: now, type: type, actor: actor,
                                                               from: from, to: to, reason: reason))
        }
        if verified { try await event("verified", to: outcome.status.rawValue, reason: outcome.reason) }
        if let (added, removed, changed) = discovered, !(added.isEmpty && removed.isEmpty && changed.isEmpty) {
            let parts = [("added", added), ("removed", removed), ("changed", changed)].filter { !$0.1.isEmpty }
            try await event("tools_changed", reason: parts.map { "\($0.0): \($0.1.joined(separator: ", "))" }.joined(separator: "; "))
        }
        if old != outcome.status {
            try await event(outcome.status == .active ? "recovered" : "status_changed", from: old.rawValue, to: outcome.status.rawValue, reason: outcome.reason)
        }
    }
}
