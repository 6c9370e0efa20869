import Foundation
import Logging
import MCP
import SpojkaCore

/// The live MCP sessions: one `Server` and stateful transport each, bound to the token that started it.
actor MCPSessions {
    struct Session {
        let server: MCP.Server
        let transport: StatefulHTTPServerTransport
        let caller: MCPCaller
        let scope: TokenScope
        var lastSeen: Date
    }

    private struct FixedSessionID: SessionIDGenerator {
        let id: String
        func generateSessionID() -> String { id }
    }

    private let deps: MCPDependencies
    private var sessions: [String: Session] = [:]

    init(deps: MCPDependencies) { self.deps = deps }

    /// Routes one authenticated request: to its session, or a new session for `initialize`.
    func handle(_ request: MCP.HTTPRequest, caller: MCPCaller, scope: TokenScope) async -> MCP.HTTPResponse {
        expireIdle()
        if let id = request.header(HTTPHeaderName.sessionID) {
            // Another token's session is as unknown as an expired one.
            guard var session = sessions[id], session.caller.tokenID == caller.tokenID else {
                return .error(statusCode: 404, .invalidRequest("Not Found: session not found or expired"))
            }
            session.lastSeen = deps.clock.now()
            sessions[id] = session
            let response = await session.transport.handleRequest(request)
            if request.method.uppercased() == "DELETE", response.statusCode == 200 {
                sessions[id] = nil
                await session.server.stop()
            }
            return response
        }
        guard request.method.uppercased() == "POST", let body = request.body, Self.isInitialize(body) else {
            return .error(statusCode: 400, .invalidRequest("Bad Request: send initialize first, then the Mcp-Session-Id header"))
        }
        return await start(request, caller: caller, scope: scope)
    }

    private func start(_ request: MCP.HTTPRequest, caller: MCPCaller, scope: TokenScope) async -> MCP.HTTPResponse {
        let id = "mcp_" + Base32.encode(deps.ids.randomBytes(20))
        let transport = StatefulHTTPServerTransport(sessionIDGenerator: FixedSessionID(id: id))
        let server = await MCPToolServer(deps: deps, caller: caller, scope: scope).make()
        do { try await server.start(transport: transport) } catch {
            await transport.disconnect()
            return .error(statusCode: 500, .internalError("The session could not start"))
        }
        sessions[id] = Session(server: server, transport: transport, caller: caller, scope: scope, lastSeen: deps.clock.now())
        let response = await transport.handleRequest(request)
        if case .error = response {
            sessions[id] = nil
            await server.stop()
            return response
        }
        let event = AuditEvent(id: deps.ids.make(), workspaceID: scope.workspace, at: deps.clock.now(), actor: caller.userID.rawValue,
                               action: "mcp.session_started", target: caller.tokenID.rawValue, details: ["token": .string(caller.tokenID.rawValue)])
        try? await deps.store.transaction { try await $0.appendAudit(event) }
        deps.logger.info("mcp session started", metadata: ["token": .string(caller.tokenID.rawValue)])
        return response
    }

    /// Ends sessions idle longer than the timeout.
    private func expireIdle() {
        let now = deps.clock.now()
        for (id, session) in sessions where now.timeIntervalSince(session.lastSeen) > deps.sessionIdleTimeout {
            sessions[id] = nil
            Task { await session.server.stop() }
        }
    }

    /// Sends `notifications/tools/list_changed` to the workspace's sessions (on their GET stream, where the client holds one).
    func toolsChanged(in workspace: SpojkaCore.ID<Workspace>) async {
        for session in sessions.values where session.scope.workspace == workspace {
            try? await session.server.notify(ToolListChangedNotification.message())
        }
    }

    /// The number of live sessions.
    var count: Int { sessions.count }

    static func isInitialize(_ body: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return false }
        return object["method"] as? String == "initialize"
    }
}
