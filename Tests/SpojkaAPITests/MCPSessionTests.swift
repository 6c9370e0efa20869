import Foundation
import SpojkaCore
import SpojkaTestSupport
import Testing

/// `/mcp` sessions through the real router: bound to their token, ended by DELETE, expired when idle.
@Suite("MCP sessions")
struct MCPSessionTests {
    static let accept = ["Accept": "application/json, text/event-stream"]

    func initialize(_ api: TestAPI, _ token: String) async throws -> String {
        let answer = try await api.request(.post, "/mcp", token: token, body: [
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "swift-test", "version": "1"]],
        ], extraHeaders: Self.accept)
        #expect(answer.status == 200 && answer.text.contains("\"serverInfo\""), "\(answer.text)")
        let session = try #require(answer.headers.first { $0.name.canonicalName.lowercased() == "mcp-session-id" }?.value)
        let initialized = try await api.request(.post, "/mcp", token: token, body: ["jsonrpc": "2.0", "method": "notifications/initialized"],
                                                extraHeaders: headers(session))
        #expect(initialized.status == 202, "\(initialized.text)")
        return session
    }

    func headers(_ session: String) -> [String: String] {
        Self.accept.merging(["Mcp-Session-Id": session, "MCP-Protocol-Version": "2025-06-18"]) { a, _ in a }
    }

    func list(_ api: TestAPI, _ token: String, _ session: String) async throws -> JSONResponse {
        try await api.request(.post, "/mcp", token: token, body: ["jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": [:]],
                              extraHeaders: headers(session))
    }

    func scoped(_ api: TestAPI, _ owner: Owner, utilities: Bool = true) async throws -> (token: String, id: String) {
        let created = try await api.request(.post, "/api/v1/tokens", token: owner.token, body: [
            "name": "agent", "scope": ["workspace": .string(owner.workspace), "includeUtilities": .bool(utilities)]])
        return (try #require(created.json["token"]?.stringValue, "\(created.text)"), try #require(created.json["id"]?.stringValue))
    }

    @Test func sessionsAreBoundToTheirTokenEndOnDeleteAndExpireWhenIdle() async throws {
        let clock = TestClock()
        let app = try TestApp(clock: clock)
        try await app.run { api in
            let owner = try await api.setUp()
            let (agent, agentID) = try await scoped(api, owner)
            let (other, _) = try await scoped(api, owner)
            let session = try await initialize(api, agent)
            let listed = try await list(api, agent, session)
            #expect(listed.status == 200 && listed.text.contains("json__"), "utility tools are offered: \(listed.text)")
            let foreign = try await list(api, other, session)
            #expect(foreign.status == 404, "another token cannot use the session")
            let ended = try await api.request(.delete, "/mcp", token: agent, extraHeaders: headers(session))
            #expect(ended.status == 200)
            #expect(try await list(api, agent, session).status == 404)

            let idle = try await initialize(api, agent)
            clock.advance(by: 31 * 60)
            #expect(try await list(api, agent, idle).status == 404, "an idle session expires")

            let audit = try await api.request(.get, "/api/v1/workspaces/\(owner.workspace)/audit", token: owner.token)
            #expect(audit.text.contains("mcp.session_started") && audit.text.contains(agentID))
        }
    }
}
