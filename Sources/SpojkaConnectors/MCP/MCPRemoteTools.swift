import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `mcp` connector's tools: discovery (`initialize` + `tools/list`) at verification, and the call of any
/// discovered tool (`tools/call`), sent to the connection's service URL with its auth rules applied.
public struct MCPRemoteTools: Sendable {
    let client: MCPRemoteClient
    let credentials = CredentialHeaders()
    static let maxPages = 50

    /// The implementations by name, sending through `transport`.
    public static func implementations(transport: any HTTPTransport) -> [String: any ToolImplementation] {
        let tools = MCPRemoteTools(client: MCPRemoteClient(transport: transport))
        return [
            "mcp.list_tools": ClosureTool { try await tools.listTools($0) },
            "mcp.call_tool": ClosureTool { try await tools.callTool($0) },
        ]
    }

    /// The names of the implementations (for manifest checks).
    public static let names: Set<String> = ["mcp.list_tools", "mcp.call_tool"]

    func endpoint(_ call: ToolInvocation) throws -> MCPRemoteClient.Endpoint {
        guard let url = call.serviceURL, !url.isEmpty else {
            throw ToolError(.invalidArguments, "This MCP connection has no server URL: set its serviceUrl to the server's endpoint (e.g. https://host/mcp)")
        }
        return MCPRemoteClient.Endpoint(url: url, headers: try credentials.headers(call))
    }

    /// A fresh `initialize`, then every page of `tools/list`: `{server, protocolVersion, tools}` with the tools normalised.
    func listTools(_ call: ToolInvocation) async throws -> JSONValue {
        let endpoint = try endpoint(call)
        let session = try await client.initialize(endpoint)
        var tools: [JSONValue] = []
        var cursor: JSONValue?
        for _ in 0..<Self.maxPages {
            let params: JSONValue = cursor.map { ["cursor": $0] } ?? [:]
            let page = try await client.request(endpoint, method: "tools/list", params: params)
            tools += page["tools"]?.arrayValue ?? []
            guard let next = page["nextCursor"], next != .null else { break }
            cursor = next
        }
        let server: JSONValue = ["name": session.server["name"] ?? "MCP server", "version": session.server["version"] ?? .null]
        return ["server": server, "protocolVersion": .string(session.version), "tools": DiscoveredTools.normalize(.array(tools))]
    }

    /// `tools/call` of the discovered tool: its structured content when it declares an output schema, else its text and
    /// content (and any structured content it sent anyway).
    func callTool(_ call: ToolInvocation) async throws -> JSONValue {
        let result = try await client.request(try endpoint(call), method: "tools/call",
                                              params: ["name": .string(call.tool.name), "arguments": call.arguments])
        return try Self.output(of: result, tool: call.tool)
    }

    /// The tool output of a `tools/call` result; `isError` results become `tool_error`.
    static func output(of result: JSONValue, tool: ToolSpec) throws -> JSONValue {
        let content = result["content"]?.arrayValue ?? []
        let text = content.compactMap { $0["type"] == "text" ? $0["text"]?.stringValue : nil }.joined(separator: "\n")
        if result["isError"] == .bool(true) {
            throw ToolError(.toolError, text.isEmpty ? "The MCP tool \(tool.name) reported an error" : String(text.prefix(2000)))
        }
        guard tool.outputSchema == DiscoveredTools.contentSchema else {
            if let structured = result["structuredContent"], structured != .null { return structured }
            return (try? JSONValue(parsingText: text)) ?? .null
        }
        var output: [String: JSONValue] = ["text": .string(text), "content": .array(content)]
        if let structured = result["structuredContent"], structured != .null { output["structuredContent"] = structured }
        return .object(output)
    }
}
