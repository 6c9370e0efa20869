import Foundation
import SpojkaCore

/// The one store implementation: portable SQL over any `SQLDriver` (SQLite or PostgreSQL).
public final class SQLStore: Store {
    /// The driver underneath.
    public let driver: any SQLDriver

    /// Wraps a driver.
    public init(driver: any SQLDriver) { self.driver = driver }

    /// Runs `body` in one database transaction.
    public func transaction<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await driver.transaction { try await body(SQLStoreTransaction(db: $0)) }
    }

    /// Runs `body` on one connection without an explicit transaction.
    public func read<T: Sendable>(_ body: @Sendable (any StoreTransaction) async throws -> T) async throws -> T {
        try await driver.withConnection { try await body(SQLStoreTransaction(db: $0)) }
    }

    /// Whether the database answers and every migration is applied.
    public func isReady() async -> Bool {
        (try? await Migrator(driver: driver).isCurrent()) ?? false
    }
}

/// The stores of `SpojkaCore`, bound to one connection.
struct SQLStoreTransaction: StoreTransaction {
    let db: any SQLExecutor
}

extension SQLValue {
    /// A timestamp as milliseconds.
    static func date(_ date: Date) -> SQLValue { .int(date.millis) }
    /// An optional timestamp.
    static func date(_ date: Date?) -> SQLValue { date.map { .int($0.millis) } ?? .null }
    /// Optional text.
    static func text(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
}

extension SQLRow {
    /// The timestamp in `column`.
    func date(_ column: String) throws -> Date { Date(millis: try int(column)) }
    /// The optional timestamp in `column`.
    func optionalDate(_ column: String) -> Date? { self[column]?.int.map { Date(millis: $0) } }
}

/// JSON text of stored values: sorted keys, so stored text is stable. Both directions are linear in the size of the
/// value and free of recursion, so no stored value can make a read slow or fail for its nesting.
/// Optional `Codable` values stored as JSON text (`NULL` for `nil`).
enum StoredCodable {
    static func text<T: Encodable>(_ value: T?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    static func value<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw StoreError(.corruptRow, "stored \(T.self) is not readable")
        }
    }
}

enum StoredJSON {
    /// The deepest nesting read back from the database; inputs are limited far below (`JSONValue.maxInputDepth`).
    static let maxDepth = 4096

    static func text(_ value: JSONValue) -> String { value.jsonText }

    static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try JSONValue(parsingText: text, maxDepth: maxDepth)
    }

    /// A stored value for display: one that cannot be read becomes a placeholder saying so, so that one bad record
    /// never breaks a list or a page.
    static func readable(_ text: String) -> JSONValue {
        do { return try parse(text) } catch {
            return ["unreadable": .string("This stored value could not be read (\(error.message))")]
        }
    }
}
