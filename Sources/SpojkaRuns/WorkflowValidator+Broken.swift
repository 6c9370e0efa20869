import SpojkaConnections
import SpojkaConnectorKit
import SpojkaCore

extension WorkflowValidator {
    /// Connector nodes of a saved definition that can no longer run against what the workspace and the catalog hold now,
    /// besides deleted connections: a tool (or connector) gone in a connector update, a production connection the
    /// environment guard refuses.
    public func unrunnable(_ definition: JSONValue, connections: [String: Connection]) -> [(node: String, connection: String, reason: String)] {
        let catalog = self.catalog
        var out: [(node: String, connection: String, reason: String)] = []
        for node in definition["nodes"]?.arrayValue ?? [] where node["type"]?.stringValue == "connector" {
            let id = node["id"]?.stringValue ?? "", config = node["config"] ?? .null
            if let reason = Self.missingTool(catalog, connector: config["connector"]?.stringValue ?? "", tool: config["tool"]?.stringValue ?? "") {
                out.append((id, config["connection"]?.stringValue ?? "", reason))
            }
        }
        let environment = EnvironmentGuard.environment(of: definition) ?? .production
        return out + EnvironmentGuard.connectorNodes(definition).compactMap { node in
            EnvironmentGuard.refusal(node, environment: environment, connections: connections).map { (node.id, node.connection, $0) }
        }
    }

    /// Why `connector`'s `tool` cannot be called with the catalog in force (removed by an update), if so.
    /// A connector whose tools are discovered per connection (`mcp`) is checked by the call against that set instead.
    static func missingTool(_ catalog: Catalog, connector: String, tool: String) -> String? {
        guard let manifest = catalog.connector(connector) else { return "connector \(connector) is no longer in the catalog" }
        guard manifest.discovery == nil, manifest.tool(tool) == nil else { return nil }
        return "tool \(tool) was removed from connector \(connector) (version \(manifest.version))"
    }

    /// Throws `tool_not_found` at node `node` when its tool is gone from the catalog in force.
    func ensureTool(node: String, connector: String, tool: String) throws {
        guard let reason = Self.missingTool(catalog, connector: connector, tool: tool) else { return }
        throw StepFailure(nodeID: node, code: SpojkaError.Code.toolNotFound.rawValue, message: "node \(node): \(reason)")
    }
}
