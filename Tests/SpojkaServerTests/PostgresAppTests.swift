import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The whole application on PostgreSQL (`SPOJKA_DATABASE_URL`), not only the store.
@Suite("Application on PostgreSQL")
struct PostgresAppTests {
    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func theAPIWorksOnPostgres() async throws {
        let url = try await TestDatabase.createPostgresDatabase()
        try await TestApp(configure: { $0.databaseURL = url }).run { api in
            let owner = try await api.setUp()
            let again = try await api.request(.post, "/api/v1/setup", body: ["email": "x@example.com", "name": "X", "workspace": "Y"])
            #expect(again.status == 409)
            let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            #expect(try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)", token: member.token).json["role"] == "member")
            let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections?verify=false", token: owner.token,
                                                body: ["connector": "stripe", "name": "Stripe - Staging", "credentials": ["secretKey": "sk_test_pgCanary123"],
                                                       "environment": "staging"])
            #expect(created.status == 201 && created.json["status"] == "error" && !created.text.contains("pgCanary"))
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections?environment=staging", token: owner.token)
            #expect(list.json["items"]?.arrayValue?.count == 1)
            let audit = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/audit", token: owner.token)
            #expect(audit.json["items"]?.arrayValue?.contains { $0["action"] == "connection.created" } == true)
            let ready = try await api.request(.get, "/readyz")
            #expect(ready.status == 200)
        }
    }

    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func concurrentDemotionsNeverLeaveAWorkspaceOwnerlessOnPostgres() async throws {
        let url = try await TestDatabase.createPostgresDatabase()
        try await TestApp(configure: { $0.databaseURL = url }).run { api in
            let a = try await api.setUp()
            let ws = a.workspace
            for round in 0..<5 {
                let b = try await api.addMember("b\(round)@example.com", role: "owner", workspace: ws, by: a.token)
                async let first = api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(b.user)", token: a.token, body: ["role": "admin"])
                async let second = api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(a.user)", token: b.token, body: ["role": "admin"])
                let statuses = [try await first.status, try await second.status]
                #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
                let members = try await api.request(.get, "/api/v1/workspaces/\(ws)/members", token: b.token)
                let owners = members.json["items"]?.arrayValue?.filter { $0["role"] == "owner" } ?? []
                #expect(owners.count == 1)
                // Restore: whoever is still owner makes the other the only owner again for the next round.
                let survivor = owners.first?["user"]?["id"]?.stringValue == a.user ? a.token : b.token
                if survivor == b.token {
                    _ = try await api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(a.user)", token: b.token, body: ["role": "owner"])
                }
                _ = try await api.request(.delete, "/api/v1/workspaces/\(ws)/members/\(b.user)", token: a.token)
            }
        }
    }
}
