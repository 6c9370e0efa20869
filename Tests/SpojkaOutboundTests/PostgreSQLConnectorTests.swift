import Foundation
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaTestSupport
import Testing

/// The PostgreSQL connector against the real PostgreSQL that the test command starts (password auth on TCP).
@Suite("PostgreSQL connector")
struct PostgreSQLConnectorTests {
    struct Target: Sendable { let settings: JSONValue; let password: String }

    func target() async throws -> Target {
        let url = try #require(URLComponents(string: try await TestDatabase.createPostgresDatabase()))
        return Target(settings: ["host": .string(url.host ?? "127.0.0.1"), "port": .int(url.port ?? 5432),
                                 "database": .string(String(url.path.dropFirst())), "user": .string(url.user ?? "postgres"), "sslmode": "disable"],
                      password: url.password ?? "")
    }

    func call(_ tool: String, _ arguments: JSONValue, _ target: Target, password: String? = nil,
              policy: NetworkPolicy = NetworkPolicy(allowPrivateNetwork: true)) async throws -> JSONValue {
        let catalog = try Catalog.load(directory: try #require(BuiltinConnectors.manifestsDirectory), implementations: BuiltinConnectors.implementationNames)
        let transport = PolicyHTTPTransport(policy: policy)
        let runtime = ToolRuntime(transport: transport, implementations: BuiltinConnectors.implementations(destinations: policy), retry: RetryPolicy(attempts: 1))
        do {
            let output = try await runtime.call(ToolCall(connector: try #require(catalog.connector("postgresql")), tool: tool, arguments: arguments,
                                                         credentials: ["password": Secret(password ?? target.password)], settings: target.settings))
            try await transport.shutdown()
            return output
        } catch {
            try? await transport.shutdown()
            throw error
        }
    }

    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func everyToolAgainstARealDatabase() async throws {
        let db = try await target()
        _ = try await call("execute_query", ["sql": "CREATE TABLE customers (id SERIAL PRIMARY KEY, email TEXT NOT NULL, country TEXT, vip BOOLEAN DEFAULT false, meta JSONB)"], db)
        let inserted = try await call("insert_rows", ["table": "customers", "rows": [
            ["email": "a@example.com", "country": "AU", "meta": ["tier": 1]], ["email": "b@example.com", "country": "US"],
            ["email": "c@example.com'; DROP TABLE customers; --", "country": "AU"]]], db)
        #expect(inserted == ["inserted": 3])
        let au = try await call("execute_query", ["sql": "SELECT id, email, vip, meta FROM customers WHERE country = $1 ORDER BY id", "parameters": ["AU"]], db)
        #expect(au["rowCount"] == 2)
        #expect(au["rows"]?[0]?["email"] == "a@example.com" && au["rows"]?[0]?["vip"] == false && au["rows"]?[0]?["meta"] == ["tier": 1])
        #expect(au["rows"]?[1]?["email"] == "c@example.com'; DROP TABLE customers; --")
        let tables = try await call("list_tables", [:], db)
        #expect(tables["tables"] == [["name": "customers", "type": "BASE TABLE"]])
        let described = try await call("describe_table", ["table": "customers"], db)
        #expect(described["columns"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["id", "email", "country", "vip", "meta"])
        #expect(described["columns"]?[1]?["nullable"] == false)
        let verify = try await call("execute_query", ["sql": "SELECT current_user AS \"user\", current_database() AS database"], db)
        #expect(verify["rows"]?[0]?["database"] == db.settings["database"])
    }

    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func failuresAreClassified() async throws {
        let db = try await target()
        await #expect { _ = try await call("execute_query", ["sql": "SELEC 1"], db) } throws: { ($0 as? ToolError)?.code == .toolError }
        await #expect { _ = try await call("describe_table", ["table": "nope"], db) } throws: { ($0 as? ToolError)?.message.contains("does not exist") == true }
        await #expect { _ = try await call("list_tables", [:], db, password: "wrong-password") } throws: { ($0 as? ToolError)?.code == .authRejected }
        await #expect { _ = try await call("list_tables", [:], db, policy: NetworkPolicy(allowPrivateNetwork: false)) } throws: {
            ($0 as? ToolError)?.code == .blockedDestination
        }
        var closed = db.settings.objectValue ?? [:]
        closed["port"] = 9
        await #expect { _ = try await call("list_tables", [:], Target(settings: .object(closed), password: db.password)) } throws: {
            ($0 as? ToolError)?.code == .serviceUnavailable
        }
    }
}
