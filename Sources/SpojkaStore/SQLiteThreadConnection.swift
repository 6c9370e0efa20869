import NIOCore
import NIOPosix
import SpojkaCore
import VaporCSQLite

/// One SQLite connection of ``SQLiteDriver`` on a thread of its own (the writer, or a reader).
///
/// A transaction or read runs with this thread as its task executor preference: the body, its statements, and for
/// the writer `COMMIT` and its `fsync`, all execute here without a thread hand-off per statement, so a group-commit
/// batch costs one hop in and one hop out. Statements are prepared once and reused.
final class SQLiteThreadConnection: TaskExecutor {
    private let group: MultiThreadedEventLoopGroup
    private let loop: any EventLoop
    /// Touched only by the holder of the connection's lock in the driver, one statement at a time.
    nonisolated(unsafe) private var db: OpaquePointer?
    nonisolated(unsafe) private var statements: [String: OpaquePointer] = [:]
    private static let maxCachedStatements = 256
    private static let initialized: Void = { _ = sqlite_nio_sqlite3_initialize() }()

    private init(group: MultiThreadedEventLoopGroup, db: OpaquePointer?) {
        self.group = group
        self.loop = group.next()
        self.db = db
    }

    /// Opens (creating when missing) the database at `path`, or a private in-memory one for `nil`.
    static func open(path: String?) async throws -> SQLiteThreadConnection {
        _ = initialized
        let connection = SQLiteThreadConnection(group: MultiThreadedEventLoopGroup(numberOfThreads: 1), db: nil)
        do {
            try await connection.loop.submit {
                let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI | SQLITE_OPEN_EXRESCODE
                let status = sqlite_nio_sqlite3_open_v2(path ?? ":memory:", &connection.db, flags, nil)
                guard status == SQLITE_OK else {
                    throw StoreError(.databaseFailure, "cannot open the SQLite database", cause: SQLiteFailure(code: status, message: "open failed"))
                }
            }.get()
            return connection
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Runs a job of a task that prefers this executor on the connection's thread.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Runs one statement; on the connection's thread at once, from anywhere else after a hop to it.
    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        if loop.inEventLoop { return try run(sql, binds) }
        return try await loop.submit { try self.run(sql, binds) }.get()
    }

    /// Finalizes every statement and closes the connection and its thread.
    func close() async {
        try? await loop.submit {
            for statement in self.statements.values { sqlite_nio_sqlite3_finalize(statement) }
            self.statements.removeAll()
            sqlite_nio_sqlite3_close(self.db)
            self.db = nil
        }.get()
        try? await group.shutdownGracefully()
    }

    private func run(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            let position = Int32(index + 1)
            let status: Int32 = switch value {
            case .null: sqlite_nio_sqlite3_bind_null(statement, position)
            case .int(let i): sqlite_nio_sqlite3_bind_int64(statement, position, i)
            case .double(let d): sqlite_nio_sqlite3_bind_double(statement, position, d)
            case .text(let s): sqlite_nio_sqlite3_bind_text64(statement, position, s, UInt64(s.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
            }
            guard status == SQLITE_OK else { throw failure(status) }
        }
        var rows: [SQLRow] = []
        let columns = sqlite_nio_sqlite3_column_count(statement)
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw failure(status) }
            var row = SQLRow(minimumCapacity: Int(columns))
            for column in 0..<columns {
                guard let name = sqlite_nio_sqlite3_column_name(statement, column) else { continue }
                row[String(cString: name)] = Self.value(statement, column)
            }
            rows.append(row)
        }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.maxCachedStatements {
            for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
            statements.removeAll()
        }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        statements[sql] = statement
        return statement
    }

    private static func value(_ statement: OpaquePointer, _ column: Int32) -> SQLValue {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .int(sqlite_nio_sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: return .double(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT, SQLITE_BLOB:
            guard let bytes = sqlite_nio_sqlite3_column_blob(statement, column) else { return .text("") }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self))
        default: return .null
        }
    }

    private func failure(_ status: Int32) -> StoreError {
        let code = sqlite_nio_sqlite3_extended_errcode(db)
        let message = sqlite_nio_sqlite3_errmsg(db).map { String(cString: $0) } ?? "SQLite error \(status)"
        let cause = SQLiteFailure(code: code, message: message)
        if code == Self.constraintUnique || code == Self.constraintPrimaryKey || message.contains("UNIQUE") {
            return StoreError(.uniqueViolation, "a unique value is already taken", cause: cause)
        }
        return StoreError(.databaseFailure, "the SQLite statement failed", cause: cause)
    }

    /// `SQLITE_CONSTRAINT_UNIQUE` and `SQLITE_CONSTRAINT_PRIMARYKEY` (macros Swift does not import).
    private static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    private static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// An error of the SQLite library: its extended result code and message.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// Runs statements on one connection.
struct SQLiteThreadExecutor: SQLExecutor {
    let connection: SQLiteThreadConnection
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await connection.query(sql, binds)
    }
}
