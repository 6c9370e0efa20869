import Foundation
import Logging
import SpojkaCore
import SpojkaStore

/// The databases a contract test runs against.
public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A fresh SQLite file in a temporary directory.
    case sqlite
    /// A fresh database on the PostgreSQL of `SPOJKA_TEST_DATABASE_URL`.
    case postgres

    /// The name.
    public var description: String { rawValue }
}

/// Makes fresh, migrated databases for tests.
public enum TestDatabase {
    /// The PostgreSQL server URL for tests, if configured.
    public static var postgresURL: String? { ProcessInfo.processInfo.environment["SPOJKA_TEST_DATABASE_URL"] }

    /// Whether tests must fail (rather than skip) when PostgreSQL is not configured.
    public static var requirePostgres: Bool { ProcessInfo.processInfo.environment["SPOJKA_REQUIRE_POSTGRES"] == "1" }

    /// Whether `backend` can run here; PostgreSQL is skipped only when not required.
    public static func isAvailable(_ backend: Backend) -> Bool {
        backend == .sqlite || postgresURL != nil || requirePostgres
    }

    /// A temporary directory removed by the caller.
    public static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "spojka-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Runs `body` with a fresh database of `backend` migrated with `migrations` (all by default), cleaning up after.
    public static func withDriver<T: Sendable>(_ backend: Backend, migrations: [Migration] = Migrations.all,
                                               _ body: @Sendable (any SQLDriver) async throws -> T) async throws -> T {
        let logger = Logger(label: "spojka-test")
        switch backend {
        case .sqlite:
            let dir = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let driver = try await SQLiteDriver.open(path: dir + "/test.sqlite", logger: logger)
            return try await driver.shuttingDown { driver in
                try await Migrator(driver: driver, migrations: migrations).migrate()
                return try await body(driver)
            }
        case .postgres:
            let url = try await createPostgresDatabase()
            let driver = try PostgresDriver(url: url, logger: logger)
            return try await driver.whileRunning { driver in
                try await Migrator(driver: driver, migrations: migrations).migrate()
                return try await body(driver)
            }
        }
    }

    /// Creates an empty database on `server` (the test server by default) and returns its URL.
    public static func createPostgresDatabase(server: String? = postgresURL) async throws -> String {
        guard let base = server else {
            throw StoreError(.databaseFailure, "SPOJKA_TEST_DATABASE_URL is not set; run ./scripts/test")
        }
        let name = "spojka_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PostgresDriver(url: base, maxConnections: 1, logger: Logger(label: "spojka-test"))
        try await admin.whileRunning { admin in
            try await admin.withConnection { try await $0.execute("CREATE DATABASE \(name)") }
        }
        var parts = URLComponents(string: base)!
        parts.path = "/" + name
        return parts.string!
    }

    /// Drops a database made by `createPostgresDatabase` once nothing uses it any more.
    public static func dropPostgresDatabase(_ url: String) async throws {
        guard var parts = URLComponents(string: url) else { return }
        let name = String(parts.path.dropFirst())
        guard name.hasPrefix("spojka_test_"), name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return }
        parts.path = "/postgres"
        let admin = try PostgresDriver(url: parts.string!, maxConnections: 1, logger: Logger(label: "spojka-test"))
        try await admin.whileRunning { admin in
            try await admin.withConnection { try await $0.execute("DROP DATABASE IF EXISTS \(name)") }
        }
    }
}
