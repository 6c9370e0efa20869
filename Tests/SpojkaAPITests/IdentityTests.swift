import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Setup, sign-in, tokens")
struct IdentityTests {
    @Test func setupHappensOnceAndReturnsAWorkingOwnerToken() async throws {
        try await TestApp().run { api in
            let first = try await api.request(.post, "/api/v1/setup", body: ["email": "Ana@Example.com", "name": "Ana", "workspace": "Acme"])
            #expect(first.status == 201)
            #expect(first.json["user"]?["email"] == "ana@example.com")
            #expect(first.json["workspace"]?["name"] == "Acme")
            let token = try #require(first.json["token"]?.stringValue)
            #expect(token.hasPrefix("spk_"))
            let again = try await api.request(.post, "/api/v1/setup", body: ["email": "x@example.com", "name": "X", "workspace": "Y"])
            #expect(again.status == 409 && again.errorCode == "already_set_up")
            let list = try await api.request(.get, "/api/v1/workspaces", token: token)
            #expect(list.status == 200)
            #expect(list.json["items"]?.arrayValue?.count == 1)
            #expect(list.json["items"]?[0]?["role"] == "owner")
        }
    }

    @Test func setupValidatesEveryFieldAndWritesNothing() async throws {
        try await TestApp().run { api in
            let bad = try await api.request(.post, "/api/v1/setup", body: ["email": "nope", "name": "", "workspace": 3, "extra": true] as JSONValue)
            #expect(bad.status == 422)
            #expect(bad.json["error"]?["details"]?["fields"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["extra"])
            let typed = try await api.request(.post, "/api/v1/setup", body: ["email": "nope", "name": "A", "workspace": 3] as JSONValue)
            #expect(typed.status == 422 && typed.text.contains("workspace"))
            let rules = try await api.request(.post, "/api/v1/setup", body: ["email": "nope", "name": " ", "workspace": "W", "password": "short"])
            let paths = Set(rules.json["error"]?["details"]?["fields"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? [])
            #expect(paths == ["email", "name", "password"])
            let missing = try await api.request(.post, "/api/v1/setup", body: ["name": "A", "workspace": "W"])
            #expect(missing.status == 422 && missing.text.contains("email"))
            // Nothing was written: a valid setup still succeeds.
            #expect(try await api.setUp().token.hasPrefix("spk_"))
        }
    }

    @Test func everyAuthenticationFailureIs401WithBearerChallenge() async throws {
        let clock = TestClock()
        try await TestApp(clock: clock).run { api in
            let owner = try await api.setUp()
            let path = "/api/v1/workspaces"
            let created = try await api.request(.post, "/api/v1/tokens", token: owner.token,
                                                body: ["name": "short-lived", "expiresAt": .string(isoDate(clock.now().addingTimeInterval(60)))])
            #expect(created.status == 201)
            let expiring = try #require(created.json["token"]?.stringValue)
            let revocable = try #require(try await api.request(.post, "/api/v1/tokens", token: owner.token, body: ["name": "r"]).json["token"]?.stringValue)
            let revokeID = try #require(try await api.request(.get, "/api/v1/tokens", token: owner.token).json["items"]?.arrayValue?
                .first { $0["name"] == "r" }?["id"]?.stringValue)
            #expect(try await api.request(.get, path, token: expiring).status == 200)
            #expect(try await api.request(.delete, "/api/v1/tokens/\(revokeID)", token: owner.token).status == 204)
            clock.advance(by: 61)
            let cases: [(String, String?)] = [
                ("none", nil), ("malformed", "Basic abc"), ("not ours", "Bearer xyz"), ("unknown", "Bearer spk_doesnotexist"),
                ("revoked", "Bearer \(revocable)"), ("expired", "Bearer \(expiring)"),
            ]
            for (name, header) in cases {
                let answer = try await api.raw(.get, path, authorization: header)
                #expect(answer.status == 401, "\(name)")
                #expect(answer.errorCode == "unauthorized", "\(name)")
                #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(name)")
            }
            #expect(try await api.request(.get, path, token: owner.token).status == 200)
        }
    }

    @Test func tokensAreShownOnceListedWithoutSecretsAndRevokedAtOnce() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let created = try await api.request(.post, "/api/v1/tokens", token: owner.token, body: ["name": "ci"])
            let secret = try #require(created.json["token"]?.stringValue)
            let id = try #require(created.json["id"]?.stringValue)
            let list = try await api.request(.get, "/api/v1/tokens", token: owner.token)
            #expect(!list.text.contains(secret))
            #expect(list.json["items"]?.arrayValue?.allSatisfy { $0["token"] == nil } == true)
            #expect(try await api.request(.get, "/api/v1/workspaces", token: secret).status == 200)
            #expect(try await api.request(.delete, "/api/v1/tokens/\(id)", token: owner.token).status == 204)
            #expect(try await api.request(.get, "/api/v1/workspaces", token: secret).status == 401)
            #expect(try await api.request(.delete, "/api/v1/tokens/\(id)", token: owner.token).status == 404)
            let past = try await api.request(.post, "/api/v1/tokens", token: owner.token, body: ["name": "old", "expiresAt": "2001-01-01T00:00:00Z"])
            #expect(past.status == 422 && past.text.contains("expiresAt"))
        }
    }

    @Test func loginInvitationAndRateLimit() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp(password: "owner passphrase 1")
            let ok = try await api.request(.post, "/api/v1/auth/login", body: ["email": "OWNER@example.com", "password": "owner passphrase 1"])
            #expect(ok.status == 200 && ok.json["user"]?["id"]?.stringValue == owner.user)
            let member = try await api.addMember("bo@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            #expect(try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)", token: member.token).json["role"] == "member")
            let relogin = try await api.request(.post, "/api/v1/auth/login", body: ["email": "bo@example.com", "password": "member passphrase"])
            #expect(relogin.status == 200)
            for _ in 0..<5 {
                let wrong = try await api.request(.post, "/api/v1/auth/login", body: ["email": "bo@example.com", "password": "wrong password!"])
                #expect(wrong.status == 401)
            }
            let limited = try await api.request(.post, "/api/v1/auth/login", body: ["email": "bo@example.com", "password": "member passphrase"])
            #expect(limited.status == 429 && limited.errorCode == "rate_limited")
            #expect(limited.headers[.retryAfter] != nil)
        }
    }

    @Test func invitationsAreSingleUse() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let added = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/members", token: owner.token,
                                              body: ["email": "cy@example.com", "role": "viewer"])
            let invite = try #require(added.json["invitation"]?["token"]?.stringValue)
            #expect(added.json["invitation"]?["url"]?.stringValue?.hasPrefix("http://spojka.test/") == true)
            let body: JSONValue = ["token": .string(invite), "name": "Cy", "password": "cy passphrase!"]
            #expect(try await api.request(.post, "/api/v1/invitations/accept", body: body).status == 200)
            #expect(try await api.request(.post, "/api/v1/invitations/accept", body: body).status == 404)
        }
    }
}

func isoDate(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
