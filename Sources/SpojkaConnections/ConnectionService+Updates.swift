import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension SpojkaError.Code {
    /// The connection lacks a credential or setting that its connector's current version requires.
    public static let connectionNeedsUpdate: Self = "connection_needs_update"
    /// A workflow node names a tool its connector no longer has.
    public static let toolNotFound: Self = "tool_not_found"
}

extension ConnectionService {
    /// Moves a connection to its connector's version in force, never touching its credentials: records a
    /// `connector_updated` event (old → new version, what changed) and, when the new version requires a credential or
    /// setting the connection has no value for, moves it to `reauthorize` naming the fields. `previous` is the manifest the
    /// connection was on, when known (a reload), for the event's summary. Returns whether the connection changed; MCP
    /// sessions of the workspace are told (their tool lists follow the new version).
    @discardableResult
    public func applyConnectorUpdate(_ id: ID<Connection>, in workspace: ID<Workspace>, previous: ConnectorManifest?) async throws -> Bool {
        let catalog = self.catalog
        let moved = try await store.transaction { tx in
            try await tx.lockConnection(id)
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil,
                  let manifest = catalog.connector(connection.connector), manifest.version != connection.connectorVersion else { return false }
            let old = connection.connectorVersion
            connection.connectorVersion = manifest.version
            connection.updatedAt = clock.now()
            try await event(tx, id, "connector_updated", "system", from: old, to: manifest.version,
                            reason: ConnectorUpdate.summary(from: previous?.version == old ? previous : nil, to: manifest))
            if let reason = Self.updateReason(manifest, connection) {
                try await record(Verification(status: .reauthorize, reason: reason, account: nil), on: &connection, actor: "system",
                                 verified: false, in: tx)
            }
            try await tx.updateConnection(connection)
            return true
        }
        if moved { cache.invalidate(id); changes.publish(workspace) }  // agents' tool lists follow the new version
        return moved
    }

    /// Why the connection cannot be used with `manifest` as it stands (required fields it has no value for), if so.
    static func updateReason(_ manifest: ConnectorManifest, _ connection: Connection) -> String? {
        let credentials = ConnectorUpdate.missingCredentials(manifest, have: connection.credentialFields)
        let settings = ConnectorUpdate.missingSettings(manifest, have: connection.settings)
        guard !credentials.isEmpty || !settings.isEmpty else { return nil }
        var parts: [String] = []
        if !credentials.isEmpty { parts.append("credential field " + credentials.joined(separator: ", ") + " (rotate the credentials)") }
        if !settings.isEmpty { parts.append("setting " + settings.joined(separator: ", ") + " (edit the settings)") }
        return "connector \(manifest.key) \(manifest.version) requires " + parts.joined(separator: " and ")
    }

    /// Refuses a call through a connection that lacks what its connector's current version requires.
    func ensureUpToDate(_ connection: Connection, _ manifest: ConnectorManifest) throws {
        guard let reason = Self.updateReason(manifest, connection) else { return }
        throw SpojkaError(.connectionNeedsUpdate, "Connection \(connection.id): \(reason)",
                          details: ["connection": .string(connection.id.rawValue)])
    }
}
