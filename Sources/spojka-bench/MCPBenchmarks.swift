import Foundation
import SpojkaConnectorKit
import SpojkaConnectors
import SpojkaCore
import SpojkaOutbound
import SpojkaTestSupport

extension Bench {
    /// Agents: `tools/list` at Spojka's `/mcp` with 100 remote MCP connections × 20 discovered tools (2,000 tools,
    /// 20 pages), and one `tools/call` through `/mcp` against the same call through `/tool-calls` (both reach the same
    /// loopback MCP replica). The client is Spojka's own Streamable HTTP MCP client.
    static func mcp() async throws -> [(String, String)] {
        let replica = MCPReplica(tools: (1...20).map { String(format: "tool_%02d", $0) }, token: "bench-mcp-token", json: true)
        let app = try TestApp(configure: { $0.logLevel = .error; $0.allowPrivateNetwork = true; $0.httpAttempts = 1 })
        return try await ReplicaServer.run(replica.router) { remote in
            try await app.runLive { base, api in
                let owner = try await api.setUp()
                let ws = "/api/v1/workspaces/\(owner.workspace)"
                var first = ""
                for n in 1...100 {
                    let created = try await api.request(.post, ws + "/connections", token: owner.token, body: [
                        "connector": "mcp", "name": .string("Remote \(n)"), "serviceUrl": .string(remote + "/mcp"),
                        "credentials": ["token": "bench-mcp-token"]])
                    guard created.status == 201, let id = created.json["id"]?.stringValue else { throw TestFailure(created.text) }
                    if n == 1 { first = id }
                }
                let token = try await api.request(.post, "/api/v1/tokens", token: owner.token, body: [
                    "name": "bench agent", "scope": ["workspace": .string(owner.workspace)]])
                guard let agent = token.json["token"]?.stringValue else { throw TestFailure(token.text) }
                let transport = PolicyHTTPTransport(policy: NetworkPolicy(allowPrivateNetwork: true))
                let client = MCPRemoteClient(transport: transport)
                let (url, auth) = (base + "/mcp", [("Authorization", "Bearer \(agent)")])
                let figures: (onePage: Stats, full: Stats, viaMCP: Stats, viaAPI: Stats)
                do {
                    func listAll() async throws -> Int {
                        var count = 0
                        var cursor: JSONValue?
                        repeat {
                            let page = try await client.request(url: url, headers: auth, method: "tools/list", params: cursor.map { ["cursor": $0] } ?? [:])
                            count += page["tools"]?.arrayValue?.count ?? 0
                            cursor = page["nextCursor"].flatMap { $0 == .null ? nil : $0 }
                        } while cursor != nil
                        return count
                    }
                    guard try await listAll() == 2000 else { throw TestFailure("expected 2,000 tools") }
                    let onePage = try await measureAsync(count: 200, warmup: 10) {
                        _ = try await client.request(url: url, headers: auth, method: "tools/list")
                    }
                    let full = try await measureAsync(count: 20, warmup: 2) { _ = try await listAll() }
                    let arguments: JSONValue = ["text": "hello"]
                    let viaMCP = try await measureAsync(count: 500, warmup: 20) {
                        let result = try await client.request(url: url, headers: auth, method: "tools/call",
                                                              params: ["name": "remote-1__tool_01", "arguments": arguments])
                        guard result["isError"] != .bool(true) else { throw TestFailure("MCP call failed: \(result)") }
                    }
                    let viaAPI = try await measureAsync(count: 500, warmup: 20) {
                        // Through the same client transport as the MCP calls (a fresh test-client connection would idle out).
                        let body: JSONValue = ["connector": "mcp", "tool": "tool_01", "connection": .string(first), "arguments": arguments]
                        let answer = try await transport.send(OutboundRequest(method: "POST", url: base + ws + "/tool-calls", headers: [
                            ("Authorization", "Bearer \(owner.token)"), ("Content-Type", "application/json")], body: Array(body.jsonText.utf8)), timeout: .seconds(30))
                        guard answer.status == 200 else { throw TestFailure(String(decoding: answer.body, as: UTF8.self)) }
                    }
                    figures = (onePage, full, viaMCP, viaAPI)
                } catch {
                    try await transport.shutdown()
                    throw TestFailure("the MCP benchmark failed: \(error)")
                }
                let (onePage, full, viaMCP, viaAPI) = figures
                try await transport.shutdown()
                return [("MCP tools/list, 100 connections × 20 tools: first page (100 tools) p50 / p99", "\(millis(onePage.p50)) / \(millis(onePage.p99))"),
                        ("MCP tools/list, 100 connections × 20 tools: all 2,000 tools (20 pages) p50 / p99", "\(millis(full.p50)) / \(millis(full.p99))"),
                        ("MCP tools/call of a remote MCP tool p50 / p99", "\(millis(viaMCP.p50)) / \(millis(viaMCP.p99))"),
                        ("same call through POST /tool-calls p50 / p99", "\(millis(viaAPI.p50)) / \(millis(viaAPI.p99))"),
                        ("MCP tools/call overhead ratio at p50 (MCP / tool-calls)", String(format: "%.2f×", viaMCP.p50 / viaAPI.p50))]
            }
        }
    }
}
