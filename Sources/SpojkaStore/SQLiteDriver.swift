import SpojkaCore
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// SQLite in WAL mode: one writer connection guarded by an asynchronous lock, plus read-only connections for reads
/// (WAL lets readers run beside the writer and see only committed data); each on a thread of its own
/// (``SQLiteThreadConnection``), so a transaction or a read costs one thread hand-off, not one per statement.
///
/// SQLite allows one writer at a time; serialising here keeps `BEGIN IMMEDIATE` from ever
/// meeting `SQLITE_BUSY` inside one process.
public final class SQLiteDriver: SQLDriver {
    /// Always `.sqlite`.
    public let dialect = SQLDialect.sqlite
    private let writer: SQLiteThreadConnection
    private let lock = AsyncLock()
    private let readers: [(SQLiteThreadConnection, AsyncLock)]
    private let nextReader = Atomic<Int>(0)

    private init(writer: SQLiteThreadConnection, readers: [SQLiteThreadConnection]) {
        self.writer = writer
        self.readers = readers.map { ($0, AsyncLock()) }
    }

    /// Opens (creating when missing) the database file at `path` with `readers` read connections,
    /// or an in-memory one for `nil` (which cannot share data between connections, so it has none).
    /// `logger` is kept for callers; the connections log nothing.
    public static func open(path: String?, readers: Int = 2, logger: Logger) async throws -> SQLiteDriver {
        let writer = try await SQLiteThreadConnection.open(path: path)
        var readConnections: [SQLiteThreadConnection] = []
        do {
            let executor = SQLiteThreadExecutor(connection: writer)
            // synchronous=FULL: every COMMIT syncs the WAL before it returns, so an acknowledged write survives a crash.
            for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000"] {
                try await executor.execute(pragma)
            }
            if let path {
                for _ in 0..<readers {
                    let reader = try await SQLiteThreadConnection.open(path: path)
                    readConnections.append(reader)
                    for pragma in ["PRAGMA query_only=ON", "PRAGMA busy_timeout=10000"] { try await SQLiteThreadExecutor(connection: reader).execute(pragma) }
                }
            }
            return SQLiteDriver(writer: writer, readers: readConnections)
        } catch {
            for reader in readConnections { await reader.close() }
            await writer.close()
            throw error
        }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` on the writer's thread (no hand-off per statement).
    public func transaction<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let executor = SQLiteThreadExecutor(connection: writer)
        return try await withTaskExecutorPreference(writer) {
            try await lock.withLock { try await executor.inTransaction(begin: "BEGIN IMMEDIATE", body) }
        }
    }

    /// Runs `body` on a read-only connection (or the writer when there is none).
    public func withConnection<T: Sendable>(_ body: @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        guard !readers.isEmpty else {
            let executor = SQLiteThreadExecutor(connection: writer)
            return try await withTaskExecutorPreference(writer) { try await lock.withLock { try await body(executor) } }
        }
        let index = nextReader.add(1, ordering: .relaxed).oldValue % readers.count
        let (reader, readerLock) = readers[abs(index)]
        return try await withTaskExecutorPreference(reader) { try await readerLock.withLock { try await body(SQLiteThreadExecutor(connection: reader)) } }
    }

    /// Closes every connection.
    public func shutdown() async {
        for (reader, _) in readers { await reader.close() }
        await writer.close()
    }
}
