import Foundation
import Logging
import MCP
import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore

/// The MCP `Server` of one session: `tools/list` and `tools/call` over the caller's scope.
struct MCPToolServer {
    /// Tools per `tools/list` page.
    static let pageSize = 100

    let deps: MCPDependencies
    let caller: MCPCaller
    let scope: TokenScope

    /// A server with the tool handlers registered.
    func make() async -> MCP.Server {
        let server = MCP.Server(name: "spojka", version: "1.0.0", title: "Spojka",
                                instructions: "Tools of this workspace's connections, named {connection handle}__{tool}. Credentials never leave Spojka.",
                                capabilities: .init(tools: .init(listChanged: true)))
        let this = self
        await server.withMethodHandler(ListTools.self) { params in try await this.list(cursor: params.cursor) }
        await server.withMethodHandler(CallTool.self) { params in await this.call(params.name, arguments: params.arguments) }
        return server
    }

    func list(cursor: String?) async throws -> ListTools.Result {
        let tools = try await ToolSet(deps: deps).tools(for: scope, user: caller.userID)
        var start = 0
        if let cursor {
            guard let data = Data(base64Encoded: cursor), let n = Int(String(decoding: data, as: UTF8.self)), n >= 0 else {
                throw MCPError.invalidParams("cursor is not one this server returned")
            }
            start = n
        }
        let page = tools.dropFirst(start).prefix(Self.pageSize)
        let end = start + page.count
        let next = end < tools.count ? Data(String(end).utf8).base64EncodedString() : nil
        return ListTools.Result(tools: page.map(Self.tool), nextCursor: next)
    }

    static func tool(_ offered: OfferedTool) -> MCP.Tool {
        let a = offered.tool.annotations
        let annotations = MCP.Tool.Annotations(title: offered.tool.title, readOnlyHint: a?.readOnlyHint, destructiveHint: a?.destructiveHint,
                                               idempotentHint: a?.idempotentHint, openWorldHint: a?.openWorldHint)
        // MCP wants object schemas; a manifest's `true` (anything) output schema is left out.
        let output = offered.tool.outputSchema["type"] == "object" ? value(offered.tool.outputSchema) : nil
        let title = offered.connection.map { "\($0.name): \(offered.tool.title)" } ?? "\(offered.manifest.name): \(offered.tool.title)"
        return MCP.Tool(name: offered.name, title: title, description: offered.description, inputSchema: value(offered.tool.inputSchema),
                        annotations: annotations, outputSchema: output)
    }

    /// Calls through the same path as the tool-calls API; failures are `isError` results with the code and scrubbed message.
    func call(_ name: String, arguments: [String: MCP.Value]?) async -> CallTool.Result {
        let started = ContinuousClock.now
        var connectionID: String?
        let result: CallTool.Result
        do {
            let toolSet = ToolSet(deps: deps)
            guard let offered = try await toolSet.tool(name, for: scope, user: caller.userID) else {
                throw try await toolSet.refusal(name, scope: scope)
            }
            connectionID = offered.connection?.id.rawValue
            let input = try Self.json(arguments ?? [:])
            let output: JSONValue
            do {
                if let connection = offered.connection {
                    output = try await deps.connections.callTool(offered.tool.name, arguments: input, connection: connection.id, in: scope.workspace,
                                                                 connector: connection.connector, by: caller.tokenID.rawValue, purpose: "mcp")
                } else {
                    output = try await deps.connections.callWithoutConnection(offered.tool.name, arguments: input, connector: offered.manifest.key)
                }
            } catch let error as ToolError {
                throw SpojkaError(SpojkaError.Code(rawValue: error.code.rawValue), error.message)
            }
            let structured: JSONValue = output.objectValue != nil ? output : ["result": output]
            result = try CallTool.Result(content: [.text(text: output.jsonText, annotations: nil, _meta: nil)], structuredContent: Self.value(structured), isError: false)
        } catch let error as SpojkaError {
            result = Self.failure(error.code.rawValue, error.message)
        } catch {
            result = Self.failure("internal_error", "The tool call failed unexpectedly")
        }
        await audit(name, connection: connectionID, error: result.isError == true ? result.content.first : nil)
        deps.logger.info("mcp tool call", metadata: ["tool": .string(name), "token": .string(caller.tokenID.rawValue),
                                                     "error": .stringConvertible(result.isError == true),
                                                     "ms": .stringConvertible((ContinuousClock.now - started).components.seconds * 1000)])
        return result
    }

    static func failure(_ code: String, _ message: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: "\(code): \(message)", annotations: nil, _meta: nil)], structuredContent: nil, isError: true)
    }

    /// The audit entry of a call: token, tool, outcome — never argument values.
    func audit(_ name: String, connection: String?, error: MCP.Tool.Content?) async {
        var details: [String: JSONValue] = ["token": .string(caller.tokenID.rawValue), "tool": .string(name)]
        if case .text(let text, _, _)? = error { details["error"] = .string(String(text.prefix(while: { $0 != ":" }))) }
        let event = AuditEvent(id: deps.ids.make(), workspaceID: scope.workspace, at: deps.clock.now(), actor: caller.userID.rawValue,
                               action: "mcp.tool_called", target: connection, outcome: error == nil ? "success" : "failure", details: details)
        do { try await deps.store.transaction { try await $0.appendAudit(event) } } catch {
            deps.logger.error("mcp audit write failed", metadata: ["tool": .string(name)])
        }
    }

    /// Spojka JSON → MCP value.
    static func value(_ json: JSONValue) -> MCP.Value {
        (try? JSONDecoder().decode(MCP.Value.self, from: Data(json.jsonBytes))) ?? .null
    }

    /// MCP arguments → Spojka JSON.
    static func json(_ arguments: [String: MCP.Value]) throws -> JSONValue {
        do { return try JSONDecoder().decode(JSONValue.self, from: try JSONEncoder().encode(arguments)) } catch {
            throw SpojkaError.validation([("arguments", "must be JSON")])
        }
    }
}
