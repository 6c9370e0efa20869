import SpojkaCore

extension WorkflowValidator {
    /// Connector nodes of a saved definition that can no longer run against what the workspace holds now, besides
    /// deleted connections: a production connection the environment guard refuses.
    public func unrunnable(_ definition: JSONValue, connections: [String: Connection]) -> [(node: String, connection: String, reason: String)] {
        let environment = EnvironmentGuard.environment(of: definition) ?? .production
        return EnvironmentGuard.connectorNodes(definition).compactMap { node in
            guard let connection = connections[node.connection],
                  let reason = EnvironmentGuard.refusal(node: node.id, connection: connection, environment: environment,
                                                        allowProduction: EnvironmentGuard.allowsProduction(node.json)) else { return nil }
            return (node.id, node.connection, reason)
        }
    }
}
