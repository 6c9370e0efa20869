import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
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
    /// Reloads of the connector folder on demand (tests); SIGHUP does the same for a server with a folder.
    public var reloads: ReloadTrigger?

    /// The production defaults.
    public init() {}
}

/// The parts of a Spojka process that `serve` and `worker` share.
struct Composition {
    let services: APIServices
    let registry: PrometheusCollectorRegistry
    let metrics: PrometheusMetricsFactory
    /// The database pool (PostgreSQL), the closers, the run engine and the OAuth refresher, in start order.
    let background: [any Service]

    /// Opens the database (after the start-up checks), the key ring, the catalog and the outbound transport.
    static func make(config: ServerConfig, logger: Logger, dependencies: Dependencies) async throws -> Composition {
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
        let builtins = try loadCatalog()
        let catalog = LiveCatalog(ConnectorFolder.snapshot(builtins: builtins, directory: config.connectorsDirectory))
        let policy = NetworkPolicy(allowPrivateNetwork: config.allowPrivateNetwork)
        let transport = PolicyHTTPTransport(policy: policy, connectTimeout: .milliseconds(Int64(config.httpConnectTimeout * 1000)))
        let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations(destinations: policy, transport: transport),
                                  retry: RetryPolicy(attempts: config.httpAttempts))
        var oauth = OAuthOptions()
        oauth.publicURL = config.resolvedPublicURL
        oauth.refreshMargin = config.oauthRefreshMargin
        oauth.refreshTick = .milliseconds(Int64(config.oauthRefreshTick * 1000))
        oauth.returnURL = config.oauthReturnURL
        let services = APIServices(store: store, keyRing: keyRing, ids: dependencies.ids, clock: dependencies.clock,
                                   passwords: PasswordHasher(logN: config.passwordCost),
                                   publicURL: config.resolvedPublicURL, bodyLimit: config.bodyLimit, catalog: catalog, runtime: runtime,
                                   logger: logger, engineOptions: engineOptions(config), durable: config.durableRuns, oauth: oauth,
                                   // On PostgreSQL the cache is used only while its change listener listens.
                                   connectionCache: ConnectionCache(enabled: !(driver is PostgresDriver)))
        // Services stop in reverse order: the engine first, then the transport and the database.
        var background: [any Service] = []
        if let postgres = driver as? PostgresDriver { background.append(postgres) }
        background += [DriverCloser(driver: driver),
                       ConnectionCacheService(connections: services.connections, postgres: driver as? PostgresDriver, logger: logger),
                       TransportCloser(transport: transport), services.engine,
                       OAuthRefresher(connections: services.connections),
                       CatalogReloader(live: catalog, builtins: builtins, directory: config.connectorsDirectory, store: store,
                                       connections: services.connections, trigger: dependencies.reloads, logger: logger)]
        return Composition(services: services, registry: registry, metrics: metrics, background: background)
    }

    static func engineOptions(_ config: ServerConfig) -> RunEngine.Options {
        var options = RunEngine.Options()
        options.lease = .milliseconds(Int64(config.runLeaseSeconds * 1000))
        options.tick = .milliseconds(Int64(config.engineTickSeconds * 1000))
        options.claimsQueue = config.executesRuns
        options.maxConcurrentRuns = config.maxConcurrentRuns
        options.maxRunsPerWorkspace = config.workspaceMaxRuns
        options.maxQueueDepth = config.queueMaxDepth
        return options
    }

    /// The Prometheus text, with the run queue's depth and age (cluster-wide, as of the engine's last tick).
    func metricsText() -> String {
        let (depth, age) = services.engine.queueDepth
        registry.makeGauge(name: "spojka_run_queue_depth", help: "Runs queued and not yet claimed by any process").set(Int64(depth))
        registry.makeGauge(name: "spojka_run_queue_age_seconds", help: "How long the oldest queued run has waited").set(age)
        return registry.emitToString()
    }
}

/// The composition root: picks the concrete store, key ring and router for `config`.
///
/// For PostgreSQL, start-up checks run on a temporary pool; the serving pool is a service of the app.
public func buildApplication(config: ServerConfig, logger: Logger, dependencies: Dependencies = Dependencies()) async throws -> SpojkaApplication {
    let composition = try await Composition.make(config: config, logger: logger, dependencies: dependencies)
    let services = composition.services
    let built = SpojkaAPI.buildRouter(services: services, metrics: composition.metrics, metricsText: { composition.metricsText() })
    // Agents: `/mcp` (Streamable HTTP) over the same tool-call path, authenticated by scoped API tokens.
    let mcp = MCPEndpoint(deps: MCPDependencies(
        store: services.store, catalog: services.catalogs, connections: services.connections, ids: dependencies.ids, clock: dependencies.clock,
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
    app.addServices(composition.background)
    return app
}

/// `spojka worker`: the same process without the HTTP listener (and without the API): it claims and executes queued
/// runs, renews their leases, fires schedules, expires approvals and refreshes OAuth tokens. Stops on SIGTERM or SIGINT.
public func buildWorker(config: ServerConfig, logger: Logger, dependencies: Dependencies = Dependencies()) async throws -> SpojkaWorker {
    var config = config
    config.executesRuns = true
    let composition = try await Composition.make(config: config, logger: logger, dependencies: dependencies)
    return SpojkaWorker(group: ServiceGroup(configuration: .init(services: composition.background, gracefulShutdownSignals: [.sigterm, .sigint],
                                                                 logger: logger)))
}

/// A worker process's services.
public struct SpojkaWorker: Sendable {
    let group: ServiceGroup
    /// Runs until SIGTERM or SIGINT (graceful: executing runs stay `running` and another process resumes them).
    public func run() async throws { try await group.run() }
}

/// The shipped connectors; a broken manifest stops the start with every issue listed.
public func loadCatalog() throws -> Catalog {
    guard let directory = BuiltinConnectors.manifestsDirectory else { throw ConfigError("the connector manifests are missing from the build") }
    return try Catalog.load(directory: directory, implementations: BuiltinConnectors.implementationNames)
}
