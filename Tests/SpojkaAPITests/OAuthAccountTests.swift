import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// A connection's `account` and status are read by every member, viewers included: the account keeps who signed in,
/// never what else the provider's userinfo answer carried, and a provider's error shows no credential it repeats
/// (a careless provider echoes the access token, the client's Basic credentials or the refresh token).
/// Part of the serialized OAuth suite: its other tests expire every token at the shared provider and count refreshes.
extension OAuthTests {
    @Test func aUserinfoAnswerThatEchoesTheTokenLeavesOnlyTheIdentityForViewers() async throws {
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner, userinfo: "/userinfo?echo_token=name")
            let id = try await oauth.connected()
            let viewer = try await api.addMember("viewer@example.com", role: "viewer", workspace: owner.workspace, by: owner.token)
            let read = try await api.request(.get, "\(oauth.connections)/\(id)", token: viewer.token)
            #expect(read.status == 200 && read.json["status"] == "active", "\(read.text)")
            // `name` carried the token: dropped with `access_token`, `authorization` and `session`.
            #expect(read.json["account"] == ["sub": "user-alice", "login": "alice", "email": "alice@example.test"], "\(read.text)")
            let list = try await api.request(.get, oauth.connections, token: viewer.token)
            let events = try await api.request(.get, "\(oauth.connections)/\(id)/events", token: owner.token)
            for text in [read.text, list.text, events.text] {
                #expect(!text.contains("access_token") && !text.contains("Bearer") && !text.contains("session"), "\(text)")
            }
            #expect(events.text.contains("user-alice"), "the authorized event names the identity")
            #expect(try await oauth.callMe(id).status == 200, "the connection works")
        }
    }

    @Test func aTokenEndpointErrorThatRepeatsTheRequestShowsNoCredential() async throws {
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner, token: "/oauth/token?echo=1")
            let id = try await oauth.connected()
            try await oauth.provider.revokeUser("alice")
            let failed = try await oauth.callMe(id)
            #expect(failed.errorCode == "auth_rejected", "\(failed.text)")
            let read = try await api.request(.get, "\(oauth.connections)/\(id)", token: owner.token)
            let reason = read.json["statusReason"]?.stringValue ?? ""
            #expect(reason.contains("invalid_grant") && reason.contains("authorization=[redacted]") && reason.contains("refresh_token=[redacted]"), "\(reason)")
            let events = try await api.request(.get, "\(oauth.connections)/\(id)/events", token: owner.token)
            let scan = CanaryScan([oauth.client.secret])
            let leaks = ([failed.text, read.text, events.text] + app.logs.all).flatMap { scan.findings(in: $0, surface: "answer") }
            #expect(leaks.isEmpty, "\(leaks)")
        }
    }

    @Test func aPlainUserinfoAnswerKeepsItsIdentityFields() async throws {
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let id = try await oauth.connected()
            #expect(try await oauth.connection(id)["account"] == ["sub": "user-alice", "login": "alice", "email": "alice@example.test", "name": "Alice"])
        }
    }
}

@Suite("Connections: a stored account shows identity fields only")
struct StoredAccountTests {
    @Test func anAccountStoredBeforeTheFilterShowsOnlyItsIdentity() async throws {
        let app = try TestApp()
        try await app.run { api in
            let owner = try await api.setUp()
            let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token, body: [
                "connector": "http", "name": "Legacy", "settings": ["baseUrl": "https://api.example.com"], "credentials": [:]])
            let id = try #require(created.json["id"]?.stringValue, "\(created.text)")
            let token = "legacy_token_\(UUID().uuidString)"
            try await app.withStore { store in
                try await store.transaction { tx in
                    var connection = try #require(try await tx.connection(ID(rawValue: id), in: ID(rawValue: owner.workspace)))
                    connection.account = ["id": 42, "login": "alice", "access_token": .string(token), "session": ["token": .string(token)],
                                          "emails": [.string(token)]]
                    try await tx.updateConnection(connection)
                }
            }
            let viewer = try await api.addMember("viewer@example.com", role: "viewer", workspace: owner.workspace, by: owner.token)
            let read = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections/\(id)", token: viewer.token)
            #expect(read.json["account"] == ["id": 42, "login": "alice"], "\(read.text)")
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections", token: viewer.token)
            #expect(!read.text.contains(token) && !list.text.contains(token))
        }
    }
}
