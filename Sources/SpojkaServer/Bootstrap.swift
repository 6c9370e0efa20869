import Foundation
import Logging
import SpojkaCore
import SpojkaSecrets
import SpojkaStore

/// Opens the database and checks the master key before anything else touches the data.
public enum Bootstrap {
    /// The outcome of a successful start-up check.
    public struct Prepared: Sendable {
        /// The verified master key.
        public let masterKey: MasterKey
        /// Whether the key file was created now (print the backup note).
        public let createdKeyFile: Bool
        /// Where the key came from.
        public let keySource: String
        /// Migrations applied now.
        public let applied: [String]
    }

    /// Opens the driver of `config`: SQLite in the data directory, or PostgreSQL.
    static func openDriver(_ config: ServerConfig, logger: Logger) async throws -> any SQLDriver {
        if let url = config.databaseURL { return try PostgresDriver(url: url, logger: logger) }
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        return try await SQLiteDriver.open(path: config.sqlitePath, logger: logger)
    }

    /// Runs `body` with a driver that is live for its duration (a temporary pool for PostgreSQL).
    public static func withDriver<T: Sendable>(_ config: ServerConfig, logger: Logger,
                                               _ body: @Sendable (any SQLDriver) async throws -> T) async throws -> T {
        let driver = try await openDriver(config, logger: logger)
        guard let postgres = driver as? PostgresDriver else {
            return try await driver.shuttingDown(after: body)
        }
        return try await postgres.whileRunning(body)
    }

    /// Checks the master key against the database, then applies migrations; changes nothing when the key is wrong.
    public static func prepare(_ config: ServerConfig, driver: any SQLDriver) async throws -> Prepared {
        try FileManager.default.createDirectory(atPath: config.dataDirectory, withIntermediateDirectories: true)
        let store = SQLStore(driver: driver)
        let expected = try await storedFingerprint(store)
        let resolved = try MasterKeyFile(path: config.keyFilePath).resolve(environment: config.masterKey, expected: expected)
        let applied = try await Migrator(driver: driver).migrate()
        if expected == nil {
            let fingerprint = resolved.key.fingerprint
            try await store.transaction { try await $0.setSetting(KeyRotator.fingerprintSetting, fingerprint) }
        }
        return Prepared(masterKey: resolved.key, createdKeyFile: resolved.created, keySource: resolved.source, applied: applied)
    }

    /// The stored master key fingerprint; `nil` for a database without the settings table yet.
    static func storedFingerprint(_ store: SQLStore) async throws -> String? {
        let hasSchema = try await store.driver.withConnection { db -> Bool in
            let sql = db.dialect == .sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
                : "SELECT table_name AS name FROM information_schema.tables WHERE table_name = 'settings' AND table_schema = current_schema()"
            return try await db.first(sql) != nil
        }
        guard hasSchema else { return nil }
        return try await store.read { try await $0.setting(KeyRotator.fingerprintSetting) }
    }
}
