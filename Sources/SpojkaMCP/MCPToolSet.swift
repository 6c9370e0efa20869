import Foundation
import Logging
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore

/// Who is calling `/mcp`: the user behind a scoped API token.
public struct MCPCaller: Sendable, Hashable {
    /// The token's user.
    public var userID: SpojkaCore.ID<User>
    /// The token.
    public var tokenID: SpojkaCore.ID<APIToken>
    /// The token's scope (`nil`: a full token, which `/mcp` refuses).
    public var scope: TokenScope?

    /// Creates a caller.
    public init(userID: SpojkaCore.ID<User>, tokenID: SpojkaCore.ID<APIToken>, scope: TokenScope?) {
        self.userID = userID; self.tokenID = tokenID; self.scope = scope
    }
}

/// Checks an `Authorization` header; throws `SpojkaError(.unauthorized)` when it does not authenticate.
public typealias MCPAuthenticator = @Sendable (_ authorization: String?) async throws -> MCPCaller

/// What the MCP endpoint needs from the rest of Spojka.
public struct MCPDependencies: Sendable {
    /// The database.
    public var store: any Store
    /// The connector catalog in force.
    public var catalogs: LiveCatalog
    /// The current snapshot of the catalog.
    public var catalog: Catalog { catalogs.current }
    /// The one tool-call path (decrypt → inject → call → status → access log).
    public var connections: ConnectionService
    /// Makes IDs.
    public var ids: any IDGenerator
    /// Tells the time.
    public var clock: any WallClock
    /// Authenticates bearer tokens.
    public var authenticate: MCPAuthenticator
    /// The application logger.
    public var logger: Logger
    /// Sessions idle longer than this end.
    public var sessionIdleTimeout: TimeInterval
    /// The largest accepted request body in bytes.
    public var bodyLimit: Int

    /// Creates the dependencies.
    public init(store: any Store, catalog: LiveCatalog, connections: ConnectionService, ids: any IDGenerator, clock: any WallClock,
                authenticate: @escaping MCPAuthenticator, logger: Logger, sessionIdleTimeout: TimeInterval = 30 * 60, bodyLimit: Int = 1 << 20) {
        self.store = store; self.catalogs = catalog; self.connections = connections; self.ids = ids; self.clock = clock
        self.authenticate = authenticate; self.logger = logger; self.sessionIdleTimeout = sessionIdleTimeout; self.bodyLimit = bodyLimit
    }
}

/// One tool offered to an agent: a connection's tool (`{handle}__{tool}`) or a utility's (`{connector}__{tool}`).
struct OfferedTool: Sendable {
    var name: String
    var connection: Connection?
    var manifest: ConnectorManifest
    var tool: ToolSpec

    var readOnly: Bool { tool.annotations?.readOnlyHint == true }

    /// The description an agent reads: the tool, then which connection (name, connector, environment) and its health.
    var description: String {
        guard let connection else { return "\(tool.description) (utility: \(manifest.name), needs no connection)" }
        var text = "\(tool.description) — through the connection “\(connection.name)” (\(manifest.name), \(connection.environment.rawValue))."
        if connection.status != .active {
            text += " Its status is \(connection.status.rawValue)\(connection.statusReason.map { ": \($0)" } ?? ""); calls may fail until it is fixed."
        }
        return text
    }
}

/// Separates a connection handle (or utility key) from the tool in MCP tool names.
let toolNameSeparator = "__"

/// The tools a scope reaches right now: its workspace's live connections ∩ scope ∩ each connection's policy.
struct ToolSet {
    let deps: MCPDependencies

    /// Every offered tool, ordered by name; empty when the user no longer may call tools in the workspace.
    func tools(for scope: TokenScope, user: SpojkaCore.ID<User>) async throws -> [OfferedTool] {
        try await tools(for: scope, user: user, handle: nil)
    }

    /// The offered tool called `name`, if the scope and policies offer it; only that connection's tools are built.
    func tool(_ name: String, for scope: TokenScope, user: SpojkaCore.ID<User>) async throws -> OfferedTool? {
        guard let separator = name.range(of: toolNameSeparator) else { return nil }
        return try await tools(for: scope, user: user, handle: String(name[..<separator.lowerBound])).first { $0.name == name }
    }

    /// The offered tools, of the connection (or utility) with `handle` only when it is given (then only the connections
    /// whose handle can equal it are read).
    private func tools(for scope: TokenScope, user: SpojkaCore.ID<User>, handle only: String?) async throws -> [OfferedTool] {
        let (role, connections) = try await deps.store.read { tx in
            (try await tx.membership(scope.workspace, user)?.role,
             try await tx.connections(in: scope.workspace, ConnectionQuery(handleFamily: only, limit: 1_000_000)))
        }
        guard let role, role >= .member else { return [] }
        var out: [OfferedTool] = []
        var handles: Set<String> = []
        for connection in connections where scope.reaches(connection.id) {
            handles.insert(connection.handle)
            // A remote MCP server's connection offers the tools it discovered.
            guard only.map({ $0 == connection.handle }) ?? true, let manifest = try? deps.connections.toolSet(of: connection) else { continue }
            for tool in manifest.tools {
                let readOnly = tool.annotations?.readOnlyHint == true
                guard scope.allows(tool.name, of: connection.id, readOnlyHint: readOnly),
                      connection.toolPolicy?.allows(tool.name, readOnlyHint: readOnly) ?? true else { continue }
                out.append(OfferedTool(name: connection.handle + toolNameSeparator + tool.name, connection: connection, manifest: manifest, tool: tool))
            }
        }
        if scope.includeUtilities {
            for manifest in deps.catalog.connectors.values where manifest.isUtility && !handles.contains(manifest.key)
                && only.map({ $0 == manifest.key }) ?? true {
                for tool in manifest.tools where scope.allowsUtility(readOnlyHint: tool.annotations?.readOnlyHint == true) {
                    out.append(OfferedTool(name: manifest.key + toolNameSeparator + tool.name, connection: nil, manifest: manifest, tool: tool))
                }
            }
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Why a name is not offered: `connection_not_found` when its handle names no live connection, else `tool_not_allowed`.
    func refusal(_ name: String, scope: TokenScope) async throws -> SpojkaError {
        let handle = name.components(separatedBy: toolNameSeparator).first ?? name
        let live = try await deps.store.read { try await $0.connections(in: scope.workspace, ConnectionQuery(handleFamily: handle, limit: 1_000_000)) }
        if !name.contains(toolNameSeparator) || (!live.contains { $0.handle == handle } && deps.catalog.connector(handle)?.isUtility != true) {
            return SpojkaError(.connectionNotFound, "No connection has the handle \(handle) (it may have been deleted)",
                               details: ["tool": .string(name)])
        }
        return SpojkaError(.toolNotAllowed, "The tool \(name) is not available to this token", details: ["tool": .string(name)])
    }
}
