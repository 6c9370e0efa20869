import SpojkaCore
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// SQLite in WAL mode through one connection guarded by an asynchronous lock.
///
/// SQLite allows one writer at a time; serialising here keeps `BEGIN IMMEDIATE` from ever
/// meeting `SQLITE_BUSY` inside one process.
public final class SQLiteDriver: SQLDriver {
    /// Always `.sqlite`.
    public let dialect = SQLDialect.sqlite
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    private init(connection: SQLiteConnection) { self.connection = connection }

    /// Opens (creating when missing) the database file at `path`, or an in-memory one for `nil`.
    public static func open(path: String?, logger: Logger) async throws -> SQLiteDriver {
        let storage: SQLiteConnection.Storage = path.map { .file(path: $0) } ?? .memory
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw StoreError(.databaseFailure, "cannot open the SQLite database", cause: error)
        }
        let driver = SQLiteDriver(connection: connection)
        let executor = SQLiteExecutor(connection: connection)
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000"] {
            try await executor.execute(pragma)
        }
        return driver
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`.
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let executor = SQLiteExecutor(connection: connection)
        return try await lock.withLock {
            try await executor.execute("BEGIN IMMEDIATE")
            do {
                let result = try await body(executor)
                try await executor.execute("COMMIT")
                return result
            } catch {
                try? await executor.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs `body` while holding the connection.
    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let executor = SQLiteExecutor(connection: connection)
        return try await lock.withLock { try await body(executor) }
    }

    /// Closes the connection.
    public func shutdown() async {
        try? await connection.close()
    }
}

/// Runs statements on one SQLite connection.
struct SQLiteExecutor: SQLExecutor {
    let connection: SQLiteConnection
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let data = binds.map { value -> SQLiteData in
            switch value {
            case .null: .null
            case .int(let i): .integer(SQLiteInt64(i))
            case .double(let d): .float(d)
            case .text(let s): .text(s)
            }
        }
        do {
            let rows = try await connection.query(sql, data)
            return rows.map { row in
                var out = SQLRow(minimumCapacity: row.columns.count)
                for column in row.columns { out[column.name] = Self.value(column.data) }
                return out
            }
        } catch let error as SQLiteError {
            if error.reason == .constraintUniqueFailed || error.reason == .constraintPrimaryKeyFailed || error.message.contains("UNIQUE") {
                throw StoreError(.uniqueViolation, "a unique value is already taken", cause: error)
            }
            throw StoreError(.databaseFailure, "the SQLite statement failed", cause: error)
        }
    }

    private static func value(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .null: .null
        case .integer(let i): .int(Int64(i))
        case .float(let d): .double(d)
        case .text(let s): .text(s)
        case .blob(let buffer): .text(String(buffer: buffer))
        }
    }
}
