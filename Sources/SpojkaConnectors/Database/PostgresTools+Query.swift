import Foundation
import Logging
import NIOCore
import PostgresNIO
import SpojkaConnectorKit
import SpojkaCore

extension PostgresTools {
    /// Connects with the connection's settings and password, runs one statement with bound values, and closes.
    func query(_ call: ToolInvocation, _ sql: String, _ parameters: [JSONValue]) async throws -> [[String: JSONValue]] {
        let settings = call.settings
        let host = settings["host"]?.stringValue ?? "localhost"
        // Connect to the address the policy checked, never to the name again (DNS rebinding); TLS still verifies the name.
        let address = try await destinations.connectAddress(for: host)
        let port = settings["port"].flatMap { Int(exactly: $0.doubleValue ?? 0) } ?? 5432
        let tls: PostgresConnection.Configuration.TLS = settings["sslmode"]?.stringValue == "require"
            ? .require(try .init(configuration: .clientDefault)) : (settings["sslmode"]?.stringValue == "disable" ? .disable : .prefer(try .init(configuration: .clientDefault)))
        var configuration = PostgresConnection.Configuration(host: address, port: port, username: settings["user"]?.stringValue ?? "postgres",
                                                             password: call.credentials["password"]?.reveal(),
                                                             database: settings["database"]?.stringValue, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        if address != host { configuration.options.tlsServerName = host }
        let logger = Logger(label: "spojka.postgresql", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw Self.classify(error, connecting: true)
        }
        do {
            _ = try await connection.query("SET statement_timeout = '30s'", logger: logger)
            var binds = PostgresBindings(capacity: parameters.count)
            for value in parameters { Self.bind(value, into: &binds) }
            var rows: [[String: JSONValue]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
                guard rows.count <= Self.maxRows else { continue }
                var out: [String: JSONValue] = [:]
                for cell in row { out[cell.columnName] = Self.value(cell) }
                rows.append(out)
            }
            try? await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw Self.classify(error, connecting: false)
        }
    }

    static func bind(_ value: JSONValue, into binds: inout PostgresBindings) {
        switch value {
        case .null: binds.appendNull()
        case .bool(let b): binds.append(b)
        case .int(let i): binds.append(Int64(i))
        case .double(let d): binds.append(d)
        case .string(let s): binds.append(s)
        case .array, .object: binds.append(UntypedText(text: CompactJSON.text(value)))
        }
    }

    static func value(_ cell: PostgresCell) -> JSONValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return (try? cell.decode(Int.self)).map(JSONValue.int) ?? .null
        case .float4, .float8: return (try? cell.decode(Double.self)).map(JSONValue.double) ?? .null
        case .bool: return (try? cell.decode(Bool.self)).map(JSONValue.bool) ?? .null
        case .json, .jsonb:
            // JSON nested deeper than the input limit stays text (json.parse then names the limit).
            guard let text = try? cell.decode(String.self) else { return .null }
            return (try? JSONValue(parsingText: text)) ?? .string(text)
        case .timestamp, .timestamptz, .date:
            return (try? cell.decode(Date.self)).map { .string($0.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))) } ?? .null
        case .uuid: return (try? cell.decode(UUID.self)).map { .string($0.uuidString.lowercased()) } ?? .null
        default: return (try? cell.decode(String.self)).map(JSONValue.string) ?? .string("<\(cell.dataType)>")
        }
    }

    /// Rejected login → `auth_rejected`; unreachable or server failure → `service_unavailable`; SQL errors → `tool_error`.
    static func classify(_ error: any Error, connecting: Bool) -> ToolError {
        if let tool = error as? ToolError { return tool }
        if let psql = error as? PSQLError, let info = psql.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "the database refused the statement"
            if state.hasPrefix("28") { return ToolError(.authRejected, "The database rejected the login: \(message)") }
            if state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53") { return ToolError(.serviceUnavailable, "The database is unavailable: \(message)") }
            return ToolError(.toolError, message, details: ["sqlState": .string(state)])
        }
        if connecting { return ToolError(.serviceUnavailable, "The database could not be reached") }
        return ToolError(.serviceUnavailable, "The database connection failed")
    }
}

/// Text sent with no declared type (OID 0), so PostgreSQL infers it from the column: JSON values land in json/jsonb columns.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    var psqlType: PostgresDataType { PostgresDataType(0) }
    var psqlFormat: PostgresFormat { .text }

    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}
