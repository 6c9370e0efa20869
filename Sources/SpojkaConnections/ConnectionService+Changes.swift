import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets

extension ConnectionService {
    /// Renames, changes settings, service URL or environment; settings and URL changes are verified first.
    public func update(_ id: ID<Connection>, in workspace: ID<Workspace>, _ patch: ConnectionPatch, by actor: String) async throws -> Connection {
        var connection = try await get(id, in: workspace)
        let manifest = try manifest(connection.connector)
        if let name = patch.name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw SpojkaError.validation([("name", "must not be empty")]) }
        let settings = patch.settings ?? connection.settings
        let override = patch.serviceURL.map { $0.isEmpty ? nil : $0 } ?? connection.serviceURL
        let reverify = patch.settings != nil || patch.serviceURL != nil
        var outcome: Verification?
        if reverify {
            try validate(manifest, credentials: nil, settings: settings)
            let target = try resolvedURL(manifest, settings: settings, override: override)
            // Credentials are bound to their origin: moving them elsewhere (and verifying there) would hand them out.
            let bound = (try? resolvedURL(manifest, settings: connection.settings, override: connection.serviceURL)).flatMap(URLOrigin.init)
            if !connection.credentialFields.isEmpty, URLOrigin(target) != bound {
                throw SpojkaError.validation([(patch.serviceURL != nil ? "serviceUrl" : "settings",
                                               "the connection's credentials stay on \(bound?.description ?? "no origin"); create a new connection for \(URLOrigin(target)?.description ?? "this URL")")])
            }
            let credentials = try await open(connection, actor: actor, purpose: "verify", tool: manifest.verify?.tool)
            let result = await verification(manifest, credentials: credentials, settings: settings, serviceURL: override)
            guard result.status == .active else {
                throw SpojkaError(.verificationFailed, "Verification with the new settings failed: \(result.reason ?? "unknown reason"); nothing was changed")
            }
            outcome = result
        }
        let before = connection
        connection.name = patch.name ?? connection.name
        connection.settings = settings
        connection.serviceURL = override
        connection.environment = patch.environment ?? connection.environment
        connection.updatedAt = clock.now()
        let final = try await store.transaction { [connection, outcome] tx in
            var updated = connection
            if let outcome { try await record(outcome, on: &updated, actor: actor, verified: true, in: tx) }
            try await tx.updateConnection(updated)
            if before.name != updated.name { try await event(tx, id, "renamed", actor, from: before.name, to: updated.name) }
            if reverify { try await event(tx, id, "settings_changed", actor, reason: patch.serviceURL != nil ? "service URL changed" : "settings changed") }
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: clock.now(), actor: actor, action: "connection.updated",
                                                target: id.rawValue, details: ["renamed": .bool(before.name != updated.name), "reverified": .bool(reverify)]))
            return updated
        }
        if final.tools != before.tools { changes.publish(workspace) }
        cache.invalidate(id)
        return final
    }

    /// Rotates credentials in place: verifies the new ones first and swaps only on success.
    public func rotate(_ id: ID<Connection>, in workspace: ID<Workspace>, credentials: [String: Secret], partial: Bool, by actor: String) async throws -> Connection {
        let current = try await get(id, in: workspace)
        let manifest = try manifest(current.connector)
        var merged = credentials
        if partial {
            let old = try await open(current, actor: actor, purpose: "rotate", tool: nil)
            merged = old.merging(credentials) { _, new in new }
        }
        try validate(manifest, credentials: merged, settings: nil)
        let result = await verification(manifest, credentials: merged, settings: current.settings, serviceURL: current.serviceURL)
        guard result.status == .active else {
            throw SpojkaError(.verificationFailed, "The new credential failed verification: \(result.reason ?? "unknown reason"); the old one is kept")
        }
        let sealed = try await seal(merged, connection: id, workspace: workspace)
        let fields = merged.keys.sorted()
        defer { cache.invalidate(id) }
        return try await store.transaction { tx in
            try await tx.lockConnection(id)
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil else {
                throw SpojkaError(.connectionNotFound, "Connection \(id) not found", details: ["connection": .string(id.rawValue)])
            }
            try await tx.replaceCredentials(of: id, with: sealed)
            connection.credentialFields = fields
            connection.updatedAt = clock.now()
            try await event(tx, id, "credentials_rotated", actor, reason: partial ? "partial" : nil)
            try await record(result, on: &connection, actor: actor, verified: true, in: tx)
            try await tx.updateConnection(connection)
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: clock.now(), actor: actor,
                                                action: "connection.credentials_rotated", target: id.rawValue))
            return connection
        }
    }

    /// Runs verification now with the stored credentials and records the outcome.
    public func verifyNow(_ id: ID<Connection>, in workspace: ID<Workspace>, by actor: String) async throws -> Connection {
        let connection = try await get(id, in: workspace)
        let manifest = try manifest(connection.connector)
        let credentials = try await open(connection, actor: actor, purpose: "verify", tool: manifest.verify?.tool)
        let checked = await verification(manifest, credentials: credentials, settings: connection.settings, serviceURL: connection.serviceURL)
        // A field the connector's current version requires and the connection lacks outweighs a passing check.
        let result = Self.updateReason(manifest, connection).map { Verification(status: .reauthorize, reason: $0, account: nil) } ?? checked
        defer { cache.invalidate(id) }
        let verified = try await store.transaction { tx in
            guard var current = try await tx.connection(id, in: workspace), current.deletedAt == nil else {
                throw SpojkaError(.connectionNotFound, "Connection \(id) not found")
            }
            try await record(result, on: &current, actor: actor, verified: true, in: tx)
            try await tx.updateConnection(current)
            return current
        }
        // A remote MCP server's tools changed: agents holding a stream hear of it.
        if verified.tools != connection.tools { changes.publish(workspace) }
        return verified
    }

    /// Deletes a connection: refused while workflows use it unless forced; removes every sealed credential.
    public func delete(_ id: ID<Connection>, in workspace: ID<Workspace>, force: Bool, by actor: String) async throws {
        _ = try await get(id, in: workspace)
        try await store.transaction { tx in
            try await tx.lockConnection(id)
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil else {
                throw SpojkaError(.connectionNotFound, "Connection \(id) not found")
            }
            let usage = try await tx.usage(of: id)
            if !usage.isEmpty && !force {
                throw SpojkaError(.connectionInUse, "\(usage.count) workflow(s) use this connection; delete with ?force=true to break them",
                                  details: ["workflows": .array(usage.map(UsageJSON.value)), "total": .int(usage.count)])
            }
            try await tx.replaceCredentials(of: id, with: [:])
            connection.deletedAt = clock.now()
            connection.credentialFields = []
            connection.updatedAt = clock.now()
            try await tx.updateConnection(connection)
            try await event(tx, id, "deleted", actor, reason: force && !usage.isEmpty ? "forced; \(usage.count) workflow(s) broken" : nil)
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: clock.now(), actor: actor, action: "connection.deleted",
                                                target: id.rawValue, details: ["forced": .bool(force), "brokenWorkflows": .int(usage.count)]))
        }
        cache.invalidate(id)
        changes.publish(workspace)
    }

    func event(_ tx: any StoreTransaction, _ id: ID<Connection>, _ type: String, _ actor: String,
               from: String? = nil, to: String? = nil, reason: String? = nil) async throws {
        try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: id, at: clock.now(), type: type, actor: actor,
                                                           from: from, to: to, reason: reason))
    }
}

/// JSON of usage entries.
public enum UsageJSON {
    /// `{id, name, versions, enabled}`.
    public static func value(_ usage: ConnectionUsage) -> JSONValue {
        ["id": .string(usage.workflowID), "name": .string(usage.workflowName), "versions": .array(usage.versions.map { .int($0) }),
         "enabled": .bool(usage.enabled)]
    }
}
