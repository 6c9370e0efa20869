import SpojkaCore
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import Synchronization

/// SQLite in WAL mode: one writer connection on a thread of its own (``SQLiteWriter``) guarded by an asynchronous
/// lock, plus read-only connections for reads (WAL lets readers run beside the writer and see only committed data).
///
/// SQLite allows one writer at a time; serialising here keeps `BEGIN IMMEDIATE` from ever
/// meeting `SQLITE_BUSY` inside one process.
public final class SQLiteDriver: SQLDriver {
    /// Always `.sqlite`.
    public let dialect = SQLDialect.sqlite
    private let writer: SQLiteWriter
    private let lock = AsyncLock()
    private let readers: [(SQLiteConnection, AsyncLock)]
    private let nextReader = Atomic<Int>(0)

    private init(writer: SQLiteWriter, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers.map { ($0, AsyncLock()) }
    }

    /// Opens (creating when missing) the database file at `path` with `readers` read connections,
    /// or an in-memory one for `nil` (which cannot share data between connections, so it has none).
    public static func open(path: String?, readers: Int = 2, logger: Logger) async throws -> SQLiteDriver {
        let writer = try await SQLiteWriter.open(path: path)
        do {
            let executor = SQLiteWriterExecutor(writer: writer)
            // synchronous=FULL: every COMMIT syncs the WAL before it returns, so an acknowledged write survives a crash.
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000"] {
                try await executor.execute(pragma)
            }
            var readConnections: [SQLiteConnection] = []
            if let path {
                for _ in 0..<readers {
                    readConnections.append(try await connect(.file(path: path), logger: logger, pragmas: ["PRAGMA query_only=ON", "PRAGMA busy_timeout=10000"]))
                }
            }
            return SQLiteDriver(writer: writer, readers: readConnections)
        } catch {
            await writer.close()
            throw error
        }
    }

    private static func connect(_ storage: SQLiteConnection.Storage, logger: Logger, pragmas: [String]) async throws -> SQLiteConnection {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw StoreError(.databaseFailure, "cannot open the SQLite database", cause: error)
        }
        for pragma in pragmas { try await SQLiteExecutor(connection: connection).execute(pragma) }
        return connection
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` on the writer's thread (no hand-off per statement).
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let executor = SQLiteWriterExecutor(writer: writer)
        return try await withTaskExecutorPreference(writer) {
            try await lock.withLock {
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
    }

    /// Runs `body` on a read-only connection (or the writer when there is none).
    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        guard !readers.isEmpty else {
            let executor = SQLiteWriterExecutor(writer: writer)
            return try await withTaskExecutorPreference(writer) { try await lock.withLock { try await body(executor) } }
        }
        let index = nextReader.add(1, ordering: .relaxed).oldValue % readers.count
        let (reader, readerLock) = readers[abs(index)]
        return try await readerLock.withLock { try await body(SQLiteExecutor(connection: reader)) }
    }

    /// Closes every connection.
    public func shutdown() async {
        for (reader, _) in readers { try? await reader.close() }
        await writer.close()
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
