import SpojkaCore

/// Where a connector whose tools come from the service (a remote MCP server) finds them, and what calls them.
public struct DiscoverySpec: Codable, Sendable, Hashable {
    /// JMESPath over the verification's output selecting the discovered tools (MCP `Tool` objects).
    public var tools: String
    /// The Swift implementation that calls every discovered tool.
    public var implementation: String

    /// Creates a discovery specification.
    public init(tools: String, implementation: String) { self.tools = tools; self.implementation = implementation }
}

/// Tools a connection discovered from its service: normalised for storage, and read back as tool specifications.
public enum DiscoveredTools {
    /// The most tools one connection keeps.
    public static let maxTools = 1000

    /// The output schema of a discovered tool that declares none: its text and content blocks.
    public static let contentSchema: JSONValue = [
        "type": "object", "required": ["text", "content"],
        "properties": ["text": ["type": "string"], "content": ["type": "array", "items": ["type": "object"]]],
    ]

    /// Tools as a service described them (MCP `Tool` objects) in stored form `{name, title, description, inputSchema,
    /// outputSchema, annotations}`, sorted by name. Nameless or oddly named tools are dropped; a schema the validator
    /// cannot compile becomes permissive (the service still validates); a missing output schema becomes `contentSchema`.
    public static func normalize(_ described: JSONValue) -> JSONValue {
        var seen = Set<String>()
        var out: [JSONValue] = []
        for tool in described.arrayValue ?? [] {
            guard let name = tool["name"]?.stringValue, isValidName(name), seen.insert(name).inserted else { continue }
            let title = tool["title"]?.stringValue ?? tool["annotations"]?["title"]?.stringValue ?? name
            var annotations: [String: JSONValue] = [:]
            for hint in ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] {
                if case .bool(let flag)? = tool["annotations"]?[hint] { annotations[hint] = .bool(flag) }
            }
            let input = tool["inputSchema"].flatMap { compiles($0) && $0["type"] == "object" ? $0 : nil } ?? ["type": "object"]
            let output = tool["outputSchema"].flatMap { compiles($0) && $0.objectValue != nil ? $0 : nil } ?? contentSchema
            let description = tool["description"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? title
            out.append(["name": .string(name), "title": .string(title), "description": .string(String(description.prefix(4000))),
                        "inputSchema": input, "outputSchema": output, "annotations": .object(annotations)])
            if out.count == maxTools { break }
        }
        return .array(out.sorted { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") })
    }

    /// Whether `name` can name a discovered tool: 1–128 letters, digits, `_`, `-` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        (1...128).contains(name.utf8.count) && name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D || c == 0x2E
        }
    }

    static func compiles(_ schema: JSONValue) -> Bool { (try? JSONSchema(schema)) != nil }

    /// The tool specifications of stored tools, each called by `implementation`.
    public static func specs(_ stored: JSONValue?, implementation: String) -> [ToolSpec] {
        (stored?.arrayValue ?? []).compactMap { tool in
            guard let name = tool["name"]?.stringValue else { return nil }
            let hints = tool["annotations"]
            let annotations = ToolAnnotations(readOnlyHint: hints?["readOnlyHint"]?.boolValue, destructiveHint: hints?["destructiveHint"]?.boolValue,
                                              idempotentHint: hints?["idempotentHint"]?.boolValue, openWorldHint: hints?["openWorldHint"]?.boolValue)
            return ToolSpec(name: name, title: tool["title"]?.stringValue ?? name, description: tool["description"]?.stringValue ?? name,
                            inputSchema: tool["inputSchema"] ?? ["type": "object"], outputSchema: tool["outputSchema"] ?? contentSchema,
                            annotations: annotations, request: nil, implementation: implementation, examples: nil)
        }
    }

    /// What changed between two stored tool sets: names added, removed, and tools whose description changed.
    public static func changes(from old: JSONValue?, to new: JSONValue) -> (added: [String], removed: [String], changed: [String]) {
        func byName(_ value: JSONValue?) -> [String: JSONValue] {
            Dictionary((value?.arrayValue ?? []).compactMap { t in t["name"]?.stringValue.map { ($0, t) } }, uniquingKeysWith: { a, _ in a })
        }
        let (before, after) = (byName(old), byName(new))
        return (after.keys.filter { before[$0] == nil }.sorted(), before.keys.filter { after[$0] == nil }.sorted(),
                after.keys.filter { before[$0] != nil && before[$0] != after[$0] }.sorted())
    }
}

extension ConnectorManifest {
    /// The connector as `connection` sees it: a connector with discovery offers the connection's discovered tools.
    public func toolSet(for connection: Connection) -> ConnectorManifest {
        guard let discovery else { return self }
        var manifest = self
        manifest.tools = DiscoveredTools.specs(connection.tools, implementation: discovery.implementation)
        return manifest
    }
}
