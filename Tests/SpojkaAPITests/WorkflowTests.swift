import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Workflows: save, versions, usage")
struct WorkflowTests {
    func definition(connection: String, name: String = "Customer sync", limit: JSONValue = 10) -> JSONValue {
        ["name": .string(name),
         "nodes": [
            ["id": "start", "type": "trigger", "config": ["kind": "manual"]],
            ["id": "customers", "type": "connector", "outputVariable": "customers",
             "config": ["connector": "stripe", "tool": "list_customers", "connection": .string(connection), "arguments": ["limit": limit]]],
            ["id": "shape", "type": "transform", "config": ["template": ["count": "{{ length(customers.items) }}"]]],
            ["id": "reply", "type": "response", "config": ["status": 200, "body": "{{ shape }}"]],
         ],
         "edges": [["from": "start", "to": "customers"], ["from": "customers", "to": "shape"], ["from": "shape", "to": "reply"]]]
    }

    func connection(_ api: TestAPI, _ owner: (token: String, workspace: String, user: String), connector: String = "stripe") async throws -> String {
        let credentials: JSONValue = connector == "stripe" ? ["secretKey": "sk_test_wfCanary123"] : ["accessToken": "shpat_abc"]
        let settings: JSONValue = connector == "stripe" ? [:] : ["store": "acme"]
        let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections?verify=false", token: owner.token,
                                            body: ["connector": .string(connector), "name": "C", "credentials": credentials, "settings": settings])
        return try #require(created.json["id"]?.stringValue)
    }

    @Test func savingVersionsRestoringAndExporting() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let conn = try await connection(api, owner)
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let created = try await api.request(.post, base, token: owner.token, body: definition(connection: conn))
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.json["id"]?.stringValue)
            #expect(id.hasPrefix("wf_") && created.json["version"] == 1 && created.json["enabled"] == true)
            let second = try await api.request(.put, "\(base)/\(id)", token: owner.token, body: definition(connection: conn, name: "Customer sync v2", limit: 20))
            #expect(second.json["version"] == 2 && second.json["name"] == "Customer sync v2")
            let versions = try await api.request(.get, "\(base)/\(id)/versions", token: owner.token)
            #expect(versions.json["items"]?.arrayValue?.compactMap { $0["version"]?.doubleValue } == [1, 2])
            let restored = try await api.request(.post, "\(base)/\(id)/versions/1/restore", token: owner.token)
            #expect(restored.json["version"] == 3 && restored.json["definition"] == definition(connection: conn))
            let export = try await api.request(.get, "\(base)/\(id)/export", token: owner.token)
            #expect(export.text.contains(conn) && !export.text.contains("wfCanary"))
            let usage = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections/\(conn)/usage", token: owner.token)
            #expect(usage.json["workflows"]?[0]?["versions"] == [1, 2, 3] && usage.json["workflows"]?[0]?["name"] == "Customer sync")
            let viewer = try await api.addMember("v@example.com", role: "viewer", workspace: owner.workspace, by: owner.token)
            #expect(try await api.request(.put, "\(base)/\(id)", token: viewer.token, body: definition(connection: conn)).status == 403)
            #expect(try await api.request(.get, "\(base)/\(id)", token: viewer.token).status == 200)
        }
    }

    @Test func invalidDefinitionsAreRefusedWithEveryProblem() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let stripe = try await connection(api, owner)
            let shopify = try await connection(api, owner, connector: "shopify")
            let bad: JSONValue = [
                "name": "Broken",
                "nodes": [
                    ["id": "a", "type": "trigger", "config": ["kind": "manual"]],
                    ["id": "b", "type": "trigger", "config": ["kind": "cron"]],
                    ["id": "c", "type": "connector", "config": ["connector": "stripe", "tool": "list_customers", "connection": .string(shopify), "arguments": ["limit": "ten"]]],
                    ["id": "d", "type": "connector", "config": ["connector": "stripe", "tool": "nope", "connection": .string(stripe)]],
                    ["id": "e", "type": "connector", "config": ["connector": "stripe", "tool": "get_customer"]],
                    ["id": "f", "type": "condition", "config": ["rules": [], "combine": "and", "note": "{{ unclosed"]],
                    ["id": "g", "type": "transform", "config": ["template": "{{ a.[ }}"]],
                    ["id": "h", "type": "teleport"],
                ],
                "edges": [["from": "a", "to": "c"], ["from": "c", "to": "x"], ["from": "f", "to": "g", "handle": "maybe"],
                          ["from": "g", "to": "f", "handle": "true"], ["from": "c", "to": "g"], ["from": "g", "to": "c"]]]
            let answer = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/workflows", token: owner.token, body: bad)
            #expect(answer.status == 422 && answer.errorCode == "invalid_workflow")
            let paths = Set(answer.json["error"]?["details"]?["fields"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? [])
            for expected in ["nodes", "nodes.b.config.kind", "nodes.c.config.connection", "nodes.c.config.arguments.limit", "nodes.d.config.tool",
                             "nodes.e.config.connection", "nodes.f.config.note", "nodes.g.config.template", "nodes.h.type", "edges[1].to",
                             "edges[2].handle", "edges"] {
                #expect(paths.contains(expected), "missing \(expected) in \(paths.sorted())")
            }
            let list = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/workflows", token: owner.token)
            #expect(list.json["items"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func usageGuardsDeletionAndForcedDeletionBreaksTheWorkflowVisibly() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let conn = try await connection(api, owner)
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            let id = try #require(try await api.request(.post, base, token: owner.token, body: definition(connection: conn)).json["id"]?.stringValue)
            _ = try await api.request(.patch, "\(base)/\(id)", token: owner.token, body: ["enabled": false])
            let connPath = "/api/v1/workspaces/\(owner.workspace)/connections/\(conn)"
            let usage = try await api.request(.get, connPath + "/usage", token: owner.token)
            #expect(usage.json["workflows"]?[0]?["enabled"] == false)
            #expect(try await api.request(.delete, connPath, token: owner.token).status == 409)
            #expect(try await api.request(.delete, connPath + "?force=true", token: owner.token).status == 204)
            let broken = try await api.request(.get, "\(base)/\(id)", token: owner.token)
            #expect(broken.json["broken"] == [["node": "customers", "connection": .string(conn), "reason": "connection deleted"]])
            let resave = try await api.request(.put, "\(base)/\(id)", token: owner.token, body: definition(connection: conn))
            #expect(resave.status == 422 && resave.text.contains("nodes.customers.config.connection"))
            let other = try await connection(api, owner)
            let second = try #require(try await api.request(.post, base, token: owner.token, body: definition(connection: other, name: "Other")).json["id"]?.stringValue)
            #expect(try await api.request(.delete, "\(base)/\(second)", token: owner.token).status == 204)
            #expect(try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections/\(other)/usage", token: owner.token).json["total"] == 0)
            #expect(try await api.request(.delete, "/api/v1/workspaces/\(owner.workspace)/connections/\(other)", token: owner.token).status == 204)
        }
    }
}
