import SpojkaCore

/// A value bound to or read from a SQL statement; the common subset of SQLite and PostgreSQL.
public enum SQLValue: Sendable, Hashable {
    /// SQL `NULL`.
    case null
    /// A 64-bit integer (`BIGINT`).
    case int(Int64)
    /// A double (`DOUBLE PRECISION`).
    case double(Double)
    /// Text (`TEXT`).
    case text(String)

    /// The text, or `nil`.
    public var text: String? { if case .text(let s) = self { return s }; return nil }
    /// The integer, or `nil`.
    public var int: Int64? { if case .int(let i) = self { return i }; return nil }
}

/// One result row: column name to value.
public typealias SQLRow = [String: SQLValue]

/// The SQL dialect of a database.
public enum SQLDialect: String, Sendable {
    /// Embedded SQLite.
    case sqlite
    /// PostgreSQL.
    case postgres
}

/// A connection (inside a transaction or not) that runs parameterised statements.
///
/// Statements use `?` placeholders; drivers translate them for their dialect.
public protocol SQLExecutor: Sendable {
    /// The dialect of the connection.
    var dialect: SQLDialect { get }
    /// Runs one statement with bound values and returns its rows.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow]
}

/// A database driver: hands out connections and transactions.
public protocol SQLDriver: Sendable {
    /// The dialect of the database.
    var dialect: SQLDialect { get }
    /// Runs `body` inside `BEGIN … COMMIT`, rolling back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Runs `body` on a connection without a transaction (reads, or single statements).
    func withConnection<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T
    /// Closes every connection.
    func shutdown() async
}

extension SQLExecutor {
    /// Runs a statement and ignores its rows.
    public func execute(_ sql: String, _ binds: [SQLValue] = []) async throws {
        _ = try await query(sql, binds)
    }

    /// Runs `body` between `begin` and `COMMIT`, rolling back when it throws.
    func inTransaction<T: Sendable>(begin: String, _ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await execute(begin)
        do {
            let result = try await body(self)
            try await execute("COMMIT")
            return result
        } catch {
            try? await execute("ROLLBACK")
            throw error
        }
    }

    /// The first row of a query, if any.
    public func first(_ sql: String, _ binds: [SQLValue] = []) async throws -> SQLRow? {
        try await query(sql, binds).first
    }
}

extension SQLRow {
    /// The text in `column`, or throws `corrupt_row`.
    func string(_ column: String) throws -> String {
        guard let s = self[column]?.text else { throw StoreError(.corruptRow, "column \(column) is not text") }
        return s
    }

    /// The optional text in `column`.
    func optionalString(_ column: String) -> String? { self[column]?.text }

    /// The integer in `column`, or throws `corrupt_row`.
    func int(_ column: String) throws -> Int64 {
        guard let i = self[column]?.int else { throw StoreError(.corruptRow, "column \(column) is not an integer") }
        return i
    }
}

extension SQLDriver {
    /// Runs `body`, then shuts the driver down whether `body` succeeded or threw.
    public func shuttingDown<T: Sendable>(after body: @Sendable (Self) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await shutdown()
            return result
        } catch {
            await shutdown()
            throw error
        }
    }
}
