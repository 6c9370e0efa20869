import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Signs in with `?session=cookie`; returns the cookie pair (`spojka_session=…`), the CSRF token and the answer.
private func signIn(_ api: TestAPI, _ email: String = "owner@example.com", _ password: String = "owner passphrase 1",
                    origin: String? = nil) async throws -> (cookie: String, csrf: String, answer: JSONResponse) {
    let answer = try await api.request(.post, "/api/v1/auth/login?session=cookie", body: ["email": .string(email), "password": .string(password)],
                                       extraHeaders: origin.map { ["Origin": $0] } ?? [:])
    let setCookie = try #require(answer.headers[.setCookie], "\(answer.status) \(answer.text)")
    let pair = String(try #require(setCookie.split(separator: ";").first))
    return (pair, try #require(answer.json["csrfToken"]?.stringValue), answer)
}

@Suite("Browser sessions: cookie flags, CSRF, sign-out, ending sessions")
struct SessionTests {
    @Test func cookieSignInSetsAStrictHttpOnlySessionAndReturnsNoToken() async throws {
        try await TestApp().run { api in
            #expect(try await api.request(.get, "/api/v1/setup").json["required"] == true)
            _ = try await api.setUp()
            #expect(try await api.request(.get, "/api/v1/setup").json["required"] == false)
            let (cookie, csrf, answer) = try await signIn(api)
            #expect(answer.status == 200)
            let flags = Set((answer.headers[.setCookie] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
            #expect(flags.contains("httponly") && flags.contains("samesite=strict") && flags.contains("path=/"))
            #expect(!flags.contains("secure"))
            #expect(cookie.hasPrefix("spojka_session=sps_"))
            let session = String(cookie.dropFirst("spojka_session=".count))
            #expect(answer.json["token"] == nil && !answer.text.contains(session))
            let me = try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": cookie])
            #expect(me.status == 200 && me.json["authenticatedBy"] == "session" && me.json["csrfToken"]?.stringValue == csrf)
            #expect(me.json["user"]?["email"] == "owner@example.com" && !me.text.contains(session))
            // The session is not a bearer token, and a bearer token is not a session.
            #expect(try await api.raw(.get, "/api/v1/workspaces", authorization: "Bearer \(session)").status == 401)
            let bearer = try await api.request(.post, "/api/v1/auth/login", body: ["email": "owner@example.com", "password": "owner passphrase 1"])
            let token = try #require(bearer.json["token"]?.stringValue)
            #expect(try await api.request(.get, "/api/v1/workspaces", extraHeaders: ["Cookie": "spojka_session=\(token)"]).status == 401)
            #expect(try await api.request(.get, "/api/v1/session", token: token).json["authenticatedBy"] == "token")
        }
    }

    @Test func theCookieIsSecureWhenThePublicURLIsHTTPS() async throws {
        try await TestApp(configure: { $0.publicURL = "https://spojka.example" }).run { api in
            _ = try await api.setUp()
            let (_, _, answer) = try await signIn(api)
            #expect(answer.headers[.setCookie]?.lowercased().contains("; secure") == true)
        }
    }

    @Test func cookieWritesNeedTheCSRFProofFromTheSameOrigin() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let (cookie, csrf, _) = try await signIn(api)
            let body: JSONValue = ["name": "Second"]
            let missing = try await api.request(.post, "/api/v1/workspaces", body: body, extraHeaders: ["Cookie": cookie])
            #expect(missing.status == 403 && missing.json["error"]?["details"]?["reason"] == "csrf")
            let wrong = try await api.request(.post, "/api/v1/workspaces", body: body,
                                              extraHeaders: ["Cookie": cookie, "X-CSRF-Token": String(csrf.reversed())])
            #expect(wrong.status == 403)
            let crossSite = try await api.request(.post, "/api/v1/workspaces", body: body,
                                                  extraHeaders: ["Cookie": cookie, "X-CSRF-Token": csrf, "Origin": "https://evil.example"])
            #expect(crossSite.status == 403 && crossSite.json["error"]?["details"]?["reason"] == "origin")
            // A cross-site HTML form: no CSRF header, another origin, a form body.
            let form = try await api.request(.post, "/api/v1/workspaces", raw: "name=Evil", contentType: "application/x-www-form-urlencoded",
                                             extraHeaders: ["Cookie": cookie, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"])
            #expect(form.status == 403)
            // Reads need no proof; a login started by another site is refused.
            #expect(try await api.request(.get, "/api/v1/workspaces", extraHeaders: ["Cookie": cookie]).json["items"]?.arrayValue?.count == 1)
            let forcedLogin = try await api.request(.post, "/api/v1/auth/login?session=cookie",
                                                    body: ["email": "owner@example.com", "password": "owner passphrase 1"],
                                                    extraHeaders: ["Origin": "https://evil.example"])
            #expect(forcedLogin.status == 403 && forcedLogin.headers[.setCookie] == nil)
            let ok = try await api.request(.post, "/api/v1/workspaces", body: body,
                                           extraHeaders: ["Cookie": cookie, "X-CSRF-Token": csrf, "Origin": "http://spojka.test"])
            #expect(ok.status == 201)
            // Bearer tokens need no CSRF proof.
            #expect(try await api.request(.post, "/api/v1/workspaces", token: owner.token, body: ["name": "Third"]).status == 201)
            #expect(try await api.request(.get, "/api/v1/workspaces", token: owner.token).json["items"]?.arrayValue?.count == 3)
        }
    }

    @Test func signOutRevokesTheSession() async throws {
        try await TestApp().run { api in
            _ = try await api.setUp()
            let (cookie, csrf, _) = try await signIn(api)
            let (other, _, _) = try await signIn(api)
            #expect(try await api.request(.delete, "/api/v1/session", extraHeaders: ["Cookie": cookie]).status == 403)
            let out = try await api.request(.delete, "/api/v1/session", extraHeaders: ["Cookie": cookie, "X-CSRF-Token": csrf])
            #expect(out.status == 204)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": cookie]).status == 401)
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": other]).status == 200)
        }
    }

    @Test func sessionsEndWhenIdle() async throws {
        let clock = TestClock()
        try await TestApp(clock: clock).run { api in
            _ = try await api.setUp()
            let (cookie, _, _) = try await signIn(api)
            clock.advance(by: 11 * 3600)
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": cookie]).status == 200)
            clock.advance(by: 11 * 3600)
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": cookie]).status == 200)
            clock.advance(by: 12 * 3600 + 1)
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": cookie]).status == 401)
        }
    }

    @Test func passwordChangeAndRemovalFromTheWorkspaceEndSessions() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let member = try await api.addMember("bo@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let (bo, _, _) = try await signIn(api, "bo@example.com", "member passphrase")
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": bo]).status == 200)
            #expect(try await api.request(.delete, "/api/v1/workspaces/\(owner.workspace)/members/\(member.user)", token: owner.token).status == 204)
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": bo]).status == 401)

            let (cookie, csrf, _) = try await signIn(api)
            let wrong = try await api.request(.put, "/api/v1/me/password", body: ["currentPassword": "nope nope nope", "newPassword": "a new passphrase"],
                                              extraHeaders: ["Cookie": cookie, "X-CSRF-Token": csrf])
            #expect(wrong.status == 422)
            let changed = try await api.request(.put, "/api/v1/me/password", body: ["currentPassword": "owner passphrase 1", "newPassword": "a new passphrase"],
                                                extraHeaders: ["Cookie": cookie, "X-CSRF-Token": csrf])
            #expect(changed.status == 204)
            #expect(try await api.request(.get, "/api/v1/session", extraHeaders: ["Cookie": cookie]).status == 401)
            _ = try await signIn(api, "owner@example.com", "a new passphrase")
        }
    }

    @Test func setupAndInvitationCanStartABrowserSession() async throws {
        try await TestApp().run { api in
            let setup = try await api.request(.post, "/api/v1/setup?session=cookie",
                                              body: ["email": "ana@example.com", "name": "Ana", "workspace": "Acme", "password": "owner passphrase 1"])
            #expect(setup.status == 201 && setup.json["token"] == nil && setup.json["csrfToken"] != nil)
            let pair = String((setup.headers[.setCookie] ?? "").split(separator: ";").first ?? "")
            let csrf = try #require(setup.json["csrfToken"]?.stringValue)
            let ws = try #require(setup.json["workspace"]?["id"]?.stringValue)
            let added = try await api.request(.post, "/api/v1/workspaces/\(ws)/members", body: ["email": "bo@example.com", "role": "viewer"],
                                              extraHeaders: ["Cookie": pair, "X-CSRF-Token": csrf])
            let invitation = try #require(added.json["invitation"]?["token"]?.stringValue)
            let accepted = try await api.request(.post, "/api/v1/invitations/accept?session=cookie",
                                                 body: ["token": .string(invitation), "name": "Bo", "password": "member passphrase"])
            #expect(accepted.status == 200 && accepted.json["token"] == nil && accepted.headers[.setCookie]?.hasPrefix("spojka_session=sps_") == true)
        }
    }
}
