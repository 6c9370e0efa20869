import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Issue 10, item 2: an invitation grants its own workspace only and never claims, reveals or creates a claim on an account.
@Suite("Invitations: membership only, never an account")
struct InvitationTests {
    func invite(_ api: TestAPI, _ email: String, role: String = "member", ws: String, token: String) async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(ws)/members", token: token, body: ["email": .string(email), "role": .string(role)])
    }

    func accept(_ api: TestAPI, _ invitation: JSONResponse, name: String? = "Vic", password: String?, bearer: String? = nil) async throws -> JSONResponse {
        var body: [String: JSONValue] = ["token": invitation.json["invitation"]?["token"] ?? .null]
        if let name { body["name"] = .string(name) }
        if let password { body["password"] = .string(password) }
        return try await api.request(.post, "/api/v1/invitations/accept", token: bearer, body: .object(body))
    }

    func memberEmails(_ api: TestAPI, ws: String, token: String) async throws -> Set<String> {
        let list = try await api.request(.get, "/api/v1/workspaces/\(ws)/members", token: token)
        return Set((list.json["items"]?.arrayValue ?? []).compactMap { $0["user"]?["email"]?.stringValue })
    }

    @Test func aFirstInviterCannotTakeOverTheAccountOrReachAnotherWorkspace() async throws {
        try await TestApp().run { api in
            let alice = try await api.setUp()                                    // owns workspace A
            let bob = try await api.addMember("bob@example.com", role: "member", workspace: alice.workspace, by: alice.token)
            let created = try await api.request(.post, "/api/v1/workspaces", token: bob.token, body: ["name": "Bob's team"])
            let wsB = try #require(created.json["id"]?.stringValue)
            // Alice invites an email that has no account yet and keeps the link; Bob later adds the same email as admin of B.
            let fromAlice = try await invite(api, "vic@example.com", ws: alice.workspace, token: alice.token)
            let fromBob = try await invite(api, "vic@example.com", role: "admin", ws: wsB, token: bob.token)
            #expect(fromAlice.status == 201 && fromBob.status == 201, "\(fromAlice.text) \(fromBob.text)")
            #expect(try await memberEmails(api, ws: wsB, token: bob.token) == ["bob@example.com"], "nobody joins before accepting")
            // Alice accepts her own link: that makes an account and a membership of A — and nothing in B.
            let taken = try await accept(api, fromAlice, password: "alice knows this one")
            #expect(taken.status == 200, "\(taken.text)")
            let hijacked = try #require(taken.json["token"]?.stringValue)
            let workspaces = try await api.request(.get, "/api/v1/workspaces", token: hijacked)
            #expect(workspaces.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [alice.workspace])
            #expect(try await api.request(.get, "/api/v1/workspaces/\(wsB)/members", token: hijacked).status == 404)
            // Bob's link cannot be used without proving the account, and that link was never Alice's to hold.
            let refused = try await accept(api, fromBob, password: "a guess at it")
            #expect(refused.status == 401 && refused.text.contains("already has an account"), "\(refused.text)")
            #expect(try await memberEmails(api, ws: wsB, token: bob.token) == ["bob@example.com"])
        }
    }

    @Test func addingAMemberRevealsNothingAboutTheEmail() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            _ = try await api.addMember("bo@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let other = try await api.request(.post, "/api/v1/workspaces", token: owner.token, body: ["name": "Other"])
            let ws = try #require(other.json["id"]?.stringValue)
            let registered = try await invite(api, "bo@example.com", ws: ws, token: owner.token)
            let unknown = try await invite(api, "nobody@example.com", ws: ws, token: owner.token)
            #expect(registered.status == 201 && unknown.status == 201)
            func shape(_ r: JSONResponse) -> [String] { (r.json.objectValue?.keys.sorted() ?? []) + (r.json["invitation"]?.objectValue?.keys.sorted() ?? []) }
            #expect(shape(registered) == shape(unknown), "\(registered.text) vs \(unknown.text)")
            #expect(!registered.text.contains("bo@example.com\",\"name") && !registered.text.contains("usr_"), "\(registered.text)")
            #expect(try await memberEmails(api, ws: ws, token: owner.token) == ["owner@example.com"], "an existing account is invited, not added")
        }
    }

    @Test func anExistingAccountProvesItselfToAcceptAndKeepsItsName() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let bo = try await api.addMember("bo@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let carl = try await api.addMember("carl@example.com", role: "member", workspace: owner.workspace, by: owner.token)
            let other = try await api.request(.post, "/api/v1/workspaces", token: owner.token, body: ["name": "Other"])
            let ws = try #require(other.json["id"]?.stringValue)
            let invitation = try await invite(api, "bo@example.com", role: "viewer", ws: ws, token: owner.token)
            #expect(try await accept(api, invitation, name: "Mallory", password: "wrong password!").status == 401)
            #expect(try await accept(api, invitation, name: "Mallory", password: nil, bearer: carl.token).status == 403, "another account's token")
            let joined = try await accept(api, invitation, name: "Mallory", password: "member passphrase")
            #expect(joined.status == 200 && joined.json["user"]?["id"]?.stringValue == bo.user, "\(joined.text)")
            #expect(joined.json["user"]?["name"] == "bo@example.com", "accepting never renames an account")
            #expect(joined.json["role"] == "viewer" && joined.json["workspace"]?.stringValue == ws)
            #expect(try await accept(api, invitation, password: "member passphrase").status == 404, "single use")
            let again = try await invite(api, "carl@example.com", ws: ws, token: owner.token)
            #expect(try await accept(api, again, password: nil, bearer: carl.token).status == 200, "or while signed in as that account")
        }
    }

    @Test func reInvitingWithdrawsTheEarlierLinkAndAdminsCanListAndWithdraw() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let first = try await invite(api, "new@example.com", ws: owner.workspace, token: owner.token)
            let second = try await invite(api, "NEW@example.com", role: "viewer", ws: owner.workspace, token: owner.token)
            #expect(try await accept(api, first, password: "new passphrase 1").status == 404, "the earlier link is withdrawn")
            let pending = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/invitations", token: owner.token)
            let items = pending.json["items"]?.arrayValue ?? []
            #expect(items.count == 1 && items.first?["email"] == "new@example.com" && items.first?["role"] == "viewer" && items.first?["token"] == nil,
                    "\(pending.text)")
            let id = try #require(items.first?["id"]?.stringValue)
            #expect(try await api.request(.delete, "/api/v1/workspaces/\(owner.workspace)/invitations/\(id)", token: owner.token).status == 204)
            #expect(try await accept(api, second, password: "new passphrase 1").status == 404, "withdrawn")
            let missing = try await accept(api, try await invite(api, "x@example.com", ws: owner.workspace, token: owner.token), name: nil, password: nil)
            #expect(missing.status == 422, "a new account needs a name and a password: \(missing.text)")
        }
    }
}
