import Foundation
import Logging
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore
import SpojkaRuns
import SpojkaSecrets

/// Everything the routes need, injected by the composition root.
public struct APIServices: Sendable {
    /// The database.
    public let store: any Store
    /// Seals and opens workspace secrets.
    public let keyRing: KeyRing
    /// Makes IDs and tokens.
    public let ids: any IDGenerator
    /// Tells the time.
    public let clock: any WallClock
    /// Hashes passwords.
    public let passwords: PasswordHasher
    /// The externally visible base URL, e.g. `http://127.0.0.1:8080`.
    public let publicURL: String
    /// The largest accepted request body in bytes.
    public let bodyLimit: Int
    /// The connector catalog in force (swapped by a reload of the operator's folder).
    public let catalogs: LiveCatalog
    /// The current snapshot of the catalog.
    public var catalog: Catalog { catalogs.current }
    /// Runs tools.
    public let runtime: ToolRuntime
    /// The connection lifecycle.
    public let connections: ConnectionService
    /// Saving workflows.
    public let workflows: WorkflowService
    /// Executing runs (a `Service`: the composition root adds it to the app).
    public let engine: RunEngine
    /// The application logger.
    public let logger: Logger
    let loginLimiter = LoginLimiter()

    /// Creates the services.
    public init(store: any Store, keyRing: KeyRing, ids: any IDGenerator, clock: any WallClock,
                passwords: PasswordHasher, publicURL: String, bodyLimit: Int, catalog: LiveCatalog, runtime: ToolRuntime,
                logger: Logger, engineOptions: RunEngine.Options = RunEngine.Options(), durable: Bool = true,
                oauth: OAuthOptions? = nil, connectionCache: ConnectionCache = ConnectionCache()) {
        self.store = store; self.keyRing = keyRing; self.ids = ids; self.clock = clock
        self.passwords = passwords; self.publicURL = publicURL; self.bodyLimit = bodyLimit
        self.catalogs = catalog; self.runtime = runtime
        var oauthOptions = oauth ?? OAuthOptions()
        if oauth == nil { oauthOptions.publicURL = publicURL }
        self.connections = ConnectionService(store: store, keyRing: keyRing, catalog: catalog, runtime: runtime, ids: ids, clock: clock,
                                             oauth: oauthOptions, cache: connectionCache)
        self.workflows = WorkflowService(store: store, catalog: catalog, ids: ids, clock: clock)
        self.logger = logger
        self.engine = RunEngine(store: store, connections: connections, ids: ids, clock: clock,
                                journal: durable ? GroupCommitJournal(store: store) : MemoryJournal(), logger: logger, options: engineOptions)
    }

    var body: BodyReader { BodyReader(limit: bodyLimit) }

    /// Appends an audit event inside `tx`.
    func audit(_ tx: any StoreTransaction, _ workspace: ID<Workspace>?, actor: String, _ action: String,
               target: String? = nil, outcome: String = "success", details: [String: JSONValue] = [:]) async throws {
        try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: workspace, at: clock.now(), actor: actor,
                                            action: action, target: target, outcome: outcome, details: details))
    }

    /// Issues a new API token for `user` inside `tx`; returns the record and its one-time text.
    func issueToken(_ tx: any StoreTransaction, user: ID<User>, name: String, expiresAt: Date?,
                    scope: TokenScope? = nil) async throws -> (APIToken, String) {
        let text = ids.token(prefix: "spk_")
        let token = APIToken(id: ids.make(), userID: user, name: name, hash: TokenHash.of(text),
                             createdAt: clock.now(), expiresAt: expiresAt, scope: scope)
        try await tx.insertToken(token)
        return (token, text)
    }

    /// The caller's workspace `ws` and role, requiring at least `minimum`.
    ///
    /// Non-members get 404, exactly as for a workspace that does not exist.
    func access(_ context: SpojkaRequestContext, minimum: Role = .viewer) async throws -> (Principal, Workspace, Role) {
        let principal = try context.requirePrincipal()
        let wsID = try context.id("ws", Workspace.self, what: "Workspace")
        let found = try await store.read { tx -> (Workspace, Role)? in
            guard let membership = try await tx.membership(wsID, principal.user.id),
                  let workspace = try await tx.workspace(wsID) else { return nil }
            return (workspace, membership.role)
        }
        guard let (workspace, role) = found else { throw SpojkaError.notFound("Workspace") }
        guard role >= minimum else {
            throw SpojkaError(.forbidden, "This needs the \(minimum.rawValue) role or higher; you are \(role.rawValue)")
        }
        return (principal, workspace, role)
    }
}
