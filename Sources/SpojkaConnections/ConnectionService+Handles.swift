import Foundation
import SpojkaConnectorKit
import SpojkaCore

extension SpojkaError.Code {
    /// The connection's tool policy (or a token's scope) does not allow the tool.
    public static let toolNotAllowed: Self = "tool_not_allowed"
}

extension ConnectionService {
    /// The live handles of a workspace in `base`'s family (`base`, `base-2`, …): all that can collide with it.
    func takenHandles(_ tx: any StoreTransaction, like base: String, in workspace: ID<Workspace>, except: ID<Connection>? = nil) async throws -> Set<String> {
        Set(try await tx.connections(in: workspace, ConnectionQuery(handleFamily: base, limit: 1_000_000)).filter { $0.id != except }.map(\.handle))
    }

    /// A new connection's handle: from its name, made unique in the workspace with `-2`, `-3`…
    func newHandle(_ tx: any StoreTransaction, name: String, connector: String, in workspace: ID<Workspace>) async throws -> String {
        let base = ConnectionHandle.slug(name, fallback: connector.replacingOccurrences(of: "_", with: "-"))
        return ConnectionHandle.unique(base, taken: try await takenHandles(tx, like: base, in: workspace))
    }

    /// Refuses `tool` when the connection's policy does not allow it (`tool_not_allowed`). `tools` is the connection's
    /// tool set when the caller already has it (`toolSet(of:)`), so that a discovered set is not built again.
    public func ensureAllowed(_ tool: String, of connection: Connection, tools: ConnectorManifest? = nil) throws {
        guard let policy = connection.toolPolicy, !policy.isOpen else { return }
        let readOnly = (tools ?? (try? toolSet(of: connection)))?.tool(tool)?.annotations?.readOnlyHint == true
        if !policy.allows(tool, readOnlyHint: readOnly) {
            throw SpojkaError(.toolNotAllowed, "The tool policy of connection \(connection.name) does not allow \(tool)",
                              details: ["connection": .string(connection.id.rawValue), "tool": .string(tool)])
        }
    }

    /// Changes the handle (explicitly only; a rename never does) — validated and unique among live connections.
    public func setHandle(_ id: ID<Connection>, in workspace: ID<Workspace>, to handle: String, by actor: String) async throws -> Connection {
        guard ConnectionHandle.isValid(handle) else {
            throw SpojkaError.validation([("handle", "must be 1–\(ConnectionHandle.maxLength) lowercase letters, digits and single hyphens")])
        }
        let changed = try await store.transaction { tx in
            try await tx.lockConnection(id)
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil else {
                throw SpojkaError(.connectionNotFound, "Connection \(id) not found", details: ["connection": .string(id.rawValue)])
            }
            guard connection.handle != handle else { return connection }
            if try await takenHandles(tx, like: handle, in: workspace, except: id).contains(handle) {
                throw SpojkaError(.conflict, "Another connection of the workspace has the handle \(handle)", details: ["handle": .string(handle)])
            }
            let old = connection.handle
            connection.handle = handle
            connection.updatedAt = clock.now()
            try await tx.updateConnection(connection)
            try await event(tx, id, "handle_changed", actor, from: old, to: handle)
            return connection
        }
        cache.invalidate(id)
        changes.publish(workspace)
        return changed
    }

    /// Sets the connection's tool policy (`nil` clears it); the tools must exist in the connector. A change is a connection event.
    public func setToolPolicy(_ id: ID<Connection>, in workspace: ID<Workspace>, to policy: ToolPolicy?, by actor: String) async throws -> Connection {
        let current = try await get(id, in: workspace)
        let manifest = try toolSet(of: current)
        let unknown = (policy?.allowedTools ?? []).filter { manifest.tool($0) == nil }
        if !unknown.isEmpty {
            let owner = manifest.discovery == nil ? "connector \(manifest.key)" : "connection \(current.name)"
            throw SpojkaError.validation(unknown.map { ("toolPolicy.allowedTools", "\(owner) has no tool \($0)") })
        }
        let normalized = policy.flatMap { $0.isOpen ? nil : ToolPolicy(allowedTools: $0.allowedTools.map { Array(Set($0)).sorted() }, readOnly: $0.readOnly) }
        let changed = try await store.transaction { tx in
            try await tx.lockConnection(id)
            guard var connection = try await tx.connection(id, in: workspace), connection.deletedAt == nil else {
                throw SpojkaError(.connectionNotFound, "Connection \(id) not found", details: ["connection": .string(id.rawValue)])
            }
            guard connection.toolPolicy != normalized else { return connection }
            let describe = { (p: ToolPolicy?) -> String in
                guard let p else { return "all tools" }
                return (p.allowedTools.map { $0.joined(separator: ",") } ?? "all tools") + (p.readOnly ? " (read-only)" : "")
            }
            let old = connection.toolPolicy
            connection.toolPolicy = normalized
            connection.updatedAt = clock.now()
            try await tx.updateConnection(connection)
            try await event(tx, id, "tool_policy_changed", actor, from: describe(old), to: describe(normalized))
            try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: clock.now(), actor: actor,
                                                action: "connection.tool_policy_changed", target: id.rawValue))
            return connection
        }
        cache.invalidate(id)
        changes.publish(workspace)
        return changed
    }
}
