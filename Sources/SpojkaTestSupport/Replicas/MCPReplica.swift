import Foundation
import HTTPTypes
import Hummingbird
import SpojkaCore
import Synchronization

/// A remote MCP server (Streamable HTTP, protocol 2025-06-18) for Swift tests and benchmarks: `POST /mcp` with
/// `initialize` (a session ID), `notifications/*` (202), `tools/list` (pages of `pageSize`) and `tools/call` (echoes
/// `{tool, arguments}` as structured content). Answers as JSON or as an event stream; checks a bearer token when
/// one is set; forgets every session on `forgetSessions()` (the next request with an old ID gets 404).
public final class MCPReplica: Sendable {
    /// `application/json` answers (else `text/event-stream`).
    public let json: Bool
    /// The token the replica expects (`nil`: none).
    public let token: Mutex<String?>
    /// The tool names it lists (each takes an optional string `text`).
    public let tools: Mutex<[String]>
    /// Tools per `tools/list` page.
    public let pageSize: Int
    /// Every request.
    public let log = RequestLog()
    private let sessions = Mutex<Set<String>>([])

    /// Creates a replica listing `tools`.
    public init(tools: [String] = ["echo", "ping"], token: String? = nil, json: Bool = false, pageSize: Int = 50) {
        self.tools = Mutex(tools); self.token = Mutex(token); self.json = json; self.pageSize = pageSize
    }

    /// Forgets every session.
    public func forgetSessions() { sessions.withLock { $0.removeAll() } }

    /// How many `initialize` requests arrived.
    public var initializations: Int { log.all.filter { $0.body.contains("\"initialize\"") }.count }

    /// The replica's routes.
    public var router: Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RecordingMiddleware(log: log))
        router.post("/mcp") { request, _ in try await self.answer(request) }
        return router
    }

    func answer(_ request: Request) async throws -> Response {
        if let token = token.withLock({ $0 }), ReplicaKit.header(request, "authorization") != "Bearer \(token)" {
            return ReplicaKit.json(["error": "invalid_token"], status: 401, headers: [("WWW-Authenticate", "Bearer")])
        }
        guard let message = try await ReplicaKit.jsonBody(request), let method = message["method"]?.stringValue else {
            return ReplicaKit.json(["jsonrpc": "2.0", "id": .null, "error": ["code": -32700, "message": "parse error"]], status: 400)
        }
        guard let id = message["id"] else { return Response(status: .accepted) }
        var headers: [(String, String)] = []
        if method == "initialize" {
            let session = UUID().uuidString.lowercased()
            sessions.withLock { _ = $0.insert(session) }
            headers.append(("Mcp-Session-Id", session))
        } else if let session = ReplicaKit.header(request, "mcp-session-id"), !sessions.withLock({ $0.contains(session) }) {
            return ReplicaKit.json(["jsonrpc": "2.0", "id": id, "error": ["code": -32001, "message": "session not found"]], status: 404)
        }
        let result: JSONValue
        switch method {
        case "initialize":
            result = ["protocolVersion": "2025-06-18", "capabilities": ["tools": ["listChanged": false]],
                      "serverInfo": ["name": "Replica MCP", "version": "0.1.0"]]
        case "tools/list":
            let all = tools.withLock { $0 }
            let start = Int(message["params"]?["cursor"]?.stringValue ?? "0") ?? 0
            let page = all.dropFirst(start).prefix(pageSize)
            var listed: [String: JSONValue] = ["tools": .array(page.map(Self.tool))]
            if start + page.count < all.count { listed["nextCursor"] = .string(String(start + page.count)) }
            result = .object(listed)
        case "tools/call":
            let name = message["params"]?["name"]?.stringValue ?? ""
            guard tools.withLock({ $0.contains(name) }) else {
                return reply(["jsonrpc": "2.0", "id": id, "error": ["code": -32602, "message": .string("unknown tool \(name)")]], headers)
            }
            let structured: JSONValue = ["tool": .string(name), "arguments": message["params"]?["arguments"] ?? [:]]
            result = ["content": [["type": "text", "text": .string(structured.jsonText)]], "structuredContent": structured, "isError": false]
        default:
            return reply(["jsonrpc": "2.0", "id": id, "error": ["code": -32601, "message": "method not found"]], headers)
        }
        return reply(["jsonrpc": "2.0", "id": id, "result": result], headers)
    }

    func reply(_ message: JSONValue, _ headers: [(String, String)]) -> Response {
        if json { return ReplicaKit.json(message, headers: headers) }
        var fields = HTTPFields()
        fields[.contentType] = "text/event-stream"
        for (name, text) in headers { if let field = HTTPField.Name(name) { fields[field] = text } }
        let body = "event: message\r\ndata: \(message.jsonText)\r\n\r\n"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func tool(_ name: String) -> JSONValue {
        ["name": .string(name), "description": .string("The \(name) tool of the replica."),
         "inputSchema": ["type": "object", "properties": ["text": ["type": "string"]]],
         "outputSchema": ["type": "object", "required": ["tool"], "properties": ["tool": ["type": "string"], "arguments": ["type": "object"]]],
         "annotations": ["readOnlyHint": .bool(name.hasPrefix("get") || name == "echo")]]
    }
}
