import Foundation
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

struct Boom: Error {}

/// One contract suite, run against SQLite and a real PostgreSQL.
@Suite("Store contract")
struct StoreContractTests {
    static let backends = Backend.allCases.filter(TestDatabase.isAvailable)
    let ids = SystemIDGenerator()
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func withStore(_ backend: Backend, _ body: @Sendable (SQLStore) async throws -> Void) async throws {
        try await TestDatabase.withDriver(backend) { driver in try await body(SQLStore(driver: driver)) }
    }

    func user(_ email: String) -> User { User(id: ids.make(), email: email, name: email, createdAt: t0) }

    @Test(arguments: backends)
    func usersRoundTripAndEmailsAreUnique(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let ana = user("ana@example.com")
            try await store.transaction { try await $0.insertUser(ana, passwordHash: "scrypt$x") }
            let read = try await store.read { try await $0.user(email: "ana@example.com") }
            #expect(read == ana)
            #expect(try await store.read { try await $0.passwordHash(of: ana.id) } == "scrypt$x")
            let dup = User(id: ids.make(), email: "ana@example.com", name: "other", createdAt: t0)
            await #expect(throws: StoreError.self) { try await store.transaction { try await $0.insertUser(dup, passwordHash: nil) } }
            #expect(try await store.read { try await $0.countUsers() } == 1)
        }
    }

    @Test(arguments: backends)
    func aFailedTransactionWritesNothing(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let ana = user("ana@example.com")
            await #expect(throws: Boom.self) {
                try await store.transaction { tx in
                    try await tx.insertUser(ana, passwordHash: nil)
                    throw Boom()
                }
            }
            let gone = try await store.read { try await $0.user(ana.id) }
            #expect(gone == nil)
        }
    }

    @Test(arguments: backends)
    func workspacesMembershipsAndOwners(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let (ana, bo) = (user("ana@example.com"), user("bo@example.com"))
            let ws = Workspace(id: ids.make(), name: "Acme", createdAt: t0)
            try await store.transaction { tx in
                try await tx.insertUser(ana, passwordHash: nil)
                try await tx.insertUser(bo, passwordHash: nil)
                try await tx.insertWorkspace(ws)
                try await tx.lockWorkspace(ws.id)
                try await tx.upsertMembership(Membership(workspaceID: ws.id, userID: ana.id, role: .owner, createdAt: t0))
                try await tx.upsertMembership(Membership(workspaceID: ws.id, userID: bo.id, role: .viewer, createdAt: t0))
                try await tx.upsertMembership(Membership(workspaceID: ws.id, userID: bo.id, role: .admin, createdAt: t0))
            }
            let members = try await store.read { try await $0.members(of: ws.id) }
            #expect(members.map(\.1.email) == ["ana@example.com", "bo@example.com"])
            #expect(members.map(\.0.role) == [.owner, .admin])
            #expect(try await store.read { try await $0.countOwners(of: ws.id) } == 1)
            #expect(try await store.read { try await $0.workspaces(of: bo.id) }.map(\.1) == [.admin])
            #expect(try await store.transaction { try await $0.deleteMembership(ws.id, bo.id) } == true)
            #expect(try await store.transaction { try await $0.deleteMembership(ws.id, bo.id) } == false)
            var renamed = ws
            renamed.name = "Acme Ltd"
            try await store.transaction { [renamed] in try await $0.updateWorkspace(renamed) }
            #expect(try await store.read { try await $0.workspace(ws.id) }?.name == "Acme Ltd")
            try await store.transaction { try await $0.deleteWorkspace(ws.id) }
            #expect(try await store.read { try await $0.workspace(ws.id) } == nil)
            #expect(try await store.read { try await $0.membership(ws.id, ana.id) } == nil)
        }
    }

    @Test(arguments: backends)
    func tokensRevokeAndTouch(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let ana = user("ana@example.com")
            let token = APIToken(id: ids.make(), userID: ana.id, name: "ci", hash: "h1", createdAt: t0, expiresAt: t0.addingTimeInterval(60))
            try await store.transaction { tx in
                try await tx.insertUser(ana, passwordHash: nil)
                try await tx.insertToken(token)
            }
            #expect(try await store.read { try await $0.token(hash: "h1") } == token)
            try await store.transaction { try await $0.touchToken(token.id, at: t0.addingTimeInterval(5)) }
            #expect(try await store.read { try await $0.token(hash: "h1") }?.lastUsedAt == t0.addingTimeInterval(5))
            let other = user("bo@example.com")
            #expect(try await store.transaction { try await $0.revokeToken(token.id, of: other.id, at: t0) } == false)
            #expect(try await store.transaction { try await $0.revokeToken(token.id, of: ana.id, at: t0) } == true)
            #expect(try await store.transaction { try await $0.revokeToken(token.id, of: ana.id, at: t0) } == false)
            #expect(try await store.read { try await $0.tokens(of: ana.id) }.first?.revokedAt == t0)
        }
    }

    @Test(arguments: backends)
    func invitationsAreSingleUseAndWithdrawable(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let ana = user("ana@example.com")
            let ws = Workspace(id: ids.make(), name: "Acme", createdAt: t0)
            func invite(_ email: String, _ hash: String, minutes: Double = 10) -> Invitation {
                Invitation(id: ids.make(), workspaceID: ws.id, email: email, role: .member, invitedBy: ana.id, hash: hash,
                           createdAt: t0, expiresAt: t0.addingTimeInterval(minutes * 60))
            }
            let invitation = invite("bo@example.com", "ih"), second = invite("cy@example.com", "ih2"), lapsed = invite("di@example.com", "ih3", minutes: -1)
            let withdrawn = invite("bo@example.com", "ih4")
            try await store.transaction { tx in
                try await tx.insertUser(ana, passwordHash: nil)
                try await tx.insertWorkspace(ws)
                for i in [invitation, second, lapsed, withdrawn] { try await tx.insertInvitation(i) }
            }
            #expect(try await store.read { try await $0.invitation(hash: "ih") } == invitation)
            #expect(try await store.read { try await $0.pendingInvitations(of: ws.id, at: t0) }.count == 3)
            #expect(try await store.transaction { try await $0.revokeInvitations(of: ws.id, id: withdrawn.id, email: nil, at: t0) } == 1)
            #expect(try await store.transaction { try await $0.acceptInvitation(withdrawn.id, at: t0) } == false, "withdrawn")
            #expect(try await store.transaction { try await $0.acceptInvitation(lapsed.id, at: t0) } == false, "expired")
            #expect(try await store.transaction { try await $0.acceptInvitation(invitation.id, at: t0) } == true)
            #expect(try await store.transaction { try await $0.acceptInvitation(invitation.id, at: t0) } == false, "single use")
            #expect(try await store.transaction { try await $0.revokeInvitations(of: ws.id, id: nil, email: "cy@example.com", at: t0) } == 1)
            #expect(try await store.read { try await $0.pendingInvitations(of: ws.id, at: t0) }.isEmpty)
        }
    }

    @Test(arguments: backends)
    func auditFiltersAndPagesNewestFirst(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let ana = user("ana@example.com")
            let ws = Workspace(id: ids.make(), name: "Acme", createdAt: t0)
            let other = Workspace(id: ids.make(), name: "Other", createdAt: t0)
            try await store.transaction { tx in
                try await tx.insertUser(ana, passwordHash: nil)
                try await tx.insertWorkspace(ws)
                try await tx.upsertMembership(Membership(workspaceID: ws.id, userID: ana.id, role: .owner, createdAt: t0))
                for i in 0..<5 {
                    try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: ws.id, at: t0.addingTimeInterval(Double(i)),
                                                        actor: ana.id.rawValue, action: i % 2 == 0 ? "a.even" : "a.odd", target: nil,
                                                        details: ["i": .int(i)]))
                }
                try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: nil, at: t0.addingTimeInterval(10),
                                                    actor: ana.id.rawValue, action: "token.created", target: nil))
                try await tx.appendAudit(AuditEvent(id: ids.make(), workspaceID: other.id, at: t0, actor: "x", action: "a.even", target: nil))
            }
            let all = try await store.read { try await $0.auditEvents(of: ws.id, AuditQuery()) }
            #expect(all.map(\.action) == ["token.created", "a.even", "a.odd", "a.even", "a.odd", "a.even"])
            #expect(all[1].details == ["i": .int(4)])
            let even = try await store.read { try await $0.auditEvents(of: ws.id, AuditQuery(action: "a.even")) }
            #expect(even.count == 3)
            let page1 = try await store.read { try await $0.auditEvents(of: ws.id, AuditQuery(limit: 2)) }
            let cursor = AuditCursor(at: page1[1].at, id: page1[1].id.rawValue)
            let page2 = try await store.read { try await $0.auditEvents(of: ws.id, AuditQuery(after: cursor, limit: 10)) }
            #expect(page1.map(\.id) + page2.map(\.id) == all.map(\.id))
            let recent = try await store.read { try await $0.auditEvents(of: ws.id, AuditQuery(since: t0.addingTimeInterval(3))) }
            #expect(recent.count == 3)
        }
    }

    @Test(arguments: backends)
    func settingsAndDataKeys(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await store.transaction { try await $0.setSetting("k", "v1") }
            try await store.transaction { try await $0.setSetting("k", "v2") }
            #expect(try await store.read { try await $0.setting("k") } == "v2")
            let ws = Workspace(id: ids.make(), name: "Acme", createdAt: t0)
            let key = WrappedDataKey(keyID: "dek_1", workspaceID: ws.id, wrapped: [1, 2, 3, 0, 255], createdAt: t0)
            try await store.transaction { tx in
                try await tx.insertWorkspace(ws)
                try await tx.insertDataKey(key)
            }
            #expect(try await store.read { try await $0.dataKey(of: ws.id) } == key)
            var updated = key
            updated.wrapped = [9, 9]
            try await store.transaction { [updated] in try await $0.updateDataKey(updated) }
            #expect(try await store.read { try await $0.dataKey(id: "dek_1") }?.wrapped == [9, 9])
            #expect(try await store.read { try await $0.allDataKeys() }.count == 1)
        }
    }

    @Test(arguments: backends)
    func migrationsAreIdempotentAndReported(_ backend: Backend) async throws {
        try await TestDatabase.withDriver(backend) { driver in
            let again = try await Migrator(driver: driver).migrate()
            #expect(again.isEmpty)
            #expect(try await Migrator(driver: driver).isCurrent() == true)
            #expect(await SQLStore(driver: driver).isReady())
            let newer = Migrator(driver: driver, migrations: Migrations.all + [Migration(name: "9999_future", statements: [])])
            #expect(try await newer.isCurrent() == false)
            #expect(try await newer.migrate() == ["9999_future"])
            await #expect(throws: StoreError.self) { try await Migrator(driver: driver).migrate() }
        }
    }

    @Test(arguments: backends)
    func connectionsCredentialsEventsAccessAndUsage(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let ana = user("ana@example.com")
            let ws = Workspace(id: ids.make(), name: "Acme", createdAt: t0)
            func connection(_ name: String, _ connector: String) -> Connection {
                Connection(id: ids.make(), workspaceID: ws.id, connector: connector, connectorVersion: "1.0.0", name: name, serviceURL: nil,
                           settings: ["store": "au"], environment: .production, status: .active, statusReason: nil, checkedAt: t0,
                           ownerID: ana.id, account: "Acme AU", credentialFields: ["token"], createdAt: t0, updatedAt: t0)
            }
            let au = connection("Shopify - AU", "shopify"), us = connection("Shopify - US", "shopify"), stripe = connection("Stripe", "stripe")
            try await store.transaction { tx in
                try await tx.insertUser(ana, passwordHash: nil)
                try await tx.insertWorkspace(ws)
                for c in [au, us, stripe] { try await tx.insertConnection(c, credentials: ["token": [1, 2, 3]]) }
            }
            #expect(try await store.read { try await $0.connection(au.id, in: ws.id) } == au)
            #expect(try await store.read { try await $0.connection(au.id, in: ID(rawValue: "ws_other")) } == nil)
            let shopify = try await store.read { try await $0.connections(in: ws.id, ConnectionQuery(connector: "shopify")) }
            #expect(shopify.map(\.name) == ["Shopify - AU", "Shopify - US"])
            let page = try await store.read { try await $0.connections(in: ws.id, ConnectionQuery(after: ("Shopify - AU", au.id.rawValue), limit: 1)) }
            #expect(page.map(\.name) == ["Shopify - US"])
            #expect(try await store.read { try await $0.connections(in: ws.id, ConnectionQuery(nameContains: "stri")) }.count == 1)
            var changed = au
            changed.status = .reauthorize
            changed.statusReason = "revoked"
            try await store.transaction { [changed] tx in
                try await tx.lockConnection(changed.id)
                try await tx.updateConnection(changed)
                try await tx.replaceCredentials(of: changed.id, with: ["token": [9], "refresh": [8]])
                for type in ["created", "status_changed", "recovered"] {
                    try await tx.appendConnectionEvent(ConnectionEvent(id: ids.make(), connectionID: changed.id, at: t0, type: type, actor: "x"))
                }
                try await tx.appendCredentialAccess(CredentialAccess(id: ids.make(), connectionID: changed.id, at: t0, actor: "usr_x", purpose: "tool_call", tool: "get_shop"))
                try await tx.recordUsage(workspace: ws.id, connection: changed.id.rawValue, workflowID: "wf_1", workflowName: "Sync", version: 1, enabled: true)
                try await tx.recordUsage(workspace: ws.id, connection: changed.id.rawValue, workflowID: "wf_1", workflowName: "Sync", version: 2, enabled: true)
            }
            #expect(try await store.read { try await $0.connection(au.id, in: ws.id) }?.status == .reauthorize)
            #expect(try await store.read { try await $0.sealedCredentials(of: au.id) } == ["token": [9], "refresh": [8]])
            #expect(try await store.read { try await $0.connectionEvents(of: au.id) }.map(\.type) == ["created", "status_changed", "recovered"])
            #expect(try await store.read { try await $0.credentialAccess(of: au.id, limit: 10) }.first?.tool == "get_shop")
            #expect(try await store.read { try await $0.usage(of: au.id) } == [ConnectionUsage(workflowID: "wf_1", workflowName: "Sync", versions: [1, 2], enabled: true)])
        }
    }

    @Test func postgresIsConfiguredWhenRequired() {
        if TestDatabase.requirePostgres { #expect(TestDatabase.postgresURL != nil) }
        print("Store contract backends: \(Self.backends.map(\.rawValue).joined(separator: ", "))")
    }
}
