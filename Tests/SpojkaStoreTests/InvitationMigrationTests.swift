import Foundation
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

/// `0006_workspace_invitations` on a database written by the previous version, on both backends.
@Suite("Migration: invitations become email-and-role invitations")
struct InvitationMigrationTests {
    @Test(arguments: Backend.allCases.filter(TestDatabase.isAvailable))
    func pendingAccountsStopBeingMembersAndLinksKeepWorking(_ backend: Backend) async throws {
        try await TestDatabase.withDriver(backend, migrations: Array(Migrations.all.prefix(5))) { driver in
            try await driver.transaction { db in
                try await db.execute("INSERT INTO workspaces (id, name, created_at) VALUES ('ws_a', 'A', 0), ('ws_b', 'B', 0)")
                try await db.execute("""
                    INSERT INTO users (id, email, name, password_hash, created_at) VALUES
                      ('usr_owner', 'owner@example.com', 'Owner', 'h', 0), ('usr_pending', 'vic@example.com', 'vic@example.com', NULL, 0),
                      ('usr_tokenonly', 'ops@example.com', 'Ops', NULL, 0)
                    """)
                try await db.execute("""
                    INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES
                      ('ws_a', 'usr_owner', 'owner', 0), ('ws_a', 'usr_pending', 'viewer', 0), ('ws_b', 'usr_pending', 'admin', 0),
                      ('ws_b', 'usr_tokenonly', 'owner', 0)
                    """)
                try await db.execute("INSERT INTO api_tokens (id, user_id, name, hash, created_at) VALUES ('tok_1', 'usr_tokenonly', 'setup', 'th', 0)")
                try await db.execute("INSERT INTO invitations (id, user_id, workspace_id, hash, expires_at) VALUES ('inv_1', 'usr_pending', 'ws_a', 'ih', 9999999999999)")
            }
            #expect(try await Migrator(driver: driver).migrate().first == "0006_workspace_invitations")
            let store = SQLStore(driver: driver)
            let invitation = try #require(try await store.read { try await $0.invitation(hash: "ih") })
            #expect(invitation.email == "vic@example.com" && invitation.role == .viewer && invitation.workspaceID.rawValue == "ws_a")
            #expect(try await store.read { try await $0.user(email: "vic@example.com") } == nil, "the never-used account is gone")
            #expect(try await store.read { try await $0.membership(ID(rawValue: "ws_b"), ID(rawValue: "usr_pending")) } == nil)
            #expect(try await store.read { try await $0.user(email: "ops@example.com") } != nil, "an account with a token stays")
            #expect(try await store.read { try await $0.membership(ID(rawValue: "ws_b"), ID(rawValue: "usr_tokenonly")) }?.role == .owner)
        }
    }
}
