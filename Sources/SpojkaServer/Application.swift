import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import SpojkaAPI
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaConsole
import SpojkaCore
import SpojkaMCP
import SpojkaOutbound
import SpojkaRuns
import SpojkaSecrets
import SpojkaStore

/// The Spojka application type served by `spojka serve` and by the tests.
public typealias SpojkaApplication = Application<RouterResponder<SpojkaRequestContext>>

/// Injectable parts that tests replace (clock, ID generator).
public struct Dependencies: Sendable {
    /// The clock.
    public var clock: any WallClock = SystemWallClock()
    /// The ID and token generator.
    public var ids: any IDGenerator = SystemIDGenerator()
    /// Called once the server listens, with the bound port.
    public var onListening: @Sendable (Int) async -> Void = { _ in }

    /// The production defaults.
    public init() {}
}

/// The composition root: picks the concrete store, key ring and router for `config`.
///
/// For PostgreSQL, start-up checks run on a temporary pool; the serving pool is a service of the app.
public func buildApplication(config: ServerConfig, logger: Logger, dependencies: Dependencies = Dependencies()) async throws -> SpojkaApplication {
    let prepared = try await Bootstrap.withDriver(config, logger: logger) { driver in
        try await Bootstrap.prepare(config, driver: driver)
    }
    if prepared.createdKeyFile {
        logger.notice("created master key file; back it up", metadata: ["path": .string(prepared.keySource), "fingerprint": .string(prepared.masterKey.fingerprint)])
    }
    let registry = PrometheusCollectorRegistry()
    let metrics = PrometheusMetricsFactory(registry: registry)
    let driver = try await Bootstrap.openDriver(config, logger: logger)
    let store = SQLStore(driver: MeteredDriver(driver, factory: metrics))
    let keyRing = KeyRing(master: prepared.masterKey, store: store, ids: dependencies.ids, clock: dependencies.clock)
    let catalog = try loadCatalog()
    let policy = NetworkPolicy(allowPrivateNetwork: config.allowPrivateNetwork)
    let transport = PolicyHTTPTransport(policy: policy)
    let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations(destinations: policy),
                              retry: RetryPolicy(attempts: config.httpAttempts))
    var engineOptions = RunEngine.Options()
    engineOptions.lease = .milliseconds(Int64(config.runLeaseSeconds * 1000))
    engineOptions.tick = .milliseconds(Int64(config.engineTickSeconds * 1000))
    var oauth = OAuthOptions()
    oauth.publicURL = config.resolvedPublicURL
    oauth.refreshMargin = config.oauthRefreshMargin
    oauth.refreshTick = .milliseconds(Int64(config.oauthRefreshTick * 1000))
    oauth.returnURL = config.oauthReturnURL
    let services = APIServices(store: store, keyRing: keyRing, ids: dependencies.ids, clock: dependencies.clock,
                               passwords: PasswordHasher(logN: config.passwordCost),
                               publicURL: config.resolvedPublicURL, bodyLimit: config.bodyLimit, catalog: catalog, runtime: runtime,
                               logger: logger, engineOptions: engineOptions, durable: config.durableRuns, oauth: oauth,
                               // On PostgreSQL the cache is used only while its change listener listens.
                               connectionCache: ConnectionCache(enabled: !(driver is PostgresDriver)))
    let built = SpojkaAPI.buildRouter(services: services, metrics: metrics,
                                      metricsText: { registry.emitToString() })
    // Agents: `/mcp` (Streamable HTTP) over the same tool-call path, authenticated by scoped API tokens.
    let mcp = MCPEndpoint(deps: MCPDependencies(
        store: store, catalog: catalog, connections: services.connections, ids: dependencies.ids, clock: dependencies.clock,
        authenticate: { header in
            let principal = try await services.authenticate(bearer: header)
            return MCPCaller(userID: principal.user.id, tokenID: principal.tokenID, scope: principal.scope)
        }, logger: logger, bodyLimit: config.bodyLimit))
    mcp.mount(on: built.router)
    let readTimeout = TimeAmount.milliseconds(Int64(config.readTimeout * 1000))
    let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGuard(readTimeout: readTimeout)],
                                           idleTimeout: .milliseconds(Int64(config.idleTimeout * 1000)))
    // After every API route: the console sees only the requests no route matched.
    built.router.add(middleware: ConsoleMiddleware<SpojkaRequestContext>(assets: try ConsoleAssets.bundled()))
    var app = Application(
        router: built.router,
        server: .http1(configuration: http1),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "spojka",
                             availableConnectionsDelegate: MaximumAvailableConnections(config.maxConnections, logger: logger)),
        onServerRunning: { channel in await dependencies.onListening(channel.localAddress?.port ?? config.port) },
        logger: logger)
    if let postgres = driver as? PostgresDriver { app.addServices(postgres) }
    // Services stop in reverse order: the engine first, then the transport and the database.
    app.addServices(DriverCloser(driver: driver),
                    ConnectionCacheService(connections: services.connections, postgres: driver as? PostgresDriver, logger: logger),
                    TransportCloser(transport: transport), services.engine,
                    OAuthRefresher(connections: services.connections))
    return app
}

/// The shipped connectors; a broken manifest stops the start with every issue listed.
public func loadCatalog() throws -> Catalog {
    guard let directory = BuiltinConnectors.manifestsDirectory else { throw ConfigError("the connector manifests are missing from the build") }
    return try Catalog.load(directory: directory, implementations: BuiltinConnectors.implementationNames)
}
