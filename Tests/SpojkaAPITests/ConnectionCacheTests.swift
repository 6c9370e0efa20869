import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// A call through a connection uses the cached connection, and every write path makes the next call use the new state.
@Suite("Connection cache")
struct ConnectionCacheTests {
    static let keyA = "sk_test_CACHEaaaaaaaa1111", keyB = "sk_test_CACHEbbbbbbbb2222"

    func withConnection(_ body: @Sendable (KeyRecordingReplica, TestAPI, Owner, String, String) async throws -> Void) async throws {
        let replica = KeyRecordingReplica(accepting: [Self.keyA, Self.keyB])
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        try await ReplicaServer.run(replica.router) { base in
            try await app.run { api in
                let owner = try await api.setUp()
                let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                                    body: ["connector": "stripe", "name": "Stripe", "credentials": ["secretKey": .string(Self.keyA)],
                                                           "serviceUrl": .string(base)])
                let id = try #require(created.json["id"]?.stringValue, "\(created.text)")
                try await body(replica, api, owner, id, base)
            }
        }
    }

    func call(_ api: TestAPI, _ owner: Owner, _ id: String) async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                              body: ["connector": "stripe", "tool": "get_balance", "connection": .string(id), "arguments": [:]])
    }

    @Test func aRotationIsUsedByTheNextCall() async throws {
        try await withConnection { replica, api, owner, id, _ in
            #expect(try await call(api, owner, id).status == 200 && replica.lastKey == Self.keyA)
            #expect(try await call(api, owner, id).status == 200 && replica.lastKey == Self.keyA)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            let rotated = try await api.request(.put, path + "/credentials", token: owner.token, body: ["credentials": ["secretKey": .string(Self.keyB)]])
            #expect(rotated.status == 200)
            #expect(try await call(api, owner, id).status == 200 && replica.lastKey == Self.keyB)
            // Each call is in the access log, cached or not (the log is committed off the call's path, before a read).
            let log = try await api.request(.get, path + "/access-log", token: owner.token)
            #expect(log.json["items"]?.arrayValue?.filter { $0["purpose"] == "tool_call" }.count == 3)
            #expect(try await api.request(.get, path, token: owner.token).json["lastUsedAt"] != .null)
        }
    }

    @Test func aServiceURLChangeIsUsedByTheNextCall() async throws {
        try await withConnection { replica, api, owner, id, base in
            #expect(try await call(api, owner, id).status == 200 && replica.requests.last?.path == "/v1/balance")
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            let moved = try await api.request(.patch, path, token: owner.token, body: ["serviceUrl": .string(base + "/moved")])
            #expect(moved.status == 200, "\(moved.text)")
            #expect(try await call(api, owner, id).status == 200 && replica.requests.last?.path == "/moved/v1/balance")
        }
    }

    @Test func aDeletedConnectionIsNotCalledAgain() async throws {
        try await withConnection { replica, api, owner, id, _ in
            #expect(try await call(api, owner, id).status == 200)
            let before = replica.requests.count
            let deleted = try await api.request(.delete, "/api/v1/workspaces/\(owner.workspace)/connections/\(id)", token: owner.token)
            #expect(deleted.status == 204, "\(deleted.text)")
            let gone = try await call(api, owner, id)
            #expect(gone.status == 404 && gone.errorCode == "connection_not_found")
            #expect(replica.requests.count == before)
        }
    }

    @Test func aToolPolicyChangeAppliesToTheNextCall() async throws {
        try await withConnection { _, api, owner, id, _ in
            #expect(try await call(api, owner, id).status == 200)
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            let limited = try await api.request(.patch, path, token: owner.token, body: ["toolPolicy": ["allowedTools": ["list_customers"]]])
            #expect(limited.status == 200, "\(limited.text)")
            #expect(try await call(api, owner, id).errorCode == "tool_not_allowed")
        }
    }

    @Test func aRevokedKeyFlipsTheConnectionOnlyAfterARereadFindsNothingNewer() async throws {
        try await withConnection { replica, api, owner, id, _ in
            #expect(try await call(api, owner, id).status == 200)
            replica.accepted.withLock { $0 = [Self.keyB] }
            let before = replica.requests.count
            let rejected = try await call(api, owner, id)
            #expect(rejected.status == 424 && rejected.errorCode == "auth_rejected")
            // The re-read found the same key: no second attempt, and the rejection is believed.
            #expect(replica.requests.count == before + 1 && replica.lastKey == Self.keyA)
            let shown = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections/\(id)", token: owner.token)
            #expect(shown.json["status"] == "reauthorize")
        }
    }
}

/// Part of the OAuth suite, which is serialized: it expires every token at the shared provider and counts its refreshes,
/// so it must not run beside the other tests that use that provider.
extension OAuthTests {
    @Test func aRefreshedTokenIsUsedByTheNextCall() async throws {
        let app = try app()
        try await app.run { api in
            let owner = try await api.setUp()
            let oauth = try await OAuthFixture.make(api, owner)
            let id = try await oauth.connected()
            #expect(try await oauth.callMe(id).status == 200)
            // The provider revokes the cached token before its time: the call refreshes once and retries.
            try await oauth.provider.expireAll()
            try await oauth.provider.resetStats()
            #expect(try await oauth.callMe(id).status == 200)
            #expect(try await oauth.provider.stats()["token_requests"]?["refresh_token"] == 1)
            // The next call uses the refreshed token at once: one attempt, no second refresh.
            let log = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)/access-log"
            let before = try await api.request(.get, log, token: owner.token).json["items"]?.arrayValue?.count ?? 0
            #expect(try await oauth.callMe(id).status == 200)
            let after = try await api.request(.get, log, token: owner.token).json["items"]?.arrayValue?.count ?? 0
            #expect(after == before + 1)
            #expect(try await oauth.provider.stats()["token_requests"]?["refresh_token"] == 1)
            #expect(try await oauth.connection(id)["status"] == "active")
        }
    }
}
