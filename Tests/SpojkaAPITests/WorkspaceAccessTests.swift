import Foundation
import HTTPTypes
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Workspaces, members and roles")
struct WorkspaceAccessTests {
    @Test func roleMatrix() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let ws = owner.workspace
            let admin = try await api.addMember("admin@example.com", role: "admin", workspace: ws, by: owner.token)
            let member = try await api.addMember("member@example.com", role: "member", workspace: ws, by: owner.token)
            let viewer = try await api.addMember("viewer@example.com", role: "viewer", workspace: ws, by: owner.token)
            let everyone = [("owner", owner.token), ("admin", admin.token), ("member", member.token), ("viewer", viewer.token)]
            func expect(_ method: HTTPRequest.Method, _ path: String, body: JSONValue? = nil, allowed: Set<String>, success: Int) async throws {
                for (role, token) in everyone {
                    let answer = try await api.request(method, path, token: token, body: body)
                    if allowed.contains(role) {
                        #expect(answer.status == success, "\(role) \(method) \(path): \(answer.text)")
                    } else {
                        #expect(answer.status == 403 && answer.errorCode == "forbidden", "\(role) \(method) \(path): \(answer.status)")
                    }
                }
            }
            let all: Set<String> = ["owner", "admin", "member", "viewer"]
            try await expect(.get, "/api/v1/workspaces/\(ws)", allowed: all, success: 200)
            try await expect(.get, "/api/v1/workspaces/\(ws)/members", allowed: all, success: 200)
            try await expect(.patch, "/api/v1/workspaces/\(ws)", body: ["name": "Renamed"], allowed: ["owner", "admin"], success: 200)
            try await expect(.get, "/api/v1/workspaces/\(ws)/audit", allowed: ["owner", "admin"], success: 200)
            try await expect(.patch, "/api/v1/workspaces/\(ws)/members/\(viewer.user)", body: ["role": "viewer"],
                             allowed: ["owner", "admin"], success: 200)
            // Adding members: admin and owner only; only an owner may create owners or touch them.
            for (role, token) in everyone {
                let answer = try await api.request(.post, "/api/v1/workspaces/\(ws)/members", token: token,
                                                   body: ["email": .string("new-\(role)@example.com"), "role": "viewer"])
                #expect(answer.status == (["owner", "admin"].contains(role) ? 201 : 403), "\(role) adds member")
            }
            let grantOwner = try await api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(member.user)", token: admin.token, body: ["role": "owner"])
            #expect(grantOwner.status == 403)
            let demoteOwner = try await api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(owner.user)", token: admin.token, body: ["role": "admin"])
            #expect(demoteOwner.status == 403)
            let removeOwner = try await api.request(.delete, "/api/v1/workspaces/\(ws)/members/\(owner.user)", token: admin.token)
            #expect(removeOwner.status == 403)
            // Members may leave; they may not remove others.
            #expect(try await api.request(.delete, "/api/v1/workspaces/\(ws)/members/\(viewer.user)", token: member.token).status == 403)
            #expect(try await api.request(.delete, "/api/v1/workspaces/\(ws)/members/\(member.user)", token: member.token).status == 204)
            #expect(try await api.request(.get, "/api/v1/workspaces/\(ws)", token: member.token).status == 404)
            // Only the owner deletes the workspace.
            for token in [admin.token, viewer.token] {
                #expect(try await api.request(.delete, "/api/v1/workspaces/\(ws)", token: token).status == 403)
            }
            #expect(try await api.request(.delete, "/api/v1/workspaces/\(ws)", token: owner.token).status == 204)
            #expect(try await api.request(.get, "/api/v1/workspaces/\(ws)", token: owner.token).status == 404)
        }
    }

    @Test func aWorkspaceNeverLosesItsLastOwner() async throws {
        try await TestApp().run { api in
            let a = try await api.setUp()
            let ws = a.workspace
            let selfDemote = try await api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(a.user)", token: a.token, body: ["role": "admin"])
            #expect(selfDemote.status == 409 && selfDemote.errorCode == "last_owner")
            let selfRemove = try await api.request(.delete, "/api/v1/workspaces/\(ws)/members/\(a.user)", token: a.token)
            #expect(selfRemove.status == 409)
            let b = try await api.addMember("b@example.com", role: "owner", workspace: ws, by: a.token)
            // Two owners demote each other at the same moment: at most one may succeed.
            async let first = api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(b.user)", token: a.token, body: ["role": "admin"])
            async let second = api.request(.patch, "/api/v1/workspaces/\(ws)/members/\(a.user)", token: b.token, body: ["role": "admin"])
            let statuses = [try await first.status, try await second.status].sorted()
            #expect(statuses.contains(200))
            let members = try await api.request(.get, "/api/v1/workspaces/\(ws)/members", token: a.token)
            let owners = members.json["items"]?.arrayValue?.filter { $0["role"] == "owner" }.count ?? 0
            #expect(owners >= 1)
            #expect(statuses == [200, 409] || statuses == [200, 403] || statuses == [200, 404])
        }
    }

    @Test func otherWorkspacesAnswer404OnEveryRoute() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            // A second user with their own workspace; the first user is not a member of it.
            let outsider = try await api.addMember("out@example.com", role: "viewer", workspace: owner.workspace, by: owner.token)
            let theirs = try await api.request(.post, "/api/v1/workspaces", token: outsider.token, body: ["name": "Theirs"])
            let foreign = try #require(theirs.json["id"]?.stringValue)
            let theirConnection = try await api.request(.post, "/api/v1/workspaces/\(foreign)/connections?verify=false", token: outsider.token,
                                                        body: ["connector": "stripe", "name": "Theirs", "credentials": ["secretKey": "sk_test_abc123"]])
            let connection = try #require(theirConnection.json["id"]?.stringValue)
            let openapi = try await api.request(.get, "/api/v1/openapi.json")
            let paths = try #require(openapi.json["paths"]?.objectValue)
            var checked = 0
            for (path, item) in paths where path.contains("{ws}") {
                for method in (item.objectValue ?? [:]).keys {
                    let concrete = path.replacingOccurrences(of: "{ws}", with: foreign)
                        .replacingOccurrences(of: "{userId}", with: outsider.user).replacingOccurrences(of: "{id}", with: connection)
                    let body: JSONValue? = ["post", "patch", "put"].contains(method) ? ["name": "x", "email": "x@example.com", "role": "viewer"] : nil
                    for id in [foreign, "ws_doesnotexist"] {
                        let answer = try await api.request(HTTPRequest.Method(method.uppercased())!, concrete.replacingOccurrences(of: foreign, with: id),
                                                           token: owner.token, body: body)
                        #expect(answer.status == 404 && ["not_found", "connection_not_found"].contains(answer.errorCode ?? ""),
                                "\(method) \(path) \(id): \(answer.status) \(answer.text)")
                        checked += 1
                    }
                }
            }
            let expected = paths.filter { $0.key.contains("{ws}") }.map { ($0.value.objectValue ?? [:]).count * 2 }.reduce(0, +)
            #expect(checked == expected && checked >= 36)
            let token = try await api.request(.get, "/api/v1/tokens", token: outsider.token).json["items"]?[0]?["id"]?.stringValue
            #expect(try await api.request(.delete, "/api/v1/tokens/\(token ?? "")", token: owner.token).status == 404)
        }
    }

    @Test func workspaceCreateRenameAndMembersList() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let created = try await api.request(.post, "/api/v1/workspaces", token: owner.token, body: ["name": "Second"])
            #expect(created.status == 201 && created.json["role"] == "owner")
            let id = try #require(created.json["id"]?.stringValue)
            let renamed = try await api.request(.patch, "/api/v1/workspaces/\(id)", token: owner.token, body: ["name": "Second team"])
            #expect(renamed.json["name"] == "Second team")
            let bad = try await api.request(.patch, "/api/v1/workspaces/\(id)", token: owner.token, body: ["name": ""])
            #expect(bad.status == 422)
            #expect(try await api.request(.get, "/api/v1/workspaces/\(id)", token: owner.token).json["name"] == "Second team")
            let list = try await api.request(.get, "/api/v1/workspaces", token: owner.token)
            #expect(list.json["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Acme", "Second team"])
            let dup = try await api.request(.post, "/api/v1/workspaces/\(id)/members", token: owner.token,
                                            body: ["email": "owner@example.com", "role": "admin"])
            #expect(dup.status == 409)
        }
    }
}
