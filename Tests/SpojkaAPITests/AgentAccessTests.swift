import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// Issue 13 through the real server: connection handles, scoped tokens (least privilege both ways), per-connection tool policy.
@Suite("Agents: handles, token scopes, tool policy")
struct AgentAccessTests {
    static let key = "sk_test_AGENTCANARY5150"

    func withStripe(_ body: @Sendable (TestAPI, Owner, String, String) async throws -> Void) async throws {
        let stripe = KeyedStripe()
        stripe.accepted.withLock { $0 = [Self.key] }
        let app = try TestApp(configure: { $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        try await ReplicaServer.run(stripe.router) { base in
            try await app.run { api in
                let owner = try await api.setUp()
                for text in api.transcript.all + app.logs.all { #expect(!text.contains(Self.key)) }
                try await body(api, owner, base, try await create(api, owner, base, "Stripe – Produkce"))
                for text in api.transcript.all + app.logs.all { #expect(!text.contains(Self.key)) }
            }
        }
    }

    func create(_ api: TestAPI, _ owner: Owner, _ base: String, _ name: String) async throws -> String {
        let created = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/connections", token: owner.token,
                                            body: ["connector": "stripe", "name": .string(name), "credentials": ["secretKey": .string(Self.key)],
                                                   "serviceUrl": .string(base)])
        return try #require(created.json["id"]?.stringValue, "\(created.text)")
    }

    func connection(_ api: TestAPI, _ owner: Owner, _ id: String) async throws -> JSONValue {
        try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/connections/\(id)", token: owner.token).json
    }

    @Test func handlesAreSlugsUniqueInTheWorkspaceAndARenameKeepsThem() async throws {
        try await withStripe { api, owner, base, first in
            #expect(try await connection(api, owner, first)["handle"] == "stripe-produkce")
            let second = try await create(api, owner, base, "Stripe – Produkce")
            #expect(try await connection(api, owner, second)["handle"] == "stripe-produkce-2")
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(first)"
            let renamed = try await api.request(.patch, path, token: owner.token, body: ["name": "Billing"])
            #expect(renamed.status == 200 && renamed.json["handle"] == "stripe-produkce" && renamed.json["name"] == "Billing")
            let taken = try await api.request(.patch, path, token: owner.token, body: ["handle": "stripe-produkce-2"])
            #expect(taken.status == 409 && taken.errorCode == "conflict")
            let invalid = try await api.request(.patch, path, token: owner.token, body: ["handle": "Has__Underscores"])
            #expect(invalid.status == 422)
            let changed = try await api.request(.patch, path, token: owner.token, body: ["handle": "billing"])
            #expect(changed.status == 200 && changed.json["handle"] == "billing")
            let events = try await api.request(.get, path + "/events", token: owner.token)
            #expect(events.text.contains("handle_changed") && events.text.contains("renamed"))
        }
    }

    @Test func aScopedTokenReachesOnlyMCPAndAFullTokenIsNotAnAgentToken() async throws {
        try await withStripe { api, owner, _, conn in
            let unknown = try await api.request(.post, "/api/v1/tokens", token: owner.token,
                                                body: ["name": "agent", "scope": ["workspace": .string(owner.workspace), "connections": ["conn_nope"]]])
            #expect(unknown.status == 422 && unknown.text.contains("scope.connections.0"))
            let badTool = try await api.request(.post, "/api/v1/tokens", token: owner.token,
                                                body: ["name": "agent", "scope": ["workspace": .string(owner.workspace), "tools": [conn: ["no_such_tool"]]]])
            #expect(badTool.status == 422)
            let created = try await api.request(.post, "/api/v1/tokens", token: owner.token,
                                                body: ["name": "agent", "scope": ["workspace": .string(owner.workspace), "connections": [.string(conn)],
                                                                                  "readOnly": true]])
            #expect(created.status == 201 && created.json["scope"]?["readOnly"] == true, "\(created.text)")
            let agent = try #require(created.json["token"]?.stringValue)
            for path in ["/api/v1/workspaces", "/api/v1/workspaces/\(owner.workspace)/connections", "/api/v1/tokens"] {
                let refused = try await api.request(.get, path, token: agent)
                #expect(refused.status == 403, "\(path): \(refused.text)")
            }
            let call = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: agent,
                                             body: ["connector": "stripe", "tool": "get_balance", "connection": .string(conn)])
            #expect(call.status == 403)
            let current = try await api.request(.get, "/api/v1/tokens/current", token: agent)
            #expect(current.status == 200 && current.json["scope"]?["connections"] == [.string(conn)])
            let anonymous = try await api.raw(.post, "/mcp", authorization: nil)
            #expect(anonymous.status == 401 && anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let full = try await api.raw(.post, "/mcp", authorization: "Bearer \(owner.token)")
            #expect(full.status == 403 && full.headers[.wwwAuthenticate]?.contains("insufficient_scope") == true)
        }
    }

    @Test func theToolPolicyIsEnforcedOnToolCallsWorkflowSavesAndRuns() async throws {
        try await withStripe { api, owner, _, conn in
            let path = "/api/v1/workspaces/\(owner.workspace)/connections/\(conn)"
            let flow = Flow.definition("Lookup", [
                Flow.manual,
                Flow.node("lookup", "connector", ["connector": "stripe", "tool": "get_customer", "connection": .string(conn),
                                                  "arguments": ["id": "cus_1"]], output: "customer"),
            ], [Flow.edge("start", "lookup")])
            let saved = try await api.saveWorkflow(owner, flow)
            let set = try await api.request(.patch, path, token: owner.token, body: ["toolPolicy": ["allowedTools": ["get_balance"]]])
            #expect(set.status == 200 && set.json["toolPolicy"]?["allowedTools"] == ["get_balance"], "\(set.text)")
            let unknown = try await api.request(.patch, path, token: owner.token, body: ["toolPolicy": ["allowedTools": ["nope"]]])
            #expect(unknown.status == 422)
            let refused = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                                body: ["connector": "stripe", "tool": "get_customer", "connection": .string(conn), "arguments": ["id": "cus_1"]])
            #expect(refused.status == 403 && refused.errorCode == "tool_not_allowed", "\(refused.text)")
            let allowed = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/tool-calls", token: owner.token,
                                                body: ["connector": "stripe", "tool": "get_balance", "connection": .string(conn)])
            #expect(allowed.status == 200, "\(allowed.text)")
            let save = try await api.request(.post, "/api/v1/workspaces/\(owner.workspace)/workflows", token: owner.token, body: flow)
            #expect(save.status == 422 && save.text.contains("nodes.lookup.config.tool"), "\(save.text)")
            let run = try await api.runAndWait(owner, saved)
            #expect(run.json["status"] == "failed" && run.json["error"]?["code"] == "tool_not_allowed" && run.json["error"]?["nodeId"] == "lookup",
                    "\(run.text)")
            let events = try await api.request(.get, path + "/events", token: owner.token)
            #expect(events.text.contains("tool_policy_changed"))
            let cleared = try await api.request(.patch, path, token: owner.token, body: ["toolPolicy": ["allowedTools": .null, "readOnly": false]])
            #expect(cleared.status == 200 && cleared.json["toolPolicy"] == .null)
        }
    }
}
