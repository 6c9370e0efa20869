import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// The `mcp` connector against a Swift MCP replica over loopback: discovery through both answer kinds (JSON and
/// event streams), paging, sessions the server forgot, the outbound network policy, and a canary token.
@Suite("Remote MCP connections")
struct RemoteMCPTests {
    static let token = "mcp-replica-canary-4b1e9c"

    func withReplica(_ replica: MCPReplica, allowPrivate: Bool = true,
                     _ body: @Sendable (TestAPI, Owner, String, TestApp) async throws -> Void) async throws {
        let app = try TestApp(configure: { $0.allowPrivateNetwork = allowPrivate; $0.httpAttempts = 1 })
        try await ReplicaServer.run(replica.router) { base in
            try await app.run { api in try await body(api, try await api.setUp(), base + "/mcp", app) }
        }
    }

    func create(_ api: TestAPI, _ owner: Owner, _ url: String, token: String = token) async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token, body: [
            "connector": "mcp", "name": "Replica", "serviceUrl": .string(url), "credentials": ["token": .string(token)]])
    }

    func call(_ api: TestAPI, _ owner: Owner, _ connection: String, _ tool: String) async throws -> JSONResponse {
        try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token, body: [
            "connector": "mcp", "tool": .string(tool), "connection": .string(connection), "arguments": ["text": "hi"]])
    }

    @Test(arguments: [false, true])
    func discoversEveryPageAndCallsThroughEitherAnswerKind(json: Bool) async throws {
        let names = (1...25).map { "tool_\($0)" }
        let replica = MCPReplica(tools: names, token: Self.token, json: json, pageSize: 10)
        try await withReplica(replica) { api, owner, url, app in
            let created = try await create(api, owner, url)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == names.sorted())
            let id = try #require(created.json["id"]?.stringValue)
            let answer = try await call(api, owner, id, "tool_7")
            #expect(answer.status == 200 && answer.json["output"] == ["tool": "tool_7", "arguments": ["text": "hi"]], "\(answer.text)")
            #expect(replica.log.all.last?.headers["authorization"] == "Bearer \(Self.token)")
            #expect(replica.log.all.last?.headers["mcp-session-id"] != nil && replica.log.all.last?.headers["mcp-protocol-version"] == "2025-06-18")
            for text in api.transcript.all + app.logs.all { #expect(!text.contains(Self.token)) }
        }
    }

    @Test func aForgottenSessionIsInitialisedAgainOnce() async throws {
        let replica = MCPReplica(token: Self.token)
        try await withReplica(replica) { api, owner, url, _ in
            let id = try #require(try await create(api, owner, url).json["id"]?.stringValue)
            #expect(try await call(api, owner, id, "echo").status == 200)
            let before = replica.initializations
            #expect(try await call(api, owner, id, "ping").status == 200)
            #expect(replica.initializations == before, "the session is reused")
            replica.forgetSessions()
            let answer = try await call(api, owner, id, "echo")
            #expect(answer.status == 200, "\(answer.text)")
            #expect(replica.initializations == before + 1)
        }
    }

    @Test func statusFollowsTheServerAndToolChangesAreEvents() async throws {
        let replica = MCPReplica(token: Self.token)
        try await withReplica(replica) { api, owner, url, _ in
            let id = try #require(try await create(api, owner, url).json["id"]?.stringValue)
            let root = "/api/v1/workspaces/\(owner.workspace)/connections/\(id)"
            replica.tools.withLock { $0.append("get_weather") }
            let verified = try await api.request(.post, root + "/verify", token: owner.token)
            #expect(verified.json["tools"]?.arrayValue?.count == 3)
            let events = try await api.request(.get, root + "/events", token: owner.token)
            #expect(events.json["items"]?.arrayValue?.contains { $0["type"] == "tools_changed" && $0["reason"] == "added: get_weather" } == true,
                    "\(events.text)")
            replica.token.withLock { $0 = "another" }
            let rejected = try await call(api, owner, id, "echo")
            #expect(rejected.errorCode == "auth_rejected")
            #expect(try await api.request(.get, root, token: owner.token).json["status"] == "reauthorize")
        }
    }

    @Test func theOutboundNetworkPolicyApplies() async throws {
        try await withReplica(MCPReplica(), allowPrivate: false) { api, owner, url, _ in
            let created = try await create(api, owner, url)
            #expect(created.errorCode == "verification_failed", "\(created.text)")
            #expect(created.json["error"]?["message"]?.stringValue?.contains("blocked") == true || created.text.contains("private"), "\(created.text)")
        }
    }
}
