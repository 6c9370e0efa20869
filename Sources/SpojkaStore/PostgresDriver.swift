import SpojkaCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// PostgreSQL through a `PostgresClient` pool; its `run()` must be part of the service group.
public final class PostgresDriver: SQLDriver, Service {
    /// Always `.postgres`.
    public let dialect = SQLDialect.postgres
    let client: PostgresClient
    private let logger: Logger
    /// Opens when `run()` starts: connections are leased only from a running pool (no "run() hasn't been called" warning).
    private let started = Promise<Void>()

    /// Parses a `postgres://user:password@host:port/database` URL into a pool.
    public init(url: String, maxConnections: Int = 20, logger: Logger) throws {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
              let host = parts.host, let user = parts.user else {
            throw StoreError(.databaseFailure, "SPOJKA_DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let tlsMode = parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS = tlsMode == "disable" ? .disable : .prefer(.makeClientConfiguration())
        var configuration = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password,
            database: String(parts.path.dropFirst()).nonEmpty, tls: tls)
        configuration.options.maximumConnections = maxConnections
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    /// Keeps the connection pool running until the service group stops.
    public func run() async throws {
        started.fulfil(())
        await client.run()
    }

    /// Runs the pool only for the duration of `body` (start-up checks, operator commands, tests).
    public func whileRunning<T: Sendable>(_ body: @Sendable (PostgresDriver) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }

    /// Runs `body` inside `BEGIN … COMMIT` on one pooled connection.
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await withConnection { try await $0.inTransaction(begin: "BEGIN", body) }
    }

    /// Runs `body` on one pooled connection.
    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        await started.value
        do {
            return try await client.withConnection { connection in
                try await body(PostgresExecutor(connection: connection, logger: logger))
            }
        } catch let error as PSQLError {
            throw StoreError(.databaseFailure, "the database is unreachable or refused the connection", cause: error)
        }
    }

    /// Nothing to do: the pool ends with its service.
    public func shutdown() async {}
}

/// Runs statements on one PostgreSQL connection, turning `?` placeholders into `$n`.
struct PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds {
            switch value {
            case .null: bindings.appendNull()
            case .int(let i): bindings.append(i)
            case .double(let d): bindings.append(d)
            case .text(let s): bindings.append(s)
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numberPlaceholders(sql), binds: bindings)
        do {
            var rows: [SQLRow] = []
            for try await row in try await connection.query(query, logger: logger) {
                var out = SQLRow()
                for cell in row { out[cell.columnName] = try Self.value(cell) }
                rows.append(out)
            }
            return rows
        } catch let error as PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "23505": throw StoreError(.uniqueViolation, "a unique value is already taken", cause: error)
            case "40P01", "40001": throw StoreError(.conflict, "the transaction lost to a concurrent one", cause: error)
            default: break
            }
            throw StoreError(.databaseFailure, "the PostgreSQL statement failed", cause: error)
        }
    }

    /// Rewrites `?` placeholders as `$1`, `$2`, … (statements never contain a literal `?`).
    static func numberPlaceholders(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        for ch in sql {
            if ch == "?" { n += 1; out += "$\(n)" } else { out.append(ch) }
        }
        return out
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }
}

extension String {
    /// `nil` for the empty string.
    var nonEmpty: String? { isEmpty ? nil : self }
}
