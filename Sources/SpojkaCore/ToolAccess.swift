import Foundation

/// A connection's own limit on its tools, enforced on every path (tool calls, workflows, MCP).
public struct ToolPolicy: Sendable, Hashable, Codable {
    /// The tools that may be called; `nil` allows every tool of the connector.
    public var allowedTools: [String]?
    /// Only tools whose manifest says `readOnlyHint: true`.
    public var readOnly: Bool

    /// Creates a policy.
    public init(allowedTools: [String]? = nil, readOnly: Bool = false) {
        self.allowedTools = allowedTools; self.readOnly = readOnly
    }

    /// Whether `tool` (read-only per its manifest when `readOnlyHint`) may be called.
    public func allows(_ tool: String, readOnlyHint: Bool) -> Bool {
        if readOnly && !readOnlyHint { return false }
        return allowedTools.map { $0.contains(tool) } ?? true
    }

    /// Whether the policy limits nothing.
    public var isOpen: Bool { allowedTools == nil && !readOnly }
}

/// What a scoped API token may reach: one workspace's connections and tools, and nothing else of the API.
public struct TokenScope: Sendable, Hashable, Codable {
    /// The only workspace the token reaches.
    public var workspace: ID<Workspace>
    /// The connections it reaches; `nil` means every connection of the workspace.
    public var connections: [ID<Connection>]?
    /// Per connection ID, the tools it may call (a connection without an entry: every tool).
    public var tools: [String: [String]]?
    /// Only tools whose manifest says `readOnlyHint: true`.
    public var readOnly: Bool
    /// Whether utility connectors (no connection) are offered.
    public var includeUtilities: Bool

    /// Creates a scope.
    public init(workspace: ID<Workspace>, connections: [ID<Connection>]? = nil, tools: [String: [String]]? = nil,
                readOnly: Bool = false, includeUtilities: Bool = false) {
        self.workspace = workspace; self.connections = connections; self.tools = tools
        self.readOnly = readOnly; self.includeUtilities = includeUtilities
    }

    /// Whether the scope reaches `connection`.
    public func reaches(_ connection: ID<Connection>) -> Bool {
        connections.map { $0.contains(connection) } ?? true
    }

    /// Whether the scope allows `tool` of `connection` (read-only per its manifest when `readOnlyHint`).
    public func allows(_ tool: String, of connection: ID<Connection>, readOnlyHint: Bool) -> Bool {
        guard reaches(connection) else { return false }
        if readOnly && !readOnlyHint { return false }
        return tools?[connection.rawValue].map { $0.contains(tool) } ?? true
    }

    /// Whether the scope allows utility `tool` (read-only per its manifest when `readOnlyHint`).
    public func allowsUtility(readOnlyHint: Bool) -> Bool {
        includeUtilities && (!readOnly || readOnlyHint)
    }
}

/// Connection handles: stable slugs, unique in a workspace, that name a connection in MCP tool names.
public enum ConnectionHandle {
    /// The longest handle.
    public static let maxLength = 40

    /// Whether `text` is a valid handle: lowercase letters, digits and single hyphens, starting with a letter or digit.
    public static func isValid(_ text: String) -> Bool {
        guard (1...maxLength).contains(text.count), !text.hasPrefix("-"), !text.hasSuffix("-"), !text.contains("--") else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D }
    }

    /// The slug of a display name (`"Slack — Sales"` → `slack-sales`), `fallback` when nothing is left.
    public static func slug(_ name: String, fallback: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil).lowercased()
        var out = ""
        for scalar in folded.unicodeScalars {
            let ascii = scalar.isASCII && (("a"..."z").contains(Character(scalar)) || ("0"..."9").contains(Character(scalar)))
            if ascii { out.unicodeScalars.append(scalar) } else if !out.isEmpty && !out.hasSuffix("-") { out.append("-") }
        }
        out = String(out.prefix(maxLength - 4))
        while out.hasSuffix("-") { out.removeLast() }
        if out.isEmpty { return isValid(fallback) ? fallback : "connection" }
        return out
    }

    /// The handle of a connection that has none yet: `conn-` and ten characters of its ID (what migration 0008 gave).
    public static func fallback(for id: String) -> String {
        let suffix = id.split(separator: "_", maxSplits: 1).last.map(String.init) ?? id
        return "conn-" + String(suffix.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(10))
    }

    /// `base`, or `base-2`, `base-3`… — the first that is not in `taken`.
    public static func unique(_ base: String, taken: Set<String>) -> String {
        if !taken.contains(base) { return base }
        var n = 2
        while taken.contains("\(base)-\(n)") { n += 1 }
        return "\(base)-\(n)"
    }
}
