import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MCP
import SpojkaCore

/// `POST/GET/DELETE /mcp`: MCP Streamable HTTP for agents, authenticated by scoped API tokens.
public struct MCPEndpoint: Sendable {
    /// The path of the endpoint.
    public static let path = "/mcp"

    let deps: MCPDependencies
    let sessions: MCPSessions

    /// Creates the endpoint.
    public init(deps: MCPDependencies) {
        self.deps = deps
        let sessions = MCPSessions(deps: deps)
        self.sessions = sessions
        deps.connections.changes.subscribe { workspace in Task { await sessions.toolsChanged(in: workspace) } }
    }

    /// Adds the routes to `router`.
    public func mount<Context: Hummingbird.RequestContext>(on router: Router<Context>) {
        router.post(RouterPath(stringLiteral: Self.path)) { request, _ in try await respond(request) }
        router.get(RouterPath(stringLiteral: Self.path)) { request, _ in try await respond(request) }
        router.delete(RouterPath(stringLiteral: Self.path)) { request, _ in try await respond(request) }
    }

    func respond(_ request: Hummingbird.Request) async throws -> Hummingbird.Response {
        let caller: MCPCaller
        do { caller = try await deps.authenticate(request.headers[.authorization]) } catch {
            return Self.refuse(401, "Bearer realm=\"spojka\"", "Send Authorization: Bearer with a scoped Spojka API token")
        }
        guard let scope = caller.scope else {
            return Self.refuse(403, "Bearer realm=\"spojka\", error=\"insufficient_scope\"",
                               "Only a scoped token (POST /api/v1/tokens with a scope) can use /mcp")
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var body: Data?
        if request.method == .post {
            let buffer = try await request.body.collect(upTo: deps.bodyLimit)
            body = Data(buffer.readableBytesView)
        }
        let mcpRequest = MCP.HTTPRequest(method: request.method.rawValue, headers: headers, body: body, path: request.uri.path)
        return Self.response(await sessions.handle(mcpRequest, caller: caller, scope: scope))
    }

    /// A 401/403 with `WWW-Authenticate` and a JSON-RPC error body; nothing is listed.
    static func refuse(_ code: Int, _ challenge: String, _ message: String) -> Hummingbird.Response {
        let body: JSONValue = ["jsonrpc": "2.0", "id": .null, "error": ["code": -32001, "message": .string(message)]]
        return Hummingbird.Response(status: .init(code: code), headers: [.wwwAuthenticate: challenge, .contentType: "application/json"],
                                    body: .init(byteBuffer: ByteBuffer(bytes: body.jsonBytes)))
    }

    /// The SDK's response as a Hummingbird response (SSE streams stay streams).
    static func response(_ answer: MCP.HTTPResponse) -> Hummingbird.Response {
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        switch answer {
        case .stream(let stream, _):
            return Hummingbird.Response(status: .init(code: answer.statusCode), headers: fields, body: ResponseBody { writer in
                for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                try await writer.finish(nil)
            })
        default:
            let bytes = answer.bodyData ?? Data()
            return Hummingbird.Response(status: .init(code: answer.statusCode), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
