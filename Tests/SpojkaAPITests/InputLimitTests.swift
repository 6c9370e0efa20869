import Foundation
import HTTPTypes
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Issue 10 "also fix": the workflows list pages; strings have length limits; the OpenAPI document shows them.
@Suite("Limits: paging and string lengths")
struct InputLimitTests {
    @Test func theWorkflowsListHonoursLimitAndCursor() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            for name in ["Delta", "Alpha", "Charlie", "Bravo", "Echo"] {
                _ = try await api.saveWorkflow(owner, Flow.definition(name, [Flow.manual], []))
            }
            let base = "/api/v1/workspaces/\(owner.workspace)/workflows"
            var names: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try await api.request(.get, base + "?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: owner.token)
                #expect(page.status == 200, "\(page.text)")
                let items = page.json["items"]?.arrayValue ?? []
                #expect(items.count <= 2)
                names += items.compactMap { $0["name"]?.stringValue }
                cursor = page.json["nextCursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 10
            #expect(names == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"] && pages == 3)
            for bad in ["limit=-1", "limit=0", "limit=201", "limit=ten", "cursor=nonsense"] {
                let refused = try await api.request(.get, base + "?" + bad, token: owner.token)
                #expect(refused.status == 422 && refused.errorCode == "validation_failed", "\(bad): \(refused.status) \(refused.text)")
            }
            #expect(try await api.request(.get, base, token: owner.token).json["items"]?.arrayValue?.count == 5)
        }
    }

    @Test func longStringsAreRefusedNamingTheField() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let ws = "/api/v1/workspaces/\(owner.workspace)"
            let huge = String(repeating: "x", count: 1_000_000)
            func refused(_ path: String, _ body: JSONValue, field: String, method: HTTPRequest.Method = .post) async throws {
                let answer = try await api.request(method, path, token: owner.token, body: body)
                #expect(answer.status == 422, "\(path) \(field): \(answer.status) \(answer.text.prefix(300))")
                let fields = answer.json["error"]?["details"]?["fields"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
                #expect(fields.contains(field), "\(path): \(answer.text.prefix(300))")
                #expect(answer.text.count < 2000, "the error does not echo the long value")
            }
            let long = String(repeating: "n", count: 201)
            try await refused(ws + "/workflows", Flow.definition(long, [Flow.manual], []), field: "name")
            try await refused(ws + "/workflows", Flow.definition(huge, [Flow.manual], []), field: "name")
            try await refused(ws + "/workflows", Flow.definition("Ok", [Flow.node(String(repeating: "i", count: 65), "trigger", ["kind": "manual"])], []),
                              field: "nodes[0].id")
            var described = Flow.definition("Ok", [Flow.manual], []).objectValue ?? [:]
            described["description"] = .string(String(repeating: "d", count: 4001))
            try await refused(ws + "/workflows", .object(described), field: "description")
            try await refused(ws, ["name": .string(long)], field: "name", method: .patch)
            try await refused("/api/v1/tokens", ["name": .string(long)], field: "name")
            try await refused(ws + "/connections", ["connector": "webhook", "name": "Hook", "credentials": ["secret": .string(huge)]],
                              field: "credentials.secret")
            let id = try await api.saveWorkflow(owner, Flow.definition("Human", [
                Flow.manual, Flow.node("ok", "human", ["approvers": ["roles": ["owner"]]]),
            ], [Flow.edge("start", "ok")]))
            let run = try await api.request(.post, ws + "/workflows/\(id)/runs", token: owner.token, body: [:])
            let runID = try #require(run.json["runId"]?.stringValue, "\(run.text)")
            try await refused(ws + "/runs/\(runID)/approvals/ok", ["decision": "approve", "comment": .string(String(repeating: "c", count: 2001))],
                              field: "comment")
            // At the limit is fine.
            let fits = try await api.request(.post, ws + "/workflows", token: owner.token,
                                             body: Flow.definition(String(repeating: "n", count: 200), [Flow.node(String(repeating: "i", count: 64), "trigger", ["kind": "manual"])], []))
            #expect(fits.status == 201, "\(fits.text.prefix(300))")
        }
    }

    @Test func theOpenAPIDocumentTypesEveryBodyWithItsLimits() async throws {
        try await TestApp().run { api in
            let doc = try await api.request(.get, "/api/v1/openapi.json").json
            let create = doc["paths"]?["/api/v1/workspaces/{ws}/workflows"]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
            #expect(create?["properties"]?["name"]?["maxLength"] == 200)
            #expect(create?["properties"]?["nodes"]?["items"]?["properties"]?["id"]?["maxLength"] == 64)
            #expect(create?["properties"]?["nodes"]?["maxItems"] == 500)
            #expect(create?["required"] == ["name", "nodes", "edges"])
            let list = doc["paths"]?["/api/v1/workspaces/{ws}/workflows"]?["get"]?["parameters"]?.arrayValue ?? []
            #expect(list.contains { $0["name"] == "limit" && $0["schema"]?["maximum"] == 200 })
            var untyped: [String] = []
            for (path, item) in doc["paths"]?.objectValue ?? [:] {
                for (method, op) in item.objectValue ?? [:] {
                    guard let schema = op["requestBody"]?["content"]?["application/json"]?["schema"] else { continue }
                    for (field, property) in schema["properties"]?.objectValue ?? [:] where property == [:] && field != "input" {
                        untyped.append("\(method) \(path) \(field)")
                    }
                    if schema["additionalProperties"] != false { untyped.append("\(method) \(path) allows unknown fields") }
                }
            }
            #expect(untyped.isEmpty, "\(untyped)")
        }
    }
}
