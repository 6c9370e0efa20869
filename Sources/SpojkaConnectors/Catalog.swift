import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The built-in connectors: manifests shipped as data plus Swift implementations of code tools.
public enum BuiltinConnectors {
    /// The folder holding `<key>/manifest.json` and `<key>/icon.svg` for every shipped connector.
    public static var manifestsDirectory: URL? {
        Bundle.module.url(forResource: "Manifests", withExtension: nil)
    }

    /// Every Swift tool implementation, with database tools checking hosts against `destinations`.
    public static func implementations(destinations: any DestinationPolicy) -> [String: any ToolImplementation] {
        implementations.merging(PostgresTools.implementations(destinations: destinations)) { first, _ in first }
    }

    /// Every Swift tool implementation; remote MCP servers are reached through `transport` (its network policy applies).
    public static func implementations(destinations: any DestinationPolicy, transport: any HTTPTransport) -> [String: any ToolImplementation] {
        implementations(destinations: destinations).merging(MCPRemoteTools.implementations(transport: transport)) { first, _ in first }
    }

    /// The names of every Swift tool implementation (for manifest checks).
    public static var implementationNames: Set<String> { Set(implementations.keys).union(PostgresTools.names).union(MCPRemoteTools.names) }

    /// The utility tool implementations by `implementation` name (e.g. `json.parse`); they reach no network.
    public static var implementations: [String: any ToolImplementation] {
        var all: [String: any ToolImplementation] = [:]
        for group in implementationGroups { all.merge(group) { first, _ in first } }
        return all
    }

    /// Each utility family contributes its implementations here.
    static var implementationGroups: [[String: any ToolImplementation]] {
        [JSONTools.implementations, TextTools.implementations, RegexTools.implementations, MathTools.implementations,
         DateTimeTools.implementations, CSVTools.implementations, EncodingTools.implementations,
         IdentifierTools.implementations, ArrayTools.implementations, ValidationTools.implementations, WebhookTools.implementations]
    }
}
