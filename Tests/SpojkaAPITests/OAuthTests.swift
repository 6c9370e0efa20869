import Foundation
import AsyncHTTPClient
import SpojkaCore
import SpojkaTestSupport
import SpojkaSecrets
import SpojkaServer
import Testing

@Suite("OAuth 2.0 connections against a real authorization server", .serialized, .enabled(if: OAuthProvider.isAvailable))
struct OAuthTests {
    func app(_ configure: @escaping (inout ServerConfig) -> Void = { _ in }) throws -> TestApp {
        try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1; configure(&$0) })
    }

    @Test func appsAreManagedByAdminsAndNeverShowTheClientSecret() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let base = "/api/v1/workspaces/\(owner.workspace)/oauth-apps"
            let read = try await api.request(.get, "\(base)/\(oauth.app)", token: owner.token)
            #expect(read.json["clientSecretSet"] == true && read.json["redirectUri"] == "http://spojka.test/oauth/callback")
            let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            #expect(try await api.request(.post, base, token: member.token, body: ["connector": "http"]).status == 403)
            let invalid = try await api.request(.post, base, token: owner.token, body: ["connector": "stripe", "name": "x", "clientId": "a", "clientSecret": "b"])
            #expect(invalid.status == 422 && invalid.text.contains("does not support OAuth"))
            let rotated = try await api.request(.patch, "\(base)/\(oauth.app)", token: owner.token, body: ["clientSecret": "cs_rotated_CANARY"])
            #expect(rotated.status == 200 && !rotated.text.contains("cs_rotated_CANARY"))
            _ = try await oauth.begin()
            let inUse = try await api.request(.delete, "\(base)/\(oauth.app)", token: owner.token)
            #expect(inUse.status == 409)
            for text in api.transcript.all + app.logs.all { #expect(!text.contains(oauth.client.secret) && !text.contains("cs_rotated_CANARY")) }
        }
    }

    @Test func theCodeFlowFollowsRedirectsToTheCallbackAndTheTokenIsInjected() async throws {
        let port = Int.random(in: 30000...50000)
        let provider = try OAuthProvider.required()
        let app = try app { $0.publicURL = "http://127.0.0.1:\(port)" }
        try await app.runServing(port: port) { api in
            let setup = try await api.request("POST", "/api/v1/setup", body: ["email": "o@example.com", "name": "O", "workspace": "W"])
            let token = try #require(setup.json["token"]?.stringValue), ws = try #require(setup.json["workspace"]?["id"]?.stringValue)
            let client = try await provider.register(redirect: "http://127.0.0.1:\(port)/oauth/callback")
            let created = try await api.request("POST", "/api/v1/workspaces/\(ws)/oauth-apps", token: token, body: [
                "connector": "http", "name": "Provider", "clientId": .string(client.id), "clientSecret": .string(client.secret),
                "authorizationUrl": .string(provider.base + "/oauth/authorize"), "tokenUrl": .string(provider.base + "/oauth/token"),
                "userinfoUrl": .string(provider.base + "/userinfo")])
            let started = try await api.request("POST", "/api/v1/workspaces/\(ws)/connections", token: token, body: [
                "connector": "http", "name": "Provider API", "oauthApp": .string(try #require(created.json["id"]?.stringValue, "\(created.text)")),
                "settings": ["baseUrl": .string(provider.base)]])
            let id = try #require(started.json["connection"]?["id"]?.stringValue, "\(started.text)")
            let url = try #require(started.json["authorizationUrl"]?.stringValue)
            #expect(url.contains("code_challenge_method=S256") && url.contains("code_challenge=") && url.contains("state=st_"))
            #expect(started.json["connection"]?["status"] == "reauthorize", "pending until the callback")
            // A plain HTTP client following redirects: provider consent → 302 → Spojka's callback page.
            let page = try await api.request("GET", url + "&login_hint=alice")
            #expect(page.status == 200 && page.text.contains("Connected") && page.text.contains(id), "\(page.text)")
            let connection = try await api.request("GET", "/api/v1/workspaces/\(ws)/connections/\(id)", token: token).json
            #expect(connection["status"] == "active" && connection["account"]?["login"] == "alice", "\(connection)")
            let me = try await api.request("POST", "/api/v1/workspaces/\(ws)/tool-calls", token: token, body: [
                "connector": "http", "tool": "http_get", "connection": .string(id), "arguments": ["url": "/api/me"]])
            #expect(me.status == 200 && me.json["output"]?["body"]?["login"] == "alice", "\(me.text)")
            for text in api.transcript.all + app.logs.all { #expect(!text.contains(client.secret)) }
            try await app.withStore { store in
                let creds = try await store.read { try await $0.sealedCredentials(of: ID(rawValue: id)) }
                #expect(Set(creds.keys) == ["token", "refreshToken"], "tokens are stored sealed")
            }
        }
    }

    @Test func stateIsSingleUseExpiresAndDenialsChangeNothing() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let (id, url) = try await oauth.begin()
            let location = try await oauth.provider.authorize(url + "&login_hint=alice")
            let query = try #require(URLComponents(string: location)?.percentEncodedQuery)
            #expect(try await api.request(.get, "/oauth/callback?" + query).status == 200)
            let replay = try await api.request(.get, "/oauth/callback?" + query)
            #expect(replay.status == 400 && replay.text.contains("already used"))
            #expect(try await api.request(.get, "/oauth/callback?state=st_forged&code=x").status == 400)
            let (second, url2) = try await oauth.begin(name: "Second")
            app.clock.advance(by: 601)
            let late = try await oauth.consent(url2)
            #expect(late.status == 400 && late.text.contains("10 minutes"))
            #expect(try await oauth.connection(second)["status"] == "reauthorize")
            let (third, url3) = try await oauth.begin(name: "Third")
            let denied = try await api.request(.get, "/oauth/callback?" + (URLComponents(string: try await oauth.provider.authorize(url3 + "&deny=1"))?.percentEncodedQuery ?? ""))
            #expect(denied.status == 400 && denied.text.contains("access_denied"))
            let pending = try await oauth.connection(third)
            #expect(pending["status"] == "reauthorize" && pending["credentialFields"] == [])
            #expect(try await oauth.connection(id)["status"] == "active")
        }
    }

    @Test func aStormOfCallsOnAnExpiredTokenMakesExactlyOneRefresh() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let id = try await oauth.connected()
            app.clock.advance(by: 4000)
            try await oauth.provider.expireAll()
            try await oauth.provider.resetStats()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<200 { group.addTask { try await oauth.callMe(id).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            let stats = try await oauth.provider.stats()
            #expect(stats["token_requests"]?["refresh_token"] == 1 && stats["invalid_grant"] == 0, "\(stats)")
            #expect(try await oauth.connection(id)["status"] == "active")
        }
    }

    @Test func theRefresherRenewsTokensBeforeTheyExpire() async throws {
        let app = try app { $0.oauthRefreshTick = 0.1 }
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let id = try await oauth.connected()
            try await oauth.provider.resetStats()
            app.clock.advance(by: 3600 - 200)  // within the 5-minute margin
            let deadline = Date().addingTimeInterval(15)
            while try await oauth.provider.stats()["token_requests"]?["refresh_token"] != 1, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(try await oauth.provider.stats()["token_requests"]?["refresh_token"] == 1)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await oauth.provider.stats()["token_requests"]?["refresh_token"] == 1, "a fresh token is not refreshed again")
            #expect(try await oauth.callMe(id).status == 200)
        }
    }

    @Test func aRevokedGrantAsksForReauthorizationAndReconnectKeepsTheID() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let id = try await oauth.connected()
            try await oauth.provider.revokeUser("alice")
            let failed = try await oauth.callMe(id)
            #expect(failed.status == 424 && failed.errorCode == "auth_rejected", "\(failed.text)")
            let connection = try await oauth.connection(id)
            #expect(connection["status"] == "reauthorize" && connection["statusReason"]?.stringValue?.contains("invalid_grant") == true, "\(connection)")
            let again = try await api.request(.post, "\(oauth.connections)/\(id)/authorize", token: owner.token, body: [:])
            let page = try await oauth.consent(try #require(again.json["authorizationUrl"]?.stringValue))
            #expect(page.status == 200)
            let status = try await oauth.connection(id)["status"]
            let call = try await oauth.callMe(id)
            #expect(status == "active" && call.status == 200, "same ID, working again")
        }
    }

    @Test func aReconnectAsAnotherAccountIsRefusedUnlessAllowed() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let id = try await oauth.connected()
            let again = try await api.request(.post, "\(oauth.connections)/\(id)/authorize", token: owner.token, body: [:])
            let refused = try await oauth.consent(try #require(again.json["authorizationUrl"]?.stringValue), login: "bob")
            #expect(refused.status == 409 && refused.text.contains("alice"), "\(refused.text)")
            let account = try await oauth.connection(id)["account"]?["login"]
            let me = try await oauth.callMe(id)
            #expect(account == "alice" && me.json["output"]?["body"]?["login"] == "alice")
            let allowed = try await api.request(.post, "\(oauth.connections)/\(id)/authorize", token: owner.token, body: ["allowAccountChange": true])
            #expect(try await oauth.consent(try #require(allowed.json["authorizationUrl"]?.stringValue), login: "bob").status == 200)
            #expect(try await oauth.connection(id)["account"]?["login"] == "bob")
            let events = try await api.request(.get, "\(oauth.connections)/\(id)/events", token: owner.token)
            #expect(events.text.contains("account_changed"))
        }
    }

    @Test func removingTheAuthorizerFlagsTheirConnections() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let member = try await api.addMember("m@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let id = try await oauth.connected(token: member.token)
            let before = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/members/\(member.user)/authorized-connections", token: owner.token)
            #expect(before.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id], "listed before the removal: \(before.text)")
            #expect(try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/members/\(member.user)/authorized-connections",
                                          token: member.token).status == 403, "admins and owners only")
            let removed = try await api.request(.delete, "/api/v1/workspaces/\(owner.workspace)/members/\(member.user)", token: owner.token)
            #expect(removed.status == 200 && removed.json["flaggedConnections"] == [.string(id)], "\(removed.text)")
            #expect(try await oauth.callMe(id).status == 200, "the connection keeps working")
            let connection = try await oauth.connection(id)
            #expect(connection["statusReason"]?.stringValue?.contains("left the workspace") == true, "a successful call keeps the note")
            #expect(try await api.request(.get, "\(oauth.connections)/\(id)/events", token: owner.token).text.contains("authorizer_left"))
        }
    }

    @Test func theClientCredentialsGrantConnectsWithoutARedirect() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let created = try await api.request(.post, oauth.connections, token: owner.token, body: [
                "connector": "http", "name": "Machine", "oauthApp": .string(oauth.app), "grant": "client_credentials",
                "settings": ["baseUrl": .string(oauth.provider.base)]])
            #expect(created.status == 201 && created.json["authorizationUrl"] == .null && created.json["connection"]?["status"] == "active", "\(created.text)")
            let me = try await oauth.callMe(try #require(created.json["connection"]?["id"]?.stringValue))
            #expect(me.status == 200 && me.json["output"]?["body"]?["sub"]?.stringValue?.hasPrefix("client-") == true, "\(me.text)")
        }
    }

    @Test func aTopLevelServiceURLIsStoredLikeEveryOtherCreate() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let bad = try await api.request(.post, oauth.connections, token: owner.token, body: [
                "connector": "http", "name": "Bad", "oauthApp": .string(oauth.app), "serviceUrl": "ftp://example.test"])
            #expect(bad.status == 422 && bad.text.contains("serviceUrl"), "\(bad.text)")
            let started = try await api.request(.post, oauth.connections, token: owner.token, body: [
                "connector": "http", "name": "Provider API", "oauthApp": .string(oauth.app), "serviceUrl": .string(oauth.provider.base)])
            #expect(started.status == 201 && started.json["connection"]?["serviceUrl"] == .string(oauth.provider.base), "\(started.text)")
            let id = try #require(started.json["connection"]?["id"]?.stringValue)
            #expect(try await oauth.consent(try #require(started.json["authorizationUrl"]?.stringValue)).status == 200)
            #expect(try await oauth.connection(id)["serviceUrl"] == .string(oauth.provider.base))
            let me = try await oauth.callMe(id)
            #expect(me.status == 200 && me.json["output"]?["body"]?["login"] == "alice", "calls go to the stored service URL: \(me.text)")
            let list = try await api.request(.get, oauth.connections, token: owner.token)
            #expect(list.json["items"]?.arrayValue?.count == 1, "the refused create stored nothing")
        }
    }

    @Test(.enabled(if: TestDatabase.isAvailable(.postgres)))
    func twoServersOnOnePostgresRefreshOnce() async throws {
        let url = try await TestDatabase.createPostgresDatabase()
        let key = MasterKey.generate().base64().reveal()
        let clock = TestClock()
        let a = try TestApp(configure: { $0.databaseURL = url; $0.masterKey = key; $0.allowPrivateNetwork = true; $0.httpAttempts = 1 }, clock: clock)
        let b = try TestApp(configure: { $0.databaseURL = url; $0.masterKey = key; $0.allowPrivateNetwork = true; $0.httpAttempts = 1 }, clock: clock)
        try await a.run { apiA in
            let owner = try await apiA.setUp()
            let oauth = try await OAuthFixture.make(apiA, owner)
            let id = try await oauth.connected()
            try await b.run { apiB in
                let other = OAuthFixture(provider: oauth.provider, api: apiB, owner: owner, app: oauth.app, client: oauth.client)
                clock.advance(by: 4000)
                try await oauth.provider.expireAll()
                try await oauth.provider.resetStats()
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for i in 0..<200 { group.addTask { try await (i % 2 == 0 ? oauth : other).callMe(id).status } }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.allSatisfy { $0 == 200 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
                let stats = try await oauth.provider.stats()
                #expect(stats["token_requests"]?["refresh_token"] == 1 && stats["invalid_grant"] == 0, "\(stats)")
            }
        }
    }
}
