import Foundation
import Hummingbird
import Logging
import Prometheus
import SpojkaAPI
import SpojkaCore
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
    let services = APIServices(store: store, keyRing: keyRing, ids: dependencies.ids, clock: dependencies.clock,
                               passwords: PasswordHasher(logN: config.passwordCost),
                               publicURL: config.resolvedPublicURL, bodyLimit: config.bodyLimit)
    let built = SpojkaAPI.buildRouter(services: services, metrics: metrics,
                                      metricsText: { registry.emitToString() })
    var app = Application(
        router: built.router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "spojka"),
        onServerRunning: { channel in await dependencies.onListening(channel.localAddress?.port ?? config.port) },
        logger: logger)
    if let postgres = driver as? PostgresDriver { app.addServices(postgres) }
    app.addServices(DriverCloser(driver: driver))
    return app
}
