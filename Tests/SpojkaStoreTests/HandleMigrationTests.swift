import Foundation
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

/// `0008_connection_handles_and_token_scopes` on a database written by the previous version, on both backends.
@Suite("Migration: connection handles, tool policies and token scopes")
struct HandleMigrationTests {
    @Test(arguments: Backend.allCases.filter(TestDatabase.isAvailable))
    func existingConnectionsGetUniqueHandlesAndTokensStayFull(_ backend: Backend) async throws {
        let before = Migrations.all.prefix { $0.name != "0008_connection_handles_and_token_scopes" }
        try await TestDatabase.withDriver(backend, migrations: Array(before)) { driver in
            try await driver.transaction { db in
                try await db.execute("INSERT INTO workspaces (id, name, created_at) VALUES ('ws_a', 'A', 0)")
                try await db.execute("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ('usr_o', 'o@example.com', 'O', 'h', 0)")
                try await db.execute("INSERT INTO api_tokens (id, user_id, name, hash, created_at) VALUES ('tok_1', 'usr_o', 'setup', 'th', 0)")
                for id in ["conn_aaaaaaaaaaaaaaaaaaaaaaaaaa", "conn_bbbbbbbbbbbbbbbbbbbbbbbbbb"] {
                    try await db.execute("""
                        INSERT INTO connections (id, workspace_id, connector, connector_version, name, settings, environment, status,
                          owner_id, credential_fields, created_at, updated_at)
                        VALUES (?, 'ws_a', 'slack', '1.0.0', 'Same name', '{}', 'production', 'active', 'usr_o', '[]', 0, 0)
                        """, [.text(id)])
                }
            }
            #expect(try await Migrator(driver: driver).migrate().contains("0008_connection_handles_and_token_scopes"))
            let store = SQLStore(driver: driver)
            let connections = try await store.read { try await $0.connections(in: ID(rawValue: "ws_a"), ConnectionQuery()) }
            #expect(connections.map(\.handle).sorted() == ["conn-aaaaaaaaaa", "conn-bbbbbbbbbb"])
            #expect(connections.allSatisfy { ConnectionHandle.isValid($0.handle) && $0.toolPolicy == nil })
            let token = try #require(try await store.read { try await $0.token(hash: "th") })
            #expect(token.scope == nil)
        }
    }
}
