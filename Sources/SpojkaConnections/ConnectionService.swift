import Foundation
import SpojkaConnectorKit
import SpojkaCore
import SpojkaSecrets

/// A new connection as the caller describes it.
public struct NewConnection: Sendable {
    /// Connector key.
    public var connector: String
    /// Display name.
    public var name: String
    /// Credential fields.
    public var credentials: [String: Secret]
    /// Settings.
    public var settings: JSONValue
    /// Service URL override.
    public var serviceURL: String?
    /// Environment.
    public var environment: Connection.Environment

    /// Creates the description.
    public init(connector: String, name: String, credentials: [String: Secret], settings: JSONValue = .object([:]),
                serviceURL: String? = nil, environment: Connection.Environment = .production) {
        self.connector = connector; self.name = name; self.credentials = credentials; self.settings = settings
        self.serviceURL = serviceURL; self.environment = environment
    }
}

/// Changes to a connection's non-secret fields.
public struct ConnectionPatch: Sendable {
    /// New name.
    public var name: String?
    /// New settings.
    public var settings: JSONValue?
    /// New service URL override (empty string clears it).
    public var serviceURL: String?
    /// New environment.
    public var environment: Connection.Environment?

    /// Creates a patch.
    public init(name: String? = nil, settings: JSONValue? = nil, serviceURL: String? = nil, environment: Connection.Environment? = nil) {
        self.name = name; self.settings = settings; self.serviceURL = serviceURL; self.environment = environment
    }
}

/// The outcome of a verification: the status it implies, why, and the upstream account.
public struct Verification: Sendable {
    /// Resulting status.
    public var status: Connection.Status
    /// Why (nil when active).
    public var reason: String?
    /// The upstream account identity.
    public var account: JSONValue?
    /// The tools discovered from the service (connectors with discovery), normalised and scrubbed.
    public var tools: JSONValue? = nil
}

/// The connection lifecycle of DESIGN §2: verified create, honest status, rotation in place, guarded delete.
public struct ConnectionService: Sendable {
    let store: any Store
    let keyRing: KeyRing
    /// The catalog in force (a reload swaps it); each operation reads one snapshot.
    public let catalogs: LiveCatalog
    var catalog: Catalog { catalogs.current }
    let runtime: ToolRuntime
    let ids: any IDGenerator
    let clock: any WallClock
    let oauth: OAuthSupport
    /// Published after a connection is created or deleted, or its handle or tool policy changes.
    public let changes = ConnectionChanges()
    /// Resolved connections of this process; `invalidate` it after any write to a connection made outside this service.
    public let cache: ConnectionCache
    let ledger: CallLedger

    /// Creates the service; `cache` is this process's (a PostgreSQL process passes one its change listener invalidates).
    public init(store: any Store, keyRing: KeyRing, catalog: LiveCatalog, runtime: ToolRuntime, ids: any IDGenerator, clock: any WallClock,
                oauth: OAuthOptions = OAuthOptions(), cache: ConnectionCache = ConnectionCache()) {
        self.store = store; self.keyRing = keyRing; self.catalogs = catalog; self.runtime = runtime; self.ids = ids; self.clock = clock
        self.cache = cache; self.ledger = CallLedger(store: store)
        self.oauth = OAuthSupport(options: oauth, client: OAuthClient(transport: runtime.httpTransport),
                                  owner: "oauth_" + Base32.encode(ids.randomBytes(10)))
    }

    /// Creates the service over a fixed catalog.
    public init(store: any Store, keyRing: KeyRing, catalog: Catalog, runtime: ToolRuntime, ids: any IDGenerator, clock: any WallClock,
                oauth: OAuthOptions = OAuthOptions()) {
        self.init(store: store, keyRing: keyRing, catalog: LiveCatalog(catalog), runtime: runtime, ids: ids, clock: clock, oauth: oauth)
    }

    /// The connector of a connection-capable key, or a validation error naming `connector`.
    func manifest(_ key: String) throws -> ConnectorManifest {
        guard let manifest = catalog.connector(key) else { throw SpojkaError.validation([("connector", "no connector has the key \(key)")]) }
        if manifest.isUtility {
            throw SpojkaError(.utilityConnector, "\(manifest.name) is a utility connector and needs no connection")
        }
        return manifest
    }

    /// The connector as `connection` sees it: for a connector with discovery, the tools it discovered.
    public func toolSet(of connection: Connection) throws -> ConnectorManifest {
        try manifest(connection.connector).toolSet(for: connection)
    }

    /// Checks credentials and settings against the connector's schemas, naming each failing field.
    func validate(_ manifest: ConnectorManifest, credentials: [String: Secret]?, settings: JSONValue?) throws {
        var problems: [(path: String, message: String)] = []
        if let credentials, let fields = manifest.auth.fields {
            let value = JSONValue.object(credentials.mapValues { .string($0.reveal()) })
            problems += try JSONSchema(fields).validate(value).map { ("credentials" + $0.instancePath.replacingOccurrences(of: "/", with: "."), Self.safe($0)) }
        }
        if let settings {
            let schema = manifest.settings ?? ["type": "object", "maxProperties": 0]
            problems += try JSONSchema(schema).validate(settings).map { ("settings" + $0.instancePath.replacingOccurrences(of: "/", with: "."), $0.message) }
        }
        if !problems.isEmpty { throw SpojkaError.validation(problems) }
    }

    /// A schema message that never repeats the (secret) value.
    static func safe(_ error: JSONSchemaError) -> String {
        switch error.keyword {
        case "required", "additionalProperties", "type", "minLength", "maxLength", "pattern", "format", "enum", "const":
            return "fails the \(error.keyword) rule" + (error.keyword == "required" ? ": \(error.message)" : "")
        default: return "is invalid (\(error.keyword))"
        }
    }

    /// Runs the connector's verification with these credentials, through the tool runtime.
    public func verification(_ manifest: ConnectorManifest, credentials: [String: Secret], settings: JSONValue, serviceURL: String?) async -> Verification {
        guard let verify = manifest.verify else { return Verification(status: .active, reason: nil, account: nil) }
        var connector = manifest
        var toolName = verify.tool ?? ""
        if verify.tool == nil, let request = verify.request {
            toolName = "__verify"
            connector.tools.append(ToolSpec(name: toolName, title: "Verify", description: "Verification request", inputSchema: ["type": "object"],
                                            outputSchema: true, annotations: nil, request: request, implementation: nil, examples: nil))
        }
        let call = ToolCall(connector: connector, tool: toolName, arguments: verify.arguments ?? .object([:]),
                            credentials: credentials, settings: settings, serviceURL: serviceURL)
        let scrub = Scrubber(Array(credentials.values), injected: runtime.injectedValues(call))
        do {
            let output = try await runtime.call(call)
            let account = try verify.account.map { try JMESPathExpression($0).search(output) }
            let tools = try manifest.discovery.map { DiscoveredTools.normalize(scrub.value(try JMESPathExpression($0.tools).search(output))) }
            return Verification(status: .active, reason: nil, account: account.map(scrub.value), tools: tools)
        } catch let error as ToolError {
            return Verification(status: error.code == .authRejected ? .reauthorize : .error, reason: scrub.text(error.message), account: nil)
        } catch {
            return Verification(status: .error, reason: "verification could not run", account: nil)
        }
    }
}
