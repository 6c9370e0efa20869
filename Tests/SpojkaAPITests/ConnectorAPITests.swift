import Foundation
import Hummingbird
import SpojkaCore
import SpojkaTestSupport
import Testing

@Suite("Connector catalog and tool calls")
struct ConnectorAPITests {
    @Test func catalogListsFiltersAndDescribesConnectors() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let all = try await api.request(.get, "/api/v1/connectors", token: owner.token)
            let keys = all.json["items"]?.arrayValue?.compactMap { $0["key"]?.stringValue } ?? []
            #expect(keys.contains("http") && keys.contains("json") && keys.contains("text"))
            let utilities = try await api.request(.get, "/api/v1/connectors?category=Utilities", token: owner.token)
            #expect(utilities.json["items"]?.arrayValue?.allSatisfy { $0["category"] == "Utilities" } == true)
            #expect(utilities.json["items"]?.arrayValue?.count ?? 0 >= 10)
            let search = try await api.request(.get, "/api/v1/connectors?q=slugify", token: owner.token)
            #expect(search.json["items"]?.arrayValue?.compactMap { $0["key"]?.stringValue } == ["text"])
            let text = try await api.request(.get, "/api/v1/connectors/text", token: owner.token)
            #expect(text.json["tools"]?.arrayValue?.contains { $0["name"] == "slugify" && $0["inputSchema"] != nil && $0["outputSchema"] != nil } == true)
            #expect(text.json["needsConnection"] == false)
            let icon = try await api.request(.get, "/api/v1/connectors/text/icon", token: owner.token)
            #expect(icon.status == 200 && icon.headers[.contentType] == "image/svg+xml" && icon.text.contains("<svg"))
            #expect(try await api.request(.get, "/api/v1/connectors/nope", token: owner.token).status == 404)
            #expect(try await api.request(.get, "/api/v1/connectors").status == 401)
        }
    }

    @Test func utilityToolCallsValidateRunAndTime() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let path = "/api/v1/workspaces/\(owner.workspace)/tool-calls"
            let ok = try await api.request(.post, path, token: owner.token,
                                           body: ["connector": "text", "tool": "slugify", "arguments": ["text": "Héllo, World!"]])
            #expect(ok.status == 200)
            #expect(ok.json["output"]?["result"] == "hello-world")
            #expect(ok.json["durationMs"]?.doubleValue ?? -1 >= 0)
            let bad = try await api.request(.post, path, token: owner.token,
                                            body: ["connector": "text", "tool": "slugify", "arguments": ["text": 5, "extra": true]])
            #expect(bad.status == 422 && bad.errorCode == "invalid_arguments")
            let paths = bad.json["error"]?["details"]?["fields"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
            #expect(paths.contains("/text"))
            let unknownTool = try await api.request(.post, path, token: owner.token, body: ["connector": "text", "tool": "nope", "arguments": [:]])
            #expect(unknownTool.status == 422 && unknownTool.text.contains("tool"))
            let withConnection = try await api.request(.post, path, token: owner.token,
                                                       body: ["connector": "text", "tool": "slugify", "connection": "conn_x", "arguments": ["text": "a"]])
            #expect(withConnection.status == 422)
            let math = try await api.request(.post, path, token: owner.token,
                                             body: ["connector": "math", "tool": "evaluate", "arguments": ["expression": "1/0"]])
            #expect(math.status == 424 && math.errorCode == "tool_error")
        }
    }

    @Test func viewersCannotCallTools() async throws {
        try await TestApp().run { api in
            let owner = try await api.setUp()
            let viewer = try await api.addMember("v@example.com", role: "viewer", workspace: owner.workspace, by: owner.token)
            let answer = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: viewer.token,
                                               body: ["connector": "text", "tool": "slugify", "arguments": ["text": "a"]])
            #expect(answer.status == 403)
        }
    }

    @Test func httpToolCallsReachLoopbackOnlyWhenPrivateNetworksAreAllowed() async throws {
        let router = Router()
        router.get("/hello") { _, _ in Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"hi":1}"#))) }
        try await ReplicaServer.run(router) { base in
            try await TestApp(configure: { $0.allowPrivateNetwork = true }).run { api in
                let owner = try await api.setUp()
                let answer = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                                   body: ["connector": "http", "tool": "http_get", "arguments": ["url": .string(base + "/hello")]])
                #expect(answer.status == 200 && answer.json["output"]?["body"] == ["hi": 1])
            }
            try await TestApp().run { api in
                let owner = try await api.setUp()
                let answer = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                                   body: ["connector": "http", "tool": "http_get", "arguments": ["url": .string(base + "/hello")]])
                #expect(answer.status == 422 && answer.errorCode == "blocked_destination")
            }
        }
    }
}
