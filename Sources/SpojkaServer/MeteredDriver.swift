import Metrics
import SpojkaStore

/// Wraps a driver to publish how many database connections are in use (`spojka_db_connections_in_use`).
struct MeteredDriver: SQLDriver {
    let base: any SQLDriver
    let inUse: Meter

    init(_ base: any SQLDriver, factory: any MetricsFactory) {
        self.base = base
        self.inUse = Meter(label: "spojka_db_connections_in_use", dimensions: [("dialect", base.dialect.rawValue)], factory: factory)
        inUse.set(0)
    }

    var dialect: SQLDialect { base.dialect }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await base.transaction { db in try await metered { try await body(db) } }
    }

    func withConnection<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await base.withConnection { db in try await metered { try await body(db) } }
    }

    func shutdown() async { await base.shutdown() }

    private func metered<T>(_ body: () async throws -> T) async throws -> T {
        inUse.increment()
        defer { inUse.decrement() }
        return try await body()
    }
}
