import Foundation
import Logging
import NIOCore
import PostgresNIO
import SpojkaConnectorKit
import SpojkaCore

/// The PostgreSQL connector's tools: one short-lived connection per call, bound parameters, bounded results.
public struct PostgresTools: Sendable {
    let destinations: any DestinationPolicy
    static let maxRows = 1000

    /// The implementations by name, checking every host against `destinations` first.
    public static func implementations(destinations: any DestinationPolicy) -> [String: any ToolImplementation] {
        let tools = PostgresTools(destinations: destinations)
        return [
            "postgresql.execute_query": ClosureTool { try await tools.executeQuery($0) },
            "postgresql.list_tables": ClosureTool { try await tools.listTables($0) },
            "postgresql.describe_table": ClosureTool { try await tools.describeTable($0) },
            "postgresql.insert_rows": ClosureTool { try await tools.insertRows($0) },
        ]
    }

    /// The names of the implementations (for manifest checks without a policy).
    public static let names: Set<String> = ["postgresql.execute_query", "postgresql.list_tables", "postgresql.describe_table", "postgresql.insert_rows"]

    func executeQuery(_ call: ToolInvocation) async throws -> JSONValue {
        let sql = call.arguments["sql"]?.stringValue ?? ""
        let parameters = call.arguments["parameters"]?.arrayValue ?? []
        let rows = try await query(call, sql, parameters)
        return ["rows": .array(rows.prefix(Self.maxRows).map(JSONValue.object)), "rowCount": .int(rows.count), "truncated": .bool(rows.count > Self.maxRows)]
    }

    func listTables(_ call: ToolInvocation) async throws -> JSONValue {
        let schema = call.arguments["schema"]?.stringValue ?? "public"
        let rows = try await query(call, """
            SELECT table_name AS name, table_type AS type FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name
            """, [.string(schema)])
        return ["tables": .array(rows.map(JSONValue.object))]
    }

    func describeTable(_ call: ToolInvocation) async throws -> JSONValue {
        let schema = call.arguments["schema"]?.stringValue ?? "public"
        let table = call.arguments["table"]?.stringValue ?? ""
        let rows = try await query(call, """
            SELECT column_name AS name, data_type AS type, (is_nullable = 'YES') AS nullable, column_default AS "default"
            FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position
            """, [.string(schema), .string(table)])
        guard !rows.isEmpty else { throw ToolError(.toolError, "Table \(schema).\(table) does not exist") }
        return ["table": .string(table), "schema": .string(schema), "columns": .array(rows.map(JSONValue.object))]
    }

    func insertRows(_ call: ToolInvocation) async throws -> JSONValue {
        let table = call.arguments["table"]?.stringValue ?? ""
        let schema = call.arguments["schema"]?.stringValue ?? "public"
        let rows = call.arguments["rows"]?.arrayValue?.compactMap(\.objectValue) ?? []
        let columns = Array(Set(rows.flatMap(\.keys))).sorted()
        guard !columns.isEmpty else { throw ToolError(.toolError, "rows must have at least one column") }
        var values: [JSONValue] = []
        var tuples: [String] = []
        for row in rows {
            tuples.append("(" + columns.map { column in values.append(row[column] ?? .null); return "$\(values.count)" }.joined(separator: ", ") + ")")
        }
        let sql = "INSERT INTO \(Self.quote(schema)).\(Self.quote(table)) (\(columns.map(Self.quote).joined(separator: ", "))) VALUES "
            + tuples.joined(separator: ", ")
        _ = try await query(call, sql, values)
        return ["inserted": .int(rows.count)]
    }

    /// A quoted SQL identifier (names come from arguments; they are never spliced unquoted).
    static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
