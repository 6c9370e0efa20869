import Foundation

/// A workspace's configured instance of a connector: credentials (sealed), service URL, settings, status.
public struct Connection: Identified, Sendable, Hashable {
    /// `conn`.
    public static let idPrefix = "conn"

    /// The health of a connection, set by the latest verification or call.
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// The last verification or call succeeded.
        case active
        /// The service rejected the credential: reconnect or rotate it.
        case reauthorize
        /// Anything else failed (network, 5xx, bad service URL, not verified).
        case error
    }

    /// Which environment the connection belongs to.
    public enum Environment: String, Sendable, Codable, CaseIterable {
        /// Live systems (the default).
        case production
        /// Staging systems.
        case staging
        /// Development systems.
        case development
    }

    /// Stable, opaque identifier.
    public var id: ID<Connection>
    /// The owning workspace.
    public var workspaceID: ID<Workspace>
    /// The connector key.
    public var connector: String
    /// The connector version at the last change.
    public var connectorVersion: String
    /// Display name.
    public var name: String
    /// Service URL override, if any.
    public var serviceURL: String?
    /// Non-secret settings.
    public var settings: JSONValue
    /// Environment.
    public var environment: Environment
    /// Health.
    public var status: Status
    /// Why the status is what it is.
    public var statusReason: String?
    /// When the status was last set.
    public var checkedAt: Date?
    /// When a tool call last used it.
    public var lastUsedAt: Date?
    /// The user who owns it.
    public var ownerID: ID<User>
    /// The upstream account identity read at verification.
    public var account: JSONValue?
    /// Names of the credential fields that are set (never their values).
    public var credentialFields: [String]
    /// When it was created.
    public var createdAt: Date
    /// When it last changed.
    public var updatedAt: Date
    /// When it was deleted (a tombstone keeps id, name and connector).
    public var deletedAt: Date?
    /// Stable slug, unique among the workspace's live connections, naming it in MCP tool names; a rename keeps it.
    public var handle: String
    /// The connection's own limit on its tools (`nil`: every tool).
    public var toolPolicy: ToolPolicy?
    /// The tools discovered from the service at the last verification, for connectors whose tools are discovered
    /// (a remote MCP server): an array of `{name, title, description, inputSchema, outputSchema, annotations}`; `nil` otherwise.
    public var tools: JSONValue?

    /// Creates a connection value; without a handle it gets `conn-` plus part of its ID (as migrated connections did).
    public init(id: ID<Connection>, workspaceID: ID<Workspace>, connector: String, connectorVersion: String, name: String,
                serviceURL: String?, settings: JSONValue, environment: Environment, status: Status, statusReason: String?,
                checkedAt: Date?, lastUsedAt: Date? = nil, ownerID: ID<User>, account: JSONValue?, credentialFields: [String],
                createdAt: Date, updatedAt: Date, deletedAt: Date? = nil, handle: String? = nil, toolPolicy: ToolPolicy? = nil,
                tools: JSONValue? = nil) {
        self.id = id; self.workspaceID = workspaceID; self.connector = connector; self.connectorVersion = connectorVersion
        self.name = name; self.serviceURL = serviceURL; self.settings = settings; self.environment = environment
        self.status = status; self.statusReason = statusReason; self.checkedAt = checkedAt; self.lastUsedAt = lastUsedAt
        self.ownerID = ownerID; self.account = account; self.credentialFields = credentialFields
        self.createdAt = createdAt; self.updatedAt = updatedAt; self.deletedAt = deletedAt
        self.handle = handle ?? ConnectionHandle.fallback(for: id.rawValue); self.toolPolicy = toolPolicy; self.tools = tools
    }
}

/// One entry of a connection's timeline.
public struct ConnectionEvent: Identified, Sendable, Hashable {
    /// `cev`.
    public static let idPrefix = "cev"
    /// Identifier.
    public var id: ID<ConnectionEvent>
    /// The connection.
    public var connectionID: ID<Connection>
    /// When.
    public var at: Date
    /// `created`, `renamed`, `settings_changed`, `credentials_rotated`, `verified`, `status_changed`, `recovered`, `deleted`.
    public var type: String
    /// The acting user ID, a run ID, or `system`.
    public var actor: String
    /// Previous value (status, name), when it applies.
    public var from: String?
    /// New value, when it applies.
    public var to: String?
    /// Why.
    public var reason: String?

    /// Creates an event.
    public init(id: ID<ConnectionEvent>, connectionID: ID<Connection>, at: Date, type: String, actor: String,
                from: String? = nil, to: String? = nil, reason: String? = nil) {
        self.id = id; self.connectionID = connectionID; self.at = at; self.type = type; self.actor = actor
        self.from = from; self.to = to; self.reason = reason
    }
}

/// One decryption of a connection's credentials: who or which run, for which tool, when — never the value.
public struct CredentialAccess: Identified, Sendable, Hashable {
    /// `acc`.
    public static let idPrefix = "acc"
    /// Identifier.
    public var id: ID<CredentialAccess>
    /// The connection.
    public var connectionID: ID<Connection>
    /// When.
    public var at: Date
    /// The user ID or run ID that caused it.
    public var actor: String
    /// `tool_call`, `verify`, `rotate`, `run`.
    public var purpose: String
    /// The tool, when a tool was called.
    public var tool: String?

    /// Creates an access record.
    public init(id: ID<CredentialAccess>, connectionID: ID<Connection>, at: Date, actor: String, purpose: String, tool: String?) {
        self.id = id; self.connectionID = connectionID; self.at = at; self.actor = actor; self.purpose = purpose; self.tool = tool
    }
}

/// A workflow version that references a connection (filled by workflow saves).
public struct ConnectionUsage: Sendable, Hashable {
    /// The workflow ID.
    public var workflowID: String
    /// The workflow's name.
    public var workflowName: String
    /// Versions that reference the connection, ascending.
    public var versions: [Int]
    /// Whether the workflow is enabled.
    public var enabled: Bool

    /// Creates a usage entry.
    public init(workflowID: String, workflowName: String, versions: [Int], enabled: Bool) {
        self.workflowID = workflowID; self.workflowName = workflowName; self.versions = versions; self.enabled = enabled
    }
}

/// Filters and position for listing connections, sorted by name.
public struct ConnectionQuery: Sendable, Hashable {
    /// Only this connector.
    public var connector: String?
    /// Only this status.
    public var status: Connection.Status?
    /// Only this environment.
    public var environment: Connection.Environment?
    /// Name contains this text (case-insensitive).
    public var nameContains: String?
    /// Only handles equal to this one or extending it with `-` and a suffix (`slack`, `slack-2`, …).
    public var handleFamily: String?
    /// Continue after this `(name, id)`.
    public var after: (name: String, id: String)?
    /// Page size.
    public var limit: Int

    /// Creates a query.
    public init(connector: String? = nil, status: Connection.Status? = nil, environment: Connection.Environment? = nil,
                nameContains: String? = nil, handleFamily: String? = nil, after: (name: String, id: String)? = nil, limit: Int = 50) {
        self.connector = connector; self.status = status; self.environment = environment
        self.nameContains = nameContains; self.handleFamily = handleFamily; self.after = after; self.limit = limit
    }

    /// Equality ignoring nothing.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.connector == rhs.connector && lhs.status == rhs.status && lhs.environment == rhs.environment
            && lhs.nameContains == rhs.nameContains && lhs.handleFamily == rhs.handleFamily
            && lhs.after?.name == rhs.after?.name && lhs.after?.id == rhs.after?.id && lhs.limit == rhs.limit
    }

    /// Hashes the filters.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(connector); hasher.combine(status); hasher.combine(nameContains); hasher.combine(handleFamily); hasher.combine(limit)
    }
}

/// Persistence of connections, their sealed credentials, timeline, access log and usage index.
public protocol ConnectionStore: Sendable {
    /// Stores a new connection with its sealed credential fields.
    func insertConnection(_ connection: Connection, credentials: [String: [UInt8]]) async throws
    /// A connection of the workspace (tombstones included; check `deletedAt`).
    func connection(_ id: ID<Connection>, in workspace: ID<Workspace>) async throws -> Connection?
    /// Locks a connection row until the transaction ends.
    func lockConnection(_ id: ID<Connection>) async throws
    /// Live connections of a workspace matching the query, by name then id.
    func connections(in workspace: ID<Workspace>, _ query: ConnectionQuery) async throws -> [Connection]
    /// Writes every non-credential field.
    func updateConnection(_ connection: Connection) async throws
    /// Records a successful use of an active connection (`lastUsedAt`, `checkedAt`); `false` when it is not active.
    func touchConnection(_ id: ID<Connection>, at: Date) async throws -> Bool
    /// The sealed credential fields.
    func sealedCredentials(of id: ID<Connection>) async throws -> [String: [UInt8]]
    /// Replaces every sealed credential field atomically.
    func replaceCredentials(of id: ID<Connection>, with credentials: [String: [UInt8]]) async throws
    /// Appends to the timeline.
    func appendConnectionEvent(_ event: ConnectionEvent) async throws
    /// The timeline, oldest first.
    func connectionEvents(of id: ID<Connection>) async throws -> [ConnectionEvent]
    /// Appends to the access log.
    func appendCredentialAccess(_ access: CredentialAccess) async throws
    /// The access log, newest first.
    func credentialAccess(of id: ID<Connection>, limit: Int) async throws -> [CredentialAccess]
    /// Workflows referencing a connection.
    func usage(of id: ID<Connection>) async throws -> [ConnectionUsage]
    /// Records that `workflow` version `version` references `connection` (workflow saves call this).
    func recordUsage(workspace: ID<Workspace>, connection: String, workflowID: String, workflowName: String, version: Int, enabled: Bool) async throws
}
